"""The trigger lexicon (``data/triggers.yaml``): loading, validation, matching.

A pattern is a sequence of slots; each slot is a set of lower-case word forms,
a gap (``~``: 0-3 tokens that are not entity mentions) or an argument slot
(``{O}``/``{S}``: one entity mention or a list of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from andiwali.errors import ExtractError
from andiwali.model.ontology import ontology

FRAMES = frozenset(
    "svo svo_become svo_plural svo_np transfer coalition ovs mutual mutual_left pair title title_kin of_subj label svo_his svo_near svo_sym svo_in svo_far compound_loc compound_rev adj_loc "
    "svo_between ovs_list poss_obj".split()
)

_IRREGULAR = {
    "fight": ["fought"], "lead": ["led"], "break": ["broke", "broken"], "swear": ["swore", "sworn"],
    "give": ["gave", "given"], "take": ["took", "taken"], "hold": ["held"], "send": ["sent"],
    "strike": ["struck", "stricken"], "pay": ["paid", "pays", "paying"], "get": ["got", "gotten"],
    "buy": ["bought"], "sell": ["sold"], "rise": ["rose", "risen"], "come": ["came"], "hit": ["hit"],
    "cut": ["cut"], "split": ["split", "splitting"], "lend": ["lent"], "spread": ["spread"], "run": ["ran"],
    "hide": ["hid", "hidden"], "seek": ["sought"], "win": ["won"], "begin": ["began", "begun"],
    "overrun": ["overran"], "do": ["did", "done", "does"], "rely": ["relied", "relies"], "ally": ["allied", "allies"],
    "vie": ["vied", "vying", "vies"], "swore": [], "sworn": [],
}


def inflect(verb: str) -> set[str]:
    """The forms of a regular English verb, plus known irregular forms."""
    v = verb
    forms = {v}
    if v.endswith("e"):
        forms |= {v + "s", v + "d", v[:-1] + "ing"}
    elif v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        forms |= {v[:-1] + "ies", v[:-1] + "ied", v + "ing"}
    elif v.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {v + "es", v + "ed", v + "ing"}
    else:
        forms |= {v + "s", v + "ed", v + "ing"}
        if len(v) >= 3 and v[-1] not in "aeiouwxy" and v[-2] in "aeiou" and v[-3] not in "aeiou":
            forms |= {v + v[-1] + "ed", v + v[-1] + "ing"}
    forms |= set(_IRREGULAR.get(v, []))
    return forms


@dataclass(frozen=True, slots=True)
class Slot:
    kind: str  # word | gap | arg
    words: frozenset[str] = frozenset()
    role: str = ""


@dataclass(frozen=True)
class Trigger:
    id: str
    predicate: str
    frame: str
    slots: tuple[Slot, ...]
    neg: bool = False
    far: bool = False
    modality: str | None = None
    pattern: str = ""
    needed: tuple[frozenset[str], ...] = ()  # word slots after the first that every match must fill

    @property
    def rule(self) -> str:
        return f"{self.frame}:{self.predicate}"


@dataclass
class Lexicon:
    triggers: list[Trigger]
    subject_kinds: dict[str, frozenset[str]]
    object_kinds: dict[str, frozenset[str]]
    by_first: dict[str, list[Trigger]] = field(default_factory=dict)
    # first word -> (trigger, probe) in by_first's order; see _probe
    plans: dict[str, list[tuple[Trigger, tuple[int, int, frozenset[str]] | None]]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for t in self.triggers:
            for w in t.slots[0].words:
                self.by_first.setdefault(w, []).append(t)
        for lst in self.by_first.values():
            lst.sort(key=lambda t: -len(t.slots))
        probes = {t.id: _probe(t.slots) for t in self.triggers}
        self.plans = {w: [(t, probes[t.id]) for t in lst] for w, lst in self.by_first.items()}


def _probe(slots: tuple[Slot, ...]) -> tuple[int, int, frozenset[str]] | None:
    """A cheap test every match of the slots must pass: the first word slot after the first one, when only
    words and gaps come before it, lies ``lo`` to ``hi`` tokens after the first word: (lo, hi, its words)."""
    lo = hi = 1
    for slot in slots[1:]:
        if slot.kind == "word":
            return lo, hi, slot.words
        if slot.kind != "gap":
            return None  # an argument slot has no fixed length
        hi += 3  # a gap holds 0-3 tokens
    return None


def _parse_slot(tok: str, where: str) -> Slot:
    if tok == "~":
        return Slot("gap")
    if tok in ("{O}", "{S}"):
        return Slot("arg", role=tok[1])
    words: set[str] = set()
    for alt in tok.split("|"):
        if not alt:
            raise ExtractError(f"{where}: empty alternative in {tok!r}")
        if alt.endswith("+"):
            words |= inflect(alt[:-1])
        else:
            words.add(alt)
    return Slot("word", frozenset(words))


def parse_lexicon(data: dict, origin: str = "triggers.yaml") -> Lexicon:
    onto = ontology()
    if not isinstance(data, dict) or "predicates" not in data:
        raise ExtractError(f"{origin}: needs 'predicates'")
    groups = {k: frozenset(v) for k, v in (data.get("kinds") or {}).items()}
    triggers: list[Trigger] = []
    sk: dict[str, frozenset[str]] = {}
    ok: dict[str, frozenset[str]] = {}

    def kinds(value, where) -> frozenset[str]:
        if isinstance(value, str):
            if value not in groups:
                raise ExtractError(f"{where}: unknown kind group {value!r}")
            return groups[value]
        vals = frozenset(value)
        bad = vals - set(onto.entity_kinds)
        if bad:
            raise ExtractError(f"{where}: unknown kinds {sorted(bad)}")
        return vals

    for pred, spec in data["predicates"].items():
        where = f"{origin}: predicates.{pred}"
        p = onto.predicate(pred)
        sk[pred] = kinds(spec.get("subject", "any"), where + ".subject") & p.subject_kinds
        ok[pred] = kinds(spec.get("object", "any"), where + ".object") & p.object_kinds
        for i, t in enumerate(spec.get("triggers") or []):
            tw = f"{where}.triggers[{i}]"
            if not isinstance(t, dict) or "p" not in t or "frame" not in t:
                raise ExtractError(f"{tw}: needs p and frame")
            if t["frame"] not in FRAMES:
                raise ExtractError(f"{tw}: unknown frame {t['frame']!r}")
            extra = set(t) - {"p", "frame", "neg", "far", "modality"}
            if extra:
                raise ExtractError(f"{tw}: unknown keys {sorted(extra)}")
            slots = tuple(_parse_slot(tok, tw) for tok in str(t["p"]).split())
            if slots[0].kind != "word" or slots[-1].kind == "gap":
                raise ExtractError(f"{tw}: a pattern starts with a word and does not end with a gap")
            if t.get("modality") and t["modality"] not in onto.modalities:
                raise ExtractError(f"{tw}: unknown modality {t['modality']!r}")
            triggers.append(
                Trigger(
                    id=f"{pred}.{i}", predicate=pred, frame=t["frame"], slots=slots, neg=bool(t.get("neg")),
                    far=bool(t.get("far")), modality=t.get("modality"), pattern=str(t["p"]),
                    needed=tuple(sl.words for sl in slots[1:] if sl.kind == "word"),
                )
            )
    return Lexicon(triggers, sk, ok)


def load_lexicon_file(path: str | Path) -> Lexicon:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ExtractError(f"{path}: not valid YAML: {exc}") from None
    return parse_lexicon(data, str(path.name))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    ref = resources.files("andiwali.extract") / "data" / "triggers.yaml"
    with resources.as_file(ref) as p:
        return load_lexicon_file(p)


@dataclass(slots=True)
class TriggerMatch:
    trigger: Trigger
    start: int  # token index (sentence-relative)
    end: int  # exclusive
    args: dict[str, tuple[int, int]]  # role -> token range of an inner argument slot
    head: int  # token index of the first word


def match_triggers(lowers: list[str], mention_at: list[int], lex: Lexicon) -> list[TriggerMatch]:
    """All trigger matches over a sentence's lower-cased tokens.

    ``mention_at[i]`` is the index of the mention covering token i, or -1.
    """
    out: list[TriggerMatch] = []
    n = len(lowers)
    present = None
    plans = lex.plans
    for i in [i for i, w in enumerate(lowers) if w in plans]:
        w = lowers[i]
        if mention_at[i] >= 0 and w not in _SOFT:
            continue
        if present is None:
            present = set(lowers)
        for t, probe in plans[w]:
            if len(t.slots) == 1:
                out.append(TriggerMatch(t, i, i + 1, {}, i))  # the first word is the whole pattern
                continue
            if probe is not None and probe[2].isdisjoint(lowers[i + probe[0] : i + probe[1] + 1]):
                continue  # the next word of the pattern is not where it would have to be
            if t.needed and any(present.isdisjoint(ws) for ws in t.needed):
                continue  # a word the pattern requires is nowhere in the sentence
            m = _match_at(t.slots, lowers, mention_at, i, n)
            if m is not None:
                end, args = m
                out.append(TriggerMatch(t, i, end, args, i))
    return out


def _match_at(slots, lowers, mention_at, i, n):
    """Greedy-with-backtracking match of slots starting at token i; returns (end, args) or None."""

    def rec(si: int, ti: int, args: dict):
        if si == len(slots):
            return ti, args
        slot = slots[si]
        if slot.kind == "word":
            if ti < n and lowers[ti] in slot.words and (mention_at[ti] < 0 or lowers[ti] in _SOFT):
                return rec(si + 1, ti + 1, args)
            return None
        if slot.kind == "gap":
            for g in range(0, 4):
                if g and (ti + g - 1 >= n or (mention_at[ti + g - 1] >= 0 and lowers[ti + g - 1] not in _SOFT)
                          or lowers[ti + g - 1] in _GAP_STOP):
                    break
                r = rec(si + 1, ti + g, args)
                if r is not None:
                    return r
            return None
        # argument slot: one mention or a list of them
        if ti >= n or mention_at[ti] < 0:
            # allow a determiner before the mention
            if ti + 1 < n and lowers[ti] in ("the", "its", "their") and mention_at[ti + 1] >= 0:
                ti += 1
            else:
                return None
        j = ti
        while j < n and (mention_at[j] >= 0 or lowers[j] in (",", "and", "the", "or")):
            j += 1
        while j > ti and mention_at[j - 1] < 0:
            j -= 1
        for end in range(j, ti, -1):
            if mention_at[end - 1] < 0:
                continue
            r = rec(si + 1, end, {**args, slot.role: (ti, end)})
            if r is not None:
                return r
        return None

    return rec(0, i, {})


_SOFT = frozenset(["its", "their", "his", "her"])  # possessive pronouns may sit in a gap
_GAP_STOP = frozenset([".", ";", ":", "!", "?", "(", ")", "that", "which", "who", "but", "while", "whereas", "because"])
