"""Repository functions the web app needs beyond ``KnowledgeBase``.

Users and sessions (team mode, tables of migration 2), source grading, and the
light bulk reads behind the explorer, the map and the media-activity chart.
Every write records its actor in the ``audit`` table, like the KnowledgeBase does.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from andiwali.errors import StoreError
from andiwali.model import parse_grade
from andiwali.store.kb import _UNSTORABLE, KnowledgeBase, now

ROLES = ("viewer", "analyst", "admin")

__all__ = [
    "ROLES",
    "add_user",
    "alias_names",
    "audit_fingerprint",
    "cached_until_change",
    "claim_rows",
    "claims_by_ids",
    "document_page",
    "entity_claim_summary",
    "related_claims",
    "create_session",
    "delete_session",
    "delete_user_sessions",
    "document_facets",
    "get_user",
    "list_users",
    "purge_sessions",
    "session_user",
    "set_password",
    "set_source_grade",
    "set_user_disabled",
    "set_user_role",
    "sources",
]


def _audit(conn, actor: str, action: str, otype: str, oid: str, before: Any, after: Any) -> None:
    conn.execute(
        text(
            "INSERT INTO audit (ts, actor, action, object_type, object_id, before, after) "
            "VALUES (:ts, :actor, :action, :otype, :oid, :before, :after)"
        ),
        {
            "ts": now(), "actor": actor, "action": action, "otype": otype, "oid": oid,
            "before": None if before is None else json.dumps(before, sort_keys=True),
            "after": None if after is None else json.dumps(after, sort_keys=True),
        },
    )


# ---- users -----------------------------------------------------------------------
def _user(row) -> dict | None:
    if row is None:
        return None
    d = dict(row)
    d["disabled"] = bool(d.get("disabled"))
    return d


def add_user(kb: KnowledgeBase, name: str, role: str, password_hash: str, *, actor: str = "cli") -> dict:
    if role not in ROLES:
        raise StoreError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise StoreError(f"a user name is 1-64 characters without spaces, got {name!r}")
    with kb.transaction() as conn:
        if conn.execute(text("SELECT 1 FROM users WHERE name = :n"), {"n": name}).first():
            raise StoreError(f"user {name!r} already exists")
        conn.execute(
            text("INSERT INTO users (name, role, password_hash, created_at, disabled) VALUES (:n, :r, :h, :t, 0)"),
            {"n": name, "r": role, "h": password_hash, "t": now()},
        )
        _audit(conn, actor, "create", "user", name, None, {"name": name, "role": role})
        row = conn.execute(text("SELECT * FROM users WHERE name = :n"), {"n": name}).mappings().first()
    return _user(row)


def get_user(kb: KnowledgeBase, name: str) -> dict | None:
    with kb.engine.connect() as conn:
        return _user(conn.execute(text("SELECT * FROM users WHERE name = :n"), {"n": name}).mappings().first())


def list_users(kb: KnowledgeBase) -> list[dict]:
    with kb.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, name, role, created_at, disabled FROM users ORDER BY name")).mappings()
        return [_user(r) for r in rows]


def _require_user(conn, name: str) -> dict:
    row = conn.execute(text("SELECT * FROM users WHERE name = :n"), {"n": name}).mappings().first()
    if row is None:
        raise StoreError(f"no user {name!r}", code="E304")
    return dict(row)


def set_password(kb: KnowledgeBase, name: str, password_hash: str, *, actor: str = "cli") -> None:
    """Change a password; every session of that user ends."""
    with kb.transaction() as conn:
        u = _require_user(conn, name)
        conn.execute(text("UPDATE users SET password_hash = :h WHERE id = :id"), {"h": password_hash, "id": u["id"]})
        conn.execute(text("DELETE FROM sessions WHERE user_id = :id"), {"id": u["id"]})
        _audit(conn, actor, "password", "user", name, None, None)


def set_user_role(kb: KnowledgeBase, name: str, role: str, *, actor: str = "cli") -> None:
    if role not in ROLES:
        raise StoreError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    with kb.transaction() as conn:
        u = _require_user(conn, name)
        conn.execute(text("UPDATE users SET role = :r WHERE id = :id"), {"r": role, "id": u["id"]})
        _audit(conn, actor, "role", "user", name, {"role": u["role"]}, {"role": role})


def set_user_disabled(kb: KnowledgeBase, name: str, disabled: bool, *, actor: str = "cli") -> None:
    """Disable (or enable) a user; disabling ends every session of that user."""
    with kb.transaction() as conn:
        u = _require_user(conn, name)
        conn.execute(text("UPDATE users SET disabled = :d WHERE id = :id"), {"d": int(disabled), "id": u["id"]})
        if disabled:
            conn.execute(text("DELETE FROM sessions WHERE user_id = :id"), {"id": u["id"]})
        _audit(conn, actor, "disable" if disabled else "enable", "user", name, None, None)


# ---- sessions --------------------------------------------------------------------
def create_session(kb: KnowledgeBase, user_id: int, token_hash: str, created_at: str, expires_at: str) -> None:
    with kb.transaction() as conn:
        conn.execute(
            text("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen) "
                 "VALUES (:t, :u, :c, :e, :c)"),
            {"t": token_hash, "u": user_id, "c": created_at, "e": expires_at},
        )


def session_user(kb: KnowledgeBase, token_hash: str, at: str) -> dict | None:
    """The enabled user a live session belongs to, or None (expired, unknown, disabled)."""
    with kb.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT u.id, u.name, u.role, u.disabled, s.expires_at, s.created_at AS session_created "
                "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = :t"
            ),
            {"t": token_hash},
        ).mappings().first()
    if row is None or row["disabled"] or row["expires_at"] <= at:
        return None
    return _user(row)


def delete_session(kb: KnowledgeBase, token_hash: str) -> None:
    with kb.transaction() as conn:
        conn.execute(text("DELETE FROM sessions WHERE token_hash = :t"), {"t": token_hash})


def delete_user_sessions(kb: KnowledgeBase, user_id: int) -> None:
    with kb.transaction() as conn:
        conn.execute(text("DELETE FROM sessions WHERE user_id = :u"), {"u": user_id})


def purge_sessions(kb: KnowledgeBase, at: str) -> int:
    with kb.transaction() as conn:
        return conn.execute(text("DELETE FROM sessions WHERE expires_at <= :t"), {"t": at}).rowcount or 0


# ---- sources -----------------------------------------------------------------------
def sources(kb: KnowledgeBase) -> list[dict]:
    """Every source with its grade, number of documents and date range."""
    with kb.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.id, s.name, s.kind, s.reliability, s.credibility, s.url, count(d.id) AS n_documents, "
                "min(d.published) AS first_published, max(d.published) AS last_published "
                "FROM sources s LEFT JOIN documents d ON d.source_id = s.id "
                "GROUP BY s.id, s.name, s.kind, s.reliability, s.credibility, s.url ORDER BY s.name"
            )
        ).mappings()
        return [dict(r) | {"grade": r["reliability"] + r["credibility"]} for r in rows]


def set_source_grade(kb: KnowledgeBase, source_id: str, grade: str, *, actor: str) -> dict:
    """Grade a source (Admiralty code, e.g. B2); recorded in the audit log."""
    reliability, credibility = parse_grade(grade)
    with kb.transaction() as conn:
        row = conn.execute(text("SELECT * FROM sources WHERE id = :id"), {"id": source_id}).mappings().first()
        if row is None:
            raise StoreError(f"no source {source_id}", code="E304")
        before = {"grade": row["reliability"] + row["credibility"]}
        conn.execute(
            text("UPDATE sources SET reliability = :r, credibility = :c WHERE id = :id"),
            {"r": reliability, "c": credibility, "id": source_id},
        )
        _audit(conn, actor, "grade", "source", source_id, before, {"grade": reliability + credibility})
    return {"id": source_id, "name": row["name"], "grade": reliability + credibility}


# ---- bulk reads --------------------------------------------------------------------
class _UnchangedCache:
    """Results of counting queries, kept until the SQLite database changes.

    A dedicated read connection asks ``PRAGMA data_version``, which changes whenever
    any other connection (this process's pool, the CLI, another server) commits: a
    cached count is never older than the last commit. PostgreSQL has no such cheap
    signal; there every call recounts.
    """

    def __init__(self, path: str):
        import threading

        self._path = path
        self._conn = None
        self._file: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._version: Any = None
        self._values: dict[Any, Any] = {}

    def _current(self) -> Any:
        """(file identity, data_version); a file replaced under the server (a restore) reopens."""
        import os
        import sqlite3

        st = os.stat(self._path)
        if self._conn is None or self._file != (st.st_dev, st.st_ino):
            if self._conn is not None:
                self._conn.close()
            self._conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
            self._file = (st.st_dev, st.st_ino)
        return self._file, self._conn.execute("PRAGMA data_version").fetchone()[0]

    def get(self, key: Any, compute):
        import sqlite3

        with self._lock:
            try:
                version = self._current()
            except (OSError, sqlite3.Error):  # the file is gone or unreadable: do not cache
                self._conn, self._version = None, None
                self._values.clear()
                version = None
            if version is None:
                pass
            elif version != self._version:
                self._values.clear()
                self._version = version
            elif key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            if version is not None and self._version == version:
                self._values[key] = value
        return value


def cached_until_change(kb: KnowledgeBase, key: Any, compute):
    """``compute()``, remembered (SQLite) until the next commit to the knowledge base by anyone."""
    if kb.dialect != "sqlite":
        return compute()
    cache = getattr(kb, "_unchanged_cache", None)
    if cache is None:
        path = kb.engine.url.database
        if not path or path == ":memory:":
            return compute()
        cache = _UnchangedCache(path)
        kb._unchanged_cache = cache
    return cache.get(key, compute)


def audit_fingerprint(kb: KnowledgeBase) -> tuple[int, int]:
    """Changes whenever a claim, entity, review or grade changes (for caches)."""
    with kb.engine.connect() as conn:
        last = conn.execute(text("SELECT coalesce(max(id), 0) FROM audit")).scalar()
        n = conn.execute(text("SELECT count(*) FROM claims")).scalar()
    return int(last or 0), int(n or 0)


def claim_rows(kb: KnowledgeBase, *, include_rejected: bool = False) -> list[dict]:
    """Claims without evidence rows, with their document's source grade (fast path for graphs)."""
    where = "" if include_rejected else "WHERE c.status <> 'rejected'"
    with kb.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.id, c.subject_id, c.predicate, c.object_id, c.polarity, c.modality, c.attributed_to, "
                "c.valid_from, c.valid_to, c.reported_at, c.confidence, c.status, c.doc_id, "
                "s.reliability, s.credibility FROM claims c LEFT JOIN documents d ON d.id = c.doc_id "
                f"LEFT JOIN sources s ON s.id = d.source_id {where} ORDER BY c.id"
            )
        ).mappings()
        return [dict(r) for r in rows]


