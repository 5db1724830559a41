"""Discovery of organizations the gazetteer does not know, by general patterns.

Works on mixed-case and on all-lower-case (or all-capital) text: names are found
from their shape ("<modifiers> <group noun> [of ...]"), from acronym definitions
("... unity (urng)", "eln (army of national liberation)"), from acronyms next to
cue words ("fmln rebels", "guerrillas of the eln"), from quoted names next to an
organization word and from responsibility claims. Nothing here lists the names of
particular groups: only closed classes of English words (group nouns, ideology
words, nationality adjectives, function words) and the shapes around them.

State organs are not discovered organizations: an army, armed forces, police,
national guard, government, embassy or a numbered military unit of a country is a
``state`` entity in the ontology ("the salvadoran army", "the 6th infantry
brigade", "the armed forces of colombia"). A state-type group noun becomes an
organization only with an insurgent marker ("people's revolutionary army",
"revolutionary armed forces of colombia", "army of national liberation").

Pure regular expressions and token scanning: no model, no network.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

__all__ = ["Discovered", "discover_organizations", "is_state_phrase"]


@dataclass(frozen=True, slots=True)
class Discovered:
    """One span of ``text`` naming an organization not in the gazetteer.

    ``name`` is the organization's cleaned name (for an acronym occurrence, the
    long form the document defines, when it defines one); ``aliases`` holds the
    acronym; ``evidence`` names the pattern that found it.
    """

    start: int
    end: int
    name: str
    kind: str = "organization"
    evidence: str = "group-noun"
    confidence: float = 0.5
    aliases: tuple[str, ...] = ()


def _set(s: str) -> frozenset[str]:
    return frozenset(s.split())


# ---------------------------------------------------------------- word classes
# group nouns that end a name ("... liberation front"); the plural/singular forms are listed
TAIL_HEADS = _set(
    """front fronts army armies movement movements unity party command commands commandos commando group groups
    brigade brigades battalion battalions forces force organization organisation council union alliance league
    federation association coalition committee committees cartel squad squads faction vanguard legion militia
    militias tigers guard guards corps network jamaat cell cells units shura"""
)
# heads that need a proper-name-like word (or two ideology words) to be a name
WEAK_HEADS = _set(
    """group groups organization organisation command commands council union federation association committee
    committees cell cells network force forces coalition faction corps guard guards battalion battalions brigade units shura"""
)
# heads of state organs: an organization only with an insurgent marker
STATE_HEADS = _set(
    """army armies forces force police military guard guards navy government administration embassy ministry
    regiment division detachment garrison corps gendarmerie junta command brigade battalion"""
)
# group nouns that start a name (Arabic, Urdu/Persian): "lashkar-e-taiba", "ansar al-sharia"
HEAD_INITIAL = _set(
    """jamaat jama'at jamaah jama'ah jamiat jamiyat harakat harkat harakah lashkar lashkar-e lashkar-i jaish jaish-e
    jaysh jaysh-e ansar ansaru katibat katiba katibah kataib kata'ib tehrik tehreek tahrik tehrik-e tehrik-i hizb
    hizbul hezb liwa jabhat jabha tanzim majlis"""
)
# words that make part of a name and distinguish it
IDEOLOGY = _set(
    """revolutionary revolution national nationalist popular patriotic islamic islamist liberation people's peoples
    peoples' workers' workers worker's communist socialist democratic democracy christian social republican united
    unified independent independence freedom liberty fatherland homeland resistance justice unity salvation
    solidarity struggle self-defense self-defence mujahideen mujahidin mujahedin jihad holy sacred martyrs martyrs'
    martyr's red black green free new youth students student students' peasant peasants peasants' labor labour
    women's left marxist leninist marxist-leninist proletarian internationalist anti-imperialist anti-fascist
    restoration reconstruction renewal progressive conservative liberal constitutional christian-democratic
    action sovereignty emancipation dignity poor landless indigenous fascist anarchist redemption"""
)
# words that may sit inside a name but do not distinguish it
GENERIC_MODS = _set(
    """armed guerrilla guerrillas' rebel rebels' insurgent terrorist military paramilitary security government
    state public enemy regular special main high general central supreme elite death drug drug-trafficking
    trafficking criminal mafia civil civilian defense defence political opposition local regional provincial
    municipal urban rural international official joint combined coordinating unit infantry artillery cavalry
    airborne mechanized motorized marine naval air rapid reaction counterinsurgency counterinsurgent mobile
    border tactical operations task strike assault police army navy intelligence secret presidential federal
    metropolitan district departmental territorial private mass masses little small large big huge whole
    entire complete various different certain major minor key top senior junior solid strong weak important
    influential leading largest biggest only sole same whole ethnic business support standing permanent
    temporary ad hoc interim executive advisory technical press news television radio media electoral
    elections legislative judicial senate congressional parliamentary municipal professional bomb explosives
    rescue firing principal strategic coherent particular northeastern northwestern southeastern southwestern another
    people"""
)
# words in front of a name that are not part of it: the expansion stops there
DESCRIPTORS = _set(
    """so-called self-styled self-proclaimed self-described leftist rightist left-wing right-wing far-left far-right
    ultra-left ultra-right extreme extremist radical clandestine outlawed banned proscribed dissident maoist
    guevarist trotskyist castroite pro-cuban separatist secessionist shadowy little-known unknown sinister ruling
    opposition pro-government antigovernment anti-government underground alleged suspected former defunct
    jihadist salafist salafi militant rival allied powerful notorious feared largest main subversive
    terrorist marxist-oriented leftwing rightwing pro-iranian pro-syrian pro-soviet"""
)
INSURGENT_MARKERS = _set(
    """revolutionary revolution liberation popular people's peoples people patriotic rebel guerrilla insurgent
    resistance red islamic freedom independence liberty salvation communist socialist proletarian marxist
    leninist mujahideen mujahidin jihad workers' workers urban martyrs martyrs' martyr's"""
)
NATIONALITIES = _set(
    """afghan albanian algerian american angolan arab arabian argentine argentinian armenian australian austrian
    azerbaijani bahraini bangladeshi basque belgian bolivian bosnian brazilian british bulgarian burmese burundian
    cambodian cameroonian canadian chadian chechen chilean chinese colombian congolese corsican costa croatian
    cuban cypriot czech danish dominican dutch ecuadoran ecuadorean ecuadorian egyptian emirati english eritrean
    ethiopian european filipino finnish french georgian german ghanaian greek guatemalan guinean haitian honduran
    hungarian indian indonesian iranian iraqi irish israeli italian ivorian jamaican japanese jordanian kashmiri
    kazakh kenyan korean kosovar kurdish kuwaiti kyrgyz lebanese liberian libyan lithuanian macedonian malagasy
    malaysian malian mauritanian mexican moroccan mozambican namibian nepalese nicaraguan nigerian nigerien
    norwegian omani pakistani palestinian panamanian paraguayan persian peruvian philippine polish portuguese
    qatari romanian russian rwandan salvadoran salvadorean saudi scottish senegalese serbian sierra slovak somali
    south southern northern eastern western north east west spanish sri sudanese swedish swiss syrian tajik
    tamil tanzanian thai tunisian turkish turkmen ugandan ukrainian uruguayan uzbek venezuelan vietnamese welsh
    yemeni zambian zimbabwean soviet latin central ibero-american andean caribbean sikh baluch baloch pashtun
    uighur uyghur moro karen kachin shan naga bodo"""
)
ORDINAL_RE = re.compile(r"^(?:\d+(?:st|nd|rd|th|d)?|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)$")
NUMBER_RE = re.compile(r"^\d+$")
MONTHS = _set("january february march april may june july august september october november december")
STOP = _set(
    """a an the this that these those its it it's their they them he she his her him our we us you your i me my
    of in on at by for with from to into onto upon over under about against between among through during before
    after since until while when where which who whom whose what why how and or nor but if then than so as is
    are was were be been being am has have had do does did will would shall should can could may might must
    not no yes all any some many much more most other others such same each every both either neither few
    several one two three four five six seven eight nine ten hundred thousand there here also only very just
    even still yet already again ago today yesterday tomorrow tonight now then later earlier last next
    said says say told tell reported report reports according claimed claim claims announced added noted
    stated denied accused blamed attacked killed wounded kidnapped murdered bombed dynamited destroyed
    near across along around behind beside beyond inside outside within without toward towards via per
    mr mrs ms dr gen col lt maj capt sgt msgr father president minister colonel general captain major
    monday tuesday wednesday thursday friday saturday sunday morning afternoon evening night week month year
    day days weeks months years hours hour minutes time times
    that's there's let let's because although though whether however therefore thus meanwhile instead
    well like unlike including include includes included known called named led headed"""
)
# people and generic collective nouns: never an organization's name on their own
GENERIC_ACTORS = _set(
    """guerrilla guerrillas rebel rebels terrorist terrorists insurgent insurgents militant militants subversive
    subversives soldier soldiers troops troop police policemen officers officer members member leaders leader
    fighters fighter commandos commando gunmen gunman men women people persons individuals group groups
    organization organizations government authorities army forces military criminals criminal assassins
    hitmen mercenaries peasants civilians students workers unionists priests jesuits reporters journalists
    sources officials spokesman spokesmen residents citizens population country nation state enemy comrades
    cell column unit units squad squads party parties movement front"""
)
_CUE_AFTER = _set(
    """guerrillas guerrilla rebels rebel terrorists terrorist commandos commando militants militant fighters
    subversives insurgents members member leaders leader leadership column columns front fronts forces force
    command commander commanders cell cells unit units camp camps delegation spokesman communique communiques
    urban combatants gunmen cadres cadre sympathizers militia dissidents faction"""
)
_CUE_BEFORE = _set(
    """guerrillas rebels terrorists militants members member leaders leader leadership column columns front fronts
    forces commander commanders cell cells units unit fighters spokesman faction sympathizers cadres
    combatants commandos delegation"""
)
_STRONG_CUES = _set("guerrillas guerrilla rebels rebel terrorists terrorist commandos militants subversives insurgents "
                    "urban combatants cadres")
