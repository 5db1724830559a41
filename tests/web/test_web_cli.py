"""`andiwali serve` refuses non-loopback hosts without team mode; `andiwali users` manages accounts."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from andiwali.cli import _load_commands, app
from andiwali.cli.serve import is_loopback

_load_commands()
runner = CliRunner()


@pytest.mark.parametrize("host,loop", [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
                                       ("0.0.0.0", False), ("192.0.2.10", False), ("example.org", False), ("::", False)])
def test_is_loopback(host, loop):
    assert is_loopback(host) is loop


def test_serve_refuses_a_public_host_without_team_mode(seeded):
    r = runner.invoke(app, ["--kb", str(seeded.path), "serve", "--host", "0.0.0.0", "--port", "8765"])
    assert r.exit_code == 2
    assert "--team" in r.output


def test_team_mode_needs_a_user(seeded):
    r = runner.invoke(app, ["--kb", str(seeded.path), "serve", "--host", "0.0.0.0", "--team", "--port", "8765"])
    assert r.exit_code == 2 and "users add" in r.output


def test_users_add_list_role_disable(seeded):
    kb = ["--kb", str(seeded.path), "--as", "root-admin"]
    r = runner.invoke(app, kb + ["users", "add", "rosa", "--role", "analyst", "--password-stdin"],
                      input="a-long-password\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, kb + ["users", "add", "rosa", "--role", "analyst", "--password-stdin"], input="another-pass\n")
    assert r.exit_code != 0
    r = runner.invoke(app, kb + ["users", "add", "tim", "--role", "boss", "--password-stdin"], input="a-long-password\n")
    assert r.exit_code == 2
    r = runner.invoke(app, kb + ["users", "add", "tim", "--role", "viewer", "--password-stdin"], input="short\n")
    assert r.exit_code != 0 and "8 characters" in str(r.exception)
    assert runner.invoke(app, kb + ["users", "role", "rosa", "admin"]).exit_code == 0
    assert runner.invoke(app, kb + ["users", "disable", "rosa"]).exit_code == 0
    out = runner.invoke(app, kb + ["users", "list"]).output
    assert "rosa\tadmin\tdisabled" in out
    from andiwali.store import KnowledgeBase

    k = KnowledgeBase.open(seeded.path)
    try:
        actions = [(a["actor"], a["action"]) for a in k.audit_log(object_id="rosa")]
    finally:
        k.close()
    assert ("root-admin", "create") in actions and ("root-admin", "disable") in actions