def alias_names(kb: KnowledgeBase, *, per_entity: int = 8) -> dict[str, list[str]]:
    """entity id -> up to ``per_entity`` alias names (for search boxes)."""
    out: dict[str, list[str]] = {}
    with kb.engine.connect() as conn:
        for eid, name in conn.execute(text("SELECT entity_id, name FROM aliases ORDER BY entity_id, name")):
            lst = out.setdefault(eid, [])
            if len(lst) < per_entity:
                lst.append(name)
    return out


def document_facets(kb: KnowledgeBase) -> dict[str, list]:
    """Distinct sources, formats and languages (for the documents filters)."""
    with kb.engine.connect() as conn:
        def col(q: str) -> list:
            return [r[0] for r in conn.execute(text(q)) if r[0] is not None]

        return {
            "sources": col("SELECT DISTINCT s.name FROM documents d JOIN sources s ON s.id = d.source_id ORDER BY 1"),
            "formats": col("SELECT DISTINCT format FROM documents ORDER BY 1"),
            "languages": col("SELECT DISTINCT language FROM documents ORDER BY 1"),
        }


def pending_page(kb: KnowledgeBase, *, order: str = "desc", predicate: str | None = None,
                 min_confidence: float | None = None, limit: int = 200, offset: int = 0) -> tuple[int, list[str]]:
    """(number of pending claims, one page of their ids by confidence) for the review queue.

    Uses the (status, confidence, id) index: a page never sorts the whole table.
    """
    clauses, params = ["status = 'pending'"], {"l": limit, "o": offset}
    if predicate:
        clauses.append("predicate = :p")
        params["p"] = predicate
    if min_confidence is not None:
        clauses.append("confidence >= :mc")
        params["mc"] = float(min_confidence)
    where = " AND ".join(clauses)
    direction = "DESC" if order == "desc" else "ASC"
    def count() -> int:
        with kb.engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM claims WHERE {where}"), params).scalar() or 0)

    total = cached_until_change(kb, ("pending", predicate, min_confidence), count)
    with kb.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(
            text(f"SELECT id FROM claims WHERE {where} ORDER BY confidence {direction}, id {direction} "
                 "LIMIT :l OFFSET :o"), params)]
    return total, ids


