"""Numbered schema migrations, recorded in ``schema_migrations``.

Each migration is a plain function taking a connection and the dialect name;
it runs inside one transaction with its record, so a failed migration rolls
back whole. Never an implicit ``create_all`` on a live database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from andiwali.errors import StoreError


def _autoinc(dialect: str) -> str:
    return "INTEGER PRIMARY KEY AUTOINCREMENT" if dialect == "sqlite" else "BIGSERIAL PRIMARY KEY"


def _exec(conn: Connection, statements: str) -> None:
    for stmt in statements.split(";\n"):
        if stmt.strip():
            conn.execute(text(stmt))


def m001_initial(conn: Connection, dialect: str) -> None:
    """Sources, documents, entities, aliases, claims, evidence, mentions, judgements, audit."""
    _exec(
        conn,
        f"""
CREATE TABLE sources (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  reliability TEXT NOT NULL,
  credibility TEXT NOT NULL,
  url TEXT
);
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  doc_key TEXT NOT NULL,
  version INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  title TEXT,
  published TEXT,
  language TEXT,
  url TEXT,
  format TEXT NOT NULL,
  source_id TEXT REFERENCES sources(id),
  text TEXT NOT NULL,
  meta TEXT NOT NULL DEFAULT '{{}}',
  duplicate_of TEXT REFERENCES documents(id),
  ingested_at TEXT NOT NULL,
  extracted_at TEXT,
  UNIQUE (doc_key, version)
);
CREATE INDEX documents_hash ON documents(content_hash);
CREATE TABLE entities (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  parent_id TEXT,
  start_date TEXT,
  end_date TEXT,
  attributes TEXT NOT NULL DEFAULT '{{}}',
  refs TEXT NOT NULL DEFAULT '[]',
  origin TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'curated',
  merged_into TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX entities_name ON entities(name);
CREATE TABLE aliases (
  entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  norm TEXT NOT NULL,
  lang TEXT,
  script TEXT,
  source TEXT,
  acronym INTEGER NOT NULL DEFAULT 0,
  ambiguous INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (entity_id, name)
);
CREATE INDEX aliases_norm ON aliases(norm);
CREATE TABLE claims (
  id TEXT PRIMARY KEY,
  subject_id TEXT NOT NULL REFERENCES entities(id),
  predicate TEXT NOT NULL,
  object_id TEXT NOT NULL REFERENCES entities(id),
  polarity TEXT NOT NULL,
  modality TEXT NOT NULL,
  attributed_to TEXT REFERENCES entities(id),
  valid_from TEXT,
  valid_to TEXT,
  reported_at TEXT,
  undated INTEGER NOT NULL,
  doc_id TEXT REFERENCES documents(id),
  extractor TEXT NOT NULL,
  confidence REAL NOT NULL,
  status TEXT NOT NULL,
  reviewed_by TEXT,
  reviewed_at TEXT,
  qualifiers TEXT NOT NULL DEFAULT '{{}}',
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX claims_subject ON claims(subject_id);
CREATE INDEX claims_object ON claims(object_id);
CREATE INDEX claims_predicate ON claims(predicate);
CREATE INDEX claims_doc ON claims(doc_id);
CREATE INDEX claims_status ON claims(status);
CREATE TABLE evidence (
  claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
  doc_id TEXT NOT NULL REFERENCES documents(id),
  start_char INTEGER NOT NULL,
  end_char INTEGER NOT NULL,
  quote TEXT NOT NULL,
  page INTEGER,
  PRIMARY KEY (claim_id, doc_id, start_char, end_char)
);
CREATE INDEX evidence_doc ON evidence(doc_id);
CREATE TABLE mentions (
  doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  entity_id TEXT NOT NULL REFERENCES entities(id),
  start_char INTEGER NOT NULL,
  end_char INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (doc_id, start_char, end_char, entity_id)
);
CREATE INDEX mentions_entity ON mentions(entity_id);
CREATE TABLE judgements (
  id {_autoinc(dialect)},
  a_id TEXT NOT NULL,
  b_id TEXT NOT NULL,
  judgement TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT,
  created_at TEXT NOT NULL,
  undone_at TEXT
);
CREATE TABLE audit (
  id {_autoinc(dialect)},
  ts TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  before TEXT,
  after TEXT
);
CREATE INDEX audit_object ON audit(object_type, object_id)
""",
    )
    if dialect == "sqlite":
        conn.execute(text("CREATE VIRTUAL TABLE documents_fts USING fts5(doc_id UNINDEXED, title, body)"))
    else:
        conn.execute(
            text(
                "ALTER TABLE documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
                "(to_tsvector('simple', coalesce(title,'') || ' ' || text)) STORED"
            )
        )
        conn.execute(text("CREATE INDEX documents_tsv ON documents USING GIN (tsv)"))


def m002_web_users(conn: Connection, dialect: str) -> None:
    """Team mode of the web app: users with roles and their sessions (token hashes only)."""
    _exec(
        conn,
        f"""
CREATE TABLE users (
  id {_autoinc(dialect)},
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id)
""",
    )


def m003_scale_indexes(conn: Connection, dialect: str) -> None:
    """Indexes for large knowledge bases: ordered pages of claims per entity, predicate, status and confidence."""
    _exec(
        conn,
        """
CREATE INDEX claims_subject_created ON claims(subject_id, created_at, id);
CREATE INDEX claims_object_created ON claims(object_id, created_at, id);
DROP INDEX claims_subject;
DROP INDEX claims_object;
CREATE INDEX claims_created ON claims(created_at, id);
CREATE INDEX claims_predicate_status ON claims(predicate, status, created_at, id);
CREATE INDEX claims_status_confidence ON claims(status, confidence, id);
CREATE INDEX documents_ingested ON documents(ingested_at, id)
""",
    )


#: A claim's place on a timeline: its start, else its end, else (undated) when it was reported.
CLAIM_START = "coalesce(valid_from, valid_to, reported_at)"


def m004_profile_indexes(conn: Connection, dialect: str) -> None:
    """Indexes for entity profiles, claim details and timelines at scale.

    (entity, created, id, status) on both sides replace the (entity, created) indexes of
    migration 3: an entity's claims page by creation without reading rows to filter
    on status. (entity, predicate, created, id, other entity, status) on both sides: claim counts
    per predicate, an entity's first claims of each predicate and the claims of one
    triple ("related claims") read the index only, in creation order. (entity, start)
    on both sides and (start) alone: timelines page in the database. The audit log by
    object id gets its own index (the one of migration 1 starts with the object type).
    (document, status) replaces (document): saving a document's extraction looks up its
    pending claims, and without statistics SQLite took the (status, confidence) index of
    migration 3 for that, reading every pending claim once per document saved.
    """
    _exec(
        conn,
        f"""
CREATE INDEX claims_subject_created_status ON claims(subject_id, created_at, id, status);
CREATE INDEX claims_object_created_status ON claims(object_id, created_at, id, status, subject_id);
DROP INDEX claims_subject_created;
DROP INDEX claims_object_created;
CREATE INDEX claims_subject_predicate ON claims(subject_id, predicate, created_at, id, object_id, status);
CREATE INDEX claims_object_predicate ON claims(object_id, predicate, created_at, id, subject_id, status);
CREATE INDEX claims_subject_start ON claims(subject_id, ({CLAIM_START}), id);
CREATE INDEX claims_object_start ON claims(object_id, ({CLAIM_START}), id);
CREATE INDEX claims_start ON claims(({CLAIM_START}), id);
CREATE INDEX audit_object_id ON audit(object_id, id);
CREATE INDEX claims_doc_status ON claims(doc_id, status);
DROP INDEX claims_doc
""",
    )


MIGRATIONS: list[tuple[int, str, Callable[[Connection, str], None]]] = [
    (1, "initial schema", m001_initial),
    (2, "web users and sessions", m002_web_users),
    (3, "indexes for large knowledge bases", m003_scale_indexes),
    (4, "indexes for entity profiles, claim details and timelines", m004_profile_indexes),
]

LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int:
    dialect = conn.dialect.name
    if dialect == "sqlite":
        exists = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'")
        ).first()
    else:
        exists = conn.execute(text("SELECT to_regclass('schema_migrations')")).scalar()
    if not exists:
        return 0
    return int(conn.execute(text("SELECT coalesce(max(version), 0) FROM schema_migrations")).scalar() or 0)


_LOCK_KEY = 0x616E6469  # pg_advisory_xact_lock key shared by every andiwali process migrating one database


def _begin_locked(engine):
    """A write transaction that holds the migration lock (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL)."""
    conn = engine.connect()
    conn.execution_options(andiwali_write=True)
    trans = conn.begin()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    return conn, trans


def migrate(engine, target: int | None = None, *, migrations: list | None = None) -> list[int]:
    """Apply every migration above the current version, up to ``target`` (default: all).

    Each migration runs in its own transaction together with its record in
    ``schema_migrations``, under a lock, so concurrent processes opening an old
    knowledge base apply each migration once; a migration that fails rolls back
    whole and raises ``StoreError`` E307, leaving the previous version intact.
    ``migrations`` replaces the shipped list (tests inject a failing one).
    """
    steps = MIGRATIONS if migrations is None else migrations
    latest = steps[-1][0] if steps else 0
    applied: list[int] = []
    conn, trans = _begin_locked(engine)
    try:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        )
        version = current_version(conn)
        trans.commit()
    finally:
        conn.close()
    if version > latest:
        raise StoreError(f"knowledge base schema version {version} is newer than this andiwali ({latest})", code="E302")
    for number, name, fn in steps:
        if number <= version or (target is not None and number > target):
            continue
        conn, trans = _begin_locked(engine)
        try:
            if current_version(conn) >= number:  # applied meanwhile by another process
                trans.rollback()
                continue
            fn(conn, conn.dialect.name)
            conn.execute(
                text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)"),
                {"v": number, "n": name, "t": datetime.now(UTC).isoformat(timespec="seconds")},
            )
            trans.commit()
        except StoreError:
            trans.rollback()
            raise
        except Exception as exc:
            trans.rollback()
            raise StoreError(f"migration {number} ({name}) failed and was rolled back: {exc}", code="E307") from exc
        finally:
            conn.close()
        applied.append(number)
    return applied
