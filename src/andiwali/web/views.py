"""Each page and API route builds one dict here, from the same library functions the CLI uses.

The HTML templates render these dicts (autoescaped: document text is always text);
the JSON API returns them as they are.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from andiwali.errors import AndiwaliError, StoreError
from andiwali.model import Claim
from andiwali.model.ontology import ontology
from andiwali.store import KnowledgeBase, claim_to_dict, web_queries

GEO_PREDICATES = ("operates_in", "based_in", "controls", "attacks")
MAX_LIST = 10000


class NotFound(AndiwaliError):
    code = "E304"


class BadRequest(AndiwaliError):
    code = "E300"


# ---- small helpers ---------------------------------------------------------------
def _labels(kb: KnowledgeBase, ids) -> dict[str, dict]:
    wanted = {i for i in ids if i}
    out: dict[str, dict] = {}
    if not wanted:
        return out
    from sqlalchemy import text

    with kb.engine.connect() as conn:
        lst = sorted(wanted)
        for i in range(0, len(lst), 500):
            chunk = lst[i : i + 500]
            params = {f"i{n}": v for n, v in enumerate(chunk)}
            rows = conn.execute(
                text("SELECT id, name, kind FROM entities WHERE id IN (" + ",".join(f":i{n}" for n in range(len(chunk))) + ")"),
                params,
            )
            for eid, name, kind in rows:
                out[eid] = {"id": eid, "name": name, "kind": kind}
    for i in wanted - set(out):
        out[i] = {"id": i, "name": i, "kind": "unknown"}
    return out


def _docs_brief(kb: KnowledgeBase, doc_ids) -> dict[str, dict]:
    from andiwali.store.analysis_queries import documents_brief

    return documents_brief(kb, [d for d in doc_ids if d])


def claim_label(c: Claim, labels: dict[str, dict]) -> str:
    neg = "not " if c.polarity == "negated" else ""
    return f"{labels[c.subject]['name']} {neg}{c.predicate} {labels[c.object]['name']}"


def claim_brief(c: Claim, labels: dict[str, dict], docs: dict[str, dict] | None = None, version: int | None = None) -> dict:
    """A claim with names instead of ids, its first quote and its document's grade."""
    d = claim_to_dict(c)
    d["name"] = claim_label(c, labels)
    d["subject_name"] = labels[c.subject]["name"]
    d["object_name"] = labels[c.object]["name"]
    d["subject_kind"] = labels[c.subject]["kind"]
    d["object_kind"] = labels[c.object]["kind"]
    d["attributed_to_name"] = labels[c.attributed_to]["name"] if c.attributed_to else None
    d["layer"] = ontology().predicates[c.predicate].layer if c.predicate in ontology().predicates else None
    if docs is not None:
        for ev in d["evidence"]:
            b = docs.get(ev["doc_id"]) or {}
            ev["title"] = b.get("title")
            ev["source"] = b.get("source")
            ev["grade"] = b.get("grade")
            ev["published"] = b.get("published")
        first = d["evidence"][0] if d["evidence"] else None
        d["grade"] = first["grade"] if first else ("B2" if c.extractor == "reference" else None)
    if version is not None:
        d["version"] = version
    return d


def _claims_brief(kb: KnowledgeBase, claims: list[Claim]) -> list[dict]:
    labels = _labels(kb, [x for c in claims for x in (c.subject, c.object, c.attributed_to)])
    docs = _docs_brief(kb, {e.doc_id for c in claims for e in c.evidence})
    return [claim_brief(c, labels, docs) for c in claims]


def _check_date(value: str | None, what: str) -> str | None:
    from andiwali.model import ModelError, check_date

    try:
        return check_date(value, what)
    except ModelError as exc:
        raise BadRequest(str(exc)) from None