def claim_versions(kb: KnowledgeBase, ids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    with kb.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = "SELECT id, version FROM claims WHERE id IN (" + ",".join(f":i{n}" for n in range(len(chunk))) + ")"
            out.update(dict(conn.execute(text(q), {f"i{n}": v for n, v in enumerate(chunk)}).all()))
    return out


def entity_page(kb: KnowledgeBase, *, q: str | None = None, kind: str | None = None, limit: int = 500,
                offset: int = 0) -> list[dict]:
    """Entities (not merged) whose name or an alias contains ``q``, by name, with aliases and claim counts."""
    clauses, params = ["e.merged_into IS NULL"], {"l": limit, "o": offset}
    if kind:
        clauses.append("e.kind = :kind")
        params["kind"] = kind
    if q and q.strip():
        clauses.append("e.id IN (SELECT entity_id FROM aliases WHERE lower(name) LIKE :q ESCAPE '\\' "
                       "OR norm LIKE :qn ESCAPE '\\')")
        like = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["q"] = f"%{like}%"
        from andiwali.model.names import normalize_name

        norm = normalize_name(q).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["qn"] = f"%{norm}%" if norm else params["q"]
    where = " AND ".join(clauses)
    with kb.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            text(f"SELECT e.id, e.name, e.kind, e.parent_id AS parent, e.origin FROM entities e WHERE {where} "
                 "ORDER BY e.name, e.id LIMIT :l OFFSET :o"), params).mappings()]
        ids = [r["id"] for r in rows]
        aliases: dict[str, list[str]] = {}
        counts: dict[str, int] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            inn = "(" + ",".join(f":i{n}" for n in range(len(chunk))) + ")"
            p = {f"i{n}": v for n, v in enumerate(chunk)}
            for eid, name in conn.execute(text(f"SELECT entity_id, name FROM aliases WHERE entity_id IN {inn} "
                                               "ORDER BY entity_id, name"), p):
                aliases.setdefault(eid, []).append(name)
            for col in ("subject_id", "object_id"):
                for eid, n in conn.execute(text(f"SELECT {col}, count(*) FROM claims WHERE {col} IN {inn} "
                                                f"AND status <> 'rejected' GROUP BY {col}"), p):
                    counts[eid] = counts.get(eid, 0) + int(n)
    for r in rows:
        r["aliases"] = [a for a in aliases.get(r["id"], []) if a != r["name"]][:20]
        r["claims"] = counts.get(r["id"], 0)
    return rows


