import sqlite3

import pytest
from sqlalchemy import text

from andiwali.errors import StoreError
from andiwali.model import Claim, Document, Entity, Evidence, Source
from andiwali.store import LATEST, KnowledgeBase
from andiwali.store.migrations import MIGRATIONS


def _doc(text="The Taliban sheltered al-Qaeda.", key="a.txt"):
    return Document(text=text, key=key, title="t", published="2021-09-01", source=Source("S", reliability="B", credibility="2"))


def test_create_applies_migrations_and_records_them(empty_kb):
    assert empty_kb.schema_version() == LATEST
    with empty_kb.engine.connect() as con:
        rows = con.execute(text("SELECT version, name FROM schema_migrations ORDER BY version")).all()
    assert [r[0] for r in rows] == [m[0] for m in MIGRATIONS]
    if empty_kb.dialect == "sqlite":
        with sqlite3.connect(empty_kb.directory / "andiwali.db") as con:
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_open_existing_and_reopen_is_idempotent(kb_location):
    kb = KnowledgeBase.create(kb_location)
    before = kb.counts()
    kb.close()
    kb2 = KnowledgeBase.create(kb_location)  # init again: no duplicates
    assert kb2.counts()["entities"] == before["entities"]
    assert kb2.counts()["claims"] == before["claims"]
    kb2.close()
    kb3 = KnowledgeBase.open(kb_location)
    assert kb3.schema_version() == LATEST
    kb3.close()


def test_open_missing_kb_says_run_init(tmp_path, backend, request):
    location = tmp_path / "nothing" if backend == "sqlite" else request.getfixturevalue("pg_url")
    with pytest.raises(StoreError) as err:
        KnowledgeBase.open(location)
    assert err.value.code == "E301" and "andiwali" in str(err.value)


def test_foreign_keys_are_enforced(empty_kb):
    c = Claim(subject="ent_missing", predicate="supports", object="ent_missing2")
    with pytest.raises(StoreError) as err:
        empty_kb.add_claims([c])
    assert err.value.code == "E305"
    assert empty_kb.counts()["claims"] == 0


def test_documents_dedupe_version_and_link_duplicates(empty_kb):
    r1 = empty_kb.add_document(_doc())
    assert r1.status == "new"
    assert empty_kb.add_document(_doc()).status == "unchanged"
    r3 = empty_kb.add_document(_doc(text="The Taliban sheltered al-Qaeda in 2021."))
    assert (r3.status, r3.version) == ("version", 2)
    r4 = empty_kb.add_document(_doc(key="copy.txt"))
    assert r4.status == "duplicate"
    assert empty_kb.document(r4.doc_id)["duplicate_of"] == r1.doc_id
    assert r4.doc_id not in empty_kb.pending_documents()
    assert empty_kb.counts()["documents"] == 3


def test_full_text_search(empty_kb):
    empty_kb.add_document(_doc())
    empty_kb.add_document(_doc(text="Gold mining in northern Afghanistan.", key="b.txt"))
    hits = empty_kb.search_documents("mining")
    assert [h["title"] for h in hits] == ["t"] and hits[0]["n_chars"] == 36


def _entities(kb):
    t = Entity(kind="organization", name="Taliban")
    q = Entity(kind="organization", name="al-Qaeda")
    kb.upsert_entity(t)
    kb.upsert_entity(q)
    return t, q


def test_save_extraction_is_whole_and_rerun_updates_not_duplicates(empty_kb):
    t, q = _entities(empty_kb)
    doc = _doc()
    did = empty_kb.add_document(doc).doc_id
    ev = Evidence(did, 0, len(doc.text), doc.text)
    claims = [Claim(subject=t.id, predicate="shelters", object=q.id, evidence=[ev], reported_at="2021-09-01",
                    extractor="rules:test", confidence=0.8)]
    empty_kb.save_extraction(did, claims, mentions=[(t.id, 4, 11, "Taliban")])
    empty_kb.save_extraction(did, claims, mentions=[(t.id, 4, 11, "Taliban")])
    assert empty_kb.counts()["claims"] == 1 and empty_kb.counts()["evidence"] == 1
    assert empty_kb.pending_documents() == []
    stored = empty_kb.claim(claims[0].id)
    assert stored.undated and stored.reported_at == "2021-09-01" and stored.evidence[0].quote == doc.text


