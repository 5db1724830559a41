"""Relation rules: trigger + frame -> arguments; then polarity, attribution,
modality, time and qualifiers for each claim.

A claim needs a trigger whose frame links both arguments (subject position,
object position, a role noun's of-phrase, a "between X and Y" phrase...). Two
entities and a keyword in one sentence never make a claim.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.tokens import Doc

from andiwali.extract import qualifiers as Q
from andiwali.extract import timex
from andiwali.extract.components import _ctx
from andiwali.extract.lexicon import Lexicon, TriggerMatch, lexicon, match_triggers
from andiwali.extract.mentions import Mention
from andiwali.extract.registry import component
from andiwali.model.ontology import ontology

ACTORS = frozenset({"organization", "person", "state"})
PREPS = frozenset(
    "of in on at from by for with to into over under through during after before since until against between across "
    "near within without via among than like as upon onto toward towards behind beside about around unlike besides "
    "despite".split()
)
AGENT_NOUNS = frozenset(
    "leadership leaders members fighters militants forces troops branches wings affiliates cells elements units "
    "commanders operatives supporters remnants recruits rebels insurgents guerrillas gunmen jihadists cadres "
    "wing arm branch faction ranks".split()
)
BLOCKERS = frozenset(
    "groups organizations organisations militants fighters experts analysts researchers officials governments "
    "study research report respondents jihadists terrorists insurgents rebels factions movements states countries "
    "authorities agencies it they he she we i you this those others members commanders cadres defectors operatives recruits".split()
)
CLAUSE_BOUNDARY = frozenset(";  but while whereas although though however which who whom whose because instead yet – — :".split())
RIGHT_STOP = frozenset("; which who whom whose while whereas but although though because that – — : .".split())
LOC_PREPS = frozenset("in across throughout within inside around into to near from".split())
NEG_WORDS = frozenset(
    "not n't never no nor neither without cannot unwilling refused refuses refuse refusing denied denies deny denying "
    "failed fails fail ceased ceases cease stopped stops halted".split()
)
NEG_VERBS = frozenset(
    "rejected rejects reject rejecting avoided avoids avoid avoiding declined declines decline declining renounced "
    "ruled disavowed".split()
)
PLAN_WORDS = frozenset(
    "plan plans planned planning plot plots plotted plotting urge urges urged urging threaten "
    "threatens threatened threatening aim aims aimed aiming seek seeks sought seeking try tries tried trying attempt "
    "attempts attempted attempting intend intends intended want wants wanted vow vows vowed hope hopes hoped encourage "
    "encourages encouraged encouraging inspire inspires inspired aspire aspires foiled goal goals ambition ambitions "
    "prepare prepares preparing advocates advocate advocated wish wishes desire desires".split()
)
MODAL_CUES = {
    "hypothetical": frozenset("if would unless whether".split()),
    "alleged": frozenset("allegedly alleged suspected accused purportedly".split()),
    "reported": frozenset("reportedly according".split()),
    "estimated": frozenset(
        "likely probably possibly may might could perhaps apparently presumably believed thought seems seem seemed "
        "appears appear appeared estimated assessed potentially unclear".split()
    ),
}
SPEECH = frozenset(
    """say said says saying state stated states claim claimed claims claiming repeat repeated repeats insist insisted
    insists tell told tells argue argued argues explain explained explains emphasize emphasized emphasised emphasizes
    note noted notes recall recalled recalls announce announced announces warn warned warns add added adds acknowledge
    acknowledged acknowledges assert asserted asserts affirm affirmed confirm confirmed confirms deny denied denies
    admit admitted admits write wrote writes declare declared declares maintain maintained maintains suggest suggested
    suggests allege alleged alleges report reported reports reveal revealed reveals show showed shows contend contended
    stress stressed observe observed remark remarked concede conceded""".split()
)
NON_SPEAKERS = frozenset("research study report analysis data evidence it".split())
INCEPTIVE = frozenset(
    """found founded founding form formed forming establish established establishing create created seize seized seizing
    take took taken taking capture captured pledge pledged pledging merge merged merging split splitting break broke
    join joined joining rename renamed rebrand rebranded begin began begun start started launch launched declare
    declared sign signed reach reached defect defected emerge emerged reappeared reappear came rose swore sworn""".split()
)
RESOURCE_WORDS = {
    "supports": frozenset("weapons arms equipment ammunition munitions explosives materiel support assistance aid "
                          "supplies logistics fighters reinforcements rockets missiles drones vehicles backing help troops "
                          "advisers advisors mercenaries".split()),
    "trains": frozenset("training instruction instructors trainers".split()),
    "finances": frozenset("money funds funding financing cash donations payments salaries financial".split()),
}
NOT_STATE_NOUNS = frozenset(
    "ceasefire cease-fire agreement agreements deal accord accords treaty truce civil war wars "
    "conflict conflicts revolution uprising invasion occupation language culture diaspora refugees "
    "jihadists militants groups group insurgents rebels opposition origin descent".split()
)
COMPOUND_HEADS = frozenset(
    "affiliate affiliates branch branches members member fighters leader leaders allies ally militants commanders "
    "operatives cells units wing wings forces officials supporters".split()
)
NP_START = frozenset(
    "a an the its one of originally formerly initially previously once now currently reportedly later then "
    "also still former main major key".split()
)


ROLE_NOUNS = frozenset("leader emir amir chief founder commander head spokesman deputy ideologue".split())
EVENT_PREDICATES = frozenset({"attacks", "endorses", "denounces"})
MUTUAL_INTRANSITIVE = frozenset({"fights", "allied_with", "rival_of", "negotiates_with", "trades_with"})
ERUPT = frozenset("broke erupted flared began started continued escalated intensified resumed out up again have has had".split())
LABEL_VERBS = frozenset(
    """believe believes believed consider considers considered call calls called brand brands branded label labels
    labeled labelled describe describes described view views viewed regard regards regarded declare declares declared
    deem deems deemed accuse accuses accused see sees saw marking marks marked portray portrays portrayed say says said
    denounce denounced condemn condemned""".split()
)
LEADERSHIP_LINE = re.compile(r"^\s*leadership(?:\s+and\s+organi[sz]ation)?\s*[–—:-]", re.I)
GOALS_LINE = re.compile(r"^\s*(?:goals?|aims?|objectives?)\s*[–—:-]", re.I)
PLACE_NOUNS = frozenset(
    "city town province region district capital port village state area areas parts part portion portions territory "
    "territories swaths swathes much most large".split()
)
NP_INNER = frozenset(
    "the a an coalition group branch affiliate affiliates leader leaders militant militants terrorist jihadist faction "
    "wing commander cleric organization network alliance movement front umbrella senior top former new".split()
)
COPULA = frozenset("is was are were be been being as became become becomes remains remained remain serves served".split())
LIST_TOKENS = frozenset(", and or & the as well nor also ( ) both either neither".split())
COMPOUND_PARTICIPLES = frozenset("backed based led sponsored supported funded allied aligned trained controlled supplied "
                                 "armed linked affiliated".split())
LINK_VERBS = frozenset("considered seen regarded described known named called designated listed labelled labeled viewed "
                        "remains remained became become becomes served serves functions functioned operates operated acts "
                        "acted emerged formed founded established created launched set took taken began started presents "
                        "presented present portrays portrayed styles styled declares declared calls called".split())
GOVERNMENT_WORDS = frozenset("government regime administration authorities army military forces troops junta "
                             "navy police".split())
GROUP_WORDS = frozenset("group brigade battalion faction militia movement organization organisation network army front "
                        "outfit unit wing party".split())
GROUP_PLURALS = frozenset("groups organizations organisations factions movements elements actors states countries militias "
                          "brigades battalions parties fronts".split())
FACTION_NOUNS = frozenset("faction factions group groups wing militia militias fighters militants members unit units cell "
                          "cells elements splinter commanders".split())
REGION_WORDS = frozenset("east west north south northern southern eastern western central greater".split())
PRONOUNS = frozenset("it its they their them he his him she her itself themselves".split())


@dataclass
class Candidate:
    subject: Mention
    subject_id: str
    predicate: str
    object: Mention
    object_id: str
    rule: str
    trigger: str
    start: int  # evidence (sentence) span
    end: int
    polarity: str = "asserted"
    modality: str = "fact"
    attributed_to: str | None = None
    attribution_mention: Mention | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    qualifiers: dict = field(default_factory=dict)
    confidence: float = 0.5
    features: tuple[str, ...] = ()


def _doc_arrays(doc: Doc, ctx) -> dict:
    """Token offsets, texts and lower-case forms of the whole document, computed once."""
    arr = getattr(ctx, "_arrays", None)
    if arr is None or arr["n"] != len(doc):
        arr = {"n": len(doc), "idx": [], "text": [], "lower": []}
        for t in doc:
            arr["idx"].append(t.idx)
            arr["text"].append(t.text)
            arr["lower"].append(t.lower_)
        ctx._arrays = arr
    return arr


class Sentence:
    """Token-level view of one sentence with its mentions."""

    def __init__(self, doc: Doc, ts: int, te: int, mentions: list[Mention], ctx):
        self.doc = doc
        self.ts = ts
        self.te = te
        self.ctx = ctx
        arr = _doc_arrays(doc, ctx)
        ends_all = arr.get("end")
        if ends_all is None:
            ends_all = arr["end"] = [i + len(w) for i, w in zip(arr["idx"], arr["text"], strict=True)]
        self.lowers = arr["lower"][ts:te]
        self.idxs = arr["idx"][ts:te]
        self.words = arr["text"][ts:te]
        self._toks = None
        self.n = te - ts
        self.start = self.idxs[0]
        self.end = self.idxs[-1] + len(self.words[-1])
        self.text = ctx.document.text[self.start : self.end]
        self.mentions: list[Mention] = []
        self.mrange: list[tuple[int, int]] = []
        self.mention_at = [-1] * self.n
        idxs = self.idxs
        ends = ends_all[ts:te]

        for m in mentions:
            if m.end <= self.start or m.start >= self.end:
                continue
            a = bisect.bisect_right(ends, m.start)  # first token ending after the mention starts
            b = bisect.bisect_left(idxs, m.end)  # tokens starting before the mention ends
            if b <= a or max(self.mention_at[a:b]) >= 0:
                continue
            k = len(self.mentions)
            self.mentions.append(m)
            self.mrange.append((a, b))
            for i in range(a, b):
                self.mention_at[i] = k
        self.blocked: set[int] = set()  # mentions that are speakers ("according to X") or aliases ("(aka X)")
        for k, (a, _b) in enumerate(self.mrange if "(" in self.lowers else ()):
            j = a - 1
            while j >= 0 and a - j <= 12 and self.lowers[j] not in ("(", ")"):
                j -= 1
            if j >= 0 and self.lowers[j] == "(" and j + 1 < self.n and self.lowers[j + 1] in ("aka", "a.k.a.", "var", "var.", "also", "formerly", "alias"):
                self.blocked.add(k)
        self._group_cache: dict[int, list[int]] = {}
        # demonyms used as adjectives ("the Yemeni branch of", "Syrian government forces"): a trigger's gap may
        # pass over them and a role noun's referent search looks past them
        self.demonyms: set[int] = set()
        for k, (a, b) in enumerate(self.mrange):
            m = self.mentions[k]
            if b - a <= 2 and m.kind in ("state", "place") and _DEMONYM.search(self.lowers[b - 1]) and b < self.n \
                    and m.how != "discovered" and not _names_entity(ctx, m, " ".join(self.lowers[a:b])) \
                    and self.mention_at[b] < 0 and (self.words[b][:1].islower() and self.words[b].isalpha() or self.words[b] == "-"):
                self.demonyms.add(k)
        self.gap_mention_at = [(-1 if k in self.demonyms else k) for k in self.mention_at] if self.demonyms else self.mention_at

    @property
    def toks(self):
        """spaCy tokens of the sentence (made on demand: the parse path needs them)."""
        if self._toks is None:
            self._toks = [self.doc[i] for i in range(self.ts, self.te)]
        return self._toks

    # ---- structure ---------------------------------------------------------
    def group(self, k: int) -> list[int]:
        """The coordinated list the mention belongs to ("X, Y and Z"), same kind family."""
        if k in self._group_cache:
            return self._group_cache[k]

        def fam(kind: str) -> str:
            return "loc" if kind in ("state", "place") else kind

        members = [k]
        for direction in (-1, 1):
            cur = k
            while True:
                nxt = cur + direction
                if nxt < 0 or nxt >= len(self.mentions):
                    break
                # skip parenthesized asides of another kind: "AQAP (Yemen), AQIM (North Africa), ..."
                while 0 <= nxt < len(self.mentions) and fam(self.mentions[nxt].kind) != fam(self.mentions[k].kind) \
                        and self._in_parens(nxt):
                    nxt += direction
                if nxt < 0 or nxt >= len(self.mentions):
                    break
                a_end = self.mrange[min(cur, nxt)][1]
                b_start = self.mrange[max(cur, nxt)][0]
                between = self._strip_parens(self.lowers[a_end:b_start])
                if fam(self.mentions[nxt].kind) != fam(self.mentions[k].kind):
                    break
                if len(between) > 4 or any(w not in LIST_TOKENS and w not in ("together", "with", "along") for w in between):
                    break
                if between and not any(w in (",", "and", "or", "&", "nor", "(", "as", "with") for w in between):
                    break
                if "with" in between and not any(w in ("together", "along") for w in between):
                    break
                first = min(cur, nxt)
                fa = self.mrange[first][0]
                while fa > 0 and self.lowers[fa - 1] in ("the", "a", "an"):
                    fa -= 1
                if fa > 0 and self.lowers[fa - 1] in ("unlike", "like", "besides", "than", "despite") and "," in between:
                    break  # "Unlike the Islamic State, al-Shabaab has ...": a fronted comparison is no list
                raw_between = self.lowers[a_end:b_start]
                if "(" in raw_between and raw_between.index("(") == len(raw_between) - 1 \
                        and self.mentions[nxt].entity_ids != self.mentions[cur].entity_ids:
                    break  # "TTP (JuA and HuA ...)": a parenthesis opening on another group is no list
                members.append(nxt)
                cur = nxt
        members.sort()
        self._group_cache[k] = members
        return members

    def governs(self, x: int) -> bool:
        """A country adjective naming the state's government or forces ("the Mexican government")."""
        b = self.mrange[x][1]
        return b < self.n and self.lowers[b] in GOVERNMENT_WORDS

    def _possessor(self, x: int) -> bool:
        b = self.mrange[x][1]
        return b + 1 < self.n and self.lowers[b] in ("'s", "’s") and self.mention_at[b + 1] < 0 \
            and self.lowers[b + 1] not in ("and", ",", "or")

    def _in_parens(self, k: int) -> bool:
        a, b = self.mrange[k]
        j = a - 1
        while j >= 0 and a - j <= 6 and self.lowers[j] not in ("(", ")", ";"):
            j -= 1
        if j < 0 or self.lowers[j] != "(":
            return False
        j = b
        while j < self.n and j - b <= 8 and self.lowers[j] not in ("(", ")", ";"):
            j += 1
        return j < self.n and self.lowers[j] == ")"

    @staticmethod
    def _strip_parens(ws: list[str]) -> list[str]:
        out, depth = [], 0
        for w in ws:
            if w == "(":
                depth += 1
            elif w == ")":
                depth = max(0, depth - 1)
            elif depth == 0:
                out.append(w)
        return out

    def before_tok(self, i: int) -> str:
        j = i - 1
        while j >= 0 and self.lowers[j] in ("the", "a", "an"):
            j -= 1
        return self.lowers[j] if j >= 0 else ""

    def subject_eligible(self, k: int) -> bool:
        if k in self.blocked:
            return False
        g = self.group(k)
        if g and g[0] != k and len(g) > 1:
            # a list member is as eligible as the list: "against the US and Coalition forces" is no subject
            return self._eligible_one(g[0])
        return self._eligible_one(k)

    def _eligible_one(self, k: int) -> bool:
        if k in self.blocked:
            return False
        a, _ = self.mrange[k]
        j = a - 1
        while j >= 0 and self.lowers[j] in ("the", "a", "an"):
            j -= 1
        if j < 0:
            return True
        w = self.lowers[j]
        if w in PREPS:
            if w == "of" and j > 0 and self.lowers[j - 1] in AGENT_NOUNS:
                return True
            # "Together with X, Y ..." lists
            if w == "with" and j > 0 and self.lowers[j - 1] in ("together", "along"):
                return True
            return False
        return True

    def clause_start(self, i: int, floor: int = 0) -> int:
        j = i - 1
        while j >= floor:
            w = self.lowers[j]
            if w in CLAUSE_BOUNDARY:
                return j + 1
            if w in ("and", "or") and j > 0 and self.lowers[j - 1] == ",":
                return j + 1
            j -= 1
        return floor

    def clause_end(self, i: int) -> int:
        j = i
        while j < self.n:
            w = self.lowers[j]
            if w in CLAUSE_BOUNDARY:
                return j
            if w == "," and j + 1 < self.n and self.lowers[j + 1] in ("and", "but", "which", "while", "who"):
                return j
            j += 1
        return self.n

    def char(self, i: int) -> int:
        return self.idxs[i] if i < self.n else self.end

    # ---- argument search ---------------------------------------------------
    def filt(self, ks: list[int], kinds) -> list[int]:
        return [k for k in ks if self.mentions[k].kind in kinds and k not in self.blocked]

    def left_arg(self, pos: int, kinds, floor: int = 0, *, allow_pp: bool = False, limit: int = 30,
                 blockers: bool = True) -> list[int] | None:
        k = pos - 1
        steps = 0
        while k >= floor and steps <= limit:
            w = self.lowers[k]
            mi = self.mention_at[k]
            if mi >= 0:
                m = self.mentions[mi]
                if m.kind in kinds and mi not in self.blocked and (allow_pp or self.subject_eligible(mi)) \
                        and not self.adjectival(mi):
                    g = self.filt(self.group(mi), kinds)
                    return [x for x in g if x <= mi or self.mrange[x][0] < pos] or [mi]
                k = self.mrange[mi][0] - 1
                steps += 1
                continue
            if w == ")":
                # a parenthesis ("(FLM; aka Katiba Macina)") is an aside: skip it whole
                j = k - 1
                while j >= floor and self.lowers[j] != "(" and k - j <= 15:
                    j -= 1
                if j >= floor and self.lowers[j] == "(":
                    k = j - 1
                    steps += 1
                    continue
            if w in (";", "–", "—", ":") or w == '"' or w == "“":
                return None
            if blockers and w in BLOCKERS and self.before_tok(k) not in PREPS and w not in ("it", "they", "he", "she"):
                return None
            k -= 1
            steps += 1
        return None

    def right_arg(self, pos: int, kinds, *, far: bool = False, loc: bool = False, limit: int = 6, ceiling: int | None = None) -> list[int] | None:
        got = self._right_arg(pos, kinds, far=far, loc=loc, limit=limit, ceiling=ceiling)
        if got is None and not far and not loc:
            got = self._including_list(pos, kinds, ceiling)
        return got

    def _including_list(self, pos: int, kinds, ceiling: int | None) -> list[int] | None:
        """"with several extremist elements in Syria, including X and Y": the list the phrase introduces."""
        end = min(self.n if ceiling is None else ceiling, pos + 14)
        for k in range(pos, end - 1):
            w = self.lowers[k]
            if w == ":" and k > pos and self.lowers[k - 1] in GROUP_PLURALS:
                return self._right_arg(k + 1, kinds, limit=3, ceiling=ceiling)  # "four organizations: A, B and C"
            if w in (";", ".", ":") or w in CLAUSE_BOUNDARY or self.mention_at[k] >= 0 and k > pos \
                    and self.mentions[self.mention_at[k]].kind in kinds and self.lowers[k - 1] not in PREPS:
                return None
            if w == "," and self.lowers[k + 1] in ("including", "notably", "especially", "namely") or \
                    w == "such" and self.lowers[k + 1] == "as" and k > pos:
                return self._right_arg(k, kinds, limit=3, ceiling=ceiling)
            if w in ("including", "like") and k > pos and self.lowers[k - 1] in GROUP_PLURALS:
                return self._right_arg(k + 1, kinds, limit=2, ceiling=ceiling)  # "other groups like X and Y"
        return None

    def _right_arg(self, pos: int, kinds, *, far: bool = False, loc: bool = False, limit: int = 6, ceiling: int | None = None) -> list[int] | None:
        k = pos
        end = self.n if ceiling is None else ceiling
        skipped = 0
        seen_loc = not loc
        while k < end:
            w = self.lowers[k]
            mi = self.mention_at[k]
            if mi >= 0:
                m = self.mentions[mi]
                b = self.mrange[mi][1]
                if not far and m.how == "coref" and m.text.lower() in ("its", "their"):
                    # "battles with its rival X", "to their former ally X": the possessor is not the argument
                    q = b
                    while q < end and q < b + 3 and self.mention_at[q] < 0 and self.lowers[q].isalpha() \
                            and self.lowers[q] not in PREPS and self.lowers[q] not in RIGHT_STOP:
                        q += 1
                    if q > b and q < end and self.mention_at[q] >= 0 and self.mentions[self.mention_at[q]].kind in kinds:
                        k = q
                        continue
                if b + 1 < end and self.lowers[b] == "-" and self.lowers[b + 1] in COMPOUND_PARTICIPLES \
                        and m.kind in ("state", "place"):
                    k = b + 2  # "from the Syrian-backed Fatah al-Intifada": the backed group is the argument
                    continue
                if m.kind in kinds and mi not in self.blocked and seen_loc and not self.adjectival(mi):
                    if far:
                        # a strongly typed object (a platform): every such mention up to the clause end
                        out = []
                        for x in range(mi, len(self.mentions)):
                            if self.mrange[x][0] >= end or any(w in (";",) for w in self.lowers[k:self.mrange[x][0]]):
                                break
                            if self.mentions[x].kind in kinds and x not in self.blocked:
                                out.append(x)
                        return out
                    g = [x for x in self.filt(self.group(mi), kinds) if x >= mi]
                    if len(g) > 1 and self._possessor(g[-1]) and self.lowers[self.mrange[g[-1]][0] - 1] == ",":
                        g = g[:-1]  # "headed the Qassam Brigades, Hamas's military wing": an apposition's possessor
                    if len(g) == 1 and "person" in kinds:
                        who = self._possessed_person(mi)
                        if who is not None:
                            return [who]  # "to al-Qaeda's leader Ayman al-Zawahiri": the person
                    return self._cut_list(g)
                if not far and not loc:
                    return None
                k = self.mrange[mi][1]
                skipped += 1
                continue
            if w in (";", ".") or (not far and w in RIGHT_STOP):
                return None
            if far:
                if skipped > 45:
                    return None
            else:
                if w in PREPS:
                    if loc and w in LOC_PREPS and not seen_loc:
                        seen_loc = True
                    elif w == "of" and k > 0 and self.lowers[k - 1] in AGENT_NOUNS | PLACE_NOUNS:
                        seen_loc = True  # "fighters of X", "the city of X", "parts of X"
                    elif not (loc and seen_loc and w == "of"):
                        return None
                if w == "," and k + 1 < end and self.lowers[k + 1] in ("including", "such", "like", "notably", "especially", "namely"):
                    k += 2 if self.lowers[k + 1] != "such" else 3
                    if k < end and self.lowers[k] in ("in", "as"):
                        k += 1  # "targets abroad, including in X and Y"
                    skipped = min(skipped, max(0, limit - 2))
                    continue  # "other groups, including X and Y"
                if w in (",",) and not loc:
                    return None
                skipped += 1
                if skipped > limit:
                    return None
            k += 1
        return None

    def adjectival(self, mi: int) -> bool:
        """A country adjective that modifies something other than the state ("the Russian-Turkish ceasefire",
        "the Syrian civil war"), unlike "Syrian forces" or "the Yemeni government"."""
        if mi not in self.demonyms:
            return False
        b = self.mrange[mi][1]
        if b + 1 < self.n and self.lowers[b] == "-" and self.lowers[b + 1] in (
                "led", "backed", "based", "sponsored", "supported", "funded", "allied", "aligned", "trained", "controlled"):
            return False  # "Saudi-led coalition forces": the state leads them
        j = b
        while j < self.n and j < b + 3 and self.lowers[j] in ("-", "and", ",", "or") or (j < self.n and self.mention_at[j] >= 0 and self.mention_at[j] in self.demonyms):
            j = self.mrange[self.mention_at[j]][1] if self.mention_at[j] >= 0 else j + 1
        return j < self.n and (self.lowers[j] in NOT_STATE_NOUNS or self.lowers[b:b + 1] == ["-"])

    def _possessed_person(self, mi: int) -> int | None:
        """"X's leader Y" / "X leader Y": the person named after a role noun that follows mention X."""
        b = self.mrange[mi][1]
        k = b + 1 if b < self.n and self.lowers[b] in ("'s", "’s", "'") else b
        steps = 0
        while k < self.n and steps < 3 and self.mention_at[k] < 0 and self.lowers[k] not in ROLE_NOUNS:
            if not self.lowers[k].isalpha():
                return None
            k += 1
            steps += 1
        nxt = k + 2 if k + 2 < self.n and self.lowers[k + 1] == "," else k + 1  # "the new Taliban chief, Akhtar Mansour"
        if nxt < self.n and self.lowers[k] in ROLE_NOUNS and self.mention_at[nxt] >= 0:
            who = self.mention_at[nxt]
            if self.mentions[who].kind == "person" and who not in self.blocked:
                return who
        return None

    def _cut_list(self, g: list[int]) -> list[int]:
        """Stop a list at a member that begins a new clause (followed by a verb-like trigger)."""
        return g

    def after_comma_subject(self, pos: int, kinds, floor: int = 0) -> list[int] | None:
        """Fronted adverbial ("In fighting X, the Taliban ...", "Since seizing power in Y, Z ..."): subject after the comma."""
        first = self.lowers[floor] if floor < self.n else ""
        if first not in ("in", "since", "after", "while", "when", "by", "before", "despite", "upon", "on", "following", "having", "under", "with", "through", "during") and not first.endswith("ing"):
            return None
        try:
            comma = self.lowers.index(",", pos)
        except ValueError:
            return None
        if any(w in (";",) for w in self.lowers[floor:comma]):
            return None
        k = comma + 1
        skipped = 0
        while k < self.n and skipped < 4:
            mi = self.mention_at[k]
            if mi >= 0:
                if self.mentions[mi].kind in kinds:
                    return self.filt(self.group(mi), kinds) or None
                return None
            skipped += 1
            k += 1
        return None