def _in(prefix: str, values: list) -> tuple[str, dict]:
    """``(:p0,:p1,...)`` and its parameters."""
    return ("(" + ",".join(f":{prefix}{n}" for n in range(len(values))) + ")",
            {f"{prefix}{n}": v for n, v in enumerate(values)})


def claims_by_ids(kb: KnowledgeBase, ids: list[str]) -> list:
    """The claims with these ids (with their evidence), in the order of ``ids``; unknown ids are left out."""
    ids = list(dict.fromkeys(ids))
    found: dict[str, Any] = {}
    with kb.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            inn, params = _in("i", ids[i : i + 500])
            rows = conn.execute(text(f"SELECT * FROM claims WHERE id IN {inn}"), params).mappings().all()
            for c in kb._claims_from_rows(conn, rows):
                found[c.id] = c
    return [found[i] for i in ids if i in found]


def entity_claim_summary(kb: KnowledgeBase, entity_id: str, *, per_predicate: int = 25) -> dict:
    """Counts and first pages of the claims an entity is subject or object of (any status).

    ``{"n_claims": total, "by_predicate": {predicate: n}, "ids": [...]}`` where ``ids``
    holds, for each predicate, its first ``per_predicate`` claims in creation order.
    Counts and pages read the (entity, predicate, other, status, created) indexes of
    migration 4, never the claims of a popular entity one by one.
    """
    by_pred: dict[str, int] = {}
    pages: dict[str, list[tuple[str, str]]] = {}
    sides = (("subject_id", ""), ("object_id", " AND subject_id <> :e"))  # a claim about itself counts once
    with kb.engine.connect() as conn:
        for col, extra in sides:
            for pred, n in conn.execute(
                text(f"SELECT predicate, count(*) FROM claims WHERE {col} = :e{extra} GROUP BY predicate"),
                {"e": entity_id},
            ):
                by_pred[pred] = by_pred.get(pred, 0) + int(n)
        for pred in sorted(by_pred):
            rows: list[tuple[str, str]] = []
            for col, extra in sides:
                rows += [(r[0], r[1]) for r in conn.execute(
                    text(f"SELECT created_at, id FROM claims WHERE {col} = :e AND predicate = :p{extra} "
                         "ORDER BY created_at, id LIMIT :l"),
                    {"e": entity_id, "p": pred, "l": per_predicate},
                )]
            pages[pred] = [i for _t, i in sorted(rows)[:per_predicate]]
    return {"n_claims": sum(by_pred.values()), "by_predicate": dict(sorted(by_pred.items())),
            "ids": [i for pred in sorted(pages) for i in pages[pred]]}