def test_failed_extraction_leaves_nothing(empty_kb):
    t, q = _entities(empty_kb)
    did = empty_kb.add_document(_doc()).doc_id
    good = Claim(subject=t.id, predicate="shelters", object=q.id, evidence=[Evidence(did, 0, 3, "The")])
    bad = Claim(subject=t.id, predicate="shelters", object="ent_unknown", evidence=[Evidence(did, 0, 3, "The")])
    with pytest.raises(StoreError) as err:
        empty_kb.save_extraction(did, [good, bad])
    assert err.value.code == "E305"
    assert empty_kb.counts()["claims"] == 0
    assert empty_kb.pending_documents() == [did]


def test_review_is_audited_and_version_checked(empty_kb):
    t, q = _entities(empty_kb)
    c = Claim(subject=t.id, predicate="shelters", object=q.id)
    empty_kb.add_claims([c])
    v = empty_kb.claim_version(c.id)
    after = empty_kb.review(c.id, "accepted", actor="alice", expected_version=v)
    assert after.status == "accepted" and after.reviewed_by == "alice"
    with pytest.raises(StoreError) as err:
        empty_kb.review(c.id, "rejected", actor="bob", expected_version=v)
    assert err.value.code == "E303"
    log = empty_kb.audit_log(c.id)
    assert log[0]["action"] == "review:accepted" and log[0]["actor"] == "alice"
    assert log[0]["before"]["status"] == "pending" and log[0]["after"]["status"] == "accepted"
    edited = empty_kb.review(c.id, "edited", actor="bob", changes={"valid_from": "2021-08"})
    assert edited.valid_from == "2021-08" and edited.status == "edited"


def test_rejected_claims_hidden_by_default_and_date_filters(empty_kb):
    t, q = _entities(empty_kb)
    old = Claim(subject=t.id, predicate="shelters", object=q.id, valid_to="2001")
    new = Claim(subject=t.id, predicate="shelters", object=q.id, valid_from="2021-08")
    undated = Claim(subject=q.id, predicate="supports", object=t.id, reported_at="2015-05-01")
    empty_kb.add_claims([old, new, undated])
    assert {c.id for c in empty_kb.claims(date_from="2021")} == {new.id}
    assert {c.id for c in empty_kb.claims(date_to="2000")} == {old.id}
    assert {c.id for c in empty_kb.claims(date_from="2015", date_to="2015")} == {undated.id}
    empty_kb.review(old.id, "rejected")
    assert old.id not in {c.id for c in empty_kb.claims()}
    assert old.id in {c.id for c in empty_kb.claims(status="all")}


def test_entity_aliases_and_audit(empty_kb):
    e = Entity(kind="organization", name="Tehrik-e-Taliban Pakistan")
    empty_kb.upsert_entity(e)
    from andiwali.model import Alias

    e2 = Entity(kind="organization", name="Tehrik-e-Taliban Pakistan", aliases=[Alias("TTP", source="doc_1")])
    assert empty_kb.upsert_entity(e2, actor="extractor")
    assert [x.name for x in empty_kb.find_entities("Tehrik-i-Taliban Pakistan")] == ["Tehrik-e-Taliban Pakistan"]
    assert empty_kb.find_entities("TTP")[0].aliases[0].source == "doc_1"
    actions = [a["action"] for a in empty_kb.audit_log(e.id)]
    assert actions == ["add_alias", "create"]


def test_integrity_check(kb):
    assert kb.integrity_check() == "ok"


def test_ungraded_document_keeps_the_source_grade(empty_kb):
    empty_kb.add_document(_doc())
    empty_kb.add_document(Document(text="Other text.", key="b.txt", source=Source("S")))
    d = [x for x in empty_kb.documents() if x["doc_key"] == "b.txt"][0]
    assert (d["reliability"], d["credibility"]) == ("B", "2")