def _topic_subject(sent: Sentence, pos: int, floor: int, kinds) -> Mention | None:
    """Profiles ("history – formed in 2009 ...; operates in ..."): a subjectless clause is about the topic."""
    topic = sent.ctx.topic
    if topic is None or topic.kind not in kinds:
        return None
    k = pos - 1
    while k >= floor:
        w = sent.lowers[k]
        if w in (";", "–", "—", ":"):
            break
        mi = sent.mention_at[k]
        if mi >= 0:
            a = sent.mrange[mi][0]
            if a > 0 and sent.lowers[a - 1] in PREPS and sent.lowers[a - 1] != "by":
                k = a - 2  # "broke away from X in 2013 and joined Y": X sits in a prepositional phrase
                continue
            return None
        if w in BLOCKERS and w not in ("it", "they"):
            return None  # "; it was responsible for ...": a clause-initial pronoun in a profile is the group
        k -= 1
    first = sent.words[k + 1] if k + 1 < sent.n else None
    if first is None or not first[:1].islower():
        return None
    if k < floor and floor > 0:
        return None
    return topic


def _dep_subject(sent: Sentence, tm: TriggerMatch, kinds):
    """With a parse: the mention in the trigger verb's subject, 'block' when the subject is another noun, or None."""
    t = sent.toks[tm.start]
    if t.pos_ == "ADP" and t.dep_ == "prep" and t.head is not t:
        # a trigger that starts with a preposition ("deployed fighters in support of X"): the clause's verb
        t = t.head
        if t.dep_ in ("dobj", "attr") and t.head is not t:
            t = t.head
    for _ in range(5):
        subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj:
            s = subj[0]
            if s.lower_ in ("which", "that", "who") and t.dep_ == "relcl":
                s = t.head
                # "X is a faction that broke away", "X, a faction that broke away": the faction is X
                named = 0 <= s.i - sent.ts < sent.n and sent.mention_at[s.i - sent.ts] >= 0
                if not named and s.dep_ == "appos" and s.head.i < s.i:
                    s = s.head
                elif not named and s.dep_ == "attr" and s.head.lemma_ == "be":
                    s = next((c for c in s.head.children if c.dep_ == "nsubj"), s)
            i = s.i - sent.ts
            if 0 <= i < tm.start and any(sent.lowers[j] in ("–", "—", ":", ";") for j in range(i + 1, tm.start)):
                return None  # "history – has claimed ...": a line label or an earlier clause is no subject
            if s is subj[0] and s.pos_ == "PROPN" and 0 <= i < sent.n and not any(
                    0 <= x - sent.ts < sent.n and sent.mention_at[x - sent.ts] >= 0 for x in range(s.left_edge.i, s.i + 1)):
                return "block"  # an unknown name is the subject: not a name inside its apposition ("X, a faction in Syria,")
            if 0 <= i < sent.n:
                span = [x.i - sent.ts for x in s.subtree if 0 <= x.i - sent.ts < sent.n]
                for j in sorted(span, key=lambda j: abs(j - i)):
                    mi = sent.mention_at[j]
                    if mi >= 0 and sent.mentions[mi].kind in kinds and mi not in sent.blocked and j < tm.start:
                        return [x for x in (sent.filt(sent.group(mi), kinds) or []) if sent.mrange[x][0] < tm.start] or None
                if s.pos_ in ("NOUN",) and s.lower_ not in AGENT_NOUNS:
                    return "block"
            return None
        if t.dep_ in ("xcomp", "conj", "advcl", "ccomp", "pcomp") and t.head is not t:
            t = t.head
            continue
        if t.dep_ == "acl" and t.head is not t:
            t = t.head.head if t.head.head is not t.head else t.head
            continue
        if t.dep_ == "amod" and t.head.lower_ in FACTION_NOUNS and t.i > t.head.i:
            h = t.head.i - sent.ts
            if 0 <= h < sent.n and sent.mention_at[h] < 0:
                return "block"  # "a faction loyal to X": the faction, not a name earlier in the sentence
        if t.dep_ == "relcl":
            i = t.head.i - sent.ts
            if 0 <= i < tm.start and sent.mention_at[i] >= 0:
                mi = sent.mention_at[i]
                if sent.mentions[mi].kind in kinds:
                    return sent.filt(sent.group(mi), kinds) or None
            return None
        return None
    return None