def related_claims(kb: KnowledgeBase, subject: str, predicate: str, object: str, *, exclude: str | None = None,
                   limit: int = 100) -> tuple[int, list[dict]]:
    """(how many claims share this triple, the first ``limit`` of them without evidence) for claim details."""
    params = {"s": subject, "p": predicate, "o": object, "x": exclude or "", "l": limit}
    where = "subject_id = :s AND predicate = :p AND object_id = :o AND id <> :x"
    with kb.engine.connect() as conn:
        total = int(conn.execute(text(f"SELECT count(*) FROM claims WHERE {where}"), params).scalar() or 0)
        rows = [dict(r) for r in conn.execute(
            text("SELECT id, polarity, valid_from, valid_to, reported_at, status, confidence FROM claims "
                 f"WHERE {where} ORDER BY created_at, id LIMIT :l"), params).mappings()]
    return total, rows


#: Full-text queries that match more documents than this rank only the newest this many matches
#: (bm25 / ts_rank score every candidate before the first page; a very common word matches most documents).
SEARCH_RANK_CAP = 2000


def document_page(kb: KnowledgeBase, *, q: str | None = None, source: str | None = None, format: str | None = None,
                  language: str | None = None, date_from: str | None = None, date_to: str | None = None,
                  limit: int = 500, offset: int = 0, rank_cap: int = SEARCH_RANK_CAP) -> list[dict]:
    """One page of documents (without text), filtered in the database.

    Without ``q``: in ingestion order. With ``q`` (words, all must occur; no query syntax):
    best matches first (FTS5 bm25 on SQLite, ts_rank on PostgreSQL). When more than
    ``rank_cap`` documents match, the newest ``rank_cap`` matches are ranked.
    """
    clauses, params = [], {"l": limit, "o": offset, "cap": rank_cap}
    if source:
        clauses.append("s.name = :src")
        params["src"] = source
    if format:
        clauses.append("d.format = :fmt")
        params["fmt"] = format
    if language:
        clauses.append("d.language = :lang")
        params["lang"] = language
    # partial dates compare as prefixes; documents without a date are left out by a date filter
    if date_from:
        clauses.append("d.published IS NOT NULL AND substr(d.published, 1, :nf) >= :dfrom")
        params.update(nf=len(date_from), dfrom=date_from)
    if date_to:
        clauses.append("d.published IS NOT NULL AND substr(d.published, 1, :nt) <= :dto")
        params.update(nt=len(date_to), dto=date_to)
    cols = KnowledgeBase._DOC_COLS
    terms = [t for t in str(q or "").split() if not _UNSTORABLE.search(t)]
    with kb.engine.connect() as conn:
        if not (q and q.strip()):
            where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
            rows = conn.execute(text(f"SELECT {cols} FROM documents d LEFT JOIN sources s ON s.id = d.source_id "
                                     f"{where} ORDER BY d.ingested_at, d.id LIMIT :l OFFSET :o"), params).mappings()
            return [kb._doc_row(r, False) for r in rows]
        if not terms:
            return []
        extra = (" AND " + " AND ".join(clauses)) if clauses else ""
        if kb.dialect == "sqlite":
            params["q"] = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
            ranked = (
                "SELECT doc_id FROM ("
                "SELECT f.doc_id AS doc_id, f.rank AS r, f.rowid AS fr FROM documents_fts f "
                + ("JOIN documents d ON d.id = f.doc_id LEFT JOIN sources s ON s.id = d.source_id " if extra else "")
                + f"WHERE documents_fts MATCH :q{extra} ORDER BY f.rowid DESC LIMIT :cap"
                ") ORDER BY r, fr DESC LIMIT :l OFFSET :o"
            )
        else:
            params["q"] = " ".join(terms)
            ranked = (
                "SELECT id FROM ("
                "SELECT d.id AS id, ts_rank(d.tsv, query) AS r FROM ("
                "SELECT d.id FROM documents d LEFT JOIN sources s ON s.id = d.source_id, "
                f"plainto_tsquery('simple', :q) query WHERE d.tsv @@ query{extra} "
                "ORDER BY d.ingested_at DESC, d.id DESC LIMIT :cap) c "
                "JOIN documents d ON d.id = c.id, plainto_tsquery('simple', :q) query"
                ") ranked ORDER BY r DESC, id LIMIT :l OFFSET :o"
            )
        ids = [r[0] for r in conn.execute(text(ranked), params)]
        if not ids:
            return []
        inn, p = _in("i", ids)
        found = conn.execute(text(f"SELECT {cols} FROM documents d LEFT JOIN sources s ON s.id = d.source_id "
                                  f"WHERE d.id IN {inn}"), p).mappings().all()
    docs = {r["id"]: kb._doc_row(r, False) for r in found}
    return [docs[i] for i in ids if i in docs]


