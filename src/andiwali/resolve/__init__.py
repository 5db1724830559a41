"""Entity resolution: which known entity does a name denote?

``resolve_name(name, gazetteer_or_kb)`` returns a :class:`Resolution` with the
chosen entity (or None) and the scored candidates, each with the alias that
matched. Matching goes, in order of score:

==========================  =======  ============================================
how the name matched        score    note
==========================  =======  ============================================
canonical name              1.00     after ``normalize_name``
alias                       0.98
acronym written otherwise   0.95     "ISK" = "IS-K" (``acronym_key``)
alias marked ambiguous      0.70     "IS", "AS", "The Base": needs context
fuzzy (rapidfuzz)           <= 0.90  ``ratio/100 * 0.9``; only names of 5+ letters,
                                     never acronyms; kept when >= FUZZY_THRESHOLD
==========================  =======  ============================================

An entity is chosen when the best candidate's score reaches ``threshold``
(default :data:`FUZZY_THRESHOLD`, measured by ``bench/fuzzy_threshold.py``; see
docs/reference-data.md), or when the name is an alias marked ambiguous that
exactly one entity has (the caller sees the 0.70 score and may ask for
context). An ambiguous name several entities share resolves to None. Among candidates with the same score a name that is
not marked ambiguous wins, then the more prominent entity (designations,
references, names known). Entities merged into another (the judgement ledger,
:mod:`andiwali.store.ledger`) resolve to the entity they were merged into.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from andiwali.model.core import Entity
from andiwali.model.names import acronym_key, is_acronym, normalize_name
from andiwali.model.reference import Gazetteer, bundled_gazetteer

# measured by bench/fuzzy_threshold.py over name variants and distractors (docs/reference-data.md)
FUZZY_THRESHOLD = 0.78
FUZZY_SCALE = 0.9
SCORE_CANONICAL = 1.0
SCORE_ALIAS = 0.98
SCORE_ACRONYM = 0.95
SCORE_AMBIGUOUS = 0.70
MIN_FUZZY_LEN = 5

__all__ = ["Candidate", "Resolution", "Resolver", "resolve_name", "resolver_for", "FUZZY_THRESHOLD"]


@dataclass
class Candidate:
    entity: Entity
    score: float
    matched_alias: str
    exact: bool = True  # matched a name exactly (after normalization), not fuzzily

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.entity.id, "name": self.entity.name, "score": round(self.score, 4), "matched_alias": self.matched_alias}


@dataclass
class Resolution:
    query: str
    entity: Entity | None
    candidates: list[Candidate] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        ent = None
        if self.entity is not None:
            ent = {"id": self.entity.id, "name": self.entity.name, "kind": self.entity.kind,
                   "aliases": [a.name for a in self.entity.aliases]}
        return {"query": self.query, "entity": ent, "candidates": [c.to_dict() for c in self.candidates]}


@dataclass
class _Name:
    entity_id: str
    name: str  # the surface form (canonical name or alias)
    canonical: bool
    ambiguous: bool


class Resolver:
    """An index over a gazetteer's names for exact, acronym and fuzzy lookups.

    ``redirect`` maps merged entity ids to the id they were merged into.
    """

    def __init__(self, gaz: Gazetteer, redirect: dict[str, str] | None = None):
        self.gaz = gaz
        self.redirect = dict(redirect or {})
        self.exact: dict[str, list[_Name]] = {}
        self.acronyms: dict[str, list[_Name]] = {}
        for e in gaz.entities.values():
            canon_amb = any(a.ambiguous and normalize_name(a.name) == normalize_name(e.name) for a in e.aliases)
            self._add(_Name(e.id, e.name, True, canon_amb))
            for a in e.aliases:
                self._add(_Name(e.id, a.name, False, a.ambiguous))
        self._fuzzy_keys = [k for k in self.exact if len(k.replace(" ", "")) >= MIN_FUZZY_LEN and not self._all_acronyms(k)]

    def _all_acronyms(self, key: str) -> bool:
        return all(is_acronym(n.name) for n in self.exact[key])

    def _add(self, n: _Name) -> None:
        key = normalize_name(n.name)
        if key:
            bucket = self.exact.setdefault(key, [])
            if not any(x.entity_id == n.entity_id and x.canonical >= n.canonical and x.ambiguous <= n.ambiguous for x in bucket):
                bucket.append(n)
        akey = acronym_key(n.name)
        if akey:
            self.acronyms.setdefault(akey, []).append(n)

    def _target(self, eid: str) -> str:
        seen = set()
        while eid in self.redirect and eid not in seen:
            seen.add(eid)
            eid = self.redirect[eid]
        return eid

    def _prominence(self, eid: str) -> int:
        return self.gaz.prominence(eid) if eid in self.gaz.entities else 0

    def candidates(self, name: str, *, limit: int = 5, kind: str | None = None, fuzzy: bool = True,
                   min_fuzzy: float | None = None) -> list[Candidate]:
        """Scored candidates for ``name``, best first, one per entity."""
        best: dict[str, tuple[float, bool, str, bool]] = {}

        def offer(n: _Name, score: float, exact: bool = True) -> None:
            eid = self._target(n.entity_id)
            ent = self.gaz.entities.get(eid)
            if ent is None or (kind and ent.kind != kind):
                return
            if n.ambiguous:
                score = min(score, SCORE_AMBIGUOUS)
            cur = best.get(eid)
            if cur is None or (score, not n.ambiguous) > (cur[0], not cur[1]):
                best[eid] = (score, n.ambiguous, n.name, exact)

        key = normalize_name(name)
        for n in self.exact.get(key, []):
            offer(n, SCORE_CANONICAL if n.canonical else SCORE_ALIAS)
        akey = acronym_key(name)
        if akey:
            for n in self.acronyms.get(akey, []):
                offer(n, SCORE_ACRONYM)
            for n in self.exact.get(akey, []):
                offer(n, SCORE_ACRONYM)
        if fuzzy and not is_acronym(name) and len(key.replace(" ", "")) >= MIN_FUZZY_LEN:
            floor = (FUZZY_THRESHOLD if min_fuzzy is None else min_fuzzy) / FUZZY_SCALE * 100
            for k, sc, _ in process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, limit=limit * 3,
                                             score_cutoff=min(floor, 100)):
                if k == key:
                    continue
                for n in self.exact[k]:
                    offer(n, sc / 100 * FUZZY_SCALE, exact=False)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[1][1], -self._prominence(kv[0]), kv[0]))
        return [Candidate(self.gaz.entities[eid], score, alias, exact) for eid, (score, _amb, alias, exact) in ranked[:limit]]

    def resolve(self, name: str, *, threshold: float = FUZZY_THRESHOLD, limit: int = 5, kind: str | None = None) -> Resolution:
        cands = self.candidates(name, limit=limit, kind=kind)
        chosen = None
        if cands and cands[0].score >= threshold:
            chosen = cands[0].entity
        elif cands and cands[0].score == SCORE_AMBIGUOUS and cands[0].exact:
            rivals = [c for c in cands[1:] if c.exact and c.score >= SCORE_AMBIGUOUS]
            chosen = None if rivals else cands[0].entity
        return Resolution(query=name, entity=chosen, candidates=cands)


_BUNDLED: Resolver | None = None


def resolver_for(source: Any = None) -> Resolver:
    """A Resolver over a Gazetteer, a KnowledgeBase (merges followed), or the bundled reference data (None)."""
    global _BUNDLED
    if source is None:
        if _BUNDLED is None:
            _BUNDLED = Resolver(bundled_gazetteer())
        return _BUNDLED
    if isinstance(source, Resolver):
        return source
    if isinstance(source, Gazetteer):
        cached = getattr(source, "_resolver", None)
        if cached is None or cached[0] != len(source.entities):
            cached = (len(source.entities), Resolver(source))
            try:
                source._resolver = cached  # type: ignore[attr-defined]
            except AttributeError:  # pragma: no cover - slots
                pass
        return cached[1]
    if hasattr(source, "entities") and hasattr(source, "engine"):
        return _kb_resolver(source)
    raise TypeError(f"cannot resolve names against {type(source).__name__}")


def _kb_resolver(kb: Any) -> Resolver:
    gaz = Gazetteer()
    redirect: dict[str, str] = {}
    for e in kb.entities(include_merged=True):
        target = e.attributes.get("_merged_into")
        if target:
            redirect[e.id] = target
        gaz.add(e)
    return Resolver(gaz, redirect)


def resolve_name(name: str, gazetteer_or_kb: Any = None, *, threshold: float = FUZZY_THRESHOLD, limit: int = 5,
                 kind: str | None = None) -> Resolution:
    """Resolve one name against a Gazetteer, a KnowledgeBase or (None) the bundled reference data."""
    return resolver_for(gazetteer_or_kb).resolve(name, threshold=threshold, limit=limit, kind=kind)