# ---- entities ----------------------------------------------------------------------
def entity_list(kb: KnowledgeBase, *, q: str | None = None, kind: str | None = None, limit: int = 500,
                offset: int = 0) -> list[dict]:
    """Entities whose name or an alias contains ``q`` (case-insensitive), with aliases and claim counts."""
    if kind and kind not in ontology().entity_kinds:
        raise BadRequest(f"kind must be one of {', '.join(ontology().entity_kinds)}, got {kind!r}")
    return web_queries.entity_page(kb, q=q, kind=kind, limit=min(limit, MAX_LIST), offset=offset)


#: Claims shown per predicate on an entity profile (the counts cover them all; the claims list pages the rest).
PROFILE_PER_PREDICATE = 10


def entity_profile(kb: KnowledgeBase, entity_id: str, *, per_predicate: int = PROFILE_PER_PREDICATE) -> dict[str, Any]:
    """Names and aliases with their sources, kind, parent and branches, relations by predicate, timeline.

    Relations hold the first ``per_predicate`` claims of each predicate (in creation
    order, shown by date); ``relation_counts`` and ``n_claims`` count them all, and
    ``relations_complete`` says whether every claim is shown. The timeline covers
    the claims shown (``/api/timeline?entity=`` has them all).
    """
    e = kb.entity(entity_id)
    if e is None:
        raise NotFound(f"no entity {entity_id}")
    summary = web_queries.entity_claim_summary(kb, entity_id, per_predicate=per_predicate)
    claims = web_queries.claims_by_ids(kb, summary["ids"])
    labels = _labels(kb, [x for c in claims for x in (c.subject, c.object, c.attributed_to)] + [e.parent, e.id])
    docs = _docs_brief(kb, {ev.doc_id for c in claims for ev in c.evidence})
    from sqlalchemy import text

    with kb.engine.connect() as conn:
        branches = [
            {"id": r[0], "name": r[1], "kind": r[2]}
            for r in conn.execute(
                text("SELECT id, name, kind FROM entities WHERE parent_id = :p AND merged_into IS NULL ORDER BY name"),
                {"p": entity_id},
            )
        ]
        alias_rows = conn.execute(
            text("SELECT name, lang, script, source, acronym, ambiguous FROM aliases WHERE entity_id = :e ORDER BY name"),
            {"e": entity_id},
        ).mappings().all()
    relations: dict[str, list[dict]] = defaultdict(list)
    timeline = []
    for c in sorted(claims, key=lambda c: (c.predicate, c.valid_from or c.reported_at or "", c.id)):
        b = claim_brief(c, labels, docs)
        outgoing = c.subject == entity_id
        other = c.object if outgoing else c.subject
        b["direction"] = "out" if outgoing else "in"
        b["other"] = labels[other]
        relations[c.predicate].append(b)
        start = c.valid_from or (c.reported_at if c.undated else None)
        if start or c.valid_to:
            timeline.append({
                "claim_id": c.id, "label": b["name"], "from": start, "to": c.valid_to,
                "undated": c.undated, "status": c.status, "predicate": c.predicate,
                "sign": ontology().predicates[c.predicate].sign,
            })
    timeline.sort(key=lambda t: (t["from"] or t["to"] or "", t["label"]))
    attrs = {k: v for k, v in e.attributes.items() if not k.startswith("_")}
    return {
        "id": e.id,
        "name": e.name,
        "kind": e.kind,
        "origin": e.origin,
        "status": e.attributes.get("_status"),
        "merged_into": labels.get(e.attributes.get("_merged_into")) if e.attributes.get("_merged_into") else None,
        "start": e.start,
        "end": e.end,
        "attributes": attrs,
        "references": e.references,
        "aliases": [
            {"name": a["name"], "lang": a["lang"], "script": a["script"], "source": a["source"],
             "acronym": bool(a["acronym"]), "ambiguous": bool(a["ambiguous"])}
            for a in alias_rows
        ],
        "parent": labels.get(e.parent) if e.parent else None,
        "branches": branches,
        "relations": dict(sorted(relations.items())),
        "relation_counts": summary["by_predicate"],
        "relations_per_predicate": per_predicate,
        "relations_complete": len(claims) == summary["n_claims"],
        "n_claims": summary["n_claims"],
        "timeline": timeline,
    }


