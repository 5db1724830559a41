"""docs/web.md documents every `serve`/`users` option and every API route; every command has help."""

from __future__ import annotations

import typer
from webhelpers import ROOT

from andiwali.cli import _load_commands, app

DOC = (ROOT / "docs" / "web.md").read_text()


def _command(path: list[str]):
    _load_commands()
    cmd = typer.main.get_command(app)
    for part in path:
        cmd = cmd.get_command(None, part)
        assert cmd is not None, path
    return cmd


def test_every_serve_and_users_option_has_help_and_docs():
    for path in (["serve"], ["users", "add"], ["users", "list"], ["users", "passwd"], ["users", "role"],
                 ["users", "disable"]):
        cmd = _command(path)
        assert cmd.help, path
        assert f"users {path[1]}" in DOC if len(path) > 1 else "andiwali" in DOC
        for p in cmd.params:
            if p.param_type_name == "option":
                assert p.help, (path, p.name)
                assert any(f"`{o}`" in DOC or f" {o}" in DOC for o in p.opts), (path, p.opts)


def test_every_api_route_is_documented(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert len(paths) >= 20
    for path, ops in paths.items():
        for method in ops:
            assert f"`{method.upper()} {path}`" in DOC, f"{method.upper()} {path} is not in docs/web.md"


def test_error_codes_of_the_web_app_are_documented():
    from andiwali.errors import ERRORS

    for code in ERRORS:
        if code.startswith("E7"):
            assert f"| {code} |" in DOC, code
