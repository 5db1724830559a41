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
skeleton                    0.86     same vowel-free ``skeleton_key`` as the names of
                                     exactly one entity, spellings still close
                                     (ratio >= 70); only when nothing matched exactly
fuzzy (rapidfuzz)           <= 0.90  ``ratio/100 * 0.9``; only names of 5+ letters,
                                     never acronyms; kept when >= FUZZY_THRESHOLD and
                                     every query word of 4+ letters matches a word of
                                     the name (``_words_match``)
==========================  =======  ============================================

"A.Q.A.P.", "a.q.a.p." and "A Q A P" count as acronyms written otherwise.

An entity is chosen when the best candidate's score reaches ``threshold``
(default :data:`FUZZY_THRESHOLD`, measured by ``bench/fuzzy_threshold.py``; see
docs/reference-data.md), or when the name is an alias marked ambiguous that
exactly one entity has (the caller sees the 0.70 score and may ask for
context). An ambiguous name several entities share resolves to None, and so does
a spelling no entity has (fuzzy, skeleton or acronym written otherwise) that two
entities match equally well. Among candidates with the same score a name that is
not marked ambiguous wins, then the more prominent entity (designations,
references, names known). Entities merged into another (the judgement ledger,
:mod:`andiwali.store.ledger`) resolve to the entity they were merged into.

Former names (``current=True``). The reference data keeps a renamed or absorbed
group as its own entity (the extractor needs "GSPC succeeded_by AQIM" with two
ends), so by default "GSPC" resolves to the historical entity. With
``current=True`` (used by ``andiwali entities resolve``) the chosen entity is
followed to its current identity through accepted, asserted claims:
``succeeded_by`` always (a rename or reorganization), ``merged_into`` only when
the merged entity has ended (an end date: it was absorbed; a group that lives on
as a component of a coalition, such as al-Mourabitoun in JNIM, is not
followed). An entity with two different successors is not followed. The path is
``Resolution.via`` (``[{"id", "name", "predicate"}]``, the entities left behind,
oldest first); the candidates still list the historical entity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from andiwali.model.core import Entity
from andiwali.model.names import (
    VARIANTS,
    acronym_key,
    dotted_acronym_key,
    fold,
    is_acronym,
    normalize_name,
    skeleton_key,
)
from andiwali.model.reference import Gazetteer, bundled_gazetteer

# measured by bench/fuzzy_threshold.py over name variants and distractors (docs/reference-data.md)
FUZZY_THRESHOLD = 0.78
FUZZY_SCALE = 0.9
SCORE_CANONICAL = 1.0
SCORE_ALIAS = 0.98
SCORE_ACRONYM = 0.95
SCORE_AMBIGUOUS = 0.70
SCORE_SKELETON = 0.86
MIN_FUZZY_LEN = 5
MIN_SKELETON_LEN = 5  # letters of the skeleton key: shorter ones say too little
SKELETON_MIN_RATIO = 70  # and the spellings must still be close ("Battasuna" is not "Botswana": 59)
# a fuzzy match must match every word of 4+ letters of the query to a word of the name (rapidfuzz ratio),
# so "Irish National Liberation Army" is not the Colombian NLA, nor "Islamic State Hijaz Province" Hind
WORD_MATCH = 75
JOINED_WORD_MATCH = 85

SUCCESSION = ("succeeded_by", "merged_into")
MAX_SUCCESSION_HOPS = 6