_DIGIT = re.compile(r"\d")
_DEMONYM = re.compile(r"(?:i|an|ese|ish|ic)$")


ACCUSE = frozenset("accused accuses accusing accuse suspected suspects suspect blamed blames blaming charged charges "
                   "convicted".split())


def _accused(sent: Sentence, i: int, kinds) -> list[int] | None:
    """"Washington accused Iran of arming Hezbollah": the accused is the subject of the gerund after "of"."""
    if i < 2 or sent.lowers[i - 1] != "of" or sent.mention_at[i - 2] < 0:
        return None
    mi = sent.mention_at[i - 2]
    a = sent.mrange[mi][0]
    k = a - 1
    while k >= 0 and a - k <= 2 and sent.lowers[k] in ("the", "of"):
        k -= 1
    if k < 0 or sent.lowers[k] not in ACCUSE or sent.mentions[mi].kind not in kinds:
        return None
    return sent.filt(sent.group(mi), kinds) or None


# a trailing denial of what the sentence reports: ", a charge New Delhi denies", ", which the Taliban deny",
# "; Caracas denies it", ", an accusation Asmara dismissed as fabricated", ", claims the government denies"
_DENIAL = re.compile(
    r"(?:,|;)\s*(?:(?:a|an|the)\s+)?(?:charges?|claims?|accusations?|allegations?|reports?)\s+(?:that\s+)?(?:[\w'’.-]+\s+){1,4}?"
    r"(?:has\s+|have\s+|had\s+)?(?:(?:repeatedly|consistently|strongly|flatly|always)\s+)?"
    r"(?:denies|deny|denied|dismissed|dismisses|rejects|rejected|refutes|refuted)\b"
    r"|(?:,|;)\s*which\s+(?:[\w'’.-]+\s+){1,4}?(?:(?:has|have|had)\s+)?(?:(?:repeatedly|consistently|strongly|always)\s+)?"
    r"(?:denies|deny|denied|reject|rejects|rejected)\b"
    r"|;\s*(?:[\w'’.-]+\s+){1,3}?(?:denies|deny|denied|rejects|rejected|dismisses|dismissed)\s+(?:it|this|that|the\s+(?:charge|claim|accusation|allegation))\b",
    re.I)


def _denied_copies(sent: Sentence, cands: list[Candidate]) -> list[Candidate]:
    """A claim the sentence reports and a party then denies is kept, and its denial is a negated claim too."""
    m = _DENIAL.search(sent.text) if cands else None
    if m is None:
        return []
    cut = sent.start + m.start()
    out = []
    for c in cands:
        if c.polarity == "asserted" and c.predicate not in ("operates_in", "based_in", "leads", "member_of") \
                and max(c.subject.end, c.object.end) <= cut:
            out.append(replace(c, polarity="negated", features=c.features + ("denied",)))
    return out


def _dep_noun_subject(sent: Sentence, tm: TriggerMatch, kinds) -> list[int] | None:
    """With a parse: the subject of the verb governing a trigger noun ("X and Y ... but [maintain] close [ties]"),
    following a shared subject into a coordinated verb phrase."""
    t = sent.toks[tm.start]
    for _ in range(3):
        if t.pos_ in ("VERB", "AUX") or t.head is t:
            break
        if t.dep_ not in ("dobj", "attr", "pobj", "prep", "amod", "compound", "nsubj"):
            return None
        t = t.head
    if t.pos_ not in ("VERB", "AUX"):
        return None
    v = t.i - sent.ts
    if not 0 <= v < sent.n:
        return None
    dep = _dep_subject(sent, TriggerMatch(tm.trigger, v, v + 1, {}, v), kinds)
    return dep if isinstance(dep, list) else None


def _np_head(sent: Sentence, k: int, kinds) -> int | None:
    """The last mention of ``kinds`` in the noun phrase starting at token k ("-backed [Houthi] rebels",
    "-based al-Qa'ida coalition [JNIM]"): words of NP_INNER and mentions, up to ten tokens."""
    start, last = k, None
    while k < sent.n and k < start + 10:
        mi = sent.mention_at[k]
        if mi >= 0:
            if sent.mentions[mi].kind in kinds:
                last = mi
            k = sent.mrange[mi][1]
            continue
        if sent.lowers[k] not in NP_INNER:
            break
        k += 1
    return last


def _names_entity(ctx, m: Mention, low: str) -> bool:
    """True when the word is the entity's own name ("Khorasan"), not an adjective made from it ("Yemeni")."""
    e = ctx.gazetteer.entities.get(m.entity_ids[0]) or ctx.entities.get(m.entity_ids[0])
    return e is None or e.name.lower() == low


def _dates(sent: Sentence) -> list:
    text = sent.text
    out = timex.find_dates(text, sent.start) if _DIGIT.search(text) else []
    if sent.ctx.document.published:
        out += timex.find_relative(text, sent.ctx.document.published, sent.start)
    return out


