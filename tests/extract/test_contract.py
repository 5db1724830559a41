"""The extraction contract through the CLI: `andiwali extract FILE... --jsonl`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

KEYS = {"doc", "subject", "predicate", "object", "polarity", "modality", "attributed_to", "valid_from", "valid_to",
        "confidence", "evidence"}
TEXT = (
    "Brief on the Afghan theatre\r\n"
    "The Taliban continued to shelter al-Qaeda after 2021, and al-Qaeda reportedly supports the Taliban.\r\n"
    "Joe Biden said that al-Qaeda no longer operates in Afghanistan. Ünïcödé – “quotes” ‘here’.\n"
)


def run(*args, cwd=None):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "andiwali", *args], capture_output=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    d = tmp_path_factory.mktemp("contract")
    p = d / "brief.txt"
    p.write_bytes(TEXT.encode("utf-8"))
    return p


@pytest.fixture(scope="module")
def output(brief):
    r = run("extract", str(brief), "--jsonl", "--min-confidence", "0", cwd=brief.parent)
    return r


def test_exit_zero_and_only_json_on_stdout(output):
    assert output.returncode == 0, output.stderr.decode()
    lines = output.stdout.decode("utf-8").splitlines()
    assert lines
    for line in lines:
        obj = json.loads(line)
        assert set(obj) == KEYS


def test_objects_follow_the_contract(output, brief):
    text = brief.read_bytes().decode("utf-8")
    for line in output.stdout.decode("utf-8").splitlines():
        obj = json.loads(line)
        assert obj["doc"] == str(brief)
        for side in ("subject", "object"):
            ent = obj[side]
            assert set(ent) == {"id", "name", "kind", "mention"}
            m = ent["mention"]
            assert text[m["start"] : m["end"]] == m["text"]
        ev = obj["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["quote"]
        assert obj["polarity"] in ("asserted", "negated")
        assert obj["attributed_to"] is None or isinstance(obj["attributed_to"], str)
        for k in ("valid_from", "valid_to"):
            assert obj[k] is None or len(obj[k]) in (4, 7, 10)
        assert 0 <= obj["confidence"] <= 1


def test_contract_content(output):
    objs = [json.loads(x) for x in output.stdout.decode("utf-8").splitlines()]
    got = {(o["subject"]["name"], o["predicate"], o["object"]["name"], o["polarity"], o["attributed_to"]) for o in objs}
    assert ("Taliban", "shelters", "al-Qaeda", "asserted", None) in got
    assert ("al-Qaeda", "operates_in", "Afghanistan", "negated", "Joe Biden") in got
    sup = [o for o in objs if o["predicate"] == "supports"]
    assert sup and sup[0]["modality"] == "reported"


def test_min_confidence_filters(brief):
    r = run("extract", str(brief), "--jsonl", "--min-confidence", "1.0")
    assert r.returncode == 0
    assert all(json.loads(x)["confidence"] >= 1.0 for x in r.stdout.decode().splitlines())


def test_unreadable_file_exit_3_named_on_stderr(brief, tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9 al-Qaeda".encode("latin-1"))
    missing = tmp_path / "missing.txt"
    r = run("extract", str(brief), str(bad), str(missing), "--jsonl")
    assert r.returncode == 3
    err = r.stderr.decode()
    assert str(bad) in err and str(missing) in err
    # the good file's claims are still printed
    assert r.stdout.decode().strip()


@pytest.mark.parametrize(
    "args",
    [["--jsonl"], ["x.txt", "--jsonl", "--backend", "nope"], ["x.txt", "--jsonl", "--backend", "llm"],
     ["x.txt", "--jsonl", "--min-confidence", "2"]],
)
def test_usage_errors_exit_2(args):
    r = run("extract", *args)
    assert r.returncode == 2
    assert r.stdout == b""


def test_never_opens_a_knowledge_base(brief, tmp_path):
    r = run("--kb", str(tmp_path / "nokb"), "extract", str(brief), "--jsonl")
    assert r.returncode == 0
    assert not (tmp_path / "nokb").exists()


def test_kb_form_extracts_pending_documents(tmp_path):
    from typer.testing import CliRunner

    from andiwali.cli import _load_commands, app
    from andiwali.model import Document
    from andiwali.store import KnowledgeBase

    _load_commands()
    kbdir = tmp_path / "kb"
    kb = KnowledgeBase.create(kbdir)
    kb.add_document(Document(text="The Taliban hosted al-Qaeda in Afghanistan.", key="a.txt"))
    kb.close()
    res = CliRunner().invoke(app, ["--kb", str(kbdir), "extract", "--no-parser"])
    assert res.exit_code == 0, res.output
    assert "extracted 1 document" in res.output
    kb = KnowledgeBase.open(kbdir)
    try:
        assert kb.pending_documents() == []
        assert any(c.predicate == "shelters" for c in kb.claims())
    finally:
        kb.close()
    res = CliRunner().invoke(app, ["--kb", str(kbdir), "extract"])
    assert "extracted 0 document" in res.output


def test_json_is_stable_for_the_same_input(brief):
    a = run("extract", str(brief), "--jsonl").stdout
    b = run("extract", str(brief), "--jsonl").stdout
    assert a == b


def test_help_is_documented():
    r = run("extract", "--help")
    assert r.returncode == 0 and b"--jsonl" in r.stdout
    docs = Path(__file__).resolve().parents[2] / "docs" / "extraction.md"
    assert docs.exists() and "--min-confidence" in docs.read_text()
