import json

import pytest
from typer.testing import CliRunner

from andiwali.errors import StoreError
from andiwali.model import Claim
from andiwali.resolve import resolve_name
from andiwali.store import ledger


def _ids(kb, *names):
    return [resolve_name(n, kb).entity.id for n in names]


def test_merge_and_unmerge_round_trip(kb):
    hqn, tal = _ids(kb, "Haqqani Network", "Taliban")
    claims_before = {c.id: (c.subject, c.object) for c in kb.claims(status="all")}
    j = ledger.merge(kb, hqn, tal, actor="ana", reason="same leadership")
    assert j.judgement == "same" and j.actor == "ana" and j.reason == "same leadership" and j.active
    assert ledger.canonical_id(kb, hqn) == tal
    assert resolve_name("Haqqanis", kb).entity.id == tal  # names of the merged entity now resolve to the target
    # nothing moved: claims keep their original entity ids
    assert {c.id: (c.subject, c.object) for c in kb.claims(status="all")} == claims_before
    undone = ledger.unmerge(kb, hqn, actor="ben", reason="they are distinct")
    assert undone.undone_at is not None
    assert ledger.canonical_id(kb, hqn) == hqn
    assert resolve_name("Haqqanis", kb).entity.id == hqn
    rows = ledger.judgements(kb, hqn)
    assert len(rows) == 1 and not rows[0].active
    actions = [a["action"] for a in kb.audit_log(limit=20)]
    assert {"merge", "unmerge", "judgement:same", "undo_judgement"} <= set(actions)


def test_merge_refuses_cycles_kinds_and_double_merges(kb):
    a, b, c, usa = _ids(kb, "Lashkar-e-Taiba", "Jaish-e-Mohammed", "Hizbul Mujahideen", "United States")
    ledger.merge(kb, a, b, reason="test")
    with pytest.raises(StoreError, match="cycle"):
        ledger.merge(kb, b, a)
    with pytest.raises(StoreError, match="already merged"):
        ledger.merge(kb, a, c)
    with pytest.raises(StoreError, match="cannot merge a organization"):
        ledger.merge(kb, c, usa)
    with pytest.raises(StoreError, match="itself"):
        ledger.merge(kb, c, c)


def test_not_same_undoes_a_standing_merge(kb):
    a, b = _ids(kb, "Ansar al-Sharia in Benghazi", "Ansar al-Sharia in Darnah")
    ledger.merge(kb, a, b)
    ledger.judge(kb, a, b, "not_same", actor="ana", reason="two cities")
    assert ledger.canonical_id(kb, a) == a
    assert ledger.judged_not_same(kb, b, a)
    kinds = [(j.judgement, j.active) for j in ledger.judgements(kb, a)]
    assert kinds == [("not_same", True), ("same", False)]


def test_claims_of_a_merged_entity_map_through_merged_into(kb):
    tal, = _ids(kb, "Taliban")
    hqn, = _ids(kb, "Haqqani Network")
    c = Claim(subject=hqn, predicate="operates_in", object=_ids(kb, "Afghanistan")[0], extractor="human")
    kb.add_claims([c])
    ledger.merge(kb, hqn, tal)
    stored = kb.claim(c.id)
    assert stored.subject == hqn  # the claim keeps its original id
    assert ledger.canonical_id(kb, stored.subject) == tal  # readers map it


def test_cli_merge_unmerge_judgements(tmp_path):
    from andiwali.cli import _load_commands, app
    from andiwali.store import KnowledgeBase

    _load_commands()
    KnowledgeBase.create(tmp_path / "kb").close()
    run = CliRunner()
    base = ["--kb", str(tmp_path / "kb"), "--as", "ana"]
    r = run.invoke(app, base + ["entities", "merge", "Jamaat-ul-Ahrar", "Tehrik-e-Taliban Pakistan", "--why", "rejoined 2020", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["judgement"] == "same"
    r = run.invoke(app, base + ["entities", "resolve", "JuA", "--json"])
    assert json.loads(r.stdout)["entity"]["name"] == "Tehrik-e-Taliban Pakistan"
    r = run.invoke(app, base + ["entities", "unmerge", "Jamaat-ul-Ahrar", "--why", "separate again"])
    assert r.exit_code == 0, r.output
    r = run.invoke(app, base + ["entities", "judgements", "--json"])
    rows = [json.loads(x) for x in r.stdout.strip().splitlines()]
    assert rows[0]["a_name"] == "Jamaat-ul-Ahrar" and rows[0]["actor"] == "ana" and rows[0]["undone_at"]
    r = run.invoke(app, base + ["entities", "merge", "Nobody Known", "Taliban", "--why", "x"])
    assert r.exit_code == 1