def _with_countries(cands: list[Candidate], ctx) -> list[Candidate]:
    """"operates in northern Afghanistan" also says it operates in Afghanistan: a region named after its
    country (the gazetteer's part_of) gives the country claim too."""
    out = list(cands)
    for c in cands:
        if c.predicate not in ("operates_in", "based_in") or c.object.kind != "place":
            continue
        ent = ctx.entity(c.object_id)
        parent = (ent.attributes or {}).get("part_of") if ent else None
        if not parent:
            continue
        hits = [e for e in ctx.gazetteer.lookup(str(parent)) if e.kind == "state"]
        if hits and hits[0].name.lower() in ent.name.lower():
            st = hits[0]
            out.append(Candidate(c.subject, c.subject_id, c.predicate, c.object, st.id, c.rule + "+country", c.trigger,
                                 c.start, c.end, c.polarity, c.modality, c.attributed_to, c.attribution_mention,
                                 c.valid_from, c.valid_to, dict(c.qualifiers, place=c.object_id), c.confidence, c.features))
    return out


def plural_or_model(w: str) -> bool:
    """Words that may sit between a role noun and the list it introduces ("affiliate or proxy model, which includes")."""
    return w in (",", "or", "and", "model", "models", "network", "networks", "which", "that", "structure", "system")


