"""`andiwali ingest` and `andiwali docs` end to end through the Typer app."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from andiwali.cli import _load_commands, app
from andiwali.store import KnowledgeBase

_load_commands()


@pytest.fixture
def kbdir(tmp_path):
    d = tmp_path / "kb"
    KnowledgeBase.create(d, with_reference=False).close()
    return d


def run(kbdir, *args):
    result = CliRunner().invoke(app, ["--kb", str(kbdir), *map(str, args)], catch_exceptions=False)
    return result


def test_ingest_then_docs_json(kbdir, corpus):
    r = run(kbdir, "ingest", corpus["brief.txt"].parent, "--grade", "B2", "--source", "Desk")
    assert r.exit_code == 0, r.output
    assert "0 file(s) skipped" in r.stdout
    r = run(kbdir, "docs", "--json")
    assert r.exit_code == 0
    docs = json.loads(r.stdout)
    assert {"id", "title", "source", "format", "language", "published", "n_chars", "version"} <= set(docs[0])
    txt = next(d for d in docs if d["format"] == "txt")
    assert txt["source"] == "Desk" and txt["grade"] == "B2" and txt["version"] == 1
    tg = [d for d in docs if d["format"] == "telegram"]
    assert {d["source"] for d in tg} == {"Example Channel"}


def test_docs_show_text_is_exact(kbdir, tmp_path):
    p = tmp_path / "exact.txt"
    raw = "Line one  with  spaces\r\nسطر عربي\n\n\ttabbed, no trailing newline"
    p.write_bytes(raw.encode())
    assert run(kbdir, "ingest", p).exit_code == 0
    (doc,) = json.loads(run(kbdir, "docs", "--json").stdout)
    r = CliRunner().invoke(app, ["--kb", str(kbdir), "docs", "show", doc["id"], "--text"])
    assert r.exit_code == 0
    assert r.stdout_bytes == raw.encode()
    # a unique prefix works too, and metadata without --text
    r = run(kbdir, "docs", "show", doc["id"][:10])
    assert r.exit_code == 0 and "format" in r.stdout and "txt" in r.stdout
    meta = json.loads(run(kbdir, "docs", "show", doc["id"], "--json").stdout)
    assert meta["text"] == raw and meta["n_chars"] == len(raw)


def test_docs_search(kbdir, corpus):
    run(kbdir, "ingest", corpus["notes.md"], corpus["brief.txt"])
    hits = json.loads(run(kbdir, "docs", "search", "delegation", "--json").stdout)
    assert [h["title"] for h in hits] == ["Field notes"]


def test_exit_3_and_one_line_per_bad_file(kbdir, tmp_path):
    (tmp_path / "good.txt").write_text("A good file with enough text in it.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 truncated")
    r = run(kbdir, "ingest", tmp_path / "good.txt", tmp_path / "empty.txt", tmp_path / "bad.pdf")
    assert r.exit_code == 3
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("skipped:")]
    assert lines == [f"skipped: {tmp_path / 'empty.txt'}: E202: file is empty",
                     f"skipped: {tmp_path / 'bad.pdf'}: E206: PDF is truncated (no %%EOF marker at the end)"]
    assert "1 new document(s)" in r.stdout and "2 file(s) skipped" in r.stdout


def test_json_report(kbdir, corpus):
    r = run(kbdir, "ingest", corpus["result.json"], "--json")
    assert r.exit_code == 0
    rep = json.loads(r.stdout)
    assert rep["summary"]["new"] == 3 and rep["summary"]["duplicates"] == 1
    r = run(kbdir, "ingest", corpus["result.json"], "--json")
    assert json.loads(r.stdout)["summary"]["unchanged"] == 4


def test_usage_errors_exit_2(kbdir, corpus):
    assert run(kbdir, "ingest", corpus["brief.txt"], "--grade", "Z9").exit_code == 2
    assert run(kbdir, "ingest", corpus["brief.txt"], "--format", "nope").exit_code == 2
    assert run(kbdir, "ingest", corpus["brief.txt"], "--max-bytes", "lots").exit_code == 2
    assert run(kbdir, "ingest").exit_code == 2


def test_csv_columns_and_max_bytes_options(kbdir, tmp_path):
    p = tmp_path / "posts.csv"
    p.write_text("msg,when\nhello from a custom column,2022-02-02\n")
    r = run(kbdir, "ingest", p, "--text-column", "msg", "--date-column", "when")
    assert r.exit_code == 0, r.output
    (d,) = json.loads(run(kbdir, "docs", "--json").stdout)
    assert d["published"] == "2022-02-02"
    big = tmp_path / "big.txt"
    big.write_text("x " * 2000)
    r = run(kbdir, "ingest", big, "--max-bytes", "1k")
    assert r.exit_code == 3 and "E203" in r.stderr


def test_hostile_titles_are_not_terminal_escapes(kbdir, tmp_path):
    p = tmp_path / "evil.txt"
    p.write_text("\x1b]0;pwned\x07\x1b[31mRed title \u202etxt.exe\nbody text of the evil file")
    assert run(kbdir, "ingest", p).exit_code == 0
    out = run(kbdir, "docs").stdout
    assert "\x1b" not in out and "\u202e" not in out and "Red title" in out
