"""JSON Lines: one JSON object per claim, out and back in.

Each line has the shape of ``andiwali claims --json`` (``subject``/``object`` as
``{"id", "name", "kind"}``, ``attributed_to`` as a canonical name) plus every other
claim field (``reviewed_by``, ``reviewed_at``, ``qualifiers``, ``attributed_to_entity``)
and the evidence with its quote and what is known of its document (key, title,
published, source, grade, url), so ``import jsonl`` rebuilds the same claims.
"""

from __future__ import annotations

import json
from typing import Any

from andiwali.errors import InteropError
from andiwali.interop.base import (
    MAX_LINE_BYTES,
    MAX_ROWS,
    ExportFilter,
    decode_text,
    exporter,
    importer,
    open_text_out,
    read_input_bytes,
    select,
)
from andiwali.interop.importing import (
    ClaimDraft,
    EvidenceDraft,
    ImportPlan,
    apply,
    clean_text,
    make_source,
    parse_confidence,
    parse_date,
)
from andiwali.interop.tietypes import map_tie
from andiwali.model import Claim, Entity
from andiwali.model.ontology import ontology

ACTOR_KINDS = ("organization", "person", "state")


def entity_ref(eid: str | None, entities: dict[str, Entity]) -> dict | None:
    if eid is None:
        return None
    e = entities.get(eid)
    return {"id": eid, "name": e.name if e else eid, "kind": e.kind if e else None}


def document_ref(d: dict | None) -> dict | None:
    if not d:
        return None
    grade = (d.get("reliability") or "F") + (d.get("credibility") or "6") if d.get("source") else None
    return {"key": d.get("doc_key"), "title": d.get("title"), "published": d.get("published"),
            "source": d.get("source"), "grade": grade, "url": d.get("url"), "language": d.get("language")}


def claim_record(c: Claim, entities: dict[str, Entity], documents: dict[str, dict]) -> dict:
    """A claim as one JSON object (the ``claims --json`` shape, extended)."""
    attr = entity_ref(c.attributed_to, entities)
    return {
        "id": c.id,
        "subject": entity_ref(c.subject, entities),
        "predicate": c.predicate,
        "object": entity_ref(c.object, entities),
        "polarity": c.polarity,
        "modality": c.modality,
        "attributed_to": attr["name"] if attr else None,
        "attributed_to_entity": attr,
        "valid_from": c.valid_from,
        "valid_to": c.valid_to,
        "reported_at": c.reported_at,
        "undated": c.undated,
        "confidence": c.confidence,
        "extractor": c.extractor,
        "status": c.status,
        "reviewed_by": c.reviewed_by,
        "reviewed_at": c.reviewed_at,
        "qualifiers": c.qualifiers,
        "evidence": [
            {"doc_id": e.doc_id, "start": e.start, "end": e.end, "quote": e.quote, "page": e.page,
             "document": document_ref(documents.get(e.doc_id))}
            for e in c.evidence
        ],
    }


@exporter("jsonl", help="JSON Lines, one claim per line with its evidence (`-` = stdout)", suffixes=(".jsonl",))
def export_jsonl(kb, out, filt: ExportFilter, **_options) -> dict:
    sel = select(kb, filt, with_text=False)
    with open_text_out(out) as fh:
        for c in sel.claims:
            fh.write(json.dumps(claim_record(c, sel.entities, sel.documents), ensure_ascii=False, sort_keys=True))
            fh.write("\n")
    return {"format": "jsonl", "out": str(out), "claims": len(sel.claims)}