# short English words that stand next to cue words ("top leaders", "two guerrillas")
_SHORT_WORDS = _set("""top out try two one six ten new old big all our any few per sub pro con red air war gun car bus
    day way man men job act end law arm arms hit run lot bad due far near left past post port crew unit camp base
    area zone city town road farm home hill film team band gang ring cell body army navy town fire bomb mine shot
    dead live full half main last next most much more less many some such only both each very well ever even
    also just once able sure free open real true high deep long wide late early rich poor""")
_NOT_ORG_ACRONYMS = _set(
    """un us usa uk eu eec oas imf nato cia fbi dea kgb tv gmt utc km kms kph mph mm cm kg lb am pm ad bc no nos
    vs etc ie eg ok ceo gdp usd rpg ied ieds uav ak mp mps hq pr ngo ngos ii iii iv vi vii viii ix xi xii afp
    efe ap upi bbc cnn dpa ansa tass prensa ips awacs ussr cnn abc cbs nbc who unesco unicef unhcr ilo opec
    icrc ltd inc co corp mr mrs ms dr st jr sr pc nr rr fm"""
)
_VERB_MARKERS = _set("to will would can could should must may might not did does do don't didn't won't cannot")
_PLURAL_HEADS = _set("fronts armies movements groups organizations organisations battalions brigades commands cells "
                     "committees councils unions parties militias squads guards forces commandos")
# civic bodies: a name only with an ideology word (not "national", "central", "social") or an acronym
_CIVIC_HEADS = _set("council committee committees association federation union league network")
# ideology words too common to name a group on their own (class and sector words among them)
_WEAK_IDEOLOGY = _set("""national central social new united free labor labour youth student students students' peasant
    peasants peasants' women's workers workers' worker's poor landless indigenous""")
_FUNC_IN_NAMES = _set("of the for and in de del la las los el al y e i ul ud ur wal wa fi bin ibn")
_HEAD_INITIAL_JOIN = _set("al el e i ul ud ur wal wa fi ad an ar as ash at az ut us")