# ---- claims --------------------------------------------------------------------------
def claim_list(kb: KnowledgeBase, *, status: str | None = None, predicate: str | None = None, entity: str | None = None,
               subject: str | None = None, object: str | None = None, doc_id: str | None = None,
               date_from: str | None = None, date_to: str | None = None, min_confidence: float | None = None,
               limit: int = 500, offset: int = 0) -> list[dict]:
    if status and status != "all" and status not in ontology().review_statuses:
        raise BadRequest(f"status must be one of {', '.join(ontology().review_statuses)} or all")
    if predicate and predicate not in ontology().predicates:
        raise BadRequest(f"unknown predicate {predicate!r}")
    date_from = _check_date(date_from, "date_from")
    date_to = _check_date(date_to, "date_to")
    filters = {"status": status, "predicate": predicate, "subject": subject, "object": object, "doc_id": doc_id,
               "date_from": date_from, "date_to": date_to, "min_confidence": min_confidence}
    if entity:
        claims = web_queries.entity_claims_page(kb, entity, limit=min(limit, MAX_LIST), offset=offset, **filters)
    else:
        claims = kb.claims(**filters, limit=min(limit, MAX_LIST), offset=offset)
    return _claims_brief(kb, claims)


#: Claims of the same triple listed on a claim's detail (``related_total`` counts them all).
RELATED_LIMIT = 100


def claim_detail(kb: KnowledgeBase, claim_id: str) -> dict[str, Any]:
    c = kb.claim(claim_id)
    if c is None:
        raise NotFound(f"no claim {claim_id}")
    labels = _labels(kb, [c.subject, c.object, c.attributed_to])
    docs = _docs_brief(kb, {ev.doc_id for ev in c.evidence})
    d = claim_brief(c, labels, docs, version=kb.claim_version(claim_id))
    pred = ontology().predicates.get(c.predicate)
    d["predicate_meaning"] = pred.meaning if pred else None
    d["sign"] = pred.sign if pred else 0
    d["audit"] = kb.audit_log(object_id=claim_id, limit=100)
    # same triple, other claims: support and contradiction (the first RELATED_LIMIT, and how many there are)
    total, related = web_queries.related_claims(kb, c.subject, c.predicate, c.object, exclude=c.id,
                                                limit=RELATED_LIMIT)
    d["related"] = [r | {"contradicts": r["polarity"] != c.polarity} for r in related]
    d["related_total"] = total
    return d


def review_queue(kb: KnowledgeBase, *, order: str = "desc", predicate: str | None = None,
                 min_confidence: float | None = None, limit: int = 200, offset: int = 0) -> dict[str, Any]:
    """Pending claims sorted by confidence (highest first by default), with their versions for safe edits."""
    if order not in ("asc", "desc"):
        raise BadRequest("order must be asc or desc")
    if predicate and predicate not in ontology().predicates:
        raise BadRequest(f"unknown predicate {predicate!r}")
    total, ids = web_queries.pending_page(kb, order=order, predicate=predicate, min_confidence=min_confidence,
                                          limit=min(limit, 2000), offset=offset)
    claims = web_queries.claims_by_ids(kb, ids)
    items = _claims_brief(kb, claims)
    versions = web_queries.claim_versions(kb, ids)
    for it in items:
        it["version"] = versions.get(it["id"], 1)
    return {"total": total, "offset": offset, "items": items}


def review(kb: KnowledgeBase, claim_id: str, status: str, *, actor: str, expected_version: int | None = None,
           changes: dict | None = None) -> dict:
    if status not in ontology().review_statuses or status == "pending":
        raise BadRequest("status must be accepted, rejected or edited")
    if changes and status != "edited":
        raise BadRequest("changes go with status 'edited'")
    if kb.claim_version(claim_id) is None:
        raise NotFound(f"no claim {claim_id}")
    after = kb.review(claim_id, status, actor=actor, expected_version=expected_version, changes=changes or None)
    out = claim_to_dict(after)
    out["version"] = kb.claim_version(claim_id)
    return out