# ---- import --------------------------------------------------------------------------
def _records(text: str, name: str) -> list[tuple[str, Any]]:
    """(where, parsed value) for each line; a whole-file JSON list (``claims --json``) works too."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError):
            raise InteropError("not valid JSON (a list) or JSON Lines", code="E501", path=name) from None
        if not isinstance(data, list):
            raise InteropError("expected a JSON list of claims", code="E501", path=name)
        if len(data) > MAX_ROWS:
            raise InteropError(f"more than {MAX_ROWS} records", code="E502", path=name)
        return [(f"item {i + 1}", x) for i, x in enumerate(data)]
    out: list[tuple[str, Any]] = []
    bad = 0
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(out) >= MAX_ROWS:
            raise InteropError(f"more than {MAX_ROWS} lines", code="E502", path=name)
        if len(line) > MAX_LINE_BYTES:
            out.append((f"line {n}", InteropError(f"line longer than {MAX_LINE_BYTES} characters")))
            bad += 1
            continue
        try:
            out.append((f"line {n}", json.loads(line)))
        except (ValueError, RecursionError) as exc:
            out.append((f"line {n}", InteropError(f"not valid JSON: {str(exc)[:80]}")))
            bad += 1
    if out and bad == len(out):
        raise InteropError("no line is valid JSON: not a JSON Lines file", code="E501", path=name)
    return out


def _entity(plan: ImportPlan, raw: Any, role: str, allowed) -> Entity | None:
    if isinstance(raw, str):
        return plan.resolve(raw, None, allowed=tuple(allowed))
    if not isinstance(raw, dict):
        raise InteropError(f"{role} must be an object with a name (or a name)")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InteropError(f"{role} has no name")
    kind = raw.get("kind")
    if kind is not None and (not isinstance(kind, str) or kind not in ontology().entity_kinds):
        raise InteropError(f"{role} has an unknown kind {str(kind)[:40]!r}")
    eid = raw.get("id") if isinstance(raw.get("id"), str) else None
    return plan.resolve(name, kind, allowed=tuple(allowed) if not kind else None, entity_id=eid)


def _evidence(raw: Any) -> list[EvidenceDraft]:
    if raw is None:
        return []
    items = [raw] if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise InteropError("evidence must be a list of objects")
    out = []
    for ev in items[:1000]:
        if not isinstance(ev, dict):
            raise InteropError("evidence must be a list of objects")
        quote = ev.get("quote")
        if not isinstance(quote, str):
            raise InteropError("evidence needs a quote (a string)")
        start, end = ev.get("start"), ev.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
                and not isinstance(end, bool) and 0 <= start <= end):
            start = end = None
        page = ev.get("page") if isinstance(ev.get("page"), int) and not isinstance(ev.get("page"), bool) else None
        doc = ev.get("document") if isinstance(ev.get("document"), dict) else None
        doc_id = ev.get("doc_id") if isinstance(ev.get("doc_id"), str) else None
        out.append(EvidenceDraft(doc_id=clean_text(doc_id, 200) or None, start=start, end=end,
                                 quote=clean_text(quote), page=page,
                                 doc={k: v for k, v in doc.items() if isinstance(v, (str, int))} if doc else None))
    return out


def draft_from_record(plan: ImportPlan, where: str, r: Any, *, default_extractor: str) -> ClaimDraft | None:
    """One claim object -> a ClaimDraft (raises InteropError with a reason on bad input)."""
    onto = ontology()
    if not isinstance(r, dict):
        raise InteropError("each line must be a JSON object")
    pred_raw = r.get("predicate")
    if not isinstance(pred_raw, str):
        raise InteropError("no predicate")
    mapped = map_tie(pred_raw)
    if not mapped:
        plan.unmapped(where, pred_raw[:200])
        return None
    # the first mapping whose kinds fit (a tie phrase may stand for several predicates)
    subj_raw, obj_raw = r.get("subject"), r.get("object")
    last_err = None
    for m in mapped:
        pred = onto.predicate(m.predicate)
        s_raw, o_raw = (obj_raw, subj_raw) if m.reverse else (subj_raw, obj_raw)
        s = _entity(plan, s_raw, "subject", pred.subject_kinds)
        o = _entity(plan, o_raw, "object", pred.object_kinds)
        if s is None or o is None:
            last_err = f"{m.predicate}: no entity of an allowed kind for the subject or object"
            continue
        if not pred.allows(s.kind, o.kind):
            last_err = f"{m.predicate} does not allow {s.kind} {s.name!r} -> {o.kind} {o.name!r}"
            continue
        break
    else:
        raise InteropError(last_err or "cannot map the claim")
    attributed = None
    ae = r.get("attributed_to_entity")
    if isinstance(ae, dict) and ae.get("name"):
        attributed = _entity(plan, ae, "attributed_to", ACTOR_KINDS)
    elif isinstance(r.get("attributed_to"), str) and r["attributed_to"].strip():
        attributed = plan.resolve(r["attributed_to"], None, allowed=ACTOR_KINDS)
    polarity = r.get("polarity") or m.polarity or "asserted"
    fields = {
        "subject": s.id, "predicate": m.predicate, "object": o.id,
        "polarity": polarity if isinstance(polarity, str) else "?",
        "modality": r.get("modality") if isinstance(r.get("modality"), str) else "fact",
        "attributed_to": attributed.id if attributed else None,
        "valid_from": parse_date(r.get("valid_from"), "valid_from"),
        "valid_to": parse_date(r.get("valid_to"), "valid_to"),
        "reported_at": parse_date(r.get("reported_at"), "reported_at"),
        "extractor": clean_text(r.get("extractor"), 200) or default_extractor,
        "confidence": parse_confidence(r.get("confidence"), default=1.0),
        "status": r.get("status") if isinstance(r.get("status"), str) else "pending",
        "reviewed_by": clean_text(r.get("reviewed_by"), 200) or None,
        "reviewed_at": clean_text(r.get("reviewed_at"), 40) or None,
        "qualifiers": _qualifiers(r.get("qualifiers")),
    }
    cid = r.get("id") if isinstance(r.get("id"), str) and not m.reverse and s_raw is subj_raw else None
    evidence = _evidence(r.get("evidence"))
    if isinstance(r.get("doc"), str) and r["doc"].strip():  # `extract --jsonl` lines name their file
        path = clean_text(r["doc"], 500).strip()
        for e in evidence:
            if e.doc_id is None:
                e.doc_id = path
                e.doc = e.doc or {"title": path, "key": path}
    if not evidence and not cid:  # a bare record: the line itself is the evidence, in a document for the file
        evidence = [plan.file_evidence(f"{_raw_name(subj_raw)} {pred_raw} {_raw_name(obj_raw)}")]
    return ClaimDraft(where, fields, evidence, claim_id=cid)


def _raw_name(v: Any) -> str:
    return str(v.get("name", "")) if isinstance(v, dict) else str(v)


def _qualifiers(q: Any) -> dict:
    if not isinstance(q, dict):
        return {}
    try:
        text = json.dumps(q, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        return {}
    return q if len(text) <= 20_000 else {}


@importer("jsonl", help="JSON Lines of claims (as `export jsonl` writes; a `claims --json` list works too)",
          suffixes=(".jsonl", ".json"))
def import_jsonl(kb, path, *, dry_run: bool = False, actor: str = "import", source: str | None = None,
                 grade: str | None = None, max_bytes: int | None = None, **_options):
    data, name = read_input_bytes(path, max_bytes=max_bytes)
    text = decode_text(data, name)
    plan = ImportPlan(kb, "jsonl", name, make_source(source or f"jsonl import {name.rsplit('/', 1)[-1]}", grade))
    if not text.strip():
        raise InteropError("file is empty", code="E501", path=name)
    for where, rec in _records(text, name):
        if isinstance(rec, InteropError):
            plan.skip(where, str(rec).split(": ", 1)[-1])
            continue
        try:
            d = draft_from_record(plan, where, rec, default_extractor="import:jsonl")
        except InteropError as exc:
            plan.skip(where, str(exc).split(": ", 1)[-1])
            continue
        if d is not None:
            plan.claims.append(d)
    return apply(plan, actor=actor, dry_run=dry_run, curated=bool(_options.get("curated")))
