"""Bulk reads for the analysis (owned by the analysis helper; kb.py stays the lead's).

These never build a ``Claim`` per row: claims stream as light ``ClaimRecord`` tuples,
documents come back with their source grade and independence key, and evidence
quotes are fetched only for the claims a report shows.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import text

from andiwali.analysis.records import ClaimRecord, DocInfo, EntityInfo, independence_key
from andiwali.errors import StoreError

_intern = sys.intern


def _status_clause(status: str | None) -> tuple[str, dict]:
    if status in (None, "all", "all-but-rejected"):
        return "c.status <> 'rejected'", {}
    if status in ("accepted", "reviewed"):
        return "c.status IN ('accepted', 'edited')", {}
    if status in ("pending", "edited"):
        return "c.status = :st", {"st": status}
    raise StoreError(f"unknown status filter {status!r}")


def _extra_docs(conn) -> dict[str, list[str]]:
    """Evidence documents other than a claim's first (``claims.doc_id``)."""
    out: dict[str, list[str]] = {}
    rows = conn.execute(text(
        "SELECT e.claim_id, e.doc_id FROM evidence e JOIN claims c ON c.id = e.claim_id "
        "WHERE c.doc_id IS NULL OR e.doc_id <> c.doc_id"
    ))
    for cid, did in rows:
        out.setdefault(cid, []).append(did)
    return out


def _quotes(conn, claim_ids: list[str] | None = None) -> dict[str, list[tuple[str, int, int, str]]]:
    out: dict[str, list[tuple[str, int, int, str]]] = {}
    q = "SELECT claim_id, doc_id, start_char, end_char, quote FROM evidence"
    if claim_ids is None:
        rows = conn.execute(text(q + " ORDER BY claim_id, doc_id, start_char"))
        for cid, did, s, e, quote in rows:
            out.setdefault(cid, []).append((did, s, e, quote))
        return out
    for i in range(0, len(claim_ids), 500):
        chunk = claim_ids[i : i + 500]
        params = {f"i{n}": v for n, v in enumerate(chunk)}
        rows = conn.execute(
            text(q + " WHERE claim_id IN (" + ",".join(f":i{n}" for n in range(len(chunk))) + ") "
                 "ORDER BY claim_id, doc_id, start_char"),
            params,
        )
        for cid, did, s, e, quote in rows:
            out.setdefault(cid, []).append((did, s, e, quote))
    return out


def iter_claim_records(
    kb,
    *,
    status: str | None = "all",
    min_confidence: float | None = None,
    predicates: Iterable[str] | None = None,
    with_quotes: bool = False,
    batch: int = 20000,
) -> Iterator[ClaimRecord]:
    """Stream the knowledge base's claims as ``ClaimRecord`` (rejected ones never, unless status='rejected')."""
    if status == "rejected":
        clause, params = "c.status = 'rejected'", {}
    else:
        clause, params = _status_clause(status)
    clauses = [clause]
    if min_confidence is not None:
        clauses.append("c.confidence >= :mc")
        params["mc"] = float(min_confidence)
    if predicates is not None:
        preds = list(predicates)
        clauses.append("c.predicate IN (" + ",".join(f":p{n}" for n in range(len(preds))) + ")")
        params.update({f"p{n}": p for n, p in enumerate(preds)})
    q = (
        "SELECT c.id, c.subject_id, c.predicate, c.object_id, c.polarity, c.modality, c.attributed_to, "
        "c.valid_from, c.valid_to, c.reported_at, c.confidence, c.status, c.extractor, c.doc_id "
        "FROM claims c WHERE " + " AND ".join(clauses)
    )
    with kb.engine.connect() as conn:
        extra = _extra_docs(conn)
        quotes = _quotes(conn) if with_quotes else {}
        result = conn.execution_options(stream_results=True).execute(text(q), params)
        while True:
            rows = result.fetchmany(batch)
            if not rows:
                break
            for (cid, s, p, o, pol, mod, attr, vf, vt, rep, conf, stt, ext, doc) in rows:
                docs: tuple[str, ...] = (_intern(doc),) if doc else ()
                more = extra.get(cid)
                if more:
                    docs = tuple(dict.fromkeys(docs + tuple(more)))
                yield ClaimRecord(
                    cid, _intern(s), _intern(p), _intern(o), _intern(pol), _intern(mod),
                    _intern(attr) if attr else None,
                    _intern(vf) if vf else None, _intern(vt) if vt else None, _intern(rep) if rep else None,
                    float(conf), _intern(stt), _intern(ext), docs, tuple(quotes.get(cid, ())),
                )