def review_many(kb: KnowledgeBase, ids: list[str], status: str, *, actor: str) -> dict:
    done, failed = [], []
    for cid in ids:
        try:
            review(kb, cid, status, actor=actor)
            done.append(cid)
        except AndiwaliError as exc:
            failed.append({"id": cid, "error": str(exc)})
    return {"status": status, "done": done, "failed": failed}


# ---- documents --------------------------------------------------------------------
def document_list(kb: KnowledgeBase, *, q: str | None = None, source: str | None = None, format: str | None = None,
                  language: str | None = None, date_from: str | None = None, date_to: str | None = None,
                  limit: int = 500, offset: int = 0) -> list[dict]:
    date_from = _check_date(date_from, "date_from")
    date_to = _check_date(date_to, "date_to")
    docs = web_queries.document_page(kb, q=q, source=source, format=format, language=language,
                                     date_from=date_from, date_to=date_to, limit=min(limit, MAX_LIST), offset=offset)
    return [{
        "id": d["id"], "title": d.get("title") or d.get("doc_key"), "key": d.get("doc_key"),
        "published": d.get("published"), "source": d.get("source"),
        "grade": (d.get("reliability") or "F") + (d.get("credibility") or "6"),
        "format": d.get("format"), "language": d.get("language"), "n_chars": d.get("n_chars"),
        "version": d.get("version"), "duplicate_of": d.get("duplicate_of"),
        "ingested_at": d.get("ingested_at"), "extracted_at": d.get("extracted_at"),
    } for d in docs]


def document_detail(kb: KnowledgeBase, doc_id: str) -> dict[str, Any]:
    d = kb.document(doc_id)
    if d is None:
        raise NotFound(f"no document {doc_id}")
    claims = kb.claims(doc_id=doc_id, status="all")
    briefs = _claims_brief(kb, claims)
    spans = []
    for b in briefs:
        for ev in b["evidence"]:
            if ev["doc_id"] == doc_id:
                spans.append({"start": ev["start"], "end": ev["end"], "claim_id": b["id"], "label": b["name"],
                              "status": b["status"]})
    spans.sort(key=lambda s: (s["start"], s["end"]))
    d["grade"] = (d.get("reliability") or "F") + (d.get("credibility") or "6")
    d["claims"] = [{k: b[k] for k in ("id", "name", "status", "confidence", "valid_from", "valid_to", "polarity",
                                      "modality")} for b in briefs]
    d["spans"] = spans
    return d


# ---- sources --------------------------------------------------------------------------
def source_list(kb: KnowledgeBase) -> list[dict]:
    return web_queries.sources(kb)


def grade_source(kb: KnowledgeBase, source_id: str, grade: str, *, actor: str) -> dict:
    try:
        return web_queries.set_source_grade(kb, source_id, grade, actor=actor)
    except StoreError as exc:
        if exc.code == "E304":
            raise NotFound(str(exc).split(": ", 1)[-1]) from None
        raise
    except AndiwaliError as exc:
        raise BadRequest(str(exc).split(": ", 1)[-1]) from None


