"""Every ingest setting, CLI option and error code is documented in docs/ingest.md."""

from __future__ import annotations

from pathlib import Path

import typer.main

from andiwali.cli import _load_commands, app
from andiwali.errors import ERRORS
from andiwali.ingest import DEFAULT_OPTIONS, FORMATS, SETTINGS, IngestOptions

DOC = (Path(__file__).resolve().parents[2] / "docs" / "ingest.md").read_text()


def test_settings_table_matches_options():
    from dataclasses import fields

    assert {s.name for s in SETTINGS} | {"extra"} == {f.name for f in fields(IngestOptions)}
    for s in SETTINGS:
        assert getattr(DEFAULT_OPTIONS, s.name) == s.default
        assert s.help


def test_every_setting_is_documented():
    for s in SETTINGS:
        assert f"`{s.name}`" in DOC, s.name


def test_every_format_is_documented():
    for name in FORMATS:
        assert f"`{name}`" in DOC, name


def test_every_ingest_error_code_is_documented():
    for code in ERRORS:
        if code.startswith("E2") and code != "E200":
            assert f"| {code} |" in DOC, code


def test_every_cli_option_has_help_and_docs():
    _load_commands()
    root = typer.main.get_command(app)
    ctx = type(root).context_class(root) if hasattr(type(root), "context_class") else None
    for path in (["ingest"], ["docs"], ["docs", "show"], ["docs", "search"]):
        cmd = root
        for part in path:
            cmd = cmd.get_command(ctx, part) if hasattr(cmd, "get_command") else None
        assert cmd is not None and cmd.help, path
        for param in cmd.params:
            if param.param_type_name == "option":
                assert param.help, (path, param.name)
                for opt in param.opts:
                    if opt.startswith("--"):
                        assert opt in DOC, (path, opt)