def entity_infos(kb) -> dict[str, EntityInfo]:
    """Every entity (merged ones too, carrying ``_merged_into``) as EntityInfo by id."""
    out: dict[str, EntityInfo] = {}
    with kb.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, name, kind, parent_id, attributes, merged_into, status FROM entities"))
        for eid, name, kind, parent, attrs, merged, status in rows:
            try:
                a = json.loads(attrs) if attrs and attrs != "{}" else {}
            except ValueError:
                a = {}
            if merged:
                a["_merged_into"] = merged
            if status and status != "curated":
                a["_status"] = status
            out[_intern(eid)] = EntityInfo(eid, name, _intern(kind), parent, a)
    return out


def doc_infos(kb) -> dict[str, DocInfo]:
    """Every document's grade, source and independence key (forwards resolved to their original's key)."""
    raw: list[dict[str, Any]] = []
    with kb.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT d.id, d.doc_key, d.content_hash, d.duplicate_of, d.meta, d.published, d.title, "
            "s.name, s.kind, s.reliability, s.credibility FROM documents d LEFT JOIN sources s ON s.id = d.source_id"
        )).mappings()
        for r in rows:
            d = dict(r)
            m = d.get("meta")
            try:
                d["meta"] = json.loads(m) if m and m != "{}" else {}
            except ValueError:
                d["meta"] = {}
            raw.append(d)
    by_id = {d["id"]: d for d in raw}
    by_key = {d["doc_key"]: d for d in raw}
    out: dict[str, DocInfo] = {}
    for d in raw:
        key = independence_key(d)
        if key.startswith("fwd:"):
            orig = by_id.get(key[4:]) or by_key.get(key[4:])
            if orig is not None and orig is not d:
                key = independence_key({k: v for k, v in orig.items() if k != "meta"})
        out[d["id"]] = DocInfo(
            id=d["id"], reliability=d.get("reliability") or "F", credibility=d.get("credibility") or "6",
            key=key, source=d.get("name"), source_kind=d.get("kind"), published=d.get("published"),
            title=d.get("title"),
        )
    return out


def evidence_for(kb, claim_ids: Iterable[str]) -> dict[str, list[tuple[str, int, int, str]]]:
    """(doc_id, start, end, quote) per claim id."""
    ids = list(dict.fromkeys(claim_ids))
    if not ids:
        return {}
    with kb.engine.connect() as conn:
        return _quotes(conn, ids)


def media_activity_rows(kb) -> list[dict]:
    """Documents per source and month: source, kind, platform (from meta), month, documents, originals.

    ``month`` is the first 7 characters of ``published`` ("" when undated);
    ``originals`` leaves out duplicates (``duplicate_of`` set).
    """
    out: dict[tuple, dict] = {}
    with kb.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT coalesce(s.name, '(no source)'), coalesce(s.kind, ''), d.meta, coalesce(substr(d.published, 1, 7), ''), "
            "d.duplicate_of FROM documents d LEFT JOIN sources s ON s.id = d.source_id"
        ))
        for src, kind, meta, month, dup in rows:
            platform = ""
            if meta and meta != "{}":
                try:
                    m = json.loads(meta)
                    platform = str(m.get("platform") or m.get("channel_platform") or "")
                except ValueError:
                    pass
            k = (src, kind, platform, month)
            row = out.setdefault(k, {"source": src, "kind": kind, "platform": platform, "month": month,
                                     "documents": 0, "originals": 0})
            row["documents"] += 1
            row["originals"] += 0 if dup else 1
    return sorted(out.values(), key=lambda r: (r["source"], r["month"]))


def documents_brief(kb, doc_ids: Iterable[str]) -> dict[str, dict]:
    """id -> {title, published, source, grade} for the given documents."""
    ids = list(dict.fromkeys(doc_ids))
    out: dict[str, dict] = {}
    with kb.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            params = {f"i{n}": v for n, v in enumerate(chunk)}
            rows = conn.execute(text(
                "SELECT d.id, d.title, d.published, d.doc_key, s.name, s.reliability, s.credibility FROM documents d "
                "LEFT JOIN sources s ON s.id = d.source_id WHERE d.id IN ("
                + ",".join(f":i{n}" for n in range(len(chunk))) + ")"
            ), params)
            for did, title, pub, key, src, rel, cred in rows:
                out[did] = {"title": title, "published": pub, "key": key, "source": src,
                            "grade": (rel or "F") + (cred or "6")}
    return out