# ---- timeline, contested, map, media ------------------------------------------------
def timeline(kb: KnowledgeBase, *, entity: str | None = None, layer: str | None = None, date_from: str | None = None,
             date_to: str | None = None, limit: int = 2000) -> dict[str, Any]:
    """Dated claims (events = discrete attacks) sorted by start, for a horizontal timeline."""
    if layer and layer not in ontology().layers:
        raise BadRequest(f"unknown layer {layer!r}")
    date_from = _check_date(date_from, "date_from")
    date_to = _check_date(date_to, "date_to")
    onto = ontology()
    preds = [p for p, d in onto.predicates.items() if d.layer == layer] if layer else None
    rows = web_queries.timeline_rows(kb, entity=entity or None, predicates=preds, date_from=date_from,
                                     date_to=date_to, limit=min(limit, MAX_LIST))
    labels = _labels(kb, [x for r in rows for x in (r["subject_id"], r["object_id"])])
    items = []
    for r in rows:
        p = onto.predicates[r["predicate"]]
        undated = r["valid_from"] is None and r["valid_to"] is None
        neg = "not " if r["polarity"] == "negated" else ""
        items.append({
            "claim_id": r["id"],
            "label": f"{labels[r['subject_id']]['name']} {neg}{r['predicate']} {labels[r['object_id']]['name']}",
            "predicate": r["predicate"], "layer": p.layer, "sign": p.sign,
            "from": r["valid_from"] or (r["reported_at"] if undated else None),
            "to": r["valid_to"] or (r["reported_at"] if undated else None),
            "open_end": bool(r["valid_from"] and not r["valid_to"]),
            "undated": undated, "event": r["predicate"] == "attacks", "polarity": r["polarity"], "status": r["status"],
        })
    return {"items": items, "total": len(items)}


def contested(kb: KnowledgeBase, *, limit: int = 500) -> list[dict]:
    """Contested ties (``andiwali.analysis.contested``): asserted and negated claims of one tie whose times overlap.

    One entry per tie, with its asserted and negated claims (quote, source, grade) and the
    number of contradicting pairs.
    """
    from andiwali.analysis.contested import contested as contested_pairs
    from andiwali.analysis.data import load

    pairs = contested_pairs(load(kb, status="all", with_quotes=False))
    ties: dict[tuple, dict] = {}
    for pr in pairs:
        key = (pr["subject_id"], pr["predicate"], pr["object_id"])
        t = ties.setdefault(key, {
            "subject": {"id": pr["subject_id"], "name": pr["subject"]},
            "predicate": pr["predicate"],
            "object": {"id": pr["object_id"], "name": pr["object"]},
            "pairs": 0, "time_known": True, "asserted": {}, "negated": {},
        })
        t["pairs"] += 1
        t["time_known"] = t["time_known"] and pr["time_known"]
        for side in ("asserted", "negated"):
            c = dict(pr[side])
            ev = c.get("evidence") or []
            c["grade"] = ev[0]["grade"] if ev else None
            t[side].setdefault(c["id"], c)
    out = sorted(ties.values(), key=lambda t: (-t["pairs"], t["subject"]["name"], t["predicate"], t["object"]["name"]))
    for t in out:
        t["asserted"] = list(t["asserted"].values())
        t["negated"] = list(t["negated"].values())
    return out[:limit]


def _country_of(eid: str, ents: dict, seen: set | None = None) -> str | None:
    """ISO alpha-2 of a state, or of the state a place lies in (parent chain or attributes)."""
    seen = seen or set()
    info = ents.get(eid)
    if info is None or eid in seen:
        return None
    seen.add(eid)
    attrs = info.attributes or {}
    iso = attrs.get("iso") or attrs.get("country_iso") or attrs.get("country")
    if isinstance(iso, str) and len(iso) == 2 and iso.isalpha():
        return iso.upper()
    if info.parent:
        return _country_of(info.parent, ents, seen)
    return None


