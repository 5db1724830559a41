"""Every earlier schema version migrates to the latest with its data; a failing migration rolls back whole."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from andiwali.errors import StoreError
from andiwali.model import Claim, Entity, Evidence
from andiwali.store import LATEST, MIGRATIONS, KnowledgeBase
from andiwali.store.kb import resolve_location
from andiwali.store.migrations import current_version, migrate

TEXT = "The Harakat Zorbal sheltered fighters of the Qordun Front in 2019."


def _bare(location) -> KnowledgeBase:
    """A KnowledgeBase object over a location without creating or migrating anything."""
    url, directory = resolve_location(location)
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    return KnowledgeBase(KnowledgeBase._engine(url), str(location), directory)


def _seed_v1(kb: KnowledgeBase) -> dict:
    """Rows written with the columns of migration 1 only (raw SQL, as an old andiwali would)."""
    a = Entity(kind="organization", name="Harakat Zorbal")
    b = Entity(kind="organization", name="Qordun Front")
    did = "doc_0000000000000001"
    claim = Claim(subject=a.id, predicate="shelters", object=b.id, valid_from="2019", valid_to="2019",
                  evidence=[Evidence(did, 0, len(TEXT), TEXT)], extractor="rules:test", confidence=0.7)
    ts = "2024-01-01T00:00:00+00:00"
    with kb.transaction() as conn:
        conn.execute(text("INSERT INTO sources (id, name, kind, reliability, credibility) VALUES ('src_1', 'S', 'publisher', 'B', '2')"))
        conn.execute(text(
            "INSERT INTO documents (id, doc_key, version, content_hash, title, format, source_id, text, meta, ingested_at, "
            "extracted_at) VALUES (:id, 'old.txt', 1, 'h1', 'old report', 'txt', 'src_1', :t, '{}', :ts, :ts)"),
            {"id": did, "t": TEXT, "ts": ts})
        if kb.dialect == "sqlite":
            conn.execute(text("INSERT INTO documents_fts (doc_id, title, body) VALUES (:id, 'old report', :t)"),
                         {"id": did, "t": TEXT})
        for e in (a, b):
            conn.execute(text("INSERT INTO entities (id, kind, name, origin) VALUES (:id, 'organization', :n, 'reference')"),
                         {"id": e.id, "n": e.name})
            conn.execute(text("INSERT INTO aliases (entity_id, name, norm) VALUES (:id, :n, :norm)"),
                         {"id": e.id, "n": e.name, "norm": e.name.lower()})
        conn.execute(text(
            "INSERT INTO claims (id, subject_id, predicate, object_id, polarity, modality, valid_from, valid_to, undated, "
            "doc_id, extractor, confidence, status, qualifiers, created_at, updated_at) VALUES (:id, :s, 'shelters', :o, "
            "'asserted', 'fact', '2019', '2019', 0, :d, 'rules:test', 0.7, 'pending', '{}', :ts, :ts)"),
            {"id": claim.id, "s": a.id, "o": b.id, "d": did, "ts": ts})
        conn.execute(text("INSERT INTO evidence (claim_id, doc_id, start_char, end_char, quote) VALUES (:c, :d, 0, :e, :q)"),
                     {"c": claim.id, "d": did, "e": len(TEXT), "q": TEXT})
        conn.execute(text("INSERT INTO audit (ts, actor, action, object_type, object_id) VALUES (:ts, 'old', 'create', 'claim', :c)"),
                     {"ts": ts, "c": claim.id})
    return {"claim": claim, "doc": did, "entities": (a, b)}


@pytest.mark.parametrize("start", [n for n, _, _ in MIGRATIONS[:-1]] or [pytest.param(0, marks=pytest.mark.skip)])
def test_every_earlier_version_migrates_with_its_data(kb_location, start):
    old = _bare(kb_location)
    assert migrate(old.engine, target=start) == list(range(1, start + 1))
    assert old.schema_version() == start
    seeded = _seed_v1(old)
    old.close()

    kb = KnowledgeBase.open(kb_location)  # upgrades
    try:
        assert kb.schema_version() == LATEST
        c = kb.claim(seeded["claim"].id)
        assert c is not None and c.valid_from == "2019" and c.evidence[0].quote == TEXT
        assert [d["id"] for d in kb.search_documents("sheltered")] == [seeded["doc"]]
        assert {e.name for e in kb.entities()} == {"Harakat Zorbal", "Qordun Front"}
        after = kb.review(c.id, "accepted", actor="new", expected_version=kb.claim_version(c.id))
        assert after.status == "accepted"
        assert kb.consistency_check()["problems"] == []
        with kb.engine.connect() as conn:
            versions = [r[0] for r in conn.execute(text("SELECT version FROM schema_migrations ORDER BY version"))]
        assert versions == [n for n, _, _ in MIGRATIONS]
    finally:
        kb.close()


def _boom(conn, dialect):
    conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
    conn.execute(text("INSERT INTO half_done VALUES (1)"))
    raise RuntimeError("disk on fire")


def test_failed_migration_rolls_back_whole(kb_location):
    kb = KnowledgeBase.create(kb_location, with_reference=False)
    seeded = _seed_v1(kb)
    before = kb.counts()
    steps = list(MIGRATIONS) + [(LATEST + 1, "boom", _boom)]
    with pytest.raises(StoreError) as err:
        migrate(kb.engine, migrations=steps)
    assert err.value.code == "E307" and "rolled back" in str(err.value)
    assert kb.schema_version() == LATEST
    with kb.engine.connect() as conn:
        if kb.dialect == "sqlite":
            gone = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'half_done'")).first() is None
        else:
            gone = conn.execute(text("SELECT to_regclass('half_done')")).scalar() is None
    assert gone
    assert kb.counts() == before and kb.claim(seeded["claim"].id) is not None
    kb.close()


def test_newer_schema_is_refused(kb_location):
    kb = KnowledgeBase.create(kb_location, with_reference=False)
    with kb.transaction() as conn:
        conn.execute(text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, 'future', 'now')"),
                     {"v": LATEST + 5})
    kb.close()
    with pytest.raises(StoreError) as err:
        KnowledgeBase.open(kb_location)
    assert err.value.code == "E302"


def test_concurrent_migrations_apply_each_step_once(kb_location):
    engines = [_bare(kb_location) for _ in range(3)]
    errors: list[BaseException] = []

    def run(kb):
        try:
            migrate(kb.engine)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with engines[0].engine.connect() as conn:
        assert current_version(conn) == LATEST
        assert conn.execute(text("SELECT count(*) FROM schema_migrations")).scalar() == len(MIGRATIONS)
    for k in engines:
        k.close()
