"""Light records the analysis works on: claims, entities and documents without their text.

The analysis accepts the model's ``Claim`` and ``Entity`` objects (small knowledge
bases, tests) or these records (the bulk path in ``store.analysis_queries``, which
never builds a ``Claim`` per row). ``as_claim_record`` / ``as_entity_info`` convert.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from andiwali.model import Claim, Entity

ACTOR_KINDS = frozenset({"organization", "person", "state"})


class ClaimRecord(NamedTuple):
    id: str
    subject: str
    predicate: str
    object: str
    polarity: str = "asserted"
    modality: str = "fact"
    attributed_to: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    reported_at: str | None = None
    confidence: float = 1.0
    status: str = "pending"
    extractor: str = "human"
    doc_ids: tuple[str, ...] = ()
    quotes: tuple[tuple[str, int, int, str], ...] = ()  # (doc_id, start, end, quote), when loaded

    @property
    def undated(self) -> bool:
        return not self.valid_from and not self.valid_to


class EntityInfo(NamedTuple):
    id: str
    name: str
    kind: str
    parent: str | None = None
    attributes: Mapping[str, Any] = {}


class DocInfo(NamedTuple):
    """A document's grade and its independence key (copies and forwards share one key)."""

    id: str
    reliability: str = "F"
    credibility: str = "6"
    key: str = ""
    source: str | None = None
    source_kind: str | None = None
    published: str | None = None
    title: str | None = None


def as_claim_record(c: Claim | ClaimRecord) -> ClaimRecord:
    if isinstance(c, ClaimRecord):
        return c
    docs = tuple(dict.fromkeys(e.doc_id for e in c.evidence))
    return ClaimRecord(
        id=c.id, subject=c.subject, predicate=c.predicate, object=c.object, polarity=c.polarity,
        modality=c.modality, attributed_to=c.attributed_to, valid_from=c.valid_from, valid_to=c.valid_to,
        reported_at=c.reported_at, confidence=float(c.confidence), status=c.status, extractor=c.extractor,
        doc_ids=docs, quotes=tuple((e.doc_id, e.start, e.end, e.quote) for e in c.evidence),
    )


def as_entity_info(e: Entity | EntityInfo) -> EntityInfo:
    if isinstance(e, EntityInfo):
        return e
    return EntityInfo(id=e.id, name=e.name, kind=e.kind, parent=e.parent, attributes=dict(e.attributes))


def entity_map(entities: Iterable[Entity | EntityInfo] | Mapping[str, Entity | EntityInfo]) -> dict[str, EntityInfo]:
    """Entities (a list or a mapping by id) -> {id: EntityInfo}."""
    values = entities.values() if isinstance(entities, Mapping) else entities
    return {e.id: as_entity_info(e) for e in values}


def doc_info_from_row(d: Mapping[str, Any]) -> DocInfo:
    """A ``KnowledgeBase.documents()`` row -> DocInfo (see ``independence_key``)."""
    return DocInfo(
        id=d["id"], reliability=d.get("reliability") or "F", credibility=d.get("credibility") or "6",
        key=independence_key(d), source=d.get("source"), source_kind=d.get("source_kind"),
        published=d.get("published"), title=d.get("title"),
    )


FORWARD_META_KEYS = ("forwarded_from", "forward_of", "fwd_from", "original", "syndicated_from", "copy_of")


def independence_key(d: Mapping[str, Any]) -> str:
    """Documents with the same key are one report: a duplicate points to its original,
    texts with the same content hash are copies, and a forwarded or syndicated message
    names its original in ``meta`` (any of FORWARD_META_KEYS)."""
    meta = d.get("meta") or {}
    if isinstance(meta, Mapping):
        for k in FORWARD_META_KEYS:
            v = meta.get(k)
            if v:
                return "fwd:" + str(v)
    if d.get("content_hash"):
        return "hash:" + str(d["content_hash"])
    if d.get("duplicate_of"):
        return "doc:" + str(d["duplicate_of"])
    return "doc:" + str(d["id"])