class RuleEngine:
    def __init__(self, lex: Lexicon | None = None):
        self.lex = lex or lexicon()
        self.onto = ontology()
        # the triggers whose predicate the implicit possessive claims borrow ("X's leader", "X's Radwan Force")
        self.first_trigger = {t.predicate: t for t in reversed(self.lex.triggers)}

    # ---- per sentence ------------------------------------------------------
    def sentence(self, sent: Sentence, state: dict) -> list[Candidate]:
        distinct = {e for m in sent.mentions for e in m.entity_ids}
        if (len(distinct) < 2 and sent.ctx.topic is None) or len(sent.mentions) == 0 or GOALS_LINE.match(sent.text) or "://" in sent.text or sent.text.count(" | ") >= 2 or re.match(r"^\s*(?:aka|a\.k\.a\.)\b", sent.text, re.I):
            self._track_quotes(sent, state, [])
            return []
        cues = self._attribution(sent, state)
        lead = self._leadership_line(sent)
        matches = match_triggers(sent.lowers, sent.gap_mention_at, self.lex)
        # a longer trigger wins over a shorter one starting at the same token or lying inside it
        longest: dict[int, int] = {}
        for tm in matches:
            longest[tm.start] = max(longest.get(tm.start, 0), tm.end)
        # the furthest end reached by a match starting before each token
        reach, best = {}, 0
        for s in sorted(longest):
            reach[s] = best
            best = max(best, longest[s])
        shorter: dict[int, list[TriggerMatch]] = {}
        for tm in matches:
            if tm.end < longest[tm.start]:
                shorter.setdefault(tm.start, []).append(tm)
        matches = [tm for tm in matches if tm.end == longest[tm.start] and not tm.end <= reach[tm.start]]
        # longest match wins where two triggers of the same predicate start at one token
        out: list[Candidate] = list(lead)
        done: set[int] = set()
        for tm in matches:
            got = self._apply(sent, tm)
            if not got and tm.start not in done:
                # the longer trigger found no arguments ("fought for [control]" is no membership): the
                # shorter triggers at the same word get their turn
                for alt in sorted(shorter.get(tm.start, ()), key=lambda t: -t.end):
                    got = self._apply(sent, alt)
                    if got:
                        tm = alt
                        break
            done.add(tm.start)
            for c in got:
                self._decorate(sent, tm, c, cues, state)
                if c.modality != "drop":
                    out.append(c)
        for tm, c in self._possessive_leaders(sent):
            self._decorate(sent, tm, c, cues, state)
            if c.modality != "drop":
                out.append(c)
        out += _denied_copies(sent, out)
        self._track_quotes(sent, state, cues)
        # dedupe within the sentence
        seen: dict[tuple, Candidate] = {}
        for c in out:
            if c.subject_id == c.object_id:
                continue
            p = self.onto.predicate(c.predicate)
            s, o = c.subject_id, c.object_id
            if p.symmetric and o < s:
                s, o = o, s
            key = (s, c.predicate, o, c.polarity, c.attributed_to)
            if key not in seen:
                seen[key] = c
        return list(seen.values())

    def _transfer(self, sent: Sentence, tm: TriggerMatch, floor: int) -> list[Candidate]:
        """"X received weapons, training and money from Y" / "Y provided training and arms to X": one claim
        per kind of resource named (weapons -> supports, training -> trains, money -> finances)."""
        lw = sent.lowers
        receive = lw[tm.start].startswith(("receiv", "obtain", "get", "got", "acquir", "accept"))
        preps = ("from", "by") if receive else ("to", "for")
        found: set[str] = set()
        k = tm.end
        while k < sent.n and k < tm.end + 14 and lw[k] not in preps:
            if sent.mention_at[k] >= 0 or lw[k] in (";", ".", "but", "while", "which"):
                return []
            for pred, words in RESOURCE_WORDS.items():
                if lw[k] in words:
                    found.add(pred)
            k += 1
        if k >= sent.n or lw[k] not in preps or not found:
            return []
        actors = ACTORS
        other = sent.right_arg(k + 1, actors, limit=2)
        this = self._subject(sent, tm, actors, floor)
        if not other or not this:
            return []
        out = []
        for pred in sorted(found):
            subs, objs = (other, this) if receive else (this, other)
            for c in self._pairs(sent, subs, objs, tm):
                c.predicate = pred
                c.rule = f"transfer:{pred}"
                out.append(c)
        return out

    def _leadership_line(self, sent: Sentence) -> list[Candidate]:
        """A profile's "leadership and organization – NAME (aka ...); ..." line: NAME leads the profile's group."""
        topic = sent.ctx.topic
        if topic is None or topic.kind not in ("organization",) or not LEADERSHIP_LINE.match(sent.text):
            return []
        k = next((i for i, w in enumerate(sent.lowers) if w in ("–", "—", "-", ":")), None)
        if k is None:
            return []
        j = k + 1
        while j < sent.n and j <= k + 3 and sent.mention_at[j] < 0 and sent.words[j][:1].isupper():
            j += 1  # a title before the name: "Secretary General", "Amir Shaykh"
        if j >= sent.n or sent.mention_at[j] < 0:
            return []
        mi = sent.mention_at[j]
        m = sent.mentions[mi]
        b = sent.mrange[mi][1]
        if m.kind != "person" or (b < sent.n and sent.lowers[b] not in ("(", ";", ",", ".", "and")):
            return []
        ids = [x for x in sent.filt(sent.group(mi), {"person"})]
        out = []
        for x in ids:
            mx = sent.mentions[x]
            out.append(Candidate(mx, mx.entity_id, "leads", topic, topic.entity_id, "line:leads", "leadership line",
                                 sent.start, sent.end))
        return out

    # ---- frames ----------------------------------------------------------------
    def _pairs(self, sent, subs, objs, tm, *, both=False, rule=None):
        out = []
        pred = tm.trigger.predicate
        sk, ok = self.lex.subject_kinds[pred], self.lex.object_kinds[pred]
        pairs = [(s, o) for s in subs for o in objs]
        if len(subs) == len(objs) >= 2 and "respectively" in sent.lowers:
            pairs = list(zip(subs, objs, strict=True))  # "X and Y are the armed wings of A and B respectively"
        features = ("list",) if len(subs) > 1 or len(objs) > 1 else ()
        for s, o in pairs:
            ms, mo = (s if isinstance(s, Mention) else sent.mentions[s]), (o if isinstance(o, Mention) else sent.mentions[o])
            if isinstance(o, int) and mo.how == "coref" and mo.text.lower() in ("it", "them") and ms.entity_ids == mo.entity_ids:
                # "X fought alongside HTS but never joined it": an object pronoun is not the subject itself;
                # the nearest other name before it
                alt = next((k for k in range(o - 1, -1, -1) if sent.mentions[k].entity_ids != ms.entity_ids
                            and sent.mentions[k].kind in ok and sent.mentions[k].how != "coref"), None)
                if alt is None:
                    continue
                mo = sent.mentions[alt]
            for sid in ms.entity_ids:
                for oid in mo.entity_ids:
                    if sid == oid:
                        continue
                    dirs = [(ms, sid, mo, oid)]
                    if both:
                        dirs.append((mo, oid, ms, sid))
                    for a, aid, b, bid in dirs:
                        if a.kind not in sk or b.kind not in ok:
                            continue
                        out.append(Candidate(a, aid, pred, b, bid, rule or tm.trigger.rule, " ".join(sent.lowers[tm.start : tm.end]),
                                             sent.start, sent.end, features=features))
        return out

    def _apply(self, sent: Sentence, tm: TriggerMatch) -> list[Candidate]:
        t = tm.trigger
        pred = t.predicate
        sk, ok = self.lex.subject_kinds[pred], self.lex.object_kinds[pred]
        frame = t.frame
        sym = self.onto.predicate(pred).symmetric
        floor = self.floor_for(sent, tm.start)
        if pred == "controls" and tm.start > 0 and sent.lowers[tm.start - 1] in ("for", "over", "to", "seeking", "seek", "battle", "struggle"):
            return []  # "fought for control of X" is a goal, not control
        if frame == "coalition":
            # "Z formed in 2017 when A, B and C agreed to work together": A, B, C merged into Z
            subs = sent.left_arg(tm.start, sk, floor)
            if not subs:
                return []
            first = sent.mrange[min(subs)][0]
            for i in range(first - 1, max(floor, first - 8) - 1, -1):
                if sent.lowers[i] in ("formed", "created", "founded", "established", "emerged", "launched"):
                    objs = sent.left_arg(i, ok, floor)
                    if not objs:
                        top = _topic_subject(sent, i, floor, ok)
                        objs = [top] if top is not None else None
                    return self._pairs(sent, subs, objs, tm) if objs else []
            return []
        if frame == "transfer":
            return self._transfer(sent, tm, floor)
        if frame == "svo_np":
            k = tm.end
            last = None
            while k < sent.n and k < tm.end + 10:
                mi = sent.mention_at[k]
                if mi >= 0:
                    last = mi
                    k = sent.mrange[mi][1]
                    continue
                if sent.lowers[k] in NP_INNER or sent.lowers[k] in ("-", "based", "linked", "led", "backed", "its", "their"):
                    k += 1
                    continue
                break
            if last is None or sent.mentions[last].kind not in ok:
                return []
            subs = self._subject(sent, tm, sk, floor)
            return self._pairs(sent, subs, [last], tm) if subs else []
        if frame == "mutual_left":
            # "X and Y fought together against Z": the tie is between the coordinated subjects only
            left = sent.left_arg(tm.start, sk, floor)
            distinct = []
            for x in left or []:
                if all(sent.mentions[x].entity_ids != sent.mentions[y].entity_ids for y in distinct):
                    distinct.append(x)
            if len(distinct) >= 2:
                return self._pairs(sent, distinct[:1], distinct[1:], tm, both=not sym)
            return []
        if frame in ("svo", "svo_near", "svo_sym", "svo_in", "svo_far", "svo_become", "svo_plural"):
            if "O" in tm.args:
                a, b = tm.args["O"]
                if frame == "svo_become" and b < sent.n and sent.lowers[b] in ("'s", "’s", "'", "of", "-", "–"):
                    return []  # "X became Y's affiliate" is no rename
                objs = sorted({sent.mention_at[i] for i in range(a, b) if sent.mention_at[i] >= 0})
                if frame == "svo_become" and len(objs) > 1 and sent.mentions[objs[0]].text.lower() in ("its", "their"):
                    objs = objs[1:]  # "X became its Sinai Province": the possessor is no new name
                objs = sent.filt(objs, ok)
                if objs and sent.lowers[tm.start] in ("tied", "ties", "tie", "linked", "links", "link", "connected", "connects"):
                    objs = objs[:1]  # "tied X to Y and Z to W": the first pair only
            else:
                objs = sent.right_arg(tm.end, ok, far=t.far or frame == "svo_far", loc=frame == "svo_in",
                                      limit=10 if frame == "svo_in" else 6)
                c = tm.end if tm.end < sent.n and sent.lowers[tm.end] in ("and", "or") else \
                    tm.end - 1 if sent.lowers[tm.end - 1] in ("and", "or") else None
                if not objs and frame == "svo" and c is not None and c + 2 < sent.n \
                        and sent.lowers[c + 1] in self.lex.by_first and sent.mention_at[c + 1] < 0:
                    # "armed and trained the RUF": two verbs share the object
                    objs = sent.right_arg(c + 2, ok, limit=6)
            named = None
            if pred == "merged_into" and sent.lowers[tm.start].startswith(("unit", "combin")) and "O" not in tm.args \
                    and tm.end < sent.n and (sent.mention_at[tm.end] >= 0 or sent.lowers[tm.end] == "the"):
                return []  # "the coalition united X, Y and Z": the members, not a merger of the coalition into them
            if pred == "splinter_of" and sent.lowers[tm.start] == "left" and objs:
                e = sent.mrange[max(o for o in objs if isinstance(o, int))][1] if any(isinstance(o, int) for o in objs) else tm.end
                if e + 1 < sent.n and sent.lowers[e] == "in" and sent.lowers[e + 1] in ("control", "charge", "command", "power"):
                    return []  # "left HTS in control of the crossing" (but "left HTS in 2018")
            if pred in ("merged_into", "splinter_of") and objs and len(objs) > 1:
                objs = [o for o in objs if not (isinstance(o, int) and sent._possessor(o))] or objs
            if pred == "merged_into":
                formed = self._formed(sent, tm)
                if formed is not None:
                    subs = (self._subject(sent, tm, sk, floor) or []) + [o for o in (objs or []) if o != formed]
                    return self._pairs(sent, subs, [formed], tm) if subs else []
            if pred == "splinter_of" and objs:
                formed = self._formed(sent, tm)
                if formed is not None and formed not in objs:
                    named = [formed]  # "commanders defected from X to form Y": Y is the splinter
            if pred == "splinter_of":
                # "a new group broke away, calling itself X": X is the splinter
                for i in range(tm.end, min(sent.n, tm.end + 3)):
                    if sent.lowers[i] in ("calling", "named", "naming", "called") and i + 1 < sent.n and sent.lowers[i + 1] in ("itself", "themselves"):
                        k = i + 2
                        while k < sent.n and sent.lowers[k] in ("the", "a", "as"):
                            k += 1
                        if k < sent.n and sent.mention_at[k] >= 0 and sent.mentions[sent.mention_at[k]].kind in sk:
                            named = [sent.mention_at[k]]
                        break
                if not objs and sent.ctx.topic is not None and sent.ctx.topic.kind in ok:
                    objs = [sent.ctx.topic]  # "X split off" in a group's profile: split off from that group
            if not objs and frame == "svo" and pred in MUTUAL_INTRANSITIVE:
                # "X and Y have fought (over ...)", "X and Y cooperated": a coordinated subject, no object
                left = sent.left_arg(tm.start, sk | ok, floor)
                distinct = []
                for x in left or []:
                    if all(sent.mentions[x].entity_ids != sent.mentions[y].entity_ids for y in distinct):
                        distinct.append(x)
                if len(distinct) >= 2 and sent.mrange[distinct[-1]][1] <= tm.start:
                    return self._pairs(sent, distinct[:1], distinct[1:], tm, both=not sym)
                if len(distinct) == 1 and len(sent.mentions[distinct[0]].entity_ids) >= 2:
                    return self._split_plural(sent, sent.mentions[distinct[0]], tm, sym)  # "... and they have fought"
            if not objs:
                return []
            subs = named or self._subject(sent, tm, sk, floor)
            if not subs:
                return []
            if pred == "allied_with" and sent.lowers[tm.start].startswith("f") and sent.lowers[tm.end - 1] in ("alongside", "beside"):
                return self._pairs(sent, subs, objs, tm) + self._common_enemy(sent, subs, objs, tm)
            if frame == "svo_plural" and len({sent.mentions[x].entity_ids for x in subs if isinstance(x, int)}) < 2:
                return []  # "X and Y formed Z" is a merger; "X formed Z" is not
            return self._pairs(sent, subs, objs, tm)
        if frame == "ovs":
            objs = sent.left_arg(tm.start, ok, floor)
            if not objs:
                top = _topic_subject(sent, tm.start, floor, ok)
                objs = [top] if top is not None else None
            subs = sent.right_arg(tm.end, sk, limit=4)
            if not objs or not subs:
                return []
            if pred in ("merged_into", "splinter_of") and len(subs) > 1:
                # "the merger of A, B and AQIM's Sahara branch": a part of AQIM merged, not AQIM
                subs = [x for x in subs if not (isinstance(x, int) and sent._possessor(x))] or subs
            if pred == "merged_into" and t.pattern.endswith("~ by") and len({sent.mentions[x].entity_ids for x in subs
                                                                            if isinstance(x, int)}) < 2:
                return []  # "URNG was formed by the EGP, the FAR, ORPA and the PGT": a merger needs two founders
            return self._pairs(sent, subs, objs, tm)
        if frame == "mutual":
            right = sent.right_arg(tm.end, ok if not sym else ok | sk, limit=4)
            if right is None and tm.end < sent.n and sent.lowers[tm.end] == "between":
                right = sent.right_arg(tm.end + 1, ok, limit=2)
                if right and len(right) >= 2:
                    return self._pairs(sent, right[:1], right[1:], tm, both=not sym)
                right = None
            if right:
                left = self._subject(sent, tm, sk, floor)
                if not left:
                    return []
                return self._pairs(sent, left, right, tm, both=not sym)
            left = sent.left_arg(tm.start, sk, floor)
            if left:
                ents = [x for x in left]
                if len(ents) >= 2:
                    return self._pairs(sent, ents[:1], ents[1:], tm, both=not sym) + (
                        self._pairs(sent, ents[1:2], ents[2:], tm, both=not sym) if len(ents) > 2 else [])
                m = sent.mentions[left[0]]
                if len(m.entity_ids) >= 2:
                    a = Mention(m.start, m.end, m.text, m.entity_ids[:1], m.kind, m.how)
                    b = Mention(m.start, m.end, m.text, m.entity_ids[1:], m.kind, m.how)
                    return self._pairs(sent, [a], [b], tm, both=not sym)
            return []
        if frame == "pair":
            return self._pair_frame(sent, tm, sk, ok, sym, floor)
        if frame in ("title", "title_kin"):
            return self._title(sent, tm, sk, ok, floor, kin=frame == "title_kin")
        if frame == "of_subj":
            k = tm.end
            # "of his son, X" / "of now-deceased leader X": skip a short description before the name
            if k + 2 < sent.n and sent.lowers[k] in ("his", "her", "its", "their") and sent.mention_at[k + 1] < 0 and sent.lowers[k + 2] == ",":
                k += 3
            steps = 0
            while k < sent.n and steps < 4 and sent.mention_at[k] < 0 and sent.lowers[k] not in (",", ";", ".", "(", ")") and sent.lowers[k] not in PREPS:
                k += 1
                steps += 1
            if k >= sent.n or sent.mention_at[k] < 0:
                return []
            subs = sent.filt(sent.group(sent.mention_at[k]), sk)
            if not subs:
                return []
            objs = sent.left_arg(tm.start, ok, floor) or sent.after_comma_subject(tm.end, ok, floor)
            if not objs:
                return []
            return self._pairs(sent, subs, [o for o in objs if o not in subs], tm)
        if frame == "label":
            j = tm.start - 1
            while j >= floor and sent.lowers[j] not in LABEL_VERBS:
                j -= 1
            if j < floor:
                return []
            if sent.lowers[j].endswith("ing") and j > 0 and sent.lowers[j - 1] == ",":
                # ", marking it as betrayal": a participle clause shares the main clause's subject
                subs = None
                for i in range(floor, j):
                    mi = sent.mention_at[i]
                    if mi >= 0 and sent.mentions[mi].kind in sk and sent.subject_eligible(mi):
                        subs = [mi]
                        break
            else:
                subs = sent.left_arg(j, sk, floor)
            if not subs:
                return []
            objs = []
            for i in range(j + 1, tm.start):
                mi = sent.mention_at[i]
                if mi >= 0 and sent.mentions[mi].kind in ok and mi not in subs:
                    objs = [mi]
                    break
            if not objs:
                return []
            return self._pairs(sent, subs, objs, tm)
        if frame == "svo_his":
            # "X and his organization", "X with his group"
            if tm.start < 1 or sent.lowers[tm.start - 1] not in ("and", "with"):
                return []
            subs = sent.left_arg(tm.start - 1, sk, floor, limit=2)
            if not subs:
                return []
            org = self._org_of_person(sent, sent.mentions[subs[-1]])
            if not org:
                return []
            a, b = tm.end - 1, tm.end
            om = Mention(sent.char(a), sent.char(a) + len(sent.words[a]), sent.words[a], (org,), "organization", "coref")
            del b
            return self._pairs(sent, subs[-1:], [om], tm)
        if frame == "compound_rev":
            # "Iran-backed Houthis": the word before the hyphen is the subject, the noun phrase after it the object
            j = tm.start - 1
            if j < 0 or sent.mention_at[j] < 0 or sent.mentions[sent.mention_at[j]].kind not in sk:
                return []
            last = _np_head(sent, tm.end, ok)
            if last is None:
                return []
            return self._pairs(sent, [sent.mention_at[j]], [last], tm)
        if frame == "compound_loc":
            # "Iran-based X", "the Mali-based al-Qa'ida coalition JNIM": the location before the hyphen,
            # the subject is the head of the noun phrase after "based"
            j = tm.start - 1
            if j < 0 or sent.mention_at[j] < 0 or sent.mentions[sent.mention_at[j]].kind not in ok:
                return []
            last = _np_head(sent, tm.end, sk)
            if last is None and j >= 3 and sent.lowers[j - 1] in ("a", "an", "the") and sent.lowers[j - 2] == "," \
                    and sent.mention_at[j - 3] >= 0 and sent.mentions[sent.mention_at[j - 3]].kind in sk:
                last = sent.mention_at[j - 3]  # "MDI, a Pakistan-based charity": the apposition's antecedent
            elif last is None and j >= 4 and sent.lowers[j - 1] in ("a", "an", "the") and sent.lowers[j - 2] == "," \
                    and sent.lowers[j - 3] == ")":
                k2 = j - 4
                while k2 >= 0 and sent.lowers[k2] != "(" and j - k2 < 10:
                    k2 -= 1
                if k2 >= 1 and sent.mention_at[k2 - 1] >= 0 and sent.mentions[sent.mention_at[k2 - 1]].kind in sk:
                    last = sent.mention_at[k2 - 1]  # "Markaz ud Dawa ul-Irshad (MDI), a Pakistan-based ..."
            if last is None:
                return []
            return self._pairs(sent, [last], [sent.mention_at[j]], tm)
        if frame == "adj_loc":
            j = tm.start - 1
            if j < 0 or sent.mention_at[j] < 0 or sent.mentions[sent.mention_at[j]].kind not in ok:
                return []
            mi = sent.mention_at[j]
            subs = sent.left_arg(sent.mrange[mi][0], sk, floor)
            if not subs:
                return []
            return self._pairs(sent, subs, [mi], tm)
        return []

    @staticmethod
    def _formed(sent: Sentence, tm: TriggerMatch):
        """"X merged with Y to form Z" / "X and Y announced a merger, creating Z": the new group Z."""
        lw = sent.lowers
        for i in range(tm.start + 1, min(sent.n - 1, tm.end + 14)):
            if lw[i] in (";",):
                return None
            if lw[i] in ("forming", "creating", "form", "create", "formed", "created", "establishing", "into") and \
                    (lw[i] not in ("form", "create") or lw[i - 1] == "to"):
                k = i + 1
                while k < sent.n and lw[k] in ("the", "a", "an", "new"):
                    k += 1
                if k < sent.n and sent.mention_at[k] >= 0 and sent.mentions[sent.mention_at[k]].kind == "organization":
                    return sent.mention_at[k]
                return None
        # "Z was formed in 2017 when X merged with A and B": the group formed before "when"
        for i in range(tm.start - 1, max(-1, tm.start - 10), -1):
            if lw[i] in (";", "."):
                return None
            if lw[i] == "when":
                for j in range(i - 1, max(-1, i - 7), -1):
                    if lw[j] in ("formed", "created", "established", "founded", "born", "launched"):
                        z = sent.left_arg(j, frozenset({"organization"}), 0, limit=3)
                        return z[-1] if z else None
                return None
        return None

    def floor_for(self, sent: Sentence, pos: int) -> int:
        floor = 0
        for cue in getattr(sent, "cues", []):
            if cue["start"] <= pos and cue["comp"] <= pos:
                floor = max(floor, cue["comp"])
        return floor

    def _subject(self, sent: Sentence, tm: TriggerMatch, kinds, floor: int):
        if "S" in tm.args:
            a, b = tm.args["S"]
            return sent.filt(sorted({sent.mention_at[i] for i in range(a, b) if sent.mention_at[i] >= 0}), kinds)
        acc = _accused(sent, tm.start, kinds)
        if acc is not None:
            return acc
        dep = _dep_subject(sent, tm, kinds) if self.use_parse else None
        if dep == "block":
            return None
        if dep and floor and any(sent.mrange[x][0] < floor for x in dep if isinstance(x, int)):
            dep = None  # "Colombia says Venezuela shelters X": the speaker is no subject of the reported clause
        if dep:
            return dep
        subs = sent.left_arg(tm.start, kinds, floor)
        if subs:
            return subs
        subs = sent.after_comma_subject(tm.end, kinds, floor)
        if subs:
            return subs
        top = _topic_subject(sent, tm.start, floor, kinds)
        if top is not None:
            return [top]
        return None

    use_parse = False

    def _pair_frame(self, sent, tm, sk, ok, sym, floor):
        kinds = sk | ok
        k = tm.end
        # "X's ties with Y", "X has close ties to Y"
        j = k
        while j < sent.n and j < k + 4 and (sent.lowers[j] in ("with", "to", "between", "among", "against", "the", "its", "their", "and")
                                            or sent.lowers[j] in ERUPT):
            if sent.lowers[j] in ("with", "to", "against"):
                right = sent.right_arg(j + 1, kinds, limit=3)
                if not right and j + 1 < sent.n and sent.lowers[j + 1] == "and":
                    # "has ties to and draws guidance from X": two verb phrases share the object
                    for q in range(j + 2, min(sent.n, j + 12)):
                        if sent.lowers[q] in (";", ".", ",", "but", "while") or sent.mention_at[q] >= 0:
                            break
                        if sent.lowers[q] in PREPS and q + 1 < sent.n:
                            right = sent.right_arg(q + 1, kinds, limit=2)
                            break
                if right:
                    left = sent.left_arg(tm.start, kinds, floor)
                    if not left:
                        left = self._relationship_pair(sent, tm, kinds, floor, want_left=True)
                    if left:
                        return self._pairs(sent, left, right, tm, both=not sym)
                    return []
                break  # "an alliance against the regime": the pair, if any, is on the left
            if sent.lowers[j] in ("between", "among"):
                right = sent.right_arg(j + 1, kinds, limit=2)
                if right and len(right) >= 2:
                    return self._pairs(sent, right[:1], right[1:], tm, both=not sym)
                m = sent.mentions[right[0]] if right else None
                if m is not None and len(m.entity_ids) >= 2:
                    return self._split_plural(sent, m, tm, sym)
                return []
            j += 1
        # "with which ... ties": the antecedent of which, and the subject before it
        for i in range(tm.start - 1, max(floor, tm.start - 12) - 1, -1):
            if sent.lowers[i] in ("which", "whom") and i > 0 and sent.lowers[i - 1] == "with":
                lo = sent.left_arg(i - 1, kinds, floor, allow_pp=True, limit=2)
                if lo:
                    so = sent.left_arg(sent.mrange[lo[0]][0], kinds, floor, allow_pp=True)
                    so = [x for x in (so or []) if sent.mentions[x].entity_ids != sent.mentions[lo[0]].entity_ids]
                    if so:
                        return self._pairs(sent, so[-1:], lo[:1], tm, both=not sym)
                break
        pair = self._relationship_pair(sent, tm, kinds, floor)
        if pair:
            a, b = pair
            return self._pairs(sent, [a], [b], tm, both=not sym)
        # "tensions between X and Y escalated into open warfare": the pair named earlier in the clause
        for i in range(tm.start - 1, max(floor, sent.clause_start(tm.start, floor)) - 1, -1):
            if sent.lowers[i] in ("between", "among"):
                right = sent.right_arg(i + 1, kinds, limit=2)
                if right and len(right) >= 2 and sent.mrange[right[-1]][1] <= tm.start:
                    return self._pairs(sent, right[:1], right[1:], tm, both=not sym)
                break
        # "X and Y have ties", "these groups engage in clashes"
        left = sent.left_arg(tm.start, kinds, floor, limit=8)
        if not left and self.use_parse:
            left = _dep_noun_subject(sent, tm, kinds)  # "X and Y are distinct groups but maintain close ties"
        if left:
            left = [x for x in left if x not in sent.demonyms or sent.governs(x)]  # "the Syrian civil war": a place
            distinct = []
            for x in left:
                if all(sent.mentions[x].entity_ids != sent.mentions[y].entity_ids for y in distinct):
                    distinct.append(x)
            if len(distinct) == 1 and distinct[0] > 0:
                # "the United States and the Taliban signed an agreement": a state coordinated with a group
                prev = distinct[0] - 1
                gap = sent.lowers[sent.mrange[prev][1]:sent.mrange[distinct[0]][0]]
                if gap in (["and"], ["and", "the"]) and sent.mentions[prev].kind in kinds \
                        and (prev not in sent.demonyms or sent.governs(prev)):
                    distinct.insert(0, prev)
            if len(distinct) >= 2:
                return self._pairs(sent, distinct[:1], distinct[1:], tm, both=not sym)
            m = sent.mentions[left[0]] if left else None
            if m is not None and len(m.entity_ids) >= 2:
                return self._split_plural(sent, m, tm, sym)
        return []

    def _possessive_leaders(self, sent: Sentence) -> list[tuple[TriggerMatch, Candidate]]:
        """"Charles Taylor's NPFL", "Muqtada al-Sadr's Mahdi Army": a person's group is the group the person leads."""
        out = []
        trig, branch = self.first_trigger.get("leads"), self.first_trigger.get("branch_of")
        if trig is None or branch is None:
            return out
        for mi, m in enumerate(sent.mentions):
            if m.kind == "organization" and m.how != "coref":
                # "the Islamic State's Amaq News Agency", "Hezbollah's Radwan Force": the possessed group is a part
                b = sent.mrange[mi][1]
                if b + 1 < sent.n and sent.lowers[b] in ("'s", "’s") and sent.mention_at[b + 1] >= 0:
                    oi = sent.mention_at[b + 1]
                    if sent.mentions[oi].kind == "organization" and sent.mentions[oi].how != "coref":
                        tm = TriggerMatch(branch, b, b + 1, {}, b)
                        out += [(tm, c) for c in self._pairs(sent, [oi], [mi], tm, rule="possessive:branch_of")]
                continue
            if m.kind != "person" or m.how == "coref":
                continue
            a0 = sent.mrange[mi][0]
            if a0 >= 2 and sent.lowers[a0 - 1] == "of" and sent.mention_at[a0 - 2] >= 0:
                oi = sent.mention_at[a0 - 2]
                om = sent.mentions[oi]
                if om.kind in ("organization", "state") and om.how != "coref" and (om.kind == "organization" or sent.governs(oi)):
                    # "the BIFF of Ameril Umbra Kato", "the Salvadoran government of Nayib Bukele"
                    tm = TriggerMatch(trig, a0 - 1, a0, {}, a0 - 1)
                    out += [(tm, c) for c in self._pairs(sent, [mi], [oi], tm, rule="possessive:leads")]
            b = sent.mrange[mi][1]
            if b + 1 >= sent.n or sent.lowers[b] not in ("'s", "’s"):
                continue
            q = b + 1
            if sent.mention_at[q] < 0:
                # "Mokhtar Belmokhtar's brigade, al-Mulathameen": a group noun, then the group's name in apposition
                while q < sent.n and q < b + 4 and sent.mention_at[q] < 0 and sent.words[q][:1].islower() \
                        and sent.lowers[q] not in PREPS:
                    q += 1
                if not (q + 1 < sent.n and q > b + 1 and sent.lowers[q - 1] in GROUP_WORDS and sent.lowers[q] == ","
                        and sent.mention_at[q + 1] >= 0):
                    continue
                q += 1
            oi = sent.mention_at[q]
            if sent.mentions[oi].kind != "organization":
                continue
            tm = TriggerMatch(trig, b, b + 1, {}, b)
            for c in self._pairs(sent, [mi], [oi], tm, rule="possessive:leads"):
                out.append((tm, c))
        return out

    def _common_enemy(self, sent, subs, objs, tm) -> list[Candidate]:
        """"X fought alongside Y against Z": X and Y each fight Z."""
        k = max(sent.mrange[o][1] for o in objs if isinstance(o, int)) if any(isinstance(o, int) for o in objs) else tm.end
        for j in range(k, min(sent.n, k + 4)):
            if sent.lowers[j] == "against":
                sk = self.lex.subject_kinds["fights"]
                enemy = sent.right_arg(j + 1, self.lex.object_kinds["fights"], limit=3)
                if not enemy:
                    return []
                out = []
                for c in self._pairs(sent, [x for x in subs + objs if not isinstance(x, int) or sent.mentions[x].kind in sk], enemy, tm):
                    c.predicate = "fights"
                    c.rule = "alongside:fights"
                    out.append(c)
                return out
            if sent.lowers[j] in (",", ";", ".") or sent.mention_at[j] >= 0 and j > k:
                break
        return []

    def _split_plural(self, sent, m, tm, sym):
        out = []
        ids = m.entity_ids
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                a = Mention(m.start, m.end, m.text, (ids[i],), m.kind, m.how)
                b = Mention(m.start, m.end, m.text, (ids[j],), m.kind, m.how)
                out += self._pairs(sent, [a], [b], tm, both=not sym)
        return out

    def _relationship_pair(self, sent, tm, kinds, floor, want_left=False):
        """"X's relationship with Y reflects competition": the pair framed by a relationship noun earlier in the clause."""
        for i in range(tm.start - 1, max(floor, tm.start - 12) - 1, -1):
            if sent.lowers[i] in ("–", "—", ";", ":"):
                return None
            if sent.lowers[i] in ("relationship", "relationships", "relations", "ties", "relation"):
                if i + 1 < sent.n and sent.lowers[i + 1] in ("with", "to"):
                    right = sent.right_arg(i + 2, kinds, limit=3)
                    left = sent.left_arg(i, kinds, floor, limit=4)
                    if want_left:
                        return left
                    if right and left:
                        return left[0], right[0]
                return None
        return None

    def _title(self, sent, tm, sk, ok, floor, kin=False):
        t = tm.trigger
        if self.use_parse and tm.end - tm.start == 1 and sent.toks[tm.start].pos_ == "VERB":
            return []  # "India sponsors the BLA": a verb, not the role noun "sponsors"
        head = tm.end - 1
        plural = sent.lowers[head].endswith("s") and not sent.lowers[head].endswith("ss")
        partner = None
        k = tm.end
        # partner: "T of Y" / "T in Y" / "T for Y"
        if k < sent.n and sent.lowers[k] in ("of", "in", "within", "for", "to", "with", "under"):
            partner = sent.right_arg(k + 1, ok, limit=3)
            if partner and sent.lowers[k] in ("in", "within") and any(sent.mentions[x].kind in ("state", "place") for x in partner):
                partner = None  # "were rivals in Peru": where, not with whom
        # partner: "Y's T" / "Y T" (compound)
        if not partner:
            j = tm.start - 1
            steps = 0
            while j >= 0 and steps < 5 and sent.mention_at[j] < 0 and sent.lowers[j] in ("'s", "’s", "'", "senior", "top", "former", "local", "regional", "official", "main", "key", "deputy", "military", "new", "current", "de", "facto", "overall", "spiritual", "supreme", "founding", "longtime", "prominent", "powerful", "strong", "formal", "close", "own", "self", "-", "proclaimed", "previous", "late", "slain", "acting", "operational", "interim", "longtime", "then", "first", "second", "third", "elder", "younger") \
                    or (sent.lowers[j].endswith("est") and len(sent.lowers[j]) > 4 and sent.lowers[j - 1] in ("'s", "’s", "'")):
                j -= 1
                steps += 1
            if j >= 0 and sent.mention_at[j] >= 0 and sent.mentions[sent.mention_at[j]].kind in ok:
                partner = [sent.mention_at[j]]
            if not partner:
                # "one of ISIS's most lethal branches": a possessor before up to three adjectives
                j = tm.start - 1
                while j >= 0 and tm.start - j <= 3 and (sent.mention_at[j] < 0 or sent.mention_at[j] in sent.demonyms) \
                        and sent.lowers[j].isalpha() \
                        and (sent.words[j][:1].islower() or sent.lowers[j] in REGION_WORDS or _DEMONYM.search(sent.lowers[j])
                             or j >= 1 and sent.lowers[j - 1] in ("'s", "’s")):
                    j -= 1  # "al-Qaeda's East African affiliate", "al-Qaeda's Yemeni branch"
                if j >= 1 and sent.lowers[j] in ("'s", "’s") and sent.mention_at[j - 1] >= 0 \
                        and sent.mentions[sent.mention_at[j - 1]].kind in ok:
                    partner = [sent.mention_at[j - 1]]
        if partner and sent.mrange[min(partner)][0] < tm.start:
            a = sent.mrange[min(partner)][0]
            if a > 1 and sent.lowers[a - 1] in ("and", "or") and sent.mention_at[a - 2] >= 0 \
                    and (tm.end >= sent.n or sent.mention_at[tm.end] < 0):
                return []  # "the merger of A, B and AQIM's Sahara branch": an unnamed member of a list
        referents = None
        # referent list: "affiliates such as X, Y", "leaders like X and Y"
        k2 = tm.end
        if partner and k < sent.n and sent.lowers[k] in ("of", "in", "within", "for", "to", "with", "under"):
            last = max(partner)
            k2 = sent.mrange[last][1]
        j = k2
        if j < sent.n and sent.lowers[j] == ",":
            j += 1
        intro = ("such", "including", "like", "namely", "e.g.", ":", "especially", "notably", "includes", "include",
                 "included")
        jj = j
        while jj < sent.n and jj < j + 6 and sent.lowers[jj] not in intro and sent.mention_at[jj] < 0 \
                and sent.lowers[jj] not in (";", ".", ":", "–"):
            jj += 1
        if plural and not partner and self.onto.predicate(t.predicate).symmetric and tm.end < sent.n \
                and sent.mention_at[tm.end] >= 0:
            lst = [x for x in sent.filt(sent.group(sent.mention_at[tm.end]), sk) if x >= sent.mention_at[tm.end]]
            if len(lst) >= 2:  # "rivals X and Y signed ...", "allies X and Y"
                return self._pairs(sent, lst[:1], lst[1:], tm)
        if jj < sent.n and sent.lowers[jj] in intro:
            j = jj
        if j < sent.n and sent.lowers[j] in intro:
            j += 2 if sent.lowers[j] == "such" else 1
            referents = sent.right_arg(j, sk, limit=2)
        elif not plural:
            # apposition: "the leader of Y, X" / compound "Y leader X"
            if k2 < sent.n and sent.lowers[k2] == "," and k2 + 1 < sent.n:
                referents = sent.right_arg(k2 + 1, sk, limit=1)
                if referents and all(sent.mentions[x].text.lower() in PRONOUNS for x in referents):
                    referents = None  # "X, a splinter of Y, announced its ...": a pronoun is no apposition
            elif k2 == tm.end and k2 < sent.n and sent.mention_at[k2] >= 0:
                referents = sent.right_arg(k2, sk, limit=0)
        if not referents:
            # "X, the leader of Y" / "X is a branch of Y" / "X, an AQ affiliate"
            start = tm.start
            if partner and sent.mrange[min(partner)][0] < tm.start:
                start = sent.mrange[min(partner)][0]
            j = start - 1
            steps = 0
            while j >= floor and steps < 8:
                mi = sent.mention_at[j]
                w = sent.lowers[j]
                if mi >= 0 and mi in sent.demonyms and sent.mentions[mi].kind not in sk:
                    j -= 1
                    continue
                if mi >= 0 and sent.mrange[mi][0] > 0 \
                        and sent.lowers[sent.mrange[mi][0] - 1] == "by" and (partner is None or mi not in partner):
                    j = sent.mrange[mi][0] - 2  # "established by X as a splinter of Y": past the agent
                    steps += 1
                    continue
                if mi < 0 and w in ("in", "since", "during", "around", "by") and j + 1 < sent.n and _DIGIT.match(sent.lowers[j + 1]):
                    j -= 1  # "created in 1987 as an offshoot of"
                    steps += 1
                    continue
                if mi < 0 and w in ("for", "over") and j + 1 < sent.n and sent.lowers[j + 1] in ("decades", "years", "months", "a", "many", "several"):
                    j -= 1  # "was for decades Fatah's main rival"
                    steps += 1
                    continue
                if mi >= 0 and sent.mrange[mi][1] < tm.start and sent.lowers[sent.mrange[mi][1]] in COMPOUND_HEADS:
                    break  # "like other AQ affiliates, ... branches": AQ modifies another noun
                if mi >= 0:
                    if sent.mentions[mi].kind in sk and (partner is None or mi not in partner):
                        nxt = sent.mrange[mi][1]
                        if nxt < sent.n and sent.lowers[nxt] in ("'s", "’s", "'"):
                            referents = [mi]  # "IMU's former Taliban allies": the possessor alone
                        else:
                            referents = sent.filt(sent.group(mi), sk)
                    break
                if w == "to" and j + 1 < sent.n and sent.lowers[j + 1] in ("be", "become", "remain"):
                    j -= 1  # "is assessed to be one of X's branches"
                    steps += 1
                    continue
                if w == "and" and j + 1 < sent.n and sent.lowers[j + 1] in ("was", "were", "is", "are", "has", "had", "have", "later", "then", "subsequently"):
                    break  # "pledged to X in 2014 and was later named emir of Y": not X
                if mi < 0 and self.use_parse and sent.toks[j].pos_ == "VERB" and w not in COPULA and w not in LINK_VERBS \
                        and any(ch.dep_ == "dobj" for ch in sent.toks[j].children):
                    break  # "X expelled the Y faction": a transitive verb separates X from the role noun
                if w == "over" and j > 0 and sent.lowers[j - 1] in ("took", "take", "takes", "taken", "taking"):
                    j -= 1  # "X took over as Y's leader"
                    steps += 1
                    continue
                if w in (";", ":", "that", "which", "who", "but", "while", "because", "–", "—", "alongside", "beside") \
                        or (w in PREPS and w not in ("of", "as")):
                    break
                if w in ("and", "or", "&") and j == start - 1 and partner and sent.mrange[min(partner)][0] == start:
                    break  # "X and Y's faction fought each other": X is coordinated with Y, not Y's faction
                j -= 1
                steps += 1
        predicative = False
        if not plural:
            for i in range(tm.start - 1, max(-1, tm.start - 7), -1):
                if sent.lowers[i] in ("a", "an", "the"):
                    predicative = i > 0 and sent.lowers[i - 1] in COPULA
                    break
        if not referents and not predicative:
            # a profile's noun phrase: "history – originally a faction of X": the profile's group
            cs = sent.clause_start(tm.start, floor)
            if cs > 0 and sent.lowers[cs - 1] in ("–", "—", ";", ":") and all(
                    w in NP_START for w in sent.lowers[cs : (min(tm.start, sent.mrange[min(partner)][0]) if partner and isinstance(partner[0], int) else tm.start)]):
                top = _topic_subject(sent, tm.start, floor, sk)
                if top is not None and (not partner or not isinstance(partner[0], int)
                                        or top.entity_ids != sent.mentions[partner[0]].entity_ids):
                    referents = [top]
        if not referents and predicative:
            top = _topic_subject(sent, tm.start if not partner else min(tm.start, sent.mrange[min(partner)][0]) if isinstance(partner[0], int) else tm.start, floor, sk)
            if top is not None and (not partner or top.entity_ids != (partner[0] if isinstance(partner[0], Mention) else sent.mentions[partner[0]]).entity_ids):
                referents = [top]
        if not referents:
            return []
        if not partner and self.onto.predicate(t.predicate).symmetric and isinstance(referents[0], int):
            m = sent.mentions[referents[0]]
            if len(m.entity_ids) >= 2:  # "the two groups remain rivals"
                return self._split_plural(sent, m, tm, True)
            distinct = []
            for x in referents:
                if all(sent.mentions[x].entity_ids != sent.mentions[y].entity_ids for y in distinct):
                    distinct.append(x)
            if len(distinct) >= 2:  # "X and Y have been rivals"
                return self._pairs(sent, distinct[:1], distinct[1:], tm)
        if not partner:
            if plural or t.predicate in ("member_of", "branch_of"):
                partner = self._fallback_partner(sent, tm, ok, floor, referents)
            if not partner and sent.ctx.topic is not None and sent.ctx.topic.kind in ok:
                partner = [sent.ctx.topic]
            if not partner:
                return []
        referents = [r for r in referents if r not in partner]
        return self._pairs(sent, referents, partner, tm)

    def _fallback_partner(self, sent, tm, ok, floor, referents):
        """A plural role noun without "of Y": the possessor in the clause ("AQ's ... affiliates"), else its subject."""
        for i in range(tm.start - 1, floor - 1, -1):
            mi = sent.mention_at[i]
            if mi >= 0 and mi not in referents and sent.mentions[mi].kind in ok:
                nxt = sent.mrange[mi][1]
                if nxt < sent.n and sent.lowers[nxt] in ("'s", "’s", "'"):
                    return [mi]
        subs = sent.left_arg(tm.start, ok, floor)
        if subs:
            subs = [s for s in subs if s not in referents]
            # a subject that is itself an earlier listed referent is no partner
            return subs[:1] or None
        return None

    def _org_of_person(self, sent, m: Mention) -> str | None:
        gaz = sent.ctx.gazetteer
        pid = m.entity_id
        for c in gaz.claims:
            if c.subject == pid and c.predicate in ("leads", "member_of"):
                return c.object
        prev = [x for x in sent.ctx.mentions if x.kind == "organization" and x.end <= m.start]
        return prev[-1].entity_id if prev else None

    # ---- attribution, polarity, modality, time, qualifiers ----------------
    def _attribution(self, sent: Sentence, state: dict) -> list[dict]:
        cues: list[dict] = []
        quote_speaker = state.get("quote_speaker")
        if quote_speaker is not None and state.get("quote_para") == self._para(sent):
            cues.append({"start": 0, "comp": 0, "speaker": quote_speaker, "mention": state.get("quote_mention"), "kind": "quote"})
        else:
            state.pop("quote_speaker", None)
        lw = sent.lowers
        for i, w in enumerate(lw):
            if w == "according" and i + 1 < sent.n and lw[i + 1] == "to":
                sp = sent.right_arg(i + 2, ACTORS, limit=2)
                if sp:
                    for x in sent.group(sp[0]):
                        sent.blocked.add(x)
                    m = sent.mentions[sp[0]]
                    cues.append({"start": i, "comp": 0, "speaker": m.entity_id, "mention": m, "kind": "according"})
                continue
            if w not in SPEECH or sent.mention_at[i] >= 0:
                continue
            comp = None
            for j in range(i + 1, min(sent.n, i + 8)):
                if lw[j] in ("that", "how", ":", "“", '"', "whether"):
                    comp = j + 1
                    if lw[j] == ":" and j + 1 < sent.n and lw[j + 1] in ("“", '"'):
                        comp = j + 2
                    break
                if lw[j] in (";", "."):
                    break
            if comp is None and i > 0 and sent.mention_at[i - 1] >= 0 and i + 1 < sent.n and (
                    sent.mention_at[i + 1] >= 0 or lw[i + 1] == "the" and i + 2 < sent.n and sent.mention_at[i + 2] >= 0):
                comp = i + 1  # "Colombia says Venezuela shelters ...": a complement clause without "that"
            if comp is None:
                continue
            spk = sent.left_arg(i, ACTORS, self.floor_before(cues, i), limit=14, blockers=False)
            speaker = None
            mention = None
            if spk:
                mention = sent.mentions[spk[0]]
                speaker = mention.entity_id
            cues.append({"start": i, "comp": comp, "speaker": speaker, "mention": mention, "kind": "speech",
                         "open_quote": any(x in ("“", '"') for x in lw[i:comp]) and not any(x in ("”",) for x in lw[comp:])})
        sent.cues = cues
        return cues

    @staticmethod
    def floor_before(cues, i):
        f = 0
        for c in cues:
            if c["comp"] <= i:
                f = max(f, c["comp"])
        return f

    def _para(self, sent):
        for n, p in enumerate(sent.ctx.paragraphs):
            if p.start <= sent.start < p.end:
                return n
        return -1

    def _track_quotes(self, sent, state, cues):
        for c in cues:
            if c.get("kind") == "speech" and c.get("open_quote") and c["speaker"]:
                state["quote_speaker"] = c["speaker"]
                state["quote_mention"] = c["mention"]
                state["quote_para"] = self._para(sent)
        if "”" in sent.lowers and not any(c.get("open_quote") for c in cues):
            state.pop("quote_speaker", None)

    def _decorate(self, sent: Sentence, tm: TriggerMatch, c: Candidate, cues, state) -> None:
        lw = sent.lowers
        floor = self.floor_for(sent, tm.start)
        # attribution: the innermost speech cue whose complement holds the trigger
        for cue in cues:
            if cue["kind"] == "according" or (cue["comp"] <= tm.start and cue["start"] < tm.start) or cue["kind"] == "quote":
                if cue["speaker"] and cue["speaker"] not in (c.subject_id, c.object_id) or cue["kind"] == "speech" and cue["speaker"]:
                    c.attributed_to = cue["speaker"]
                    c.attribution_mention = cue["mention"]
                if cue["kind"] == "according":
                    c.modality = "reported"
        # the subject's end bounds the polarity/modality window on the left
        cs = sent.clause_start(tm.start, floor)
        window = list(range(cs, tm.start)) + list(range(tm.start, tm.end))
        if tm.trigger.frame in ("title", "title_kin", "of_subj", "pair", "label", "compound_loc", "adj_loc"):
            # a role or relation noun: only what stands between its nearest argument and the noun negates it
            ends = [sent.mrange[k][1] for k, m in enumerate(sent.mentions)
                    if (m is c.subject or m is c.object or (m.start, m.end) in ((c.subject.start, c.subject.end), (c.object.start, c.object.end)))
                    and sent.mrange[k][1] <= tm.start]
            lo = max(ends) if ends else tm.start
            window = list(range(max(cs, lo), tm.end))
        neg = 0
        for i in window:
            w = lw[i]
            if w in NEG_VERBS and i < tm.start:
                w = "not"  # "rejected any alliance with", "avoided fighting": a refusal verb before the trigger
            if w in NEG_WORDS:
                if w == "not" and i + 1 < sent.n and lw[i + 1] in ("only", "just"):
                    continue
                if w == "no" and i + 1 < sent.n and lw[i + 1] in ("doubt",):
                    continue
                # "refused to X and continued to Y": a negation scopes over its own verb phrase
                # ("denied funding or arming X": a disjunction right before the trigger stays in scope)
                if i < tm.start and any(lw[j] in ("and", "or", "but", "then") and not (lw[j] in ("or", "nor") and j + 1 == tm.start)
                                        for j in range(i + 1, tm.start)) \
                        and not (i + 2 < sent.n and lw[i + 1] in ("proof", "evidence") or w in ("without",)):
                    continue
                neg += 1
        # scope openers before the clause: "there was no proof that", "denied that"
        if cs > 0 and lw[cs - 1] == "that":
            pre = lw[max(0, cs - 5) : cs - 1]
            if any(w in ("no", "not", "denied", "denies", "deny", "false", "untrue") for w in pre):
                neg += 1
        if tm.trigger.neg:
            neg += 1
        c.polarity = "negated" if neg % 2 else "asserted"
        # modality
        mod = tm.trigger.modality
        wset = {lw[i] for i in window}
        if mod is None:
            ps = cs
            for k, m in enumerate(sent.mentions):
                if m is c.subject or (m.start == c.subject.start and m.end == c.subject.end):
                    if sent.mrange[k][1] <= tm.start:
                        ps = max(cs, sent.mrange[k][1])
                    break
            plan = any(lw[i] in PLAN_WORDS for i in range(ps, tm.start)) or any(
                lw[i] in ("called", "calling", "calls", "call") and i + 1 < sent.n and lw[i + 1] in ("for", "on", "upon")
                for i in range(ps, tm.start)
            )
            if plan and not tm.trigger.modality:
                if tm.trigger.predicate in ("attacks", "fights", "controls", "operates_in", "based_in", "supports", "finances",
                                            "trains", "shelters", "pledged_allegiance_to", "merged_into", "splinter_of"):
                    c.modality = "drop"
                    return
            for name in ("hypothetical", "alleged", "reported", "estimated"):
                cues_ = MODAL_CUES[name]
                if wset & cues_ or (name == "hypothetical" and lw and lw[0] == "if"):
                    if name == "estimated" and "could" in wset and "not" in wset:
                        continue
                    mod = name
                    break
        if mod and c.modality == "fact":
            c.modality = mod
        elif mod and c.modality == "reported" and mod in ("hypothetical", "alleged", "claimed"):
            c.modality = mod
        # time
        self._time(sent, tm, c, state)
        # qualifiers
        q = Q.qualifiers_for(sent, tm, c)
        if q:
            c.qualifiers.update(q)
        feats = list(c.features)
        if c.subject.how in ("coref", "topic") or c.object.how in ("coref", "topic"):
            feats.append("coref")
        if c.subject.how in ("discovered", "fuzzy") or c.object.how in ("discovered", "fuzzy"):
            feats.append("discovered")
        c.features = tuple(feats)

    def _time(self, sent: Sentence, tm: TriggerMatch, c: Candidate, state: dict) -> None:
        dates = state["dates_by_sent"].get(sent.start)
        if dates is None:
            dates = _dates(sent)
            state["dates_by_sent"][sent.start] = dates
        if not dates:
            anchors = getattr(sent, "_anchors", None)
            if anchors is None:
                anchors = sent._anchors = timex.find_event_anchors(sent.text, sent.start)
            carries = getattr(sent, "_carries", None)
            if carries is None:
                carries = sent._carries = bool(timex.carries_over(sent.text))
            if not anchors and not carries:
                return  # nothing in or before the sentence can date the claim
        floor = self.floor_for(sent, tm.start)
        cs = sent.char(sent.clause_start(tm.start, floor))
        ce = sent.char(sent.clause_end(tm.end))
        tpos = sent.char(tm.start)
        cands = [d for d in dates if d.start >= cs and d.end <= ce]
        first = last = None
        kind = None
        if cands:
            d = min(cands, key=lambda d: abs(d.start - tpos))
            first, last, kind = d.first, d.last, d.kind
        else:
            # "after the death of X": the date the gazetteer knows for X's end
            anchors = getattr(sent, "_anchors", None)
            if anchors is None:
                anchors = sent._anchors = timex.find_event_anchors(sent.text, sent.start)
            for s, e, prep, ev in anchors:
                if not (cs <= s < ce):
                    continue
                date = None
                if ev == "death" or ev == "killing":
                    for m in sent.mentions:
                        if e <= m.start <= e + 6 and m.kind == "person":
                            ent = sent.ctx.entity(m.entity_id)
                            date = ent.end[:4] if ent and ent.end else None
                            break
                elif ev.startswith("attack") or ev == "invasion":
                    prev = self._previous_date(sent, state)
                    date = (prev[0].first or prev[0].last)[:4] if prev else None
                if date:
                    if prep in ("after", "since", "following"):
                        first, kind = date, "from"
                    else:
                        last, kind = date, "to"
                    break
            carries = getattr(sent, "_carries", None)
            if carries is None:
                carries = sent._carries = bool(timex.carries_over(sent.text))
            if kind is None and carries:
                prev = self._previous_date(sent, state)
                if prev and prev[1] == self._para(sent):
                    d = prev[0]
                    first, last, kind = d.first, d.last, d.kind
        if kind is None:
            return
        trig_word = sent.lowers[tm.start]
        if c.predicate in EVENT_PREDICATES:
            pass
        elif trig_word in INCEPTIVE or any(sent.lowers[i] in ("began", "begin", "started", "start") for i in range(max(0, tm.start - 3), tm.start)):
            if kind in ("point", "range"):
                last = None
        c.valid_from, c.valid_to = first, last

    def _previous_date(self, sent: Sentence, state: dict):
        """The last date expression of the nearest earlier sentence that has one, with its paragraph index."""
        text = sent.ctx.document.text
        for cs, ce in reversed(state.get("dated", [])):
            if ce > sent.start:
                continue
            dates = timex.find_dates(text[cs:ce], cs)
            if dates:
                last = max(dates, key=lambda d: d.end)
                para = next((n for n, p in enumerate(sent.ctx.paragraphs) if p.start <= cs < p.end), -1)
                return last, para
        return None


