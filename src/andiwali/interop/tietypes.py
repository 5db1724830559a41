"""Free-text tie types (spreadsheets, STIX relationship types) -> ontology predicates.

The table is data: each entry maps phrases to a predicate, optionally reversed
(``"funded by"``: the object funds the subject) or negated (``"no longer operates
in"``). Phrases are matched after folding case, hyphens, underscores and spaces,
so ``at-war-with``, ``At war with`` and ``at_war_with`` are one phrase. A phrase
may stand for several predicates (``part of``: a branch for an organization, a
membership for a person); the importer takes the first whose entity kinds fit.
Every predicate's own name (``finances``, ``allied with``, ``allied-with``) maps
to itself. docs/interop.md prints this table; a test keeps the two in step.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from andiwali.model.ontology import ontology


class TieMapping(NamedTuple):
    predicate: str
    reverse: bool = False
    polarity: str | None = None  # "negated" for phrases that deny the tie


# (predicate, reverse, polarity, phrases)
TIE_TYPES: list[tuple[str, bool, str | None, tuple[str, ...]]] = [
    ("branch_of", False, None, ("branch", "affiliate of", "affiliated with", "franchise of", "province of",
                                "wilayah of", "part of", "subgroup of", "wing of", "faction of", "subsidiary of")),
    ("branch_of", True, None, ("has branch", "parent of", "has affiliate")),
    ("pledged_allegiance_to", False, None, ("pledged allegiance", "allegiance to", "bayah to", "bay'ah to",
                                            "oath of loyalty to", "loyal to", "sworn to")),
    ("splinter_of", False, None, ("split from", "splinter", "broke away from", "breakaway from",
                                  "defected from", "offshoot of")),
    ("merged_into", False, None, ("merged with", "merged", "absorbed by", "joined into")),
    ("succeeded_by", False, None, ("renamed", "renamed as", "rebranded as", "became", "reorganized into",
                                   "successor", "predecessor of")),
    ("succeeded_by", True, None, ("successor of", "formerly", "previously known as")),
    ("member_of", False, None, ("member", "member of", "fighter of", "operative of", "commander of", "commander in",
                                "official of", "belongs to", "part of", "joined", "employed by", "works for",
                                "affiliated with")),
    ("member_of", True, None, ("has member", "has members", "employs")),
    ("leads", False, None, ("leader", "leader of", "led", "heads", "head of", "emir of", "chief of", "commands",
                            "founder of", "founded", "president of", "runs")),
    ("leads", True, None, ("led by", "headed by", "founded by", "commanded by", "under leadership of")),
    ("allied_with", False, None, ("alliance", "allies", "ally", "ally of", "allied", "allied to", "alliance with",
                                  "cooperates with", "cooperation", "cooperates", "coalition with", "partner of",
                                  "fights alongside", "close relationship with")),
    ("supports", False, None, ("support", "supports", "supported", "backs", "backing", "assists", "helps",
                               "provides support to", "logistical support", "military support", "arms",
                               "supplies weapons to", "provides weapons to", "material support")),
    ("supports", True, None, ("supported by", "backed by", "armed by")),
    ("trains", False, None, ("trains", "trained", "training", "provides training to", "trainer of")),
    ("trains", True, None, ("trained by",)),
    ("shelters", False, None, ("shelters", "sheltered", "hosts", "hosted", "safe haven to", "safe haven for",
                               "sanctuary to", "sanctuary for", "protects", "harbors", "harbours")),
    ("shelters", True, None, ("sheltered by", "hosted by", "protected by", "harbored by", "harboured by",
                              "safe haven in")),
    ("finances", False, None, ("funds", "funded", "funding", "finances", "financed", "financing",
                               "financial support", "pays", "paid", "bankrolls", "donates to", "money to",
                               "sends money to", "shares profits with", "shares revenue with")),
    ("finances", True, None, ("funded by", "financed by", "paid by", "bankrolled by", "receives funds from",
                              "receives money from")),
    ("trades_with", False, None, ("trades with", "trade", "business partner", "business partnership",
                                  "smuggles with", "joint smuggling", "business with")),
    ("kinship_with", False, None, ("kin", "kinship", "family", "related by marriage", "married to", "married",
                                   "brother of", "sister of", "son of", "father of", "in law of", "cousin of",
                                   "relative of", "family ties")),
    ("rival_of", False, None, ("rival", "rivals", "rivalry", "competes with", "competitor", "rival of",
                               "competition with")),
    ("fights", False, None, ("fights", "fight", "fought", "at war with", "war with", "war against", "clashes with",
                             "clashed with", "combats", "insurgency against", "enemy of", "hostile to",
                             "conflict with", "crackdown on", "fights against")),
    ("attacks", False, None, ("attacks", "attacked", "attack", "targets", "targeted", "bombed", "raided",
                              "strikes", "struck", "assault on", "terror attack on")),
    ("attacks", True, None, ("attacked by", "targeted by", "bombed by", "raided by")),
    ("endorses", False, None, ("endorses", "endorsed", "praises", "praised", "congratulates", "congratulated",
                               "statement of support", "welcomes", "welcomed")),
    ("denounces", False, None, ("denounces", "denounced", "condemns", "condemned", "criticizes", "criticises",
                                "accuses", "brands", "declares apostate")),
    ("negotiates_with", False, None, ("negotiates with", "negotiations", "negotiates", "talks with", "talks",
                                      "agreement with", "deal with", "peace talks", "ceasefire with",
                                      "truce with", "mediation")),
    ("uses_platform", False, None, ("uses", "uses platform", "publishes on", "publishes via", "present on",
                                    "channel on", "account on", "posts on", "broadcasts on")),
    ("operates_in", False, None, ("operates in", "active in", "present in", "operations in", "fights in",
                                  "area of operation", "operates", "presence in")),
    ("operates_in", False, "negated", ("no longer operates in", "no longer active in", "withdrew from",
                                       "expelled from")),
    ("based_in", False, None, ("based in", "headquartered in", "headquarters in", "hq in", "located in",
                               "located at", "base in", "bases in", "resides in", "originates from",
                               "lives in")),
    ("controls", False, None, ("controls", "control", "governs", "rules", "holds territory in", "seized",
                               "occupies", "administers", "in control of")),
]

_SEP = re.compile(r"[\s_\-]+")


def fold(phrase: str) -> str:
    """Fold a tie phrase: lower case, hyphens/underscores/space runs as one space, no outer punctuation."""
    return _SEP.sub(" ", phrase.casefold()).strip(" .,;:!?\"'()[]")


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[TieMapping, ...]]:
    onto = ontology()
    idx: dict[str, list[TieMapping]] = {}
    for name in onto.predicates:
        idx.setdefault(fold(name), []).append(TieMapping(name))
    for pred, reverse, polarity, phrases in TIE_TYPES:
        onto.predicate(pred)  # a typo in the table fails loudly
        for ph in phrases:
            m = TieMapping(pred, reverse, polarity)
            lst = idx.setdefault(fold(ph), [])
            if m not in lst:
                lst.append(m)
    return {k: tuple(v) for k, v in idx.items()}


def map_tie(text: str | None) -> tuple[TieMapping, ...]:
    """The predicate mappings for a tie type (empty when unmapped), best first."""
    if not text or not isinstance(text, str) or len(text) > 200:
        return ()
    return _index().get(fold(text), ())


def table() -> list[tuple[str, bool, str | None, tuple[str, ...]]]:
    return list(TIE_TYPES)
