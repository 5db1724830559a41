"""A knowledge base's claims, entities and documents, loaded once for several analyses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx

from andiwali.analysis.records import ClaimRecord, DocInfo, EntityInfo, as_claim_record, entity_map
from andiwali.analysis.timeutil import AnalysisError
from andiwali.model import Claim, Entity


@dataclass
class Dataset:
    claims: list[ClaimRecord]
    entities: dict[str, EntityInfo]
    docs: dict[str, DocInfo] = field(default_factory=dict)
    kb: object | None = None  # the knowledge base it came from, for quotes of claims loaded without them

    @classmethod
    def of(cls, claims: Iterable[Claim | ClaimRecord], entities: Iterable[Entity | EntityInfo] | Mapping,
           docs: Mapping[str, DocInfo] | None = None) -> Dataset:
        return cls([as_claim_record(c) for c in claims], entity_map(entities), dict(docs or {}))

    def graph(self, **kw) -> nx.MultiDiGraph:
        from andiwali.analysis.graph import build_graph

        return build_graph(self.claims, self.entities, doc_grades=self.docs, **kw)

    def name(self, eid: str | None) -> str | None:
        if eid is None:
            return None
        e = self.entities.get(eid)
        return e.name if e else eid

    def claim_index(self) -> dict[str, ClaimRecord]:
        idx = getattr(self, "_idx", None)
        if idx is None:
            idx = self._idx = {c.id: c for c in self.claims}
        return idx

    def prefetch(self, claim_ids) -> None:
        """Fetch the quotes of many claims in a few queries (for claims loaded without them)."""
        if self.kb is None:
            return
        cache = self.__dict__.setdefault("_quotes", {})
        idx = self.claim_index()
        todo = [i for i in dict.fromkeys(claim_ids) if i not in cache and not (i in idx and idx[i].quotes)]
        if todo:
            from andiwali.store.analysis_queries import evidence_for

            found = evidence_for(self.kb, todo)
            for i in todo:
                cache[i] = found.get(i, [])

    def quotes(self, claim_id: str) -> list[tuple[str, int, int, str]]:
        c = self.claim_index().get(claim_id)
        if c is not None and c.quotes:
            return list(c.quotes)
        cache = self.__dict__.setdefault("_quotes", {})
        if claim_id not in cache and self.kb is not None:
            self.prefetch([claim_id])
        return list(cache.get(claim_id, []))

    def claim_summary(self, claim_id: str, *, quotes: int = 1) -> dict:
        """A claim as analyses print it: names, time, grade, and its quote(s) with their source."""
        c = self.claim_index().get(claim_id)
        if c is None:
            return {"id": claim_id}
        ev = []
        for did, s, e, q in self.quotes(claim_id)[:quotes]:
            d = self.docs.get(did)
            ev.append({"doc_id": did, "start": s, "end": e, "quote": q,
                       "source": d.source if d else None,
                       "grade": (d.reliability + d.credibility) if d else None,
                       "published": d.published if d else None,
                       "title": d.title if d else None})
        return {
            "id": c.id, "subject": self.name(c.subject), "predicate": c.predicate, "object": self.name(c.object),
            "polarity": c.polarity, "modality": c.modality, "attributed_to": self.name(c.attributed_to),
            "valid_from": c.valid_from, "valid_to": c.valid_to, "reported_at": c.reported_at,
            "undated": c.undated, "confidence": c.confidence, "status": c.status, "extractor": c.extractor,
            "evidence": ev,
        }

    def resolve(self, name_or_id: str, kb=None) -> str:
        """An entity id from an id, a canonical name or an alias (through kb.find_entities when given)."""
        if name_or_id in self.entities:
            return name_or_id
        kb = kb or self.kb
        if kb is not None:
            found = kb.find_entities(name_or_id)
            if found:
                return found[0].id
        low = name_or_id.casefold()
        for e in self.entities.values():
            if e.name.casefold() == low:
                return e.id
        raise AnalysisError(f"no entity named {name_or_id!r}", code="E604")


def load(kb, *, status: str = "all", min_confidence: float | None = None, with_quotes: bool = True) -> Dataset:
    """Load a knowledge base for analysis (claims as records; quotes loaded when ``with_quotes``)."""
    from andiwali.store.analysis_queries import doc_infos, entity_infos, iter_claim_records

    if status == "rejected":
        raise AnalysisError("rejected claims never enter an analysis", code="E603")
    from andiwali.analysis.graph import paused_gc

    with paused_gc():
        claims = list(iter_claim_records(kb, status=status, min_confidence=min_confidence, with_quotes=with_quotes))
    return Dataset(claims, entity_infos(kb), doc_infos(kb), kb=kb)
