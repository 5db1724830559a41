"""Accepting discovered candidate entities (`andiwali entities promote`), reversibly, in the ledger."""

import hashlib
import json

import pytest
from typer.testing import CliRunner

from andiwali.errors import StoreError
from andiwali.model import Entity
from andiwali.model.reference import reference_files
from andiwali.resolve import resolve_name
from andiwali.store import ledger


def _digest() -> str:
    h = hashlib.sha256()
    for p in reference_files():
        h.update(p.read_bytes())
    return h.hexdigest()


def _candidate(kb, name="Qorvian Popular Liberation Army", kind="organization"):
    e = Entity(kind=kind, name=name, origin="discovered", references=["doc_x"])
    kb.upsert_entity(e)
    return kb.entity(e.id)


def test_promote_and_unpromote_round_trip(kb):
    ent = _candidate(kb)
    assert ent.attributes["_status"] == "candidate"
    assert all(e.id != ent.id for e in kb.gazetteer().entities.values())  # candidates are not matched by extraction
    j = ledger.promote(kb, ent.id, actor="ana", reason="seen in three reports", aliases=["QPLA"])
    assert (j.judgement, j.a_id, j.b_id, j.actor, j.reason) == ("accept", ent.id, ent.id, "ana", "seen in three reports")
    after = kb.entity(ent.id)
    assert after.attributes["_status"] == "curated" and [a.name for a in after.aliases] == ["QPLA"]
    assert after.aliases[0].source == "analyst ana"
    assert ent.id in kb.gazetteer().entities  # now matched like a reference entity
    assert resolve_name("QPLA", kb).entity.id == ent.id
    with pytest.raises(StoreError, match="not a candidate"):
        ledger.promote(kb, ent.id)
    ledger.unpromote(kb, ent.id, actor="ben", reason="a unit of another group")
    back = kb.entity(ent.id)
    assert back.attributes["_status"] == "candidate" and back.aliases == [] and back.kind == "organization"
    rows = ledger.judgements(kb, ent.id)
    assert len(rows) == 1 and rows[0].judgement == "accept" and not rows[0].active
    actions = [a["action"] for a in kb.audit_log(ent.id)]
    assert actions[:2] == ["unpromote", "promote"]


def test_promote_with_a_corrected_kind_and_undo_by_judgement_id(kb):
    ent = _candidate(kb, "Abu Qorvan al-Zantari")
    j = ledger.promote(kb, ent.id, kind="person")
    assert kb.entity(ent.id).kind == "person"
    ledger.undo(kb, j.id, reason="wrong kind")
    assert kb.entity(ent.id).kind == "organization" and kb.entity(ent.id).attributes["_status"] == "candidate"
    with pytest.raises(StoreError, match="kind must be one of"):
        ledger.promote(kb, ent.id, kind="galaxy")


def test_reference_entities_cannot_be_promoted(kb):
    tal = resolve_name("Taliban", kb).entity
    with pytest.raises(StoreError, match="not a candidate"):
        ledger.promote(kb, tal.id)


def test_cli_promote_candidates_and_undo(tmp_path):
    from andiwali.cli import _load_commands, app
    from andiwali.store import KnowledgeBase

    _load_commands()
    before = _digest()
    kb = KnowledgeBase.create(tmp_path / "kb")
    _candidate(kb, "Silver Falcons Brigade")
    kb.close()
    run = CliRunner()
    base = ["--kb", str(tmp_path / "kb"), "--as", "ana"]
    r = run.invoke(app, base + ["entities", "candidates", "--json"])
    assert r.exit_code == 0, r.output
    assert [json.loads(x)["name"] for x in r.stdout.strip().splitlines()] == ["Silver Falcons Brigade"]
    r = run.invoke(app, base + ["entities", "promote", "Silver Falcons Brigade", "--alias", "SFB", "--alias", "Silver Falcons",
                                "--why", "named in three reports", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["judgement"] == "accept" and out["actor"] == "ana" and out["reason"] == "named in three reports"
    assert out["entity"]["status"] == "curated" and set(out["entity"]["aliases"]) == {"SFB", "Silver Falcons"}
    r = run.invoke(app, base + ["entities", "candidates", "--json"])
    assert r.stdout.strip() == ""
    r = run.invoke(app, base + ["entities", "resolve", "SFB", "--json"])
    assert json.loads(r.stdout)["entity"]["name"] == "Silver Falcons Brigade"
    r = run.invoke(app, base + ["entities", "judgements", "--json"])
    row = json.loads(r.stdout.strip().splitlines()[0])
    assert row["judgement"] == "accept" and row["a_name"] == "Silver Falcons Brigade"
    r = run.invoke(app, base + ["entities", "promote", "Silver Falcons Brigade"])
    assert r.exit_code == 1 and "not a candidate" in r.output
    r = run.invoke(app, base + ["entities", "promote", "Silver Falcons Brigade", "--undo", "--why", "a unit name"])
    assert r.exit_code == 0, r.output
    r = run.invoke(app, base + ["entities", "candidates", "--json"])
    assert [json.loads(x)["aliases"] for x in r.stdout.strip().splitlines()] == [[]]
    r = run.invoke(app, base + ["entities", "promote", "Taliban"])
    assert r.exit_code == 1
    assert _digest() == before  # the bundled reference data is never written
