"""Extraction: Document -> entity mentions and claims.

Public entry point::

    from andiwali.extract import extract_document
    result = extract_document(doc)                     # rules backend, bundled gazetteer
    result = extract_document(doc, gaz, backend="llm", llm_url="http://127.0.0.1:11434/v1")

``result.claims`` are ``andiwali.model.Claim`` objects (evidence = the sentence
span, ``reported_at`` = the document date, ``extractor`` = ``rules:<rule>``,
calibrated ``confidence``, status ``pending``); ``result.entities`` the
candidate entities discovered in the text; ``result.mentions`` every entity
mention; ``result.claim_mentions[claim.id]`` the subject and object mention of
each claim. Backends register in ``andiwali.extract.registry.BACKENDS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from andiwali.errors import ExtractError
from andiwali.extract.registry import BACKENDS, COMPONENTS, backend
from andiwali.model.core import Claim, Document, Entity, Evidence
from andiwali.model.reference import Gazetteer

__all__ = ["extract_document", "ExtractionResult", "MentionRef", "BACKENDS", "COMPONENTS", "backend", "claim_json"]


@dataclass(frozen=True, slots=True)
class MentionRef:
    """One entity mention: the entity id and the span in the document text."""

    entity_id: str
    start: int
    end: int
    text: str

    def as_tuple(self) -> tuple[str, int, int, str]:
        return (self.entity_id, self.start, self.end, self.text)


@dataclass
class ExtractionResult:
    claims: list[Claim] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mentions: list[MentionRef] = field(default_factory=list)
    claim_mentions: dict[str, tuple[MentionRef, MentionRef]] = field(default_factory=dict)
    backend: str = "rules"

    def mention_tuples(self) -> list[tuple[str, int, int, str]]:
        """Mentions in the form ``KnowledgeBase.save_extraction(mentions=...)`` takes."""
        return [m.as_tuple() for m in self.mentions]

    def entity_names(self, gazetteer: Gazetteer) -> dict[str, Entity]:
        out = dict(gazetteer.entities)
        out.update({e.id: e for e in self.entities})
        return out


def default_gazetteer() -> Gazetteer:
    from andiwali.model.reference import bundled_gazetteer

    return bundled_gazetteer()


def extract_document(
    doc: Document, gazetteer: Gazetteer | None = None, *, backend: str = "rules", **options: Any
) -> ExtractionResult:
    """Extract claims, mentions and candidate entities from one document.

    Options (rules backend): ``parser`` (True/False; default: use the parser when
    the English model is installed), ``fuzzy`` and ``discover`` (default True).
    LLM backend: ``llm_url``, ``llm_model``, ``timeout``.
    """
    if gazetteer is None:
        gazetteer = default_gazetteer()
    # the built-in backends register on import
    from andiwali.extract import llm as _llm  # noqa: F401
    from andiwali.extract import rules as _rules  # noqa: F401

    fn = BACKENDS.get(backend)
    if fn is None:
        raise ExtractError(f"unknown extraction backend {backend!r}; known: {', '.join(sorted(BACKENDS))}")
    result = fn(doc, gazetteer, **options)
    result.backend = backend
    return result


def claim_json(claim: Claim, result: ExtractionResult, gazetteer: Gazetteer, doc_name: str, text: str) -> dict:
    """The JSON object of the extraction contract (``andiwali extract FILE --jsonl``)."""
    ents = {e.id: e for e in result.entities}

    def ent(eid: str) -> Entity | None:
        return ents.get(eid) or gazetteer.entities.get(eid)

    sm, om = result.claim_mentions[claim.id]

    def side(eid: str, m: MentionRef) -> dict:
        e = ent(eid)
        return {
            "id": eid,
            "name": e.name if e else eid,
            "kind": e.kind if e else None,
            "mention": {"text": m.text, "start": m.start, "end": m.end},
        }

    ev = claim.evidence[0]
    attributed = None
    if claim.attributed_to:
        a = ent(claim.attributed_to)
        attributed = a.name if a else claim.attributed_to
    return {
        "doc": doc_name,
        "subject": side(claim.subject, sm),
        "predicate": claim.predicate,
        "object": side(claim.object, om),
        "polarity": claim.polarity,
        "modality": claim.modality,
        "attributed_to": attributed,
        "valid_from": claim.valid_from,
        "valid_to": claim.valid_to,
        "confidence": round(float(claim.confidence), 3),
        "evidence": {"start": ev.start, "end": ev.end, "quote": text[ev.start : ev.end]},
    }


def make_claim(doc: Document, cand: Any, confidence: float, extractor: str, doc_id: str | None = None) -> tuple[Claim, bool]:
    """A Claim from a rule candidate; returns (claim, swapped) where swapped means symmetric reordering."""
    quote = doc.text[cand.start : cand.end]
    doc_id = doc_id or doc.id
    claim = Claim(
        subject=cand.subject_id,
        predicate=cand.predicate,
        object=cand.object_id,
        polarity=cand.polarity,
        modality=cand.modality,
        attributed_to=cand.attributed_to,
        valid_from=cand.valid_from,
        valid_to=cand.valid_to,
        reported_at=doc.published,
        evidence=[Evidence(doc_id=doc_id, start=cand.start, end=cand.end, quote=quote)],
        extractor=extractor,
        confidence=confidence,
        status="pending",
        qualifiers=dict(cand.qualifiers),
    )
    return claim, claim.subject != cand.subject_id