__all__ = ["Candidate", "Resolution", "Resolver", "resolve_name", "resolver_for", "FUZZY_THRESHOLD", "SUCCESSION"]


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
    # with current=True: the former identities followed to reach ``entity`` (oldest first), each
    # {"id", "name", "predicate"} where predicate is the claim that leads on from it
    via: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``entities resolve --json``; "via" only when a former name was followed."""
        ent = None
        if self.entity is not None:
            ent = {"id": self.entity.id, "name": self.entity.name, "kind": self.entity.kind,
                   "aliases": [a.name for a in self.entity.aliases]}
        out = {"query": self.query, "entity": ent, "candidates": [c.to_dict() for c in self.candidates]}
        if self.via:
            out["via"] = [dict(v) for v in self.via]
        return out


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

    def __init__(self, gaz: Gazetteer, redirect: dict[str, str] | None = None,
                 succession: list[tuple[str, str, str]] | None = None):
        self.gaz = gaz
        self.redirect = dict(redirect or {})
        # (subject, predicate, object) of accepted succeeded_by / merged_into claims; None: from gaz.claims
        self._succession_claims = succession
        self._successor: dict[str, tuple[str, str]] | None = None
        self.exact: dict[str, list[_Name]] = {}
        self.acronyms: dict[str, list[_Name]] = {}
        for e in gaz.entities.values():
            canon_amb = any(a.ambiguous and normalize_name(a.name) == normalize_name(e.name) for a in e.aliases)
            self._add(_Name(e.id, e.name, True, canon_amb))
            for a in e.aliases:
                self._add(_Name(e.id, a.name, False, a.ambiguous))
        self._fuzzy_keys = [k for k in self.exact if len(k.replace(" ", "")) >= MIN_FUZZY_LEN and not self._all_acronyms(k)]
        self._words: dict[str, frozenset[str]] = {}  # fuzzy key -> its words, as normalized and as written (folded)
        self.skeletons: dict[str, list[_Name]] = {}
        for k in self._fuzzy_keys:
            sk = skeleton_key(k)
            if len(sk.replace(" ", "")) >= MIN_SKELETON_LEN:
                self.skeletons.setdefault(sk, []).extend(n for n in self.exact[k] if not n.ambiguous and not is_acronym(n.name))

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

    def _name_words(self, key: str) -> frozenset[str]:
        words = self._words.get(key)
        if words is None:
            words = frozenset(key.split()).union(*(fold(n.name).split() for n in self.exact.get(key, [])))
            self._words[key] = words
        return words

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
        akey = acronym_key(name) or dotted_acronym_key(name)  # "A.Q.A.P.", "a.q.a.p." too
        if akey:
            for n in self.acronyms.get(akey, []):
                offer(n, SCORE_ACRONYM)
            for n in self.exact.get(akey, []):
                offer(n, SCORE_ACRONYM)
        if fuzzy and not akey and len(key.replace(" ", "")) >= MIN_FUZZY_LEN:
            if not best:
                # a transliteration variant VARIANTS lacks: the same vowel-free skeleton as one entity's name
                sk = skeleton_key(key)
                names = self.skeletons.get(sk, []) if len(sk.replace(" ", "")) >= MIN_SKELETON_LEN else []
                names = [n for n in names if fuzz.ratio(key, normalize_name(n.name)) >= SKELETON_MIN_RATIO]
                if len({self._target(n.entity_id) for n in names}) == 1:
                    for n in names:
                        offer(n, SCORE_SKELETON, exact=False)
            floor = (FUZZY_THRESHOLD if min_fuzzy is None else min_fuzzy) / FUZZY_SCALE * 100
            qwords = [{w, VARIANTS.get(w, w)} for w in fold(name).split()]
            for k, sc, _ in process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, limit=limit * 3,
                                             score_cutoff=min(floor, 100)):
                if k == key or not _words_match(qwords, self._name_words(k), k):
                    continue
                for n in self.exact[k]:
                    offer(n, sc / 100 * FUZZY_SCALE, exact=False)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[1][1], -self._prominence(kv[0]), kv[0]))
        return [Candidate(self.gaz.entities[eid], score, alias, exact) for eid, (score, _amb, alias, exact) in ranked[:limit]]

    def _successors(self) -> dict[str, tuple[str, str]]:
        """entity id -> (next id, predicate) for former names (see the module docstring)."""
        if self._successor is not None:
            return self._successor
        triples = self._succession_claims
        if triples is None:
            triples = [(c.subject, c.predicate, c.object) for c in self.gaz.claims
                       if c.predicate in SUCCESSION and c.polarity == "asserted"
                       and c.status in ("accepted", "edited") and c.modality != "hypothetical"]
        nexts: dict[str, set[tuple[str, str]]] = {}
        for subj, pred, obj in triples:
            subj, obj = self._target(subj), self._target(obj)
            ent = self.gaz.entities.get(subj)
            if ent is None or obj not in self.gaz.entities or subj == obj:
                continue
            if pred == "merged_into" and not ent.end:
                continue  # lives on as a component (al-Mourabitoun in JNIM): not a former name
            nexts.setdefault(subj, set()).add((obj, pred))
        out: dict[str, tuple[str, str]] = {}
        for subj, targets in nexts.items():
            objs = {o for o, _ in targets}
            if len(objs) == 1:  # two different successors (a split): not followed
                obj = next(iter(objs))
                preds = sorted(p for o, p in targets)
                out[subj] = (obj, preds[-1])  # succeeded_by before merged_into when both are stated
        self._successor = out
        return out

    def current(self, entity: Entity) -> tuple[Entity, list[dict[str, str]]]:
        """The current identity of ``entity`` (following former names) and the path taken."""
        succ = self._successors()
        via: list[dict[str, str]] = []
        seen = {entity.id}
        while entity.id in succ and len(via) < MAX_SUCCESSION_HOPS:
            nxt, pred = succ[entity.id]
            if nxt in seen or nxt not in self.gaz.entities:
                break
            via.append({"id": entity.id, "name": entity.name, "predicate": pred})
            seen.add(nxt)
            entity = self.gaz.entities[nxt]
        return entity, via

    def resolve(self, name: str, *, threshold: float = FUZZY_THRESHOLD, limit: int = 5, kind: str | None = None,
                current: bool = False) -> Resolution:
        """The entity ``name`` denotes (or None) and the candidates; ``current``: follow former names."""
        cands = self.candidates(name, limit=limit, kind=kind)
        chosen = None
        tied = len(cands) > 1 and cands[1].score == cands[0].score and cands[0].score < SCORE_ALIAS
        if tied and not cands[0].exact or tied and cands[0].score == SCORE_ACRONYM:
            pass  # two entities equally near a spelling neither has ("I.S.S.P.": IS-SP and ISSP): no guess
        elif cands and cands[0].score >= threshold:
            chosen = cands[0].entity
        elif cands and cands[0].score == SCORE_AMBIGUOUS and cands[0].exact:
            rivals = [c for c in cands[1:] if c.exact and c.score >= SCORE_AMBIGUOUS]
            chosen = None if rivals else cands[0].entity
        via: list[dict[str, str]] = []
        if current and chosen is not None:
            chosen, via = self.current(chosen)
        return Resolution(query=name, entity=chosen, candidates=cands, via=via)


def _words_match(query_words: list[set[str]], name_words: frozenset[str], name_key: str) -> bool:
    """Every query word of 4+ letters (in one of its forms: as written or normalized) is near a word of the
    name (as written or normalized), or, 6+ letters, near a stretch of the name's letters run together."""
    joined = name_key.replace(" ", "")
    for forms in query_words:
        if all(len(w) < 4 for w in forms) or forms & name_words:
            continue
        if any(fuzz.ratio(w, x) >= WORD_MATCH for w in forms for x in name_words):
            continue
        if any(len(w) >= 6 and fuzz.partial_ratio(w, joined) >= JOINED_WORD_MATCH for w in forms):
            continue
        return False
    return True


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
    succession: list[tuple[str, str, str]] = []
    for pred in SUCCESSION:
        for status in ("accepted", "edited"):
            succession += [(c.subject, c.predicate, c.object) for c in kb.claims(predicate=pred, status=status)
                           if c.polarity == "asserted" and c.modality != "hypothetical"]
    return Resolver(gaz, redirect, succession)


def resolve_name(name: str, gazetteer_or_kb: Any = None, *, threshold: float = FUZZY_THRESHOLD, limit: int = 5,
                 kind: str | None = None, current: bool = False) -> Resolution:
    """Resolve one name against a Gazetteer, a KnowledgeBase or (None) the bundled reference data.

    ``current=True`` follows a former name (``succeeded_by``, ``merged_into`` of an ended group) to the
    current identity and reports the path in ``Resolution.via``; the default keeps the historical entity
    (what the extractor needs).
    """
    return resolver_for(gazetteer_or_kb).resolve(name, threshold=threshold, limit=limit, kind=kind, current=current)