_UPPER_RE = re.compile(r"[^\W\d_a-z]")  # approximate: capitals (and caseless letters of other scripts)
_LETTER_RE = re.compile(r"[^\W\d_]")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
# the ASCII bytes that are not capitals / not letters (what the two patterns above match among ASCII: A-Z / A-Za-z)
_NOT_ASCII_UPPER = bytes(b for b in range(128) if not chr(b).isupper())
_NOT_ASCII_LETTER = bytes(b for b in range(128) if not chr(b).isalpha())
_ACR_CORE_RE = re.compile(r"[a-z]{2,8}(?:-?\d{1,2})?")
_WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*(?:['’](?=\s))?")
_APOS = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
_WORD_SPLIT_RE = re.compile(f"({_WORD_RE.pattern})")


def _apostrophes(s: str) -> str:
    """``s.translate(_APOS)``, faster on long texts."""
    return s.replace("’", "'").replace("‘", "'").replace("ʼ", "'")


@lru_cache(maxsize=100_000)
def _norm(w: str) -> str:
    return w.lower().translate(_APOS)


@dataclass(slots=True)
class _Tok:
    low: str
    raw: str
    start: int
    end: int


class _Doc:
    """Tokens of the text with the gaps between them."""

    def __init__(self, text: str, caseless: bool | None = None) -> None:
        self.text = text
        lowered = _apostrophes(text.lower())
        same = len(lowered) == len(text)  # lower() keeps every length but for a few letters ("İ")
        # re.split with the word pattern as a group gives [gap, word, gap, ..., word, gap] in one C-level pass
        parts = _WORD_SPLIT_RE.split(text)
        pos = list(accumulate(map(len, parts)))
        raws = parts[1::2]
        starts = pos[0:-1:2]  # the end of the gap before each word
        ends = pos[1::2]
        lows = list(map(lowered.__getitem__, map(slice, starts, ends))) if same else list(map(_norm, raws))
        for k in [k for k, low in enumerate(lows) if low[-2:] == "'s"]:
            low, raw = lows[k], raws[k]
            if len(low) > 3 and low not in IDEOLOGY and _acronym_shaped(
                    low[:-2], caseless=True, raw=raw[:-2]) and (_unpronounceable(low[:-2]) or raw[:-2].isupper()):
                raws[k], lows[k], ends[k] = raw[:-2], low[:-2], ends[k] - 2  # "fmln's" -> "fmln"
        self.toks = list(map(_Tok, lows, raws, starts, ends))
        self.caseless = is_caseless(text) if caseless is None else caseless

    def gap(self, i: int) -> str:
        """The text between token i and token i + 1."""
        return self.text[self.toks[i].end : self.toks[i + 1].start]

    def joined(self, i: int) -> bool:
        """Token i and i + 1 are inside one phrase (only white space between them, no paragraph break)."""
        g = self.gap(i)
        return (not g.strip()) and "\n\n" not in g and len(g) <= 6

    def cap(self, i: int) -> bool:
        return self.caseless or self.toks[i].raw[:1].isupper() or self.toks[i].raw[:1].isdigit()


def _is_open(w: str) -> bool:
    """A proper-name-like word: not a function word, not a generic word, not a number."""
    if len(w) < 2 or not w[0].isalpha():
        return False
    if w in STOP or w in GENERIC_ACTORS or w in GENERIC_MODS or w in DESCRIPTORS or w in MONTHS:
        return False
    if w in TAIL_HEADS or w in IDEOLOGY or w in NATIONALITIES:
        return False
    if w.endswith("ly") and len(w) > 4:
        return False
    if len(w) >= 6 and w.endswith(_ADJ_SUFFIXES):
        return False  # "strategic alliance", "coherent party": adjectives, not names
    return True


# bodies that are not groups: acronym definitions naming them are not discovered organizations
INSTITUTIONS = _set("""center centre university universities school college institute institution commission
    board department ministry office agency bank company corporation court tribunal matters bureau service
    services administration secretariat program programme project fund foundation hospital airline airlines
    television radio newspaper daily agency station patrol patrols""")
_ABSTRACT = ("ion", "ship", "ment", "ness", "ity", "ism", "ance", "ence", "age")
_STATE_BODIES = _set("department ministry patrol patrols gendarmerie carabineros embassy secretariat")
_ADJ_SUFFIXES = ("ical", "ive", "ous", "ular", "ent", "ic", "able", "ible", "ful", "less", "est", "ern")


def _acronym_shaped(w: str, *, caseless: bool, raw: str) -> bool:
    """A token that may be an acronym: 2-8 letters (digits after a hyphen allowed: "m-19")."""
    if not caseless and (not raw[:1].isupper() or len(raw) > 12):
        return False  # the common case, decided without the cache
    return _acronym_shaped_cached(w, caseless, "" if caseless else raw)


@lru_cache(maxsize=50_000)
def _acronym_shaped_cached(w: str, caseless: bool, raw: str) -> bool:
    if not caseless:
        core = raw.replace("-", "")
        letters = [c for c in core if c.isalpha()]
        if len(letters) < 2 or not all(c.isupper() for c in letters):
            return False
    core = w.replace("-", "")
    if not (2 <= len(core) <= 8) or not core[0].isalpha():
        return False
    if not _ACR_CORE_RE.fullmatch(core):
        return False
    letters = re.sub(r"\d", "", core)
    if len(letters) < 2:
        return False
    if w in _NOT_ORG_ACRONYMS or w in STOP or w in GENERIC_ACTORS or w in GENERIC_MODS or w in DESCRIPTORS:
        return False
    if w in TAIL_HEADS or w in IDEOLOGY or w in NATIONALITIES or w in MONTHS or w in HEAD_INITIAL:
        return False
    return True


_VOWELS = set("aeiouy")


_ONSETS = _set("""bl br ch cl cr dr dw fl fr gh gl gr gn kl kn kr ph pl pr ps pn qu rh sc sh sk sl sm sn sp st sw th
    tr tw wh wr sch str spr spl scr squ shr thr thw chr phr""")
_CODAS = _set("""ft ld lf lk lm lp lt mp nd nk nt ng ns nz pt rb rd rf rk rl rm rn rp rt rs rg rc sk sp st ct xt th sh
    ch ck gh ph wn wl wd ws lb mb lch lth nth rth fth ght nch rch tch mpt rst rld rld xth nds nts nks rds rts rks
    lds lts lks mps mbs sts sks sps cts pts fts ngs ngth ll ss ff zz tt dd nn mm rr pp bb gg cc sm bt mn gn""")


@lru_cache(maxsize=50_000)
def _unpronounceable(w: str) -> bool:
    """Letter clusters no English word has: "fmln" (no vowel), "urng" (coda "rng"), "mrta" (onset "mr")."""
    letters = re.sub(r"[^a-z]", "", w)
    if len(letters) < 3:
        return False
    if not any(c in _VOWELS for c in letters):
        return True
    first_v = next(k for k, c in enumerate(letters) if c in _VOWELS)
    if first_v >= 2 and letters[:first_v] not in _ONSETS:
        return True
    stem = letters[:-1] if letters.endswith("s") and len(letters) > 3 else letters
    last_v = max(k for k, c in enumerate(stem) if c in _VOWELS)
    coda = stem[last_v + 1 :]
    return len(coda) >= 2 and coda not in _CODAS


# ---------------------------------------------------------------- candidates
@dataclass(slots=True)
class _Cand:
    i: int  # first token
    j: int  # last token (inclusive)
    evidence: str
    confidence: float
    alias: str | None = None
    name: str | None = None  # when not the span itself


def _clean(text: str) -> str:
    s = re.sub(r"\s+", " ", text).strip(" \"'“”‘’,.;:()[]")
    s = re.sub(r"(?i)^the\s+", "", s)
    s = re.sub(r"['’]s$", "", s)
    return s.strip()


def _left_expand(doc: _Doc, h: int, max_open: int = 3) -> tuple[int, dict]:
    """Extend a name leftwards from its head token h; returns (first token, word counts)."""
    toks = doc.toks
    counts = {"open": 0, "ideology": 0, "strong": 0, "nation": 0, "generic": 0, "number": 0, "date": 0, "unit": 0}
    i = h
    k = h - 1
    while k >= 0 and doc.joined(k):
        w = toks[k].low
        if w in DESCRIPTORS or w in STOP and w not in MONTHS:
            break
        if w.endswith(("'s", "s'")) and w not in IDEOLOGY:
            break  # "castano's criminal organization", "the country's ... organization"
        if not doc.caseless and not doc.cap(k):
            break
        if w in IDEOLOGY:
            counts["ideology"] += 1
            counts["strong"] += w not in _WEAK_IDEOLOGY
        elif w in NATIONALITIES:
            counts["nation"] += 1
        elif w in GENERIC_MODS:
            counts["generic"] += 1
            if w in ("infantry", "artillery", "cavalry", "airborne", "mechanized", "motorized", "marine", "naval"):
                counts["unit"] += 1
        elif ORDINAL_RE.match(w):
            if NUMBER_RE.match(w) and i < h and toks[i].low in MONTHS:
                counts["date"] += 1  # "19 april movement"
            else:
                counts["number"] += 1
            i = k
            break  # an ordinal starts a unit name ("8th front")
        elif w in MONTHS:
            counts["date"] += 1
        elif w in TAIL_HEADS and k == h - 1 and w in ("army", "party", "front", "union", "movement"):
            # "liberation army faction", "party committee"
            counts["generic"] += 1
        elif _is_open(w) and counts["open"] < max_open:
            if doc.caseless and w.endswith("ed") and len(w) > 4:
                break  # a verb ("reported"; "armed" is a generic word)
            if doc.caseless and w.endswith("ing") and not (k + 1 < h and _is_open(toks[k + 1].low)):
                break  # "training paramilitary groups", "supporting rebel forces" (but "shining path group")
            if k > 0 and doc.joined(k - 1) and toks[k - 1].low in _VERB_MARKERS:
                break  # "to protest patriotic union": a verb
            counts["open"] += 1
        else:
            break
        i = k
        k -= 1
    return i, counts


def _right_complement(doc: _Doc, h: int) -> tuple[int, dict]:
    """An "of ..." / "for ..." complement after the head ("army of national liberation")."""
    toks = doc.toks
    counts = {"open": 0, "ideology": 0, "strong": 0, "nation": 0, "generic": 0}
    n = len(toks)
    if h + 1 >= n or toks[h + 1].low not in ("of", "for") or not doc.joined(h):
        return h, counts
    j = h
    k = h + 2
    last_good = h
    words = 0
    while k < n and doc.joined(k - 1) and words < 8:
        w = toks[k].low
        if w in ("the", "of", "and", "for") and k + 1 < n and doc.joined(k):
            k += 1
            continue
        if w == "in" and k + 1 < n and toks[k + 1].low == "arms":
            k += 1
            continue
        if not doc.caseless and not doc.cap(k):
            break
        if w.endswith("ing") and doc.caseless:
            break  # "union for undermining peace"
        if w in IDEOLOGY or w in ("arms",):
            counts["ideology"] += 1
            counts["strong"] += w not in _WEAK_IDEOLOGY
        elif w in NATIONALITIES:
            counts["nation"] += 1
        elif w in GENERIC_MODS:
            counts["generic"] += 1
        elif w in TAIL_HEADS and w not in GENERIC_ACTORS:
            counts["generic"] += 1
        elif _is_open(w) and not (w.endswith("ed") and len(w) > 4):
            counts["open"] += 1
        else:
            break
        words += 1
        last_good = k
        k += 1
    if last_good == h or (toks[h + 1].low == "for" and not counts["strong"]):
        # "front for the blast": a "for" complement names a cause ("for the liberation of ...")
        return h, {"open": 0, "ideology": 0, "strong": 0, "nation": 0, "generic": 0}
    j = last_good
    return j, counts


def is_state_phrase(name: str) -> bool:
    """A state organ rather than an organization: "armed forces", "the salvadoran army", "6th infantry brigade".

    Used by discovery to drop candidates and by the benchmark to tell apart the
    state-force perpetrators of the MUC-4 gold.
    """
    words = [_norm(w) for w in _WORD_RE.findall(name)]
    if not words:
        return False
    if any(w in INSURGENT_MARKERS for w in words):
        return False
    heads = [w for w in words if w in STATE_HEADS or w in _STATE_BODIES or w in ("military", "police", "government")]
    if not heads:
        return False
    if any(ORDINAL_RE.match(w) for w in words) or any(w in ("infantry", "artillery", "airborne", "marine") for w in words):
        return True
    others = [w for w in words if w not in STATE_HEADS and w not in STOP and w not in GENERIC_MODS
              and w not in NATIONALITIES and w not in ("military", "police", "government", "high", "national",
                                                       "armed", "air", "guard", "treasury", "department")]
    # a proper-name-like word other than a country adjective: a named unit ("atlacatl battalion") or a person's
    # government ("cristiani's government"); a unit counts as state, a party or group does not reach here
    if "of" in words:
        # "armed forces of colombia", "army of the republic": the part before "of" decides
        before = words[: words.index("of")]
        if before and (before[-1] in STATE_HEADS or before[-1] in ("military", "police", "government")):
            return True
    last = words[-1]
    if any(w in _STATE_BODIES for w in words):
        return True
    return last in STATE_HEADS or last in ("military", "police", "government") or not others


def _head_candidates(doc: _Doc) -> list[_Cand]:
    toks = doc.toks
    out: list[_Cand] = []
    for h, t in enumerate(toks):
        w = t.low
        if w not in TAIL_HEADS:
            continue
        if not doc.caseless and not doc.cap(h):
            continue
        i, lc = _left_expand(doc, h)
        # "armed forces": the generic "armed" belongs to the head
        j, rc = _right_complement(doc, h)
        if w in ("group", "groups") and j > h:
            # "a group of students": partitive, not a name
            j, rc = h, {"open": 0, "ideology": 0, "strong": 0, "nation": 0, "generic": 0}
        open_n = lc["open"] + rc["open"]
        ideo = lc["ideology"] + rc["ideology"]
        words = [x.low for x in toks[i : j + 1]]
        if i == h and j == h:
            continue
        state_like = w in STATE_HEADS or (w in ("forces", "force") or "armed" in words)
        # "army of national redemption": an ideology word in the complement marks a group too
        insurgent = any(x in INSURGENT_MARKERS for x in words if x != w) or rc["strong"] >= 1
        if lc["unit"] or (lc["number"] and w in ("brigade", "brigades", "battalion", "battalions", "division",
                                                   "regiment", "detachment", "command")):
            continue  # numbered military unit: state forces
        if lc["number"]:
            continue  # "8th front", "17th front of the ...": a unit of a group named elsewhere
        if state_like and not insurgent:
            # "the salvadoran army", "armed forces of colombia": state forces; a named unit ("atlacatl
            # battalion") stays an organization candidate only for unit heads with an open word
            # a named unit ("atlacatl battalion") is a state unit too; plural "brigades" may be a group's name
            if not (w in ("brigades", "battalions") and lc["open"] and not lc["nation"]):
                continue
        if w == "union" and lc["nation"] and not open_n and not ideo:
            continue  # "soviet union"
        strong = lc["strong"] + rc["strong"]
        weak = w in WEAK_HEADS
        distinguishing = open_n + ideo + lc["date"]
        if i == h and w in ("front", "group", "union", "league") and not rc["strong"]:
            ok = False  # "in front of the house", "group of people"
        elif w in _PLURAL_HEADS:
            # plural group nouns are mostly generic ("business groups", "rebel movements"); "red brigades",
            # "popular militias", "revolutionary armed forces" are names
            ok = strong >= 1 and (open_n + ideo >= 2 or w in ("forces", "brigades", "commandos", "militias"))
            ok = ok or (open_n >= 1 and w in ("brigades", "commandos", "tigers"))  # "zorro brigades"
        elif w in _CIVIC_HEADS:
            ok = strong >= 1 or (not doc.caseless and open_n >= 1)
        elif weak:
            ok = open_n >= 1 or ideo >= 2 or (ideo >= 1 and rc["ideology"] + rc["open"] >= 1)
        elif doc.caseless:
            # without capitals one ideology word is too little: "liberal party", "popular movement"
            ok = open_n >= 1 or ideo >= 2 or lc["date"] >= 1
        else:
            ok = distinguishing >= 1
        if w in ("squad", "squads") and open_n == 0:
            ok = False  # "death squads" without a name
        if w in ("party", "parties") and open_n == 0 and ideo == 0:
            ok = False
        conf = 0.5 + 0.1 * min(ideo, 3) + (0.1 if open_n else 0) - (0.15 if weak else 0)
        if not ok:
            # a generic phrase defined by an acronym right after it is a name: "the rebel armed forces (far)"
            if _paren_acronym_after(doc, j) is None or (state_like and not insurgent):
                continue
            conf = 0.55
        # trim leading connector words that leaked in
        while i < h and toks[i].low in _FUNC_IN_NAMES:
            i += 1
        # a possessive head ("front's") is fine: the token excludes it
        out.append(_Cand(i, j, "group-noun", round(min(conf, 0.9), 2)))
    return out


_QAEDA_RE = re.compile(r"(?:al-)?qa['’]?[ei]?da|(?:al-)?qaida")


def _head_initial_candidates(doc: _Doc) -> list[_Cand]:
    """Arabic/Urdu head-first names and "islamic state ... province", "al-qaeda in ..."."""
    toks = doc.toks
    out: list[_Cand] = []
    n = len(toks)
    for h, t in enumerate(toks):
        w = t.low
        head = w in HEAD_INITIAL or w.partition("-")[0] in HEAD_INITIAL
        if not head and w != "islamic" and "qa" not in w:
            continue  # the common case: no pattern below can start here
        if head:
            if not doc.caseless and not doc.cap(h):
                continue
            j = h
            k = h + 1
            names = 1 if "-" in w else 0
            while k < n and doc.joined(k - 1) and k - h <= 5:
                x = toks[k].low
                if not doc.caseless and not (doc.cap(k) or x.split("-")[0] in _HEAD_INITIAL_JOIN):
                    break
                parts = [p for p in x.split("-") if p]
                if x in _HEAD_INITIAL_JOIN or all(p in _HEAD_INITIAL_JOIN for p in parts):
                    k += 1
                    continue
                if x in STOP or x in GENERIC_ACTORS or x in DESCRIPTORS:
                    break
                names += 1
                j = k
                k += 1
            if names >= 1 and j > h or "-" in w and j >= h:
                if j == h and len(w.split("-")) < 2:
                    continue
                out.append(_Cand(h, j, "head-initial", 0.7))
        # islamic state <place> province / islamic state in <place>
        if w == "islamic" and h + 2 < n and toks[h + 1].low == "state" and doc.joined(h):
            k = h + 2
            end = None
            while k < n and k - h <= 6 and doc.joined(k - 1):
                x = toks[k].low
                if x in ("province", "wilayat", "wilayah"):
                    end = k
                    break
                if x in STOP and x not in ("in", "the", "of"):
                    break
                k += 1
            if end is None and toks[h + 2].low == "in":
                k = h + 3
                while k < n and toks[k].low == "the":
                    k += 1
                end_k = k
                while end_k < n and end_k - k < 3 and _is_open(toks[end_k].low) and doc.joined(end_k - 1):
                    end = end_k
                    end_k += 1
            if end is not None and end > h + 2:
                out.append(_Cand(h, end, "islamic-state-province", 0.75))
        # al-qaeda in the <place>
        if _QAEDA_RE.fullmatch(w) and h + 2 < n and toks[h + 1].low == "in":
            k = h + 2
            while k < n and toks[k].low == "the":
                k += 1
            end = None
            while k < n and (_is_open(toks[k].low) or toks[k].low in IDEOLOGY or toks[k].low in NATIONALITIES
                             or toks[k].low in ("islamic",)) and doc.joined(k - 1) and k - h <= 6:
                end = k
                k += 1
            if end is not None:
                i = h - 1 if h > 0 and toks[h - 1].low in ("al",) and doc.joined(h - 1) else h
                out.append(_Cand(i, end, "al-qaeda-in", 0.75))
    return out


def _paren_acronym_after(doc: _Doc, j: int) -> str | None:
    """The acronym in "( ... )" right after token j, if any: "... front (fmln)"."""
    text = doc.text
    m = re.match(r"\s*\(\s*([^\W_][\w\-.&']{1,11})\s*\)", text[doc.toks[j].end : doc.toks[j].end + 24])
    if not m:
        return None
    acr = m.group(1).strip(".")
    low = _norm(acr)
    if not _acronym_shaped(low, caseless=doc.caseless, raw=acr):
        return None
    return acr


def _initials_fit(words: list[str], acr: str) -> bool:
    """The acronym's letters are the name's initials: in order, or in another order (a translated name:
    "guatemalan national revolutionary unity (urng)"), or a subsequence of all initials."""
    letters = [c for c in acr.lower() if c.isalpha()]
    if len(letters) < 2:
        return False
    parts: list[str] = []
    for w in words:
        parts.extend(p for p in re.split(r"[-]", w.lower()) if p)
    content = [p for p in parts if p not in _FUNC_IN_NAMES]
    if not content:
        return False
    inits = [p[0] for p in content]
    if inits == letters or sorted(inits) == sorted(letters):
        return True
    allinit = [p[0] for p in parts]
    it = iter(allinit)
    if all(c in it for c in letters) and allinit[0] == letters[0]:
        return True
    # one letter off in a translated name ("army of national liberation (eln)": e for ejercito)
    common = sum(min(inits.count(c), letters.count(c)) for c in set(letters))
    return len(letters) >= 3 and common >= len(letters) - 1 and abs(len(inits) - len(letters)) <= 1


def _definitions(doc: _Doc, cands: list[_Cand]) -> tuple[dict[str, tuple[int, int]], list[_Cand]]:
    """Acronym definitions: "long name (acr)" and "acr (long name)". Returns acronym -> long-name token span."""
    toks = doc.toks
    text = doc.text
    by_end = {}
    for c in cands:
        prev = by_end.get(c.j)
        if prev is None or c.i < prev.i:
            by_end[c.j] = c
    defs: dict[str, tuple[int, int]] = {}
    extra: list[_Cand] = []
    starts = {t.start: k for k, t in enumerate(toks)}
    for m in re.finditer(r"\(\s*([^()\n]{1,80}?)\s*\)", text):
        inner = m.group(1)
        # the token before the parenthesis
        before = text[: m.start()].rstrip()
        if before.endswith('"'):
            before = before[:-1].rstrip()
        k = None
        lo, hi = 0, len(toks) - 1
        end_pos = len(before)
        while lo <= hi:  # last token ending at or before end_pos
            mid = (lo + hi) // 2
            if toks[mid].end <= end_pos:
                k = mid
                lo = mid + 1
            else:
                hi = mid - 1
        if k is None:
            continue
        inner_words = _WORD_RE.findall(inner)
        if len(inner_words) == 1:
            acr = inner.strip(" .")
            low = _norm(acr)
            if not _acronym_shaped(low, caseless=doc.caseless, raw=acr):
                continue
            c = by_end.get(k)
            if c is not None:
                defs.setdefault(low, (c.i, c.j))
                c.alias = acr
                c.confidence = max(c.confidence, 0.85)
                continue
            # no group noun: the initials decide ("basque homeland and freedom (eta)" has none)
            best = None
            for n in range(2, 9):
                i = k - n + 1
                if i < 0 or not all(doc.joined(x) for x in range(i, k)):
                    break
                ws = [t.low for t in toks[i : k + 1]]
                if ws[0] in _FUNC_IN_NAMES or ws[0] in STOP or ws[0] in DESCRIPTORS:
                    continue
                if any(x in STOP and x not in _FUNC_IN_NAMES for x in ws):
                    break
                if not doc.caseless and not all(doc.cap(x) or toks[x].low in _FUNC_IN_NAMES for x in range(i, k + 1)):
                    continue
                if _initials_fit(ws, low) and sum(1 for x in ws if x not in _FUNC_IN_NAMES) >= 2:
                    best = i
                    if len([x for x in ws if x not in _FUNC_IN_NAMES]) >= len(low.replace("-", "")):
                        break
            if best is not None:
                ws = [t.low for t in toks[best : k + 1]]
                if any(x in GENERIC_ACTORS for x in ws) or all(x in GENERIC_MODS or x in _FUNC_IN_NAMES for x in ws):
                    continue
                # only a group: a group noun or an ideology word ("basque fatherland and liberty"), not an
                # agency, a school or a commission ("national information center (cin)")
                if any(x in INSTITUTIONS for x in ws):
                    continue
                if not (any(x in TAIL_HEADS for x in ws) or any(x in IDEOLOGY and x not in _WEAK_IDEOLOGY for x in ws)):
                    continue
                if is_state_phrase(" ".join(ws)):
                    continue
                defs.setdefault(low, (best, k))
                extra.append(_Cand(best, k, "acronym-definition", 0.8, alias=acr))
        elif 2 <= len(inner_words) <= 9:
            # "acr (long name)": the token before is the acronym
            raw = toks[k].raw
            low = toks[k].low
            if not _acronym_shaped(low, caseless=doc.caseless, raw=raw):
                continue
            if k > 0 and doc.joined(k - 1) and _is_open(toks[k - 1].low) and not _unpronounceable(low):
                continue  # "president cristiani (...)": a name, not an acronym
            s0 = m.start(1)
            ik = starts.get(s0)
            if ik is None:
                continue
            jk = ik + len(inner_words) - 1
            if jk >= len(toks) or toks[jk].end > m.end(1):
                continue
            iws = [t.low for t in toks[ik : jk + 1]]
            if any(x in STOP and x not in _FUNC_IN_NAMES for x in iws):
                continue
            if is_state_phrase(inner) or any(x in INSTITUTIONS for x in iws):
                continue
            has_head = any(x in TAIL_HEADS for x in iws) or iws[0].split("-")[0] in HEAD_INITIAL
            ideo = sum(1 for x in iws if x in IDEOLOGY)
            fits = _initials_fit(iws, low)
            if not (fits or (has_head and ideo >= 1) or ideo >= 2):
                continue
            if any(x in GENERIC_ACTORS and x not in TAIL_HEADS for x in iws):
                continue
            defs.setdefault(low, (ik, jk))
            extra.append(_Cand(ik, jk, "acronym-definition", 0.8, alias=toks[k].raw))
            extra.append(_Cand(k, k, "acronym-definition", 0.8, alias=toks[k].raw,
                               name=_clean(text[toks[ik].start : toks[jk].end])))
    return defs, extra


def _acronym_cues(doc: _Doc) -> dict[str, float]:
    """Acronyms that stand alone next to cue words: "fmln rebels", "guerrillas of the eln", "the mrta claimed"."""
    toks = doc.toks
    n = len(toks)
    found: dict[str, float] = {}

    def shaped(k: int) -> bool:
        return _acronym_shaped(toks[k].low, caseless=doc.caseless, raw=toks[k].raw)

    caseless = doc.caseless
    for k in range(n):
        if not caseless and not toks[k].raw[:1].isupper():
            continue  # the common case, without a call
        if not shaped(k):
            continue
        w = toks[k].low
        conf = 0.0
        strong = False
        # X guerrillas / X urban commandos / X or Y subversives
        nxt = k + 1
        if nxt < n and toks[nxt].low in ("or", "and") and nxt + 1 < n and shaped(nxt + 1):
            nxt += 2
        if nxt < n and doc.joined(nxt - 1) and toks[nxt].low in _CUE_AFTER:
            if not (toks[nxt].low == "urban" and not (nxt + 1 < n and toks[nxt + 1].low in ("commandos", "guerrillas",
                                                                                             "commando", "front"))):
                conf = 0.7
                strong = toks[nxt].low in _STRONG_CUES
        # guerrillas of the X / members of X
        if k >= 2 and toks[k - 1].low in ("the",) and k >= 3 and toks[k - 2].low == "of" \
                and toks[k - 3].low in _CUE_BEFORE and doc.joined(k - 1) and doc.joined(k - 2):
            conf = max(conf, 0.7)
            strong = strong or toks[k - 3].low in _STRONG_CUES
        elif k >= 2 and toks[k - 1].low == "of" and toks[k - 2].low in _CUE_BEFORE and doc.joined(k - 1):
            conf = max(conf, 0.65)
            strong = strong or toks[k - 2].low in _STRONG_CUES
        # the X claimed responsibility / the X has claimed
        j = k + 1
        while j < n and toks[j].low in ("has", "have", "had", "today", "yesterday", "also", "later", "publicly"):
            j += 1
        if j < n and toks[j].low in ("claimed", "claims") and j + 1 < n and toks[j + 1].low == "responsibility":
            conf = max(conf, 0.7)
            strong = True
        # "the fmln has ...": a determiner before a token no English word looks like
        if not conf and doc.caseless and _unpronounceable(w) and k >= 1 and toks[k - 1].low == "the" \
                and doc.joined(k - 1) and not (k + 1 < n and doc.joined(k) and toks[k + 1].low not in STOP):
            # ... followed by a verb or a function word, not by a noun it modifies ("the atlacatl battalion")
            conf = 0.6
        if conf and doc.caseless and not _unpronounceable(w):
            # "farc", "eln", "mrta" look like acronyms; "crew members", "top leaders" do not: a short token,
            # not a common short word, next to a strong cue only
            letters = re.sub(r"[^a-z]", "", w)
            if len(letters) > 4 or len(letters) < 3 or w in _SHORT_WORDS or not strong:
                conf = 0.0
            elif k >= 1 and doc.joined(k - 1) and _is_open(toks[k - 1].low):
                conf = 0.0  # "shining path guerrillas": the last word of a name, not an acronym
            else:
                conf -= 0.1
        if conf and doc.caseless and len(re.sub(r"[^a-z]", "", w)) < 3:
            conf = 0.0
        if conf:
            found[w] = max(found.get(w, 0.0), conf)
    return found


# "the extraditables, a colombian mafia group" (apposition)
_APPOSITION_RE = re.compile(r"(?:^|[.;:]\s+|\s)the\s+([\w'-]+(?:\s+[\w'-]+){0,2}),\s+(?:an?|the)\s+(?:[\w'-]+\s+){0,4}?"
                            r"(?:organization|organisation|group|movement|cartel|gang|network|faction)\b(?!\s+of\b)")
# "the shining path guerrillas" (a name before a cue word)
_NAME_CUE_RE = re.compile(r"(?:^|\s)the\s+([\w'-]+\s+[\w'-]+)\s+(?:guerrillas|rebels|terrorists|militants|insurgents|"
                          r"subversives|urban\s+commandos)\b")
# "the X claimed responsibility"
_CLAIM_RE = re.compile(r"(?:^|[.;:,]\s+|\s)(?:the\s+)((?:[\w'-]+\s+){0,3}?[\w'-]+)\s+(?:has\s+|have\s+|had\s+)?"
                       r"(?:today\s+|yesterday\s+|also\s+|later\s+)?claimed\s+(?:the\s+)?responsibility")
_PUNCT_BEFORE_THE_RE = re.compile(r"[.;:,]\s+(?=the\s)")


def _the_starts(low: str) -> list[int]:
    """Every position where _APPOSITION_RE, _NAME_CUE_RE or _CLAIM_RE can match: each starts at the
    beginning of the text, at the white space right before "the", or at the punctuation before that white
    space, and "the" is followed by white space (``\\s`` is ``str.isspace``). Sorted, without duplicates."""
    out: set[int] = set()
    p = low.find("the")
    while p >= 0:
        if low[p + 3 : p + 4].isspace() and (p == 0 or low[p - 1].isspace()):
            out.add(max(p - 1, 0))
        p = low.find("the", p + 3)
    if out:
        out.update(m.start() for m in _PUNCT_BEFORE_THE_RE.finditer(low))
    return sorted(out)


def finditer_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that never matches the empty string and can only match
    at the sorted positions ``starts``: the same matches, with the pattern tried only there."""
    pos = 0
    for q in starts:
        if q < pos:
            continue
        m = pattern.match(text, q)
        if m is not None:
            yield m
            pos = m.end()


_QUOTED_RE = re.compile(r"[\"“]([^\"“”\n]{2,60}?)[,.]?[\"”]")
_ORG_WORDS = _set("group organization organisation movement front command commandos cartel gang network faction "
                  "army brigade brigades cell")


def _quoted_and_claims(doc: _Doc) -> list[tuple[int, int, str, float]]:
    """Quoted names next to an organization word, and names that claim responsibility.

    Returns (start, end, evidence, confidence) character spans.
    """
    text = doc.text
    low = text.lower()
    out: list[tuple[int, int, str, float]] = []
    for m in _QUOTED_RE.finditer(text):
        inner = m.group(1).strip()
        ws = [_norm(w) for w in _WORD_RE.findall(inner)]
        if not 1 <= len(ws) <= 5:
            continue
        content = [w for w in ws if w not in ("the",)]
        if not content or not any(_is_open(w) or w in IDEOLOGY for w in content):
            continue
        if any(w in STOP and w not in _FUNC_IN_NAMES for w in content):
            continue
        if not doc.caseless and not all(w[:1].isupper() or _norm(w) in _FUNC_IN_NAMES for w in _WORD_RE.findall(inner)):
            continue
        after = low[m.end() : m.end() + 60]
        before = low[max(0, m.start() - 40) : m.start()]
        a = re.match(r"\s*(?:\([^)]{1,10}\)\s*)?([a-z]+)", after)
        b = re.match(r"\s*,?\s*(?:an?|the)\s+(?:[\w'-]+\s+){0,4}?(organization|organisation|group|movement|cartel|gang|"
                     r"network|faction)\b", after)
        pre = re.search(r"\b(?:group|organization|organisation|movement)\s+(?:(?<!so-)called\s+|named\s+|known as\s+)?$",
                        before)
        if (a and a.group(1) in _ORG_WORDS) or b or pre:
            s = m.start(1)
            e = s + len(m.group(1).rstrip(" ,."))
            out.append((s, e, "quoted-name", 0.7))
    # appositions: "the extraditables, a colombian mafia group"
    has_org_word = any(w in low for w in ("organization", "organisation", "group", "movement", "cartel", "gang", "network", "faction"))
    has_cue = any(w in low for w in ("guerrilla", "rebels", "terrorists", "militants", "insurgents", "subversives", "commandos"))
    # the patterns below start just before a word "the" (see _the_starts): tried only there
    the_starts = _the_starts(low) if has_org_word or has_cue or "responsibility" in low else []
    for m in (() if not has_org_word else finditer_at(_APPOSITION_RE, low, the_starts)):
        ws = m.group(1).split()
        if not all(_is_open(w) for w in ws) or ws[-1].endswith(_ABSTRACT) or ws[-1] in _NOT_ORG_ACRONYMS:
            continue
        s, e = m.start(1), m.end(1)
        if not doc.caseless and not all(w[:1].isupper() for w in text[s:e].split()):
            continue
        out.append((s, e, "apposition", 0.65))
    # names before cue words: "the shining path guerrillas"
    for m in (() if not has_cue else finditer_at(_NAME_CUE_RE, low, the_starts)):
        ws = m.group(1).split()
        if not all(_is_open(w) and not _unpronounceable(w) for w in ws):
            continue
        s, e = m.start(1), m.end(1)
        if not doc.caseless and not all(w[:1].isupper() for w in text[s:e].split()):
            continue
        out.append((s, e, "name-cue", 0.5))
    # the X claimed responsibility: X of one to four name-like words after "the"
    for m in (() if "responsibility" not in low else finditer_at(_CLAIM_RE, low, the_starts)):
        ws = m.group(1).split()
        if any(w in STOP or w in GENERIC_ACTORS or w in DESCRIPTORS or w in NATIONALITIES for w in ws):
            continue
        if not any(_is_open(w) for w in ws) or ws[-1].endswith(_ABSTRACT):
            continue
        if len(ws) == 1 and _acronym_shaped(ws[0], caseless=True, raw=ws[0]) and len(ws[0]) <= 5:
            continue  # acronyms are handled by the cue rule
        s, e = m.start(1), m.end(1)
        if not doc.caseless and not all(w[:1].isupper() for w in text[s:e].split()):
            continue
        out.append((s, e, "responsibility-claim", 0.6))
    return out


# ---------------------------------------------------------------- main entry
def is_caseless(text: str) -> bool:
    """All lower case (MUC-4 style) or all capitals (telex style): capitals carry no evidence.

    Judged on the first 6,000 characters (a document's case style does not change halfway)."""
    text = text[:6_000]
    # ASCII letters are counted on bytes (fast); the regular expressions run on the other characters only
    ascii_part = text.encode("ascii", "ignore")
    other = "".join(_NON_ASCII_RE.findall(text))
    up = len(ascii_part.translate(None, _NOT_ASCII_UPPER)) + len(_UPPER_RE.findall(other))
    n = (len(ascii_part.translate(None, _NOT_ASCII_LETTER)) + len(_LETTER_RE.findall(other))) or 1
    return up / n < 0.003 or up / n > 0.9


def discover_organizations(text: str, *, known: Callable[[str], bool] | None = None,
                           caseless: bool | None = None) -> list[Discovered]:
    """Organizations named in ``text`` that the gazetteer does not know, by pattern.

    Returns one :class:`Discovered` per mention span (sorted, non-overlapping):
    the long form where it is written, and each occurrence of an acronym the
    document defines or uses with cue words. ``known(name)`` -> True drops a name
    the caller already knows (a gazetteer lookup). Works on lower-case text.
    ``caseless`` overrides the document's own case test (for a text with blanked parts).
    """
    if not text or not text.strip():
        return []
    doc = _Doc(text, caseless)
    toks = doc.toks
    cands = _head_candidates(doc) + _head_initial_candidates(doc)
    defs, extra = _definitions(doc, cands)
    cands += extra

    # candidate spans -> Discovered records
    recs: list[Discovered] = []
    for c in cands:
        s, e = toks[c.i].start, toks[c.j].end
        name = c.name or _clean(text[s:e])
        if not name:
            continue
        aliases = (c.alias,) if c.alias else ()
        recs.append(Discovered(s, e, name, "organization", c.evidence, c.confidence, aliases))
    for s, e, ev, conf in _quoted_and_claims(doc):
        name = _clean(text[s:e])
        if name:
            recs.append(Discovered(s, e, name, "organization", ev, conf))

    # acronyms: defined in the document, or standing next to cue words
    long_of: dict[str, str] = {}
    for acr, (i, j) in defs.items():
        long_of[acr] = _clean(text[toks[i].start : toks[j].end])
    cue = _acronym_cues(doc)
    acr_names = set(long_of) | set(cue)
    if acr_names:
        for t in toks:
            if t.low not in acr_names:
                continue
            if not _acronym_shaped(t.low, caseless=doc.caseless, raw=t.raw):
                continue
            if doc.caseless and len(re.sub(r"[^a-z]", "", t.low)) < 3:
                continue  # "si", "up": words too, without capitals
            if t.low in long_of:
                recs.append(Discovered(t.start, t.end, long_of[t.low], "organization", "acronym", 0.8, (t.raw,)))
            else:
                recs.append(Discovered(t.start, t.end, t.raw, "organization", "acronym-cue", round(cue[t.low], 2), ()))

    # names found once are mentions wherever they recur (quoted names, claims)
    recs = _resolve_overlaps(recs)
    recs = _propagate(doc, recs)
    if known is not None:
        recs = [r for r in recs if not _is_known(r, known)]
    return recs


def _is_known(r: Discovered, known: Callable[[str], bool]) -> bool:
    try:
        if known(r.name):
            return True
        return bool(r.aliases) and r.name in r.aliases and known(r.aliases[0])
    except Exception:  # a caller's lookup must not break discovery
        return False


class _Spans:
    """Non-overlapping (start, end) spans with a logarithmic overlap test."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, s: int, e: int) -> bool:
        k = bisect.bisect_left(self.starts, e)  # spans starting before e
        return k > 0 and self.ends[k - 1] > s

    def add(self, s: int, e: int) -> None:
        k = bisect.bisect_left(self.starts, s)
        self.starts.insert(k, s)
        self.ends.insert(k, e)


def _resolve_overlaps(recs: list[Discovered]) -> list[Discovered]:
    """Keep non-overlapping spans: the more confident, then the longer, wins."""
    order = sorted(recs, key=lambda r: (-r.confidence, -(r.end - r.start), r.start))
    kept: list[Discovered] = []
    spans = _Spans()
    for r in order:
        if spans.overlaps(r.start, r.end):
            continue
        spans.add(r.start, r.end)
        kept.append(r)
    # aliases learned anywhere apply to every record of the same name
    alias_of: dict[str, tuple[str, ...]] = {}
    for r in kept:
        if r.aliases:
            alias_of.setdefault(r.name.lower(), r.aliases)
    out = []
    for r in sorted(kept, key=lambda r: r.start):
        if not r.aliases and r.name.lower() in alias_of:
            r = Discovered(r.start, r.end, r.name, r.kind, r.evidence, r.confidence, alias_of[r.name.lower()])
        out.append(r)
    return out


def _propagate(doc: _Doc, recs: list[Discovered]) -> list[Discovered]:
    """Later bare occurrences of a discovered multi-word name ("shining path" after "the shining path group")."""
    text = doc.text
    low = text.lower()
    names = {}
    for r in recs:
        if r.evidence in ("quoted-name", "responsibility-claim", "group-noun", "head-initial", "apposition",
                          "name-cue") and (" " in r.name or r.evidence != "group-noun"):
            names.setdefault(r.name.lower(), r)
    if not names:
        return recs
    taken = _Spans()
    for r in recs:
        taken.add(r.start, r.end)
    extra = []
    alternation = "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
    # a match starts where one of the names occurs: the pattern is tried only there
    starts: set[int] = set()
    for k in names:
        p = low.find(k)
        while p >= 0:
            starts.add(p)
            p = low.find(k, p + 1)
    for m in finditer_at(re.compile(r"(?<![\w-])(?:" + alternation + r")(?![\w-])"), low, sorted(starts)):
        s, e = m.start(), m.end()
        r = names.get(m.group(0))
        if r is None or taken.overlaps(s, e):
            continue
        if not doc.caseless and text[s:e] != r.name:
            continue
        extra.append(Discovered(s, e, r.name, r.kind, "repeat", round(r.confidence - 0.05, 2), r.aliases))
        taken.add(s, e)
    return sorted(recs + extra, key=lambda r: r.start)
