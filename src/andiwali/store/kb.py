"""The knowledge base: the only place with SQL.

A knowledge base is a directory holding ``andiwali.db`` (SQLite, WAL, foreign
keys on), or a PostgreSQL URL (also named by ``<dir>/config.toml``, see
``andiwali.store.config``). All writes go through short transactions; every
change to entities, claims and reviews is recorded in the ``audit`` table.

Concurrency: on SQLite every write transaction starts with ``BEGIN IMMEDIATE``
(so a reader never has to upgrade its lock, the cause of "database is locked"
under WAL) and waits up to ``busy_timeout``; on both backends the public write
methods re-run their whole transaction when the database reports a transient
conflict (busy, serialization failure, deadlock). Claims carry a version that
every change bumps; ``review`` checks it (optimistic locking).
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from andiwali.errors import StoreError
from andiwali.model import Alias, Claim, Document, Entity, Evidence, Source
from andiwali.model.names import normalize_name
from andiwali.model.ontology import ontology
from andiwali.model.reference import Gazetteer
from andiwali.store.migrations import LATEST, current_version, migrate

DB_FILE = "andiwali.db"
CONFIG_FILE = "config.toml"
BUSY_TIMEOUT_MS = 30000
WRITE_ATTEMPTS = 8

T = TypeVar("T")
# parsed SQL statements are reused: building a TextClause costs more than running a small statement
_t = lru_cache(maxsize=1024)(text)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _journal_wal(cur) -> None:
    """Switch to WAL. The switch needs the file to itself and SQLite may answer "locked" at once, without
    the busy handler, while other connections open the same new file: retry for up to the busy timeout."""
    import sqlite3
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
    # the driver must not open transactions itself: _sqlite_begin does (BEGIN or BEGIN IMMEDIATE)
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _journal_wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
    except UnicodeDecodeError as exc:  # a damaged header or schema
        raise StoreError(f"the knowledge base file is damaged ({exc}): restore the latest backup with "
                         "`andiwali restore`", code="E311") from None
    finally:
        cur.close()


_DAMAGED = ("malformed", "file is not a database", "could not decode to utf-8")


def _damaged_file(ctx) -> None:  # pragma: no cover - exercised by the fuzz tests
    """A damaged SQLite file surfaces as the project's own error, whichever query hits the damage."""
    orig = ctx.original_exception
    msg = str(orig).lower()
    # sqlite3 raises the bare DatabaseError class (not Operational/Integrity/...) for a damaged file
    if type(orig) is sqlite3.DatabaseError or any(m in msg for m in _DAMAGED):
        raise StoreError(f"the knowledge base file is damaged ({msg}): restore the latest backup with "
                         "`andiwali restore`", code="E311") from None


