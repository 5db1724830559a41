"""The "rules" backend: spaCy pipeline components over tokens (and the parse when available)."""

from __future__ import annotations

from typing import Any

from andiwali.errors import ExtractError
from andiwali.extract import ExtractionResult, MentionRef, make_claim
from andiwali.extract.calibration import confidence_for
from andiwali.extract.pipeline import ExtractContext, get_nlp, parser_available
from andiwali.extract.registry import backend
from andiwali.model.core import Document
from andiwali.model.reference import Gazetteer

# components register themselves on import
from andiwali.extract import components as _components  # noqa: F401,E402  isort:skip
from andiwali.extract import relations as _relations  # noqa: F401,E402  isort:skip

_OPTIONS = {"parser", "fuzzy", "discover"}


def run_pipeline(doc: Document, gazetteer: Gazetteer, **options: Any) -> ExtractContext:
    unknown = set(options) - _OPTIONS - {"llm_url", "llm_model", "timeout", "_parsed"}
    if unknown:
        raise ExtractError(f"unknown extraction options: {', '.join(sorted(unknown))}")
    parser = options.get("parser")
    if parser is None:
        parser = parser_available()
    nlp = get_nlp(bool(parser))
    ctx = ExtractContext(document=doc, gazetteer=gazetteer, options=dict(options, _parsed=bool(parser)))
    sdoc = nlp.make_doc(doc.text)
    sdoc._.andiwali = ctx
    for _name, proc in nlp.pipeline:
        sdoc = proc(sdoc)
    return ctx


@backend("rules")
def rules_backend(doc: Document, gazetteer: Gazetteer, **options: Any) -> ExtractionResult:
    ctx = run_pipeline(doc, gazetteer, **options)
    result = ExtractionResult()
    used: set[str] = set()
    seen_ids: set[str] = set()
    def kind(eid: str) -> str | None:
        e = ctx.entities.get(eid) or gazetteer.entities.get(eid)
        return e.kind if e else None

    for cand in ctx.claims:
        if cand.predicate == "allied_with" and "state" in {kind(cand.subject_id), kind(cand.object_id)} and (
            kind(cand.subject_id) != kind(cand.object_id)
        ) and ("list" in cand.features or cand.rule.startswith("svo_near:")):
            # a group "allied" with a country is nearly always a misread list of countries of operation
            continue
        conf = confidence_for(cand.rule, cand.predicate, cand.features)
        claim, swapped = make_claim(doc, cand, conf, f"rules:{cand.rule}", doc_id=ctx.doc_id)
        if claim.id in seen_ids:
            continue
        seen_ids.add(claim.id)
        sm = MentionRef(claim.subject, cand.subject.start, cand.subject.end, cand.subject.text)
        om = MentionRef(claim.object, cand.object.start, cand.object.end, cand.object.text)
        if swapped:
            sm = MentionRef(claim.subject, cand.object.start, cand.object.end, cand.object.text)
            om = MentionRef(claim.object, cand.subject.start, cand.subject.end, cand.subject.text)
        result.claims.append(claim)
        result.claim_mentions[claim.id] = (sm, om)
        used.update((claim.subject, claim.object))
        if claim.attributed_to:
            used.add(claim.attributed_to)
    keep = {eid for eid, e in ctx.entities.items() if eid in used or e.attributes.get("discovered_by") in ("acronym definition", "topic line")}
    result.entities = [ctx.entities[e] for e in sorted(keep)]
    known = gazetteer.entities  # or an entity kept above
    seen: set[tuple] = set()
    for m in ctx.mentions:
        for eid in m.entity_ids:
            key = (eid, m.start, m.end)
            if (eid in known or eid in keep) and key not in seen:
                seen.add(key)
                result.mentions.append(MentionRef(eid, m.start, m.end, m.text))
    return result