def map_presence(kb: KnowledgeBase, *, groups: list[str] | None = None, date_from: str | None = None,
                 date_to: str | None = None) -> dict[str, Any]:
    """Countries shaded by the selected groups' presence (operates_in, based_in, controls, attacks)."""
    from andiwali.analysis.timeutil import claim_interval, overlaps, window
    from andiwali.store.analysis_queries import entity_infos, iter_claim_records

    date_from = _check_date(date_from, "date_from")
    date_to = _check_date(date_to, "date_to")
    win = window(None, date_from, date_to)
    ents = entity_infos(kb)
    wanted = set(groups or [])
    unknown = [g for g in wanted if g not in ents]
    if unknown:
        raise BadRequest(f"unknown entity id(s): {', '.join(sorted(unknown)[:5])}")
    countries: dict[str, dict] = {}
    candidates: dict[str, int] = defaultdict(int)
    unmapped = 0
    for c in iter_claim_records(kb, status="all", predicates=GEO_PREDICATES):
        if c.polarity != "asserted" or c.modality == "hypothetical":
            continue
        candidates[c.subject] += 1
        if wanted and c.subject not in wanted:
            continue
        if win is not None:
            iv, _ = claim_interval(c.valid_from, c.valid_to, c.reported_at)
            if iv is None or not overlaps(iv, win):
                continue
        iso = _country_of(c.object, ents)
        if iso is None:
            unmapped += 1
            continue
        row = countries.setdefault(iso, {"iso": iso, "claims": 0, "by_predicate": defaultdict(int), "groups": {},
                                         "claim_ids": []})
        row["claims"] += 1
        row["by_predicate"][c.predicate] += 1
        subj = ents.get(c.subject)
        row["groups"][c.subject] = subj.name if subj else c.subject
        if len(row["claim_ids"]) < 20:
            row["claim_ids"].append(c.id)
    for row in countries.values():
        row["by_predicate"] = dict(row["by_predicate"])
        row["groups"] = [{"id": k, "name": v} for k, v in sorted(row["groups"].items(), key=lambda kv: kv[1])]
    top = sorted(candidates.items(), key=lambda kv: (-kv[1], kv[0]))[:200]
    return {
        "countries": countries,
        "groups": [{"id": g, "name": ents[g].name if g in ents else g, "kind": ents[g].kind if g in ents else None,
                    "claims": n} for g, n in top],
        "selected": sorted(wanted),
        "unmapped": unmapped,
        "predicates": list(GEO_PREDICATES),
    }


def media_activity(kb: KnowledgeBase, *, by: str = "month") -> dict[str, Any]:
    """Documents per source over time (``andiwali.analysis.overlap.media_activity``), as chart series.

    Each series also says when the source was last heard from and whether it went quiet.
    """
    from andiwali.analysis.overlap import media_activity as activity
    from andiwali.store.analysis_queries import media_activity_rows

    if by not in ("month", "year"):
        raise BadRequest("by must be month or year")
    result = activity(media_activity_rows(kb))
    merged: dict[str, dict] = {}
    for src in result["sources"]:  # one series per source (platforms folded in)
        m = merged.setdefault(src["source"], {"source": src["source"], "periods": defaultdict(int), "total": 0,
                                              "last": None, "quiet": True, "undated": 0})
        for month, n in src["months"].items():
            if by == "month" and len(month) < 7:
                m["undated"] += n  # dated to the year only: not placed on a monthly chart
                continue
            m["periods"][month[:7] if by == "month" else month[:4]] += n
        m["total"] += src["documents"]
        m["undated"] += src["undated"]
        m["last"] = max(filter(None, [m["last"], src["last"]]), default=None)
        m["quiet"] = m["quiet"] and bool(src["quiet"])
    periods = sorted({p for m in merged.values() for p in m["periods"]})
    series = sorted(merged.values(), key=lambda m: (-m["total"], m["source"]))
    return {
        "by": by,
        "periods": periods,
        "latest_month": result["latest_month"],
        "series": [{"source": m["source"], "counts": [m["periods"].get(p, 0) for p in periods], "total": m["total"],
                    "undated": m["undated"], "last": m["last"], "quiet": m["quiet"]} for m in series],
    }


def audit(kb: KnowledgeBase, *, object_id: str | None = None, limit: int = 200) -> list[dict]:
    return kb.audit_log(object_id=object_id or None, limit=min(limit, 5000))


def overview(kb: KnowledgeBase) -> dict[str, Any]:
    onto = ontology()
    counts = web_queries.cached_until_change(kb, "counts", kb.counts)
    return {"counts": dict(counts), "layers": list(onto.layers), "predicates": sorted(onto.predicates),
            "kinds": list(onto.entity_kinds), "statuses": list(onto.review_statuses),
            "modalities": list(onto.modalities), "polarities": list(onto.polarities)}