def _sqlite_begin(conn: Connection) -> None:  # pragma: no cover - trivial
    mode = "IMMEDIATE" if conn.get_execution_options().get("andiwali_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def is_url(location: str | os.PathLike) -> bool:
    return str(location).startswith(("postgresql://", "postgresql+psycopg://", "postgres://", "sqlite:///"))


def _pg_url(loc: str) -> str:
    url = loc.replace("postgres://", "postgresql://", 1)
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    return url


def resolve_location(location: str | os.PathLike) -> tuple[str, Path | None]:
    """A directory or a database URL -> (SQLAlchemy URL, directory or None).

    A directory whose ``config.toml`` names ``db = "postgresql://..."`` points at that database.
    """
    loc = str(location)
    if loc.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return _pg_url(loc), None
    if loc.startswith("sqlite:///"):
        return loc, Path(loc[len("sqlite:///") :]).parent
    path = Path(loc)
    from andiwali.store.config import read_config

    db = read_config(path / CONFIG_FILE).get("db")
    if db and not (path / DB_FILE).exists():
        if not is_url(db):
            raise StoreError(f"{path / CONFIG_FILE}: db must be a postgresql:// or sqlite:/// URL, got {db!r}")
        if str(db).startswith("sqlite:///"):
            return str(db), Path(str(db)[len("sqlite:///") :]).parent
        return _pg_url(str(db)), path
    return f"sqlite:///{path / DB_FILE}", path


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_storable(value: str | None, what: str) -> None:
    """Text the database cannot hold the same on both backends (NUL, unpaired surrogates) is refused (E305)."""
    if value and _UNSTORABLE.search(value):
        raise StoreError(f"{what} contains NUL or unpaired surrogate characters, which the knowledge base cannot store "
                         "(the ingester should replace them)", code="E305")


def is_transient(exc: BaseException) -> bool:
    """A conflict that goes away when the transaction is run again (busy, locked, serialization, deadlock)."""
    orig = getattr(exc, "orig", exc)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in ("40001", "40P01", "55P03"):
        return True
    msg = str(orig).lower()
    return "database is locked" in msg or "database is busy" in msg or "database table is locked" in msg


@dataclass
class IngestResult:
    doc_id: str
    status: str  # new | unchanged | version | duplicate
    version: int


class KnowledgeBase:
    """Repository functions over one knowledge base."""

    def __init__(self, engine: Engine, location: str, directory: Path | None):
        self.engine = engine
        self.location = location
        self.directory = directory
        self.dialect = engine.dialect.name

    # ---- lifecycle ---------------------------------------------------------
    @classmethod
    def _engine(cls, url: str) -> Engine:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            event.listen(engine, "handle_error", _damaged_file)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        return engine

    @classmethod
    def create(cls, location: str | os.PathLike, *, with_reference: bool = True) -> KnowledgeBase:
        """Create (or upgrade) a knowledge base and load the bundled reference data."""
        url, directory = resolve_location(location)
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        kb = cls(cls._engine(url), str(location), directory)
        try:
            migrate(kb.engine)
        except DBAPIError as exc:
            kb.close()
            raise StoreError(f"cannot create a knowledge base at {location}: {_first_line(exc.orig)}") from None
        if with_reference:
            from andiwali.model.reference import bundled_gazetteer

            kb.load_reference(bundled_gazetteer())
        return kb

    @classmethod
    def open(cls, location: str | os.PathLike, *, upgrade: bool = True) -> KnowledgeBase:
        url, directory = resolve_location(location)
        if url.startswith("sqlite") and not Path(url[len("sqlite:///"):]).exists():
            raise StoreError(f"no knowledge base at {directory}: run `andiwali --kb {directory} init` first", code="E301")
        kb = cls(cls._engine(url), str(location), directory)
        try:
            with kb.engine.connect() as conn:
                version = current_version(conn)
        except DBAPIError as exc:
            kb.close()
            raise StoreError(f"cannot open knowledge base {location}: {_first_line(exc.orig)}") from None
        if version == 0:
            kb.close()
            raise StoreError(f"no knowledge base at {location}: run `andiwali init` first", code="E301")
        if version > LATEST:
            kb.close()
            raise StoreError(f"knowledge base schema {version} is newer than this andiwali ({LATEST})", code="E302")
        if version < LATEST and upgrade:
            migrate(kb.engine)
        try:
            kb._check_schema()
        except StoreError:
            kb.close()
            raise
        return kb

    # the columns every repository function relies on (migration 1); a damaged schema is refused at open
    _CORE_COLUMNS = {
        "documents": {"id", "doc_key", "version", "content_hash", "title", "published", "language", "url", "format",
                      "source_id", "text", "meta", "duplicate_of", "ingested_at", "extracted_at"},
        "claims": {"id", "subject_id", "predicate", "object_id", "polarity", "modality", "attributed_to", "valid_from",
                   "valid_to", "reported_at", "undated", "doc_id", "extractor", "confidence", "status", "reviewed_by",
                   "reviewed_at", "qualifiers", "version", "created_at", "updated_at"},
        "evidence": {"claim_id", "doc_id", "start_char", "end_char", "quote", "page"},
        "entities": {"id", "kind", "name", "parent_id", "start_date", "end_date", "attributes", "refs", "origin",
                     "status", "merged_into", "version"},
        "aliases": {"entity_id", "name", "norm", "lang", "script", "source", "acronym", "ambiguous"},
        "sources": {"id", "name", "kind", "reliability", "credibility", "url"},
        "mentions": {"doc_id", "entity_id", "start_char", "end_char", "text"},
        "audit": {"id", "ts", "actor", "action", "object_type", "object_id", "before", "after"},
    }

    def _check_schema(self) -> None:
        with self.engine.connect() as conn:
            for table, cols in self._CORE_COLUMNS.items():
                if self.dialect == "sqlite":
                    have = {r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")}
                else:
                    have = {r[0] for r in conn.execute(
                        _t("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                           "AND table_name = :t"), {"t": table})}
                missing = cols - have
                if missing:
                    raise StoreError(f"the knowledge base schema is damaged: table {table} lacks {sorted(missing)}; "
                                     "restore the latest backup with `andiwali restore`", code="E311")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` on SQLite): commits on success, rolls back on error."""
        with self.engine.connect() as conn:
            conn.execution_options(andiwali_write=True)
            with conn.begin():
                yield conn

    def write(self, fn: Callable[[Connection], T], *, attempts: int = WRITE_ATTEMPTS, what: str = "write") -> T:
        """Run ``fn(conn)`` in one write transaction, re-running it whole on a transient conflict.

        ``fn`` must do nothing outside the database (it may run more than once).
        Constraint violations become ``StoreError`` E305; a conflict that outlasts
        every attempt becomes E306.
        """
        delay = 0.05
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction() as conn:
                    return fn(conn)
            except IntegrityError as exc:
                raise StoreError(f"{what} breaks a rule of the knowledge base: {_first_line(exc.orig)}", code="E305") from None
            except DBAPIError as exc:
                if not is_transient(exc):
                    raise StoreError(f"{what} failed: {_first_line(exc.orig)}") from None
                if attempt == attempts:
                    raise StoreError(f"{what}: the database stayed busy after {attempts} attempts: {_first_line(exc.orig)}",
                                     code="E306") from None
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 2.0)
        raise AssertionError("unreachable")  # pragma: no cover

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return current_version(conn)

    # ---- audit ---------------------------------------------------------------
    def _audit(self, conn: Connection, actor: str, action: str, otype: str, oid: str, before: Any, after: Any) -> None:
        conn.execute(
            _t(
                "INSERT INTO audit (ts, actor, action, object_type, object_id, before, after) "
                "VALUES (:ts, :actor, :action, :otype, :oid, :before, :after)"
            ),
            {
                "ts": now(),
                "actor": actor,
                "action": action,
                "otype": otype,
                "oid": oid,
                "before": None if before is None else _j(before),
                "after": None if after is None else _j(after),
            },
        )

    def audit_log(self, object_id: str | None = None, limit: int = 200) -> list[dict]:
        q = "SELECT id, ts, actor, action, object_type, object_id, before, after FROM audit"
        params: dict[str, Any] = {"limit": limit}
        if object_id:
            q += " WHERE object_id = :oid"
            params["oid"] = object_id
        q += " ORDER BY id DESC LIMIT :limit"
        with self.engine.connect() as conn:
            rows = conn.execute(_t(q), params).mappings().all()
        out = []
        for r in rows:
            d = dict(r)
            for k in ("before", "after"):
                d[k] = json.loads(d[k]) if d[k] else None
            out.append(d)
        return out

    # ---- sources and documents ---------------------------------------------
    def _upsert_source(self, conn: Connection, src: Source) -> str:
        conn.execute(
            _t(
                "INSERT INTO sources (id, name, kind, reliability, credibility, url) "
                "VALUES (:id, :name, :kind, :r, :c, :url) "
                # F6 means "cannot be judged": it never overwrites a grade an analyst gave
                "ON CONFLICT (id) DO UPDATE SET "
                "reliability = CASE WHEN excluded.reliability || excluded.credibility = 'F6' "
                "THEN sources.reliability ELSE excluded.reliability END, "
                "credibility = CASE WHEN excluded.reliability || excluded.credibility = 'F6' "
                "THEN sources.credibility ELSE excluded.credibility END, kind = excluded.kind"
            ),
            {"id": src.id, "name": src.name, "kind": src.kind, "r": src.reliability, "c": src.credibility, "url": src.url},
        )
        return src.id

    def add_document(self, doc: Document, conn: Connection | None = None) -> IngestResult:
        """Store a document. Unchanged -> no-op; changed -> new version; same text elsewhere -> duplicate link."""
        if conn is None:
            return self.write(lambda c: self.add_document(doc, c), what=f"storing document {doc.key!r}")
        for value, what in ((doc.text, "document text"), (doc.key, "document key"), (doc.title, "document title"),
                            (doc.url, "document url"), (_j(doc.meta), "document metadata")):
            check_storable(value, what)
        if doc.source is not None:
            check_storable(doc.source.name, "source name")
        did = doc.id
        chash = doc.content_hash
        existing = conn.execute(_t("SELECT version FROM documents WHERE id = :id"), {"id": did}).first()
        if existing:
            return IngestResult(did, "unchanged", existing[0])
        latest = conn.execute(
            _t("SELECT max(version) FROM documents WHERE doc_key = :k"), {"k": doc.key}
        ).scalar()
        version = (latest or 0) + 1
        dup = conn.execute(
            _t("SELECT id FROM documents WHERE content_hash = :h AND duplicate_of IS NULL ORDER BY ingested_at LIMIT 1"),
            {"h": chash},
        ).first()
        duplicate_of = dup[0] if dup else None
        source_id = self._upsert_source(conn, doc.source) if doc.source else None
        res = conn.execute(
            _t(
                "INSERT INTO documents (id, doc_key, version, content_hash, title, published, language, url, format, "
                "source_id, text, meta, duplicate_of, ingested_at) VALUES (:id, :key, :v, :h, :title, :pub, :lang, "
                ":url, :fmt, :src, :text, :meta, :dup, :ts) ON CONFLICT (id) DO NOTHING"
            ),
            {
                "id": did, "key": doc.key, "v": version, "h": chash, "title": doc.title, "pub": doc.published,
                "lang": doc.language, "url": doc.url, "fmt": doc.format, "src": source_id, "text": doc.text,
                "meta": _j(doc.meta), "dup": duplicate_of, "ts": now(),
            },
        )
        if res.rowcount == 0:  # stored meanwhile by a concurrent writer
            return IngestResult(did, "unchanged", version)
        if self.dialect == "sqlite":
            conn.execute(
                _t("INSERT INTO documents_fts (doc_id, title, body) VALUES (:id, :title, :body)"),
                {"id": did, "title": doc.title or "", "body": doc.text},
            )
        status = "duplicate" if duplicate_of else ("version" if version > 1 else "new")
        return IngestResult(did, status, version)

    def _doc_row(self, r: Any, with_text: bool) -> dict:
        d = dict(r)
        d["meta"] = json.loads(d.get("meta") or "{}")
        if not with_text:
            d.pop("text", None)
        return d

    _DOC_COLS = (
        "d.id, d.doc_key, d.version, d.content_hash, d.title, d.published, d.language, d.url, d.format, "
        "d.meta, d.duplicate_of, d.ingested_at, d.extracted_at, length(d.text) AS n_chars, "
        "s.name AS source, s.reliability, s.credibility"
    )

    def documents(self, *, limit: int | None = None, offset: int = 0) -> list[dict]:
        q = f"SELECT {self._DOC_COLS} FROM documents d LEFT JOIN sources s ON s.id = d.source_id ORDER BY d.ingested_at, d.id"
        params: dict[str, Any] = {}
        if limit is not None:
            q += " LIMIT :limit OFFSET :offset"
            params = {"limit": limit, "offset": offset}
        with self.engine.connect() as conn:
            return [self._doc_row(r, False) for r in conn.execute(_t(q), params).mappings()]

    def document(self, doc_id: str) -> dict | None:
        q = f"SELECT {self._DOC_COLS}, d.text FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.id = :id"
        with self.engine.connect() as conn:
            r = conn.execute(_t(q), {"id": doc_id}).mappings().first()
        return self._doc_row(r, True) if r else None

    def load_document(self, doc_id: str) -> Document:
        d = self.document(doc_id)
        if d is None:
            raise StoreError(f"no document {doc_id}", code="E304")
        src = None
        if d["source"]:
            src = Source(name=d["source"], reliability=d["reliability"], credibility=d["credibility"])
        return Document(
            text=d["text"], key=d["doc_key"], title=d["title"], published=d["published"], language=d["language"],
            url=d["url"], format=d["format"], source=src, meta=d["meta"],
        )

    def pending_documents(self) -> list[str]:
        """Ids of documents not yet extracted (duplicates are never extracted twice)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                _t("SELECT id FROM documents WHERE extracted_at IS NULL AND duplicate_of IS NULL ORDER BY ingested_at, id")
            ).all()
        return [r[0] for r in rows]

    def search_documents(self, query: str, limit: int = 50) -> list[dict]:
        """Full-text search over titles and text (FTS5 on SQLite, tsvector on PostgreSQL), best matches first.

        The query is a list of words (all must occur); no query syntax is interpreted.
        """
        terms = [t for t in str(query).split() if not _UNSTORABLE.search(t)]
        if not terms:
            return []
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                q = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
                rows = conn.execute(
                    _t("SELECT doc_id FROM documents_fts WHERE documents_fts MATCH :q ORDER BY rank LIMIT :l"),
                    {"q": q, "l": limit},
                ).all()
            else:
                rows = conn.execute(
                    _t("SELECT id FROM documents, plainto_tsquery('simple', :q) query WHERE tsv @@ query "
                         "ORDER BY ts_rank(tsv, query) DESC, id LIMIT :l"),
                    {"q": " ".join(terms), "l": limit},
                ).all()
            ids = [r[0] for r in rows]
            if not ids:
                return []
            params = {f"i{n}": i for n, i in enumerate(ids)}
            found = conn.execute(
                _t(f"SELECT {self._DOC_COLS} FROM documents d LEFT JOIN sources s ON s.id = d.source_id "
                     "WHERE d.id IN (" + ",".join(f":i{n}" for n in range(len(ids))) + ")"),
                params,
            ).mappings().all()
        docs = {r["id"]: self._doc_row(r, False) for r in found}
        return [docs[i] for i in ids if i in docs]

    # ---- entities --------------------------------------------------------------
    def _entity_dict(self, e: Entity) -> dict:
        return {
            "id": e.id, "kind": e.kind, "name": e.name, "parent": e.parent, "start": e.start, "end": e.end,
            "attributes": e.attributes, "references": e.references, "origin": e.origin,
            "aliases": [a.name for a in e.aliases],
        }

    def upsert_entity(self, e: Entity, *, actor: str = "system", conn: Connection | None = None, status: str | None = None) -> bool:
        """Insert or update an entity and add its aliases. Returns True when something changed."""
        if conn is None:
            return self.write(lambda c: self.upsert_entity(e, actor=actor, conn=c, status=status),
                              what=f"storing entity {e.name}")
        for n in e.all_names():
            check_storable(n, "entity name")
        check_storable(_j(e.attributes), "entity attributes")
        row = conn.execute(_t("SELECT id, name, kind, origin FROM entities WHERE id = :id"), {"id": e.id}).first()
        changed = False
        if row is None:
            res = conn.execute(
                _t(
                    "INSERT INTO entities (id, kind, name, parent_id, start_date, end_date, attributes, refs, origin, status) "
                    "VALUES (:id, :kind, :name, :parent, :start, :end, :attrs, :refs, :origin, :status) "
                    "ON CONFLICT (id) DO NOTHING"
                ),
                {
                    "id": e.id, "kind": e.kind, "name": e.name, "parent": e.parent, "start": e.start, "end": e.end,
                    "attrs": _j(e.attributes), "refs": _j(e.references), "origin": e.origin,
                    "status": status or ("candidate" if e.origin == "discovered" else "curated"),
                },
            )
            if res.rowcount:
                self._audit(conn, actor, "create", "entity", e.id, None, self._entity_dict(e))
                changed = True
            else:  # created meanwhile by a concurrent writer: treat as existing
                row = conn.execute(_t("SELECT id, name, kind, origin FROM entities WHERE id = :id"), {"id": e.id}).first()
        elif e.origin == "reference":
            conn.execute(
                _t(
                    "UPDATE entities SET name=:name, parent_id=:parent, start_date=:start, end_date=:end, attributes=:attrs, "
                    "refs=:refs WHERE id=:id AND origin='reference'"
                ),
                {"id": e.id, "name": e.name, "parent": e.parent, "start": e.start, "end": e.end,
                 "attrs": _j(e.attributes), "refs": _j(e.references)},
            )
        alias_sql = _t(
            "INSERT INTO aliases (entity_id, name, norm, lang, script, source, acronym, ambiguous) "
            "VALUES (:eid, :name, :norm, :lang, :script, :source, :acr, :amb) ON CONFLICT (entity_id, name) DO NOTHING"
        )
        params = [
            {"eid": e.id, "name": a.name, "norm": normalize_name(a.name), "lang": a.lang, "script": a.script,
             "source": a.source, "acr": int(a.acronym), "amb": int(a.ambiguous)}
            for a in [Alias(name=e.name, source=(e.references[0] if e.references else e.origin))] + list(e.aliases)
        ]
        if row is None:  # a new entity: its aliases in one round trip, no audit entry per alias
            conn.execute(alias_sql, params)
            return changed
        for p in params:
            res = conn.execute(alias_sql, p)
            if res.rowcount:
                self._audit(conn, actor, "add_alias", "entity", e.id, None, {"alias": p["name"], "source": p["source"]})
                changed = True
        return changed

    def _load_entities(self, where: str = "", params: dict | None = None) -> list[Entity]:
        with self.engine.connect() as conn:
            rows = conn.execute(_t(f"SELECT * FROM entities {where} ORDER BY name"), params or {}).mappings().all()
            ids = [r["id"] for r in rows]
            aliases: dict[str, list[Alias]] = {}
            if ids:
                arows = conn.execute(_t("SELECT * FROM aliases")).mappings() if len(ids) > 500 else conn.execute(
                    _t("SELECT * FROM aliases WHERE entity_id IN (" + ",".join(f":i{n}" for n in range(len(ids))) + ")"),
                    {f"i{n}": i for n, i in enumerate(ids)},
                ).mappings()
                for a in arows:
                    aliases.setdefault(a["entity_id"], []).append(
                        Alias(name=a["name"], lang=a["lang"], script=a["script"], source=a["source"],
                              acronym=bool(a["acronym"]), ambiguous=bool(a["ambiguous"]))
                    )
        out = []
        for r in rows:
            e = Entity(
                kind=r["kind"], name=r["name"], aliases=[a for a in aliases.get(r["id"], []) if a.name != r["name"]],
                parent=r["parent_id"], start=r["start_date"], end=r["end_date"],
                attributes=json.loads(r["attributes"]), references=json.loads(r["refs"]), origin=r["origin"], id=r["id"],
            )
            e.attributes.setdefault("_status", r["status"])
            if r["merged_into"]:
                e.attributes["_merged_into"] = r["merged_into"]
            out.append(e)
        return out

    def entities(self, kind: str | None = None, *, include_merged: bool = False) -> list[Entity]:
        clauses, params = [], {}
        if kind:
            clauses.append("kind = :kind")
            params["kind"] = kind
        if not include_merged:
            clauses.append("merged_into IS NULL")
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._load_entities(where, params)

    def entity(self, entity_id: str) -> Entity | None:
        found = self._load_entities("WHERE id = :id", {"id": entity_id})
        return found[0] if found else None

    def find_entities(self, name: str) -> list[Entity]:
        """Entities whose name or alias normalizes like ``name`` (merged ones point to their target)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                _t("SELECT DISTINCT entity_id FROM aliases WHERE norm = :n"), {"n": normalize_name(name)}
            ).all()
        out: list[Entity] = []
        seen: set[str] = set()
        for (eid,) in rows:
            e = self.entity(eid)
            while e is not None and e.attributes.get("_merged_into"):
                e = self.entity(e.attributes["_merged_into"])
            if e is not None and e.id not in seen:
                seen.add(e.id)
                out.append(e)
        return out

    def gazetteer(self) -> Gazetteer:
        """The knowledge base's entities (reference, curated and merged) as a Gazetteer for extraction."""
        gaz = Gazetteer()
        for e in self.entities():
            if e.attributes.get("_status") == "candidate":
                continue
            gaz.add(e)
        return gaz

    def load_reference(self, gaz: Gazetteer, *, actor: str = "reference") -> tuple[int, int]:
        """Load reference entities and claims (idempotent)."""

        def run(conn: Connection) -> tuple[int, int]:
            n_e = n_c = 0
            for e in gaz.entities.values():
                n_e += self.upsert_entity(e, actor=actor, conn=conn)
            for c in gaz.claims:
                n_c += self._upsert_claim(conn, c, actor=actor, doc_id=None)
            return n_e, n_c

        return self.write(run, what="loading reference data")

    # ---- claims --------------------------------------------------------------
    def _claim_params(self, c: Claim, doc_id: str | None) -> dict:
        ts = now()
        return {
            "id": c.id, "s": c.subject, "p": c.predicate, "o": c.object, "pol": c.polarity, "mod": c.modality,
            "attr": c.attributed_to, "vf": c.valid_from, "vt": c.valid_to, "rep": c.reported_at,
            "und": int(c.undated), "doc": doc_id, "ext": c.extractor, "conf": float(c.confidence),
            "status": c.status, "rb": c.reviewed_by, "ra": c.reviewed_at, "q": _j(c.qualifiers), "ts": ts,
        }

    def _upsert_claim(self, conn: Connection, c: Claim, *, actor: str, doc_id: str | None) -> bool:
        p = self._claim_params(c, doc_id)
        check_storable(p["q"], "claim qualifiers")
        for ev in c.evidence:
            check_storable(ev.quote, "evidence quote")
        res = conn.execute(
            _t(
                "INSERT INTO claims (id, subject_id, predicate, object_id, polarity, modality, attributed_to, valid_from, "
                "valid_to, reported_at, undated, doc_id, extractor, confidence, status, reviewed_by, reviewed_at, "
                "qualifiers, created_at, updated_at) VALUES (:id, :s, :p, :o, :pol, :mod, :attr, :vf, :vt, :rep, :und, "
                ":doc, :ext, :conf, :status, :rb, :ra, :q, :ts, :ts) ON CONFLICT (id) DO NOTHING"
            ),
            p,
        )
        if res.rowcount:
            self._audit(conn, actor, "create", "claim", c.id, None, claim_to_dict(c))
            changed = True
        else:
            # re-extraction refreshes machine fields but never overrides a human review; a real change
            # bumps the version so a reviewer holding the old one is told (E303)
            conn.execute(
                _t("UPDATE claims SET confidence=:conf, modality=:mod, qualifiers=:q, extractor=:ext, reported_at=:rep, "
                     "updated_at=:ts, version = version + 1 WHERE id=:id AND status='pending' "
                     "AND (confidence <> :conf OR modality <> :mod OR qualifiers <> :q)"),
                p,
            )
            changed = False
        for ev in c.evidence:
            conn.execute(
                _t(
                    "INSERT INTO evidence (claim_id, doc_id, start_char, end_char, quote, page) VALUES "
                    "(:cid, :doc, :s, :e, :q, :page) ON CONFLICT (claim_id, doc_id, start_char, end_char) DO NOTHING"
                ),
                {"cid": c.id, "doc": ev.doc_id, "s": ev.start, "e": ev.end, "q": ev.quote, "page": ev.page},
            )
        return changed

    def add_claims(self, claims: Iterable[Claim], *, actor: str = "system", conn: Connection | None = None) -> int:
        if conn is None:
            claims = list(claims)
            return self.write(lambda c: self.add_claims(claims, actor=actor, conn=c), what="storing claims")
        n = 0
        for c in claims:
            doc_id = c.evidence[0].doc_id if c.evidence else None
            n += self._upsert_claim(conn, c, actor=actor, doc_id=doc_id)
        return n

    def save_extraction(
        self,
        doc_id: str,
        claims: list[Claim],
        *,
        entities: Iterable[Entity] = (),
        mentions: Iterable[tuple[str, int, int, str]] = (),
        actor: str = "extractor",
    ) -> dict:
        """Write one document's extraction in one transaction: a whole claim set or nothing.

        Pending machine claims of this document that the new run no longer finds
        are removed; reviewed claims are kept.
        """
        claims = list(claims)
        entities = list(entities)
        # (entity_id, start, end, text) tuples, or objects with as_tuple() (andiwali.extract.MentionRef)
        mentions = [m.as_tuple() if hasattr(m, "as_tuple") else tuple(m) for m in mentions]

        def run(conn: Connection) -> dict:
            if conn.execute(_t("SELECT 1 FROM documents WHERE id = :d"), {"d": doc_id}).first() is None:
                raise StoreError(f"no document {doc_id}", code="E304")
            for e in entities:
                self.upsert_entity(e, actor=actor, conn=conn)
            new_ids = {c.id for c in claims}
            old = conn.execute(
                _t("SELECT id FROM claims WHERE doc_id = :d AND status = 'pending' AND extractor <> 'human'"),
                {"d": doc_id},
            ).all()
            removed = 0
            for (cid,) in old:
                if cid not in new_ids:
                    # status re-checked: a review committed meanwhile keeps its claim
                    res = conn.execute(_t("DELETE FROM claims WHERE id = :id AND status = 'pending'"), {"id": cid})
                    if res.rowcount:
                        self._audit(conn, actor, "delete", "claim", cid, {"reason": "not found by re-extraction"}, None)
                        removed += 1
            added = self.add_claims(claims, actor=actor, conn=conn)
            conn.execute(_t("DELETE FROM mentions WHERE doc_id = :d"), {"d": doc_id})
            if mentions:
                conn.execute(
                    _t("INSERT INTO mentions (doc_id, entity_id, start_char, end_char, text) VALUES (:d, :e, :s, :x, :t) "
                         "ON CONFLICT DO NOTHING"),
                    [{"d": doc_id, "e": eid, "s": s, "x": e, "t": t} for eid, s, e, t in mentions],
                )
            conn.execute(_t("UPDATE documents SET extracted_at = :ts WHERE id = :d"), {"ts": now(), "d": doc_id})
            return {"added": added, "removed": removed, "total": len(claims)}

        return self.write(run, what=f"saving the extraction of {doc_id}")

    def _claims_from_rows(self, conn: Connection, rows: list) -> list[Claim]:
        ids = [r["id"] for r in rows]
        evidence: dict[str, list[Evidence]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            params = {f"i{n}": v for n, v in enumerate(chunk)}
            for ev in conn.execute(
                _t("SELECT * FROM evidence WHERE claim_id IN (" + ",".join(f":i{n}" for n in range(len(chunk))) + ")"),
                params,
            ).mappings():
                evidence.setdefault(ev["claim_id"], []).append(
                    Evidence(doc_id=ev["doc_id"], start=ev["start_char"], end=ev["end_char"], quote=ev["quote"], page=ev["page"])
                )
        out = []
        for r in rows:
            c = Claim(
                subject=r["subject_id"], predicate=r["predicate"], object=r["object_id"], polarity=r["polarity"],
                modality=r["modality"], attributed_to=r["attributed_to"], valid_from=r["valid_from"],
                valid_to=r["valid_to"], reported_at=r["reported_at"], evidence=evidence.get(r["id"], []),
                extractor=r["extractor"], confidence=r["confidence"], status=r["status"], reviewed_by=r["reviewed_by"],
                reviewed_at=r["reviewed_at"], qualifiers=json.loads(r["qualifiers"]), id=r["id"],
            )
            out.append(c)
        return out

    @staticmethod
    def _claim_filters(*, subject=None, predicate=None, object=None, date_from=None, date_to=None, status=None,
                       min_confidence=None, doc_id=None, entity=None) -> tuple[str, dict]:
        clauses, params = [], {}
        if subject:
            clauses.append("subject_id = :s")
            params["s"] = subject
        if object:
            clauses.append("object_id = :o")
            params["o"] = object
        if entity:
            clauses.append("(subject_id = :ent OR object_id = :ent)")
            params["ent"] = entity
        if predicate:
            clauses.append("predicate = :p")
            params["p"] = predicate
        if doc_id:
            clauses.append("doc_id = :doc")
            params["doc"] = doc_id
        if status is None:
            clauses.append("status <> 'rejected'")
        elif status != "all":
            clauses.append("status = :st")
            params["st"] = status
        if min_confidence is not None:
            clauses.append("confidence >= :mc")
            params["mc"] = min_confidence
        if date_to:
            clauses.append("(coalesce(valid_from, reported_at) IS NULL OR coalesce(valid_from, reported_at) <= :dto)")
            params["dto"] = date_to + "-99"  # partial dates compare as prefixes
        if date_from:
            clauses.append("(coalesce(valid_to, CASE WHEN undated = 1 THEN reported_at END) IS NULL OR "
                           "coalesce(valid_to, CASE WHEN undated = 1 THEN reported_at END) >= :dfrom)")
            params["dfrom"] = date_from
        return (("WHERE " + " AND ".join(clauses)) if clauses else ""), params

    _CLAIM_ORDERS = {
        "created": "created_at, id",
        "confidence": "confidence, id",
        "-confidence": "confidence DESC, id",
        "id": "id",
    }

    def claims(
        self,
        *,
        subject: str | None = None,
        predicate: str | None = None,
        object: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        status: str | None = None,
        min_confidence: float | None = None,
        doc_id: str | None = None,
        entity: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        order: str = "created",
    ) -> list[Claim]:
        """Claims matching the filters. ``subject``/``object``/``entity`` are entity ids.

        ``status`` is one of the review statuses, ``all``, or None (all but rejected).
        ``date_from``/``date_to`` keep claims whose valid time (or, when undated,
        reported_at) overlaps the window. ``order``: ``created`` (default),
        ``confidence``, ``-confidence`` (highest first) or ``id``; with ``limit`` and
        ``offset`` the database returns one page (indexed up to millions of claims).
        """
        if order not in self._CLAIM_ORDERS:
            raise StoreError(f"order must be one of {sorted(self._CLAIM_ORDERS)}, got {order!r}")
        where, params = self._claim_filters(
            subject=subject, predicate=predicate, object=object, date_from=date_from, date_to=date_to, status=status,
            min_confidence=min_confidence, doc_id=doc_id, entity=entity)
        q = f"SELECT * FROM claims {where} ORDER BY {self._CLAIM_ORDERS[order]}"
        if limit is not None:
            q += " LIMIT :limit OFFSET :offset"
            params.update(limit=limit, offset=offset)
        with self.engine.connect() as conn:
            rows = conn.execute(_t(q), params).mappings().all()
            return self._claims_from_rows(conn, rows)

    def count_claims(self, **filters: Any) -> int:
        """How many claims ``claims(**filters)`` would return (same filters, without loading them)."""
        filters = {k: v for k, v in filters.items() if k not in ("limit", "offset", "order")}
        where, params = self._claim_filters(**filters)
        with self.engine.connect() as conn:
            return int(conn.execute(_t(f"SELECT count(*) FROM claims {where}"), params).scalar())

    def claim_versions(self, claim_ids: Iterable[str]) -> dict[str, int]:
        """claim id -> current version (for optimistic edits of a page of claims)."""
        ids = list(dict.fromkeys(claim_ids))
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                params = {f"i{n}": v for n, v in enumerate(chunk)}
                q = "SELECT id, version FROM claims WHERE id IN (" + ",".join(f":i{n}" for n in range(len(chunk))) + ")"
                out.update({r[0]: int(r[1]) for r in conn.execute(_t(q), params)})
        return out

    def claim_counts(self, entity_ids: Iterable[str] | None = None, *, include_rejected: bool = False) -> dict[str, int]:
        """entity id -> number of claims it is subject or object of (all entities, or only ``entity_ids``).

        Pass the ids of one page of entities: each is then two index lookups, fast at any size.
        """
        status = "" if include_rejected else " AND status <> 'rejected'"
        out: dict[str, int] = {}
        with self.engine.connect() as conn:
            if entity_ids is None:
                for col in ("subject_id", "object_id"):
                    where = "WHERE status <> 'rejected'" if not include_rejected else ""
                    for eid, n in conn.execute(_t(f"SELECT {col}, count(*) FROM claims {where} GROUP BY {col}")):
                        out[eid] = out.get(eid, 0) + int(n)
                return out
            for eid in dict.fromkeys(entity_ids):
                n = 0
                for col in ("subject_id", "object_id"):
                    n += int(conn.execute(_t(f"SELECT count(*) FROM claims WHERE {col} = :e{status}"), {"e": eid}).scalar())
                out[eid] = n
        return out

    def claim(self, claim_id: str) -> Claim | None:
        with self.engine.connect() as conn:
            rows = conn.execute(_t("SELECT * FROM claims WHERE id = :id"), {"id": claim_id}).mappings().all()
            found = self._claims_from_rows(conn, rows)
        return found[0] if found else None

    def claim_version(self, claim_id: str) -> int | None:
        with self.engine.connect() as conn:
            v = conn.execute(_t("SELECT version FROM claims WHERE id = :id"), {"id": claim_id}).scalar()
        return v

    def review(self, claim_id: str, status: str, *, actor: str = "analyst", expected_version: int | None = None,
               changes: dict | None = None) -> Claim:
        """Accept, reject or edit a claim (optimistic version check), recorded in the audit log."""
        if status not in ontology().review_statuses:
            raise StoreError(f"status must be one of {ontology().review_statuses}, got {status!r}")
        return self.write(lambda conn: self._review(conn, claim_id, status, actor, expected_version, changes),
                          what=f"reviewing {claim_id}")

    def _review(self, conn: Connection, claim_id: str, status: str, actor: str, expected_version: int | None,
                changes: dict | None) -> Claim:
        rows = conn.execute(_t("SELECT * FROM claims WHERE id = :id"), {"id": claim_id}).mappings().all()
        if not rows:
            raise StoreError(f"no claim {claim_id}", code="E304")
        before = self._claims_from_rows(conn, rows)[0]
        version = rows[0]["version"]
        if expected_version is not None and version != expected_version:
            raise StoreError(f"claim {claim_id} changed since version {expected_version} (now {version})", code="E303")
        sets = {"status": status, "reviewed_by": actor, "reviewed_at": now(), "updated_at": now()}
        allowed = {"polarity", "modality", "valid_from", "valid_to", "attributed_to", "predicate", "qualifiers", "confidence"}
        for k, v in (changes or {}).items():
            if k not in allowed:
                raise StoreError(f"cannot edit claim field {k!r}")
            col = k
            sets[col] = _j(v) if k == "qualifiers" else v
        # validate edited values through the model
        probe = claim_to_dict(before) | {k: v for k, v in (changes or {}).items()}
        Claim(subject=before.subject, predicate=probe["predicate"], object=before.object,
              polarity=probe["polarity"], modality=probe["modality"], valid_from=probe["valid_from"],
              valid_to=probe["valid_to"], status=status, id=claim_id)
        assign = ", ".join(f"{k} = :{k}" for k in sets)
        res = conn.execute(
            _t(f"UPDATE claims SET {assign}, version = version + 1 WHERE id = :id AND version = :ver"),
            sets | {"id": claim_id, "ver": version},
        )
        if res.rowcount != 1:
            raise StoreError(f"claim {claim_id} was changed concurrently", code="E303")
        after_rows = conn.execute(_t("SELECT * FROM claims WHERE id = :id"), {"id": claim_id}).mappings().all()
        after = self._claims_from_rows(conn, after_rows)[0]
        self._audit(conn, actor, "review:" + status, "claim", claim_id, claim_to_dict(before), claim_to_dict(after))
        return after

    # ---- stats -----------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                t: int(conn.execute(_t(f"SELECT count(*) FROM {t}")).scalar())
                for t in ("sources", "documents", "entities", "aliases", "claims", "evidence", "mentions", "audit")
            }

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` ("ok" when sound); PostgreSQL: "ok" when the server answers."""
        with self.engine.connect() as conn:
            if self.dialect != "sqlite":
                return "ok" if conn.execute(_t("SELECT 1")).scalar() == 1 else "no answer"
            return "\n".join(str(r[0]) for r in conn.execute(_t("PRAGMA integrity_check")).all())

    def consistency_check(self) -> dict[str, list[str]]:
        """Checks beyond the database's own: ``problems`` (broken data) and ``warnings`` (worth a look).

        Problems: the SQLite integrity check, foreign keys, evidence spans outside
        their document, machine claims of a document whose extraction never
        finished (a partial claim set), the full-text index out of step.
        """
        problems: list[str] = []
        warnings: list[str] = []
        machine = "(c.extractor LIKE 'rules:%' OR c.extractor LIKE 'llm:%' OR c.extractor LIKE 'model:%')"
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                ic = [str(r[0]) for r in conn.execute(_t("PRAGMA integrity_check")).all()]
                if ic != ["ok"]:
                    problems += [f"integrity_check: {x}" for x in ic[:20]]
                fk = conn.execute(_t("PRAGMA foreign_key_check")).all()
                if fk:
                    problems.append(f"{len(fk)} rows break a foreign key (first: {tuple(fk[0])})")
                n_docs = conn.execute(_t("SELECT count(*) FROM documents")).scalar()
                n_fts = conn.execute(_t("SELECT count(*) FROM documents_fts")).scalar()
                if n_docs != n_fts:
                    problems.append(f"full-text index holds {n_fts} documents, the table {n_docs}")
            bad_span = conn.execute(_t(
                "SELECT count(*) FROM evidence e JOIN documents d ON d.id = e.doc_id WHERE e.end_char > length(d.text)"
            )).scalar()
            if bad_span:
                problems.append(f"{bad_span} evidence spans end beyond their document's text")
            partial = conn.execute(_t(
                f"SELECT count(DISTINCT c.doc_id) FROM claims c JOIN documents d ON d.id = c.doc_id "
                f"WHERE d.extracted_at IS NULL AND {machine}"
            )).scalar()
            if partial:
                problems.append(f"{partial} documents hold machine claims but their extraction never finished")
            quotes = conn.execute(_t(
                "SELECT count(*) FROM evidence e JOIN documents d ON d.id = e.doc_id "
                "WHERE substr(d.text, e.start_char + 1, e.end_char - e.start_char) <> e.quote"
            )).scalar()
            if quotes:
                warnings.append(f"{quotes} evidence quotes differ from the text they point into")
            no_ev = conn.execute(_t(
                f"SELECT count(*) FROM claims c WHERE {machine} AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.claim_id = c.id)"
            )).scalar()
            if no_ev:
                warnings.append(f"{no_ev} machine claims have no evidence")
        return {"problems": problems, "warnings": warnings}


def _first_line(exc: BaseException | None) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


def claim_to_dict(c: Claim) -> dict:
    return {
        "id": c.id, "subject": c.subject, "predicate": c.predicate, "object": c.object, "polarity": c.polarity,
        "modality": c.modality, "attributed_to": c.attributed_to, "valid_from": c.valid_from, "valid_to": c.valid_to,
        "reported_at": c.reported_at, "undated": c.undated, "extractor": c.extractor, "confidence": c.confidence,
        "status": c.status, "reviewed_by": c.reviewed_by, "reviewed_at": c.reviewed_at, "qualifiers": c.qualifiers,
        "evidence": [{"doc_id": e.doc_id, "start": e.start, "end": e.end, "quote": e.quote, "page": e.page} for e in c.evidence],
    }