def timeline_rows(kb: KnowledgeBase, *, entity: str | None = None, predicates: list[str] | None = None,
                  date_from: str | None = None, date_to: str | None = None, limit: int = 2000) -> list[dict]:
    """Dated claims (not rejected) sorted by start, without evidence: the timeline's rows.

    A claim's start is its valid_from (else its valid_to; when undated, its reported_at);
    rows without any are left out. Sorted by start and id in the database, along the
    (entity, start) and (start) indexes of migration 4: a page reads about ``limit`` rows
    per side, not every claim of a popular entity.
    """
    from andiwali.store.migrations import CLAIM_START as key

    where, params = KnowledgeBase._claim_filters(date_from=date_from, date_to=date_to)
    clauses = [where[len("WHERE "):]] if where else []
    clauses.append(f"{key} IS NOT NULL")
    if predicates is not None:
        if not predicates:
            return []
        inn, p = _in("pr", list(predicates))
        clauses.append(f"predicate IN {inn}")
        params.update(p)
    params["l"] = limit
    cols = "id, subject_id, predicate, object_id, polarity, valid_from, valid_to, reported_at, status"
    sides = [""] if not entity else ["subject_id = :ent AND ", "object_id = :ent AND subject_id <> :ent AND "]
    if entity:
        params["ent"] = entity
    rows: list[dict] = []
    with kb.engine.connect() as conn:
        for side in sides:
            q = (f"SELECT {cols}, {key} AS start_key FROM claims WHERE {side}{' AND '.join(clauses)} "
                 f"ORDER BY {key}, id LIMIT :l")
            rows += [dict(r) for r in conn.execute(text(q), params).mappings()]
    rows.sort(key=lambda r: (r["start_key"], r["id"]))
    for r in rows:
        del r["start_key"]
    return rows[:limit]


def entity_claims_page(kb: KnowledgeBase, entity: str, *, limit: int = 500, offset: int = 0, **filters: Any) -> list:
    """``kb.claims(entity=..., **filters, limit=, offset=)`` in creation order, as two ordered index scans.

    ``subject_id = e OR object_id = e`` makes the database collect and sort every claim of
    the entity before the first page; each side alone walks its (entity, created) index.
    """
    where, params = KnowledgeBase._claim_filters(**filters)
    rest = (" AND " + where[len("WHERE "):]) if where else ""
    params.update(ent=entity, n=offset + limit)
    picked: list[tuple[str, str]] = []
    with kb.engine.connect() as conn:
        for side in ("subject_id = :ent", "object_id = :ent AND subject_id <> :ent"):
            picked += [(r[0], r[1]) for r in conn.execute(
                text(f"SELECT created_at, id FROM claims WHERE {side}{rest} ORDER BY created_at, id LIMIT :n"), params)]
    picked.sort()
    return claims_by_ids(kb, [i for _t, i in picked[offset : offset + limit]])