@component("andiwali_relations", reads=("ctx.mentions", "ctx.sentences", "doc.sents", "token.dep"), writes=("ctx.claims",))
class RelationExtractor:
    """Applies the trigger lexicon to every sentence with a mention."""

    def __call__(self, doc: Doc) -> Doc:
        from andiwali.extract.components import sentence_ranges

        ctx = _ctx(doc)
        engine = RuleEngine()
        engine.use_parse = bool(ctx.options.get("_parsed"))
        state: dict = {"dates_by_sent": {}}
        mentions = ctx.mentions
        arr = _doc_arrays(doc, ctx)
        lowers, idxs, words = arr["lower"], arr["idx"], arr["text"]
        first_words = engine.lex.by_first
        firsts = [i for i, w in enumerate(lowers) if w in first_words]
        text = ctx.document.text
        mi = 0
        claims = []
        for ts, te in sentence_ranges(doc):
            cs, ce = idxs[ts], idxs[te - 1] + len(words[te - 1])
            while mi < len(mentions) and mentions[mi].end <= cs:
                mi += 1
            here = []
            j = mi
            while j < len(mentions) and mentions[j].start < ce:
                here.append(mentions[j])
                j += 1
            # a sentence without a mention or without any trigger word gives no claim: only note its dates
            dated = timex.YEARISH.search(text, cs, ce) is not None
            if not here or bisect.bisect_left(firsts, ts) == bisect.bisect_left(firsts, te):
                if dated:
                    state.setdefault("dated", []).append((cs, ce))
                continue
            sent = Sentence(doc, ts, te, here, ctx)
            claims.extend(_with_countries(engine.sentence(sent, state), ctx))
            if dated:
                state.setdefault("dated", []).append((cs, ce))
        ctx.claims = claims
        return doc


Language.component("andiwali_relations")(lambda doc: RelationExtractor()(doc))
