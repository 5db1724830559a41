"""The knowledge base: the only place with SQL.

A knowledge base is a directory holding ``andiwali.db`` (SQLite, WAL, foreign
keys on), or a PostgreSQL URL. All writes go through short transactions; every
change to entities, claims and reviews is recorded in the ``audit`` table.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from andiwali.errors import StoreError
from andiwali.model import Alias, Claim, Document, Entity, Evidence, Source
from andiwali.model.names import normalize_name
from andiwali.model.ontology import ontology
from andiwali.model.reference import Gazetteer
from andiwali.store.migrations import LATEST, current_version, migrate

DB_FILE = "andiwali.db"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def resolve_location(location: str | os.PathLike) -> tuple[str, Path | None]:
    """A directory or a database URL -> (SQLAlchemy URL, directory or None)."""
    loc = str(location)
    if loc.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        url = loc.replace("postgres://", "postgresql://", 1)
        if url.startswith("postgresql://"):
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        return url, None
    if loc.startswith("sqlite:///"):
        return loc, Path(loc[len("sqlite:///") :]).parent
    path = Path(loc)
    return f"sqlite:///{path / DB_FILE}", path


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
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
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
        migrate(kb.engine)
        if with_reference:
            from andiwali.model.reference import bundled_gazetteer

            kb.load_reference(bundled_gazetteer())
        return kb

    @classmethod
    def open(cls, location: str | os.PathLike, *, upgrade: bool = True) -> KnowledgeBase:
        url, directory = resolve_location(location)
        if directory is not None and not (directory / DB_FILE).exists():
            raise StoreError(f"no knowledge base at {directory}: run `andiwali --kb {directory} init` first", code="E301")
        kb = cls(cls._engine(url), str(location), directory)
        try:
            with kb.engine.connect() as conn:
                version = current_version(conn)
        except OperationalError as exc:
            raise StoreError(f"cannot open knowledge base {location}: {exc.orig}") from None
        if version == 0:
            raise StoreError(f"no knowledge base at {location}: run `andiwali init` first", code="E301")
        if version > LATEST:
            raise StoreError(f"knowledge base schema {version} is newer than this andiwali ({LATEST})", code="E302")
        if version < LATEST and upgrade:
            migrate(kb.engine)
        return kb

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return current_version(conn)

    # ---- audit ---------------------------------------------------------------
    def _audit(self, conn: Connection, actor: str, action: str, otype: str, oid: str, before: Any, after: Any) -> None:
        conn.execute(
            text(
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
            rows = conn.execute(text(q), params).mappings().all()
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
            text(
                "INSERT INTO sources (id, name, kind, reliability, credibility, url) "
                "VALUES (:id, :name, :kind, :r, :c, :url) "
                "ON CONFLICT (id) DO UPDATE SET reliability = excluded.reliability, "
                "credibility = excluded.credibility, kind = excluded.kind"
            ),
            {"id": src.id, "name": src.name, "kind": src.kind, "r": src.reliability, "c": src.credibility, "url": src.url},
        )
        return src.id

    def add_document(self, doc: Document, conn: Connection | None = None) -> IngestResult:
        """Store a document. Unchanged -> no-op; changed -> new version; same text elsewhere -> duplicate link."""
        if conn is None:
            with self.transaction() as c:
                return self.add_document(doc, c)
        did = doc.id
        chash = doc.content_hash
        existing = conn.execute(text("SELECT version FROM documents WHERE id = :id"), {"id": did}).first()
        if existing:
            return IngestResult(did, "unchanged", existing[0])
        latest = conn.execute(
            text("SELECT max(version) FROM documents WHERE doc_key = :k"), {"k": doc.key}
        ).scalar()
        version = (latest or 0) + 1
        dup = conn.execute(
            text("SELECT id FROM documents WHERE content_hash = :h AND duplicate_of IS NULL ORDER BY ingested_at LIMIT 1"),
            {"h": chash},
        ).first()
        duplicate_of = dup[0] if dup else None
        source_id = self._upsert_source(conn, doc.source) if doc.source else None
        conn.execute(
            text(
                "INSERT INTO documents (id, doc_key, version, content_hash, title, published, language, url, format, "
                "source_id, text, meta, duplicate_of, ingested_at) VALUES (:id, :key, :v, :h, :title, :pub, :lang, "
                ":url, :fmt, :src, :text, :meta, :dup, :ts)"
            ),
            {
                "id": did, "key": doc.key, "v": version, "h": chash, "title": doc.title, "pub": doc.published,
                "lang": doc.language, "url": doc.url, "fmt": doc.format, "src": source_id, "text": doc.text,
                "meta": _j(doc.meta), "dup": duplicate_of, "ts": now(),
            },
        )
        if self.dialect == "sqlite":
            conn.execute(
                text("INSERT INTO documents_fts (doc_id, title, body) VALUES (:id, :title, :body)"),
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
            return [self._doc_row(r, False) for r in conn.execute(text(q), params).mappings()]

    def document(self, doc_id: str) -> dict | None:
        q = f"SELECT {self._DOC_COLS}, d.text FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.id = :id"
        with self.engine.connect() as conn:
            r = conn.execute(text(q), {"id": doc_id}).mappings().first()
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
                text("SELECT id FROM documents WHERE extracted_at IS NULL AND duplicate_of IS NULL ORDER BY ingested_at, id")
            ).all()
        return [r[0] for r in rows]

    def search_documents(self, query: str, limit: int = 50) -> list[dict]:
        """Full-text search over titles and text (FTS5 on SQLite, tsvector on PostgreSQL)."""
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                terms = " ".join('"' + t.replace('"', '""') + '"' for t in query.split())
                rows = conn.execute(
                    text("SELECT doc_id FROM documents_fts WHERE documents_fts MATCH :q ORDER BY rank LIMIT :l"),
                    {"q": terms, "l": limit},
                ).all()
            else:
                rows = conn.execute(
                    text("SELECT id FROM documents WHERE tsv @@ plainto_tsquery('simple', :q) LIMIT :l"),
                    {"q": query, "l": limit},
                ).all()
        ids = [r[0] for r in rows]
        docs = {d["id"]: d for d in self.documents() if d["id"] in set(ids)}
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
            with self.transaction() as c:
                return self.upsert_entity(e, actor=actor, conn=c, status=status)
        row = conn.execute(text("SELECT id, name, kind, origin FROM entities WHERE id = :id"), {"id": e.id}).first()
        changed = False
        if row is None:
            conn.execute(
                text(
                    "INSERT INTO entities (id, kind, name, parent_id, start_date, end_date, attributes, refs, origin, status) "
                    "VALUES (:id, :kind, :name, :parent, :start, :end, :attrs, :refs, :origin, :status)"
                ),
                {
                    "id": e.id, "kind": e.kind, "name": e.name, "parent": e.parent, "start": e.start, "end": e.end,
                    "attrs": _j(e.attributes), "refs": _j(e.references), "origin": e.origin,
                    "status": status or ("candidate" if e.origin == "discovered" else "curated"),
                },
            )
            self._audit(conn, actor, "create", "entity", e.id, None, self._entity_dict(e))
            changed = True
        elif e.origin == "reference":
            conn.execute(
                text(
                    "UPDATE entities SET name=:name, parent_id=:parent, start_date=:start, end_date=:end, attributes=:attrs, "
                    "refs=:refs WHERE id=:id AND origin='reference'"
                ),
                {"id": e.id, "name": e.name, "parent": e.parent, "start": e.start, "end": e.end,
                 "attrs": _j(e.attributes), "refs": _j(e.references)},
            )
        for a in [Alias(name=e.name, source=(e.references[0] if e.references else e.origin))] + list(e.aliases):
            res = conn.execute(
                text(
                    "INSERT INTO aliases (entity_id, name, norm, lang, script, source, acronym, ambiguous) "
                    "VALUES (:eid, :name, :norm, :lang, :script, :source, :acr, :amb) ON CONFLICT (entity_id, name) DO NOTHING"
                ),
                {"eid": e.id, "name": a.name, "norm": normalize_name(a.name), "lang": a.lang, "script": a.script,
                 "source": a.source, "acr": int(a.acronym), "amb": int(a.ambiguous)},
            )
            if res.rowcount and row is not None:
                self._audit(conn, actor, "add_alias", "entity", e.id, None, {"alias": a.name, "source": a.source})
                changed = True
        return changed

    def _load_entities(self, where: str = "", params: dict | None = None) -> list[Entity]:
        with self.engine.connect() as conn:
            rows = conn.execute(text(f"SELECT * FROM entities {where} ORDER BY name"), params or {}).mappings().all()
            ids = [r["id"] for r in rows]
            aliases: dict[str, list[Alias]] = {}
            if ids:
                arows = conn.execute(text("SELECT * FROM aliases")).mappings() if len(ids) > 500 else conn.execute(
                    text("SELECT * FROM aliases WHERE entity_id IN (" + ",".join(f":i{n}" for n in range(len(ids))) + ")"),
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
                text("SELECT DISTINCT entity_id FROM aliases WHERE norm = :n"), {"n": normalize_name(name)}
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
        n_e = n_c = 0
        with self.transaction() as conn:
            for e in gaz.entities.values():
                n_e += self.upsert_entity(e, actor=actor, conn=conn)
            for c in gaz.claims:
                n_c += self._upsert_claim(conn, c, actor=actor, doc_id=None)
        return n_e, n_c

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
        row = conn.execute(text("SELECT status, confidence FROM claims WHERE id = :id"), {"id": c.id}).first()
        p = self._claim_params(c, doc_id)
        if row is None:
            conn.execute(
                text(
                    "INSERT INTO claims (id, subject_id, predicate, object_id, polarity, modality, attributed_to, valid_from, "
                    "valid_to, reported_at, undated, doc_id, extractor, confidence, status, reviewed_by, reviewed_at, "
                    "qualifiers, created_at, updated_at) VALUES (:id, :s, :p, :o, :pol, :mod, :attr, :vf, :vt, :rep, :und, "
                    ":doc, :ext, :conf, :status, :rb, :ra, :q, :ts, :ts)"
                ),
                p,
            )
            self._audit(conn, actor, "create", "claim", c.id, None, claim_to_dict(c))
            changed = True
        else:
            # re-extraction refreshes machine fields but never overrides a human review
            conn.execute(
                text("UPDATE claims SET confidence=:conf, modality=:mod, qualifiers=:q, extractor=:ext, reported_at=:rep, "
                     "updated_at=:ts WHERE id=:id AND status='pending' AND (confidence <> :conf OR modality <> :mod OR qualifiers <> :q)"),
                p,
            )
            changed = False
        for ev in c.evidence:
            conn.execute(
                text(
                    "INSERT INTO evidence (claim_id, doc_id, start_char, end_char, quote, page) VALUES "
                    "(:cid, :doc, :s, :e, :q, :page) ON CONFLICT (claim_id, doc_id, start_char, end_char) DO NOTHING"
                ),
                {"cid": c.id, "doc": ev.doc_id, "s": ev.start, "e": ev.end, "q": ev.quote, "page": ev.page},
            )
        return changed

    def add_claims(self, claims: Iterable[Claim], *, actor: str = "system", conn: Connection | None = None) -> int:
        if conn is None:
            with self.transaction() as c:
                return self.add_claims(claims, actor=actor, conn=c)
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
        with self.transaction() as conn:
            for e in entities:
                self.upsert_entity(e, actor=actor, conn=conn)
            new_ids = {c.id for c in claims}
            old = conn.execute(
                text("SELECT id FROM claims WHERE doc_id = :d AND status = 'pending' AND extractor <> 'human'"),
                {"d": doc_id},
            ).all()
            removed = 0
            for (cid,) in old:
                if cid not in new_ids:
                    conn.execute(text("DELETE FROM claims WHERE id = :id"), {"id": cid})
                    self._audit(conn, actor, "delete", "claim", cid, {"reason": "not found by re-extraction"}, None)
                    removed += 1
            added = self.add_claims(claims, actor=actor, conn=conn)
            conn.execute(text("DELETE FROM mentions WHERE doc_id = :d"), {"d": doc_id})
            for eid, s, e, t in mentions:
                conn.execute(
                    text("INSERT INTO mentions (doc_id, entity_id, start_char, end_char, text) VALUES (:d, :e, :s, :x, :t) "
                         "ON CONFLICT DO NOTHING"),
                    {"d": doc_id, "e": eid, "s": s, "x": e, "t": t},
                )
            conn.execute(text("UPDATE documents SET extracted_at = :ts WHERE id = :d"), {"ts": now(), "d": doc_id})
        return {"added": added, "removed": removed, "total": len(claims)}

    def _claims_from_rows(self, conn: Connection, rows: list) -> list[Claim]:
        ids = [r["id"] for r in rows]
        evidence: dict[str, list[Evidence]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            params = {f"i{n}": v for n, v in enumerate(chunk)}
            for ev in conn.execute(
                text("SELECT * FROM evidence WHERE claim_id IN (" + ",".join(f":i{n}" for n in range(len(chunk))) + ")"),
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
    ) -> list[Claim]:
        """Claims matching the filters. ``subject``/``object``/``entity`` are entity ids.

        ``status`` is one of the review statuses, ``all``, or None (all but rejected).
        ``date_from``/``date_to`` keep claims whose valid time (or, when undated,
        reported_at) overlaps the window.
        """
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
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        q = f"SELECT * FROM claims {where} ORDER BY created_at, id"
        if limit is not None:
            q += " LIMIT :limit OFFSET :offset"
            params.update(limit=limit, offset=offset)
        with self.engine.connect() as conn:
            rows = conn.execute(text(q), params).mappings().all()
            return self._claims_from_rows(conn, rows)

    def claim(self, claim_id: str) -> Claim | None:
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM claims WHERE id = :id"), {"id": claim_id}).mappings().all()
            found = self._claims_from_rows(conn, rows)
        return found[0] if found else None

    def claim_version(self, claim_id: str) -> int | None:
        with self.engine.connect() as conn:
            v = conn.execute(text("SELECT version FROM claims WHERE id = :id"), {"id": claim_id}).scalar()
        return v

    def review(self, claim_id: str, status: str, *, actor: str = "analyst", expected_version: int | None = None,
               changes: dict | None = None) -> Claim:
        """Accept, reject or edit a claim (optimistic version check), recorded in the audit log."""
        if status not in ontology().review_statuses:
            raise StoreError(f"status must be one of {ontology().review_statuses}, got {status!r}")
        with self.transaction() as conn:
            rows = conn.execute(text("SELECT * FROM claims WHERE id = :id"), {"id": claim_id}).mappings().all()
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
                text(f"UPDATE claims SET {assign}, version = version + 1 WHERE id = :id AND version = :ver"),
                sets | {"id": claim_id, "ver": version},
            )
            if res.rowcount != 1:
                raise StoreError(f"claim {claim_id} was changed concurrently", code="E303")
            after_rows = conn.execute(text("SELECT * FROM claims WHERE id = :id"), {"id": claim_id}).mappings().all()
            after = self._claims_from_rows(conn, after_rows)[0]
            self._audit(conn, actor, "review:" + status, "claim", claim_id, claim_to_dict(before), claim_to_dict(after))
        return after

    # ---- stats -----------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar())
                for t in ("sources", "documents", "entities", "aliases", "claims", "evidence", "mentions", "audit")
            }

    def integrity_check(self) -> str:
        if self.dialect != "sqlite":
            return "ok"
        with self.engine.connect() as conn:
            return str(conn.execute(text("PRAGMA integrity_check")).scalar())


def claim_to_dict(c: Claim) -> dict:
    return {
        "id": c.id, "subject": c.subject, "predicate": c.predicate, "object": c.object, "polarity": c.polarity,
        "modality": c.modality, "attributed_to": c.attributed_to, "valid_from": c.valid_from, "valid_to": c.valid_to,
        "reported_at": c.reported_at, "undated": c.undated, "extractor": c.extractor, "confidence": c.confidence,
        "status": c.status, "reviewed_by": c.reviewed_by, "reviewed_at": c.reviewed_at, "qualifiers": c.qualifiers,
        "evidence": [{"doc_id": e.doc_id, "start": e.start, "end": e.end, "quote": e.quote, "page": e.page} for e in c.evidence],
    }
