"""Entity mentions: gazetteer lookup, acronyms learned from the document, fuzzy
matching of misspellings, discovery of groups not in the gazetteer.

Matching works on folded words (``andiwali.model.names``): case, diacritics,
apostrophes, hyphens and transliteration variants do not matter, except for
short names, acronyms and mixed-case names, which need their exact case, and
aliases flagged ``ambiguous``, which need context (a list of the same kind, a
definition in the document, or another unambiguous mention of the entity).
Offsets always point into the original text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter

from andiwali.extract.discovery import discover_organizations, is_caseless
from andiwali.model.core import Alias, Entity
from andiwali.model.names import _ARTICLES, _PARTICLES, _VARIANTS, fold
from andiwali.model.reference import Gazetteer

# a word: letters/digits with inner apostrophes/ayn marks ("Qa'ida", "Jama’at")
WORD_RE = re.compile(r"[^\W_]+(?:['’ʼʻʿʾ`´‘][^\W_]+)*")
_CORE_RE = re.compile(r"[\s\-‐‑–—.'’ʼ`´]")

# single common English words that are also names: they need exact case and context
COMMON_WORDS = frozenset(
    """element hoop base signal line state front army group movement party union council network
    jihad afghan america washington the new islamic emirate emirates government forces organization
    organisation brigade brigades battalion ansar""".split()
)

# words that make a capitalized run a group name (discovery)
GROUP_NOUNS = frozenset(
    """front brigade brigades army movement jamaat jamiat harakat harakah lashkar jaysh ansar katibat katiba
    kataib tehrik party group organization organisation battalion battalions forces council union legion
    mujahidin hizb hezbollah liwa faylaq tanzim jabhat network alliance coalition militia militias
    committee guard guards corps emirate caliphate province wilayat wilaya tahrir sipah sipah-e units shura
    ajnad jund junud saraya sarayat usbat majlis firqat quwat tanzeem fedayeen cartel commandos squad squads cell cells
    resistance brotherhood guerrilla guerrillas""".split()
)
# connectors allowed inside a capitalized name run
CONNECTORS = frozenset(
    """of the al el and for in e i ul wal fi bin ibn ad ash as an at az ur ud de del la los las y ar""".split()
)
PERSON_TITLES = frozenset(
    """mullah sheikh shaykh shaikh emir amir maulana maulvi mawlawi hafiz qari commander president general
    dr mr ms mrs lt colonel col gen minister imam mufti maulvi hajji haji sheikh""".split()
)
# first or last words of Arabic group names that GROUP_NOUNS does not hold ("Ahrar al-Sham", "Nour al-Din al-Zenki")
ARABIC_GROUP_WORDS = frozenset("""ahrar nour nur fatah fateh fath sham islam tawhid jihad haqq sunna sunnah quds aqsa
    sharia shariah mujahideen mujahidin khilafah khilafa dawa dawah tahrir nusra nusrah qaeda qaida""".split())
# possessives that belong inside group names ("Lord's Resistance Army", "People's Protection Units")
NAME_POSSESSIVES = frozenset("""people peoples lord women workers martyrs god allah prophet nation masses children youth
    students farmers patriots soldiers mujahideen believers""".split())
# capitalized words that never start or make a name run on their own
_RUN_STOP = frozenset(
    """the a an this that these those it its their they he she his her in on at by for with from as since after
    before during while when where which who whose what however although though but and or nor yet so if
    because despite over under among between into onto through until upon within without according
    research study analysts officials experts some many several other others both each every all most even also
    only now then today still just moreover furthermore meanwhile instead indeed thus hence therefore later earlier
    recently previously currently initially finally first second third last next another such no not nor""".split()
)
NOT_ORG_ACRONYMS = frozenset(
    """UN EU US UK USA UAE IED IEDS UAV UAVS RPG AK ID HQ PR TV GDP CEO PM AM OK NGO NGOS II III IV VI VII VIII
    IX XI XII MANPADS MANPAD CIA FBI AFP BBC CNN ISBN UTC GMT OBL UBL KSM SDGT SDN FTO""".split()
)


@dataclass(slots=True)
class Mention:
    """A span of text naming one entity, or several (a resolved list such as "these affiliates")."""

    start: int
    end: int
    text: str
    entity_ids: tuple[str, ...]
    kind: str
    how: str = "gazetteer"  # gazetteer | acronym | alias | fuzzy | discovered | coref | topic
    plural: bool = False

    @property
    def entity_id(self) -> str:
        return self.entity_ids[0]


@dataclass(slots=True)
class _Entry:
    entity_id: str
    kind: str
    surface: str
    exact: bool  # needs the exact case (acronyms, short or mixed-case names)
    capital: bool  # needs at least one capital letter in the text
    ambiguous: bool
    canonical: bool
    case_ok: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)  # surface -> _case_ok


@dataclass
class NameIndex:
    """An n-gram dictionary from folded word tuples to gazetteer entries."""

    entries: dict[tuple[str, ...], list[_Entry]] = field(default_factory=dict)
    first: set[str] = field(default_factory=set)
    lengths: dict[str, list[int]] = field(default_factory=dict)  # first word -> key lengths, longest first
    seconds: dict[str, set[str]] = field(default_factory=dict)  # first word -> second words of longer keys
    maxn: int = 1
    stamp: int = 0
    names: dict[str, str] = field(default_factory=dict)  # entity id -> canonical name (for fuzzy)

    def add(self, name: str, ent: Entity, alias: Alias | None, *, canonical: bool = False) -> None:
        words = [w for w, _s, _e in iter_words(name)]
        key = tuple(k for k in (word_key(w) for w in words) if k)
        if not key:
            return
        core = _CORE_RE.sub("", name)
        letters = [c for c in core if c.isalpha()]
        mixed = any(any(c.isupper() for c in re.split(r"['’ʼʻʿʾ`´‘]", w)[-1][1:]) and not w.isupper() for w in words)
        acronym = bool(alias and alias.acronym) or (len(letters) > 1 and all(c.isupper() for c in letters))
        short = len(core) <= 4
        ambiguous = bool(alias and alias.ambiguous) or (len(key) == 1 and key[0] in COMMON_WORDS)
        entry = _Entry(
            entity_id=ent.id,
            kind=ent.kind,
            surface=name,
            exact=acronym or short or mixed,
            capital=any(c.isupper() for c in letters),
            ambiguous=ambiguous,
            canonical=canonical,
        )
        bucket = self.entries.setdefault(key, [])
        for e in bucket:
            if e.entity_id == entry.entity_id and e.surface == entry.surface:
                return
        bucket.append(entry)
        bucket.sort(key=lambda e: (not e.canonical, e.ambiguous))
        self.first.add(key[0])
        ls = self.lengths.setdefault(key[0], [])
        if len(key) not in ls:
            ls.append(len(key))
            ls.sort(reverse=True)
        if len(key) > 1:
            self.seconds.setdefault(key[0], set()).add(key[1])
        self.maxn = max(self.maxn, len(key))


class _KeyCache(dict[str, str]):
    """word -> word_key(word); a missing word is computed (and kept while the cache is not full)."""

    def __missing__(self, word: str) -> str:
        w = fold(word).replace(" ", "")
        w = _VARIANTS.get(w, w)
        if w in _PARTICLES or w in _ARTICLES:
            w = ""  # connecting particles and articles do not distinguish names
        if len(self) < 200_000:
            self[word] = w
        return w


_KEY_CACHE = _KeyCache()


def word_key(word: str) -> str:
    """The folded, canonical key of one word; '' for articles (dropped when matching)."""
    return _KEY_CACHE[word]


# WORD_RE as a splitting pattern: re.split gives [gap, word, gap, word, ..., gap] in one C-level pass
_WORD_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")
_POSS_END_RE = re.compile(r"['’ʼ]s")


def _word_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """The words of ``text`` and their start and end offsets, as ``iter_words`` defines them."""
    parts = _WORD_SPLIT_RE.split(text)
    pos = list(accumulate(map(len, parts)))
    words = parts[1::2]
    starts = pos[0:-1:2]  # the end of the gap before each word
    ends = pos[1::2]
    # a possessive 's is cut off a word longer than three characters ("Qa'ida's" -> "Qa'ida")
    for m in _POSS_END_RE.finditer(text):
        e = m.end()
        k = bisect.bisect_left(ends, e)
        if k < len(ends) and ends[k] == e and len(words[k]) > 3:
            words[k] = words[k][:-2]
            ends[k] = e - 2
    return words, starts, ends


def iter_words(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """Words of ``text`` with their offsets; a possessive 's is cut off the word."""
    words, starts, ends = _word_spans(text)
    if offset:
        starts = [s + offset for s in starts]
        ends = [e + offset for e in ends]
    return list(zip(words, starts, ends, strict=True))


_ALIASES = attrgetter("aliases")


def build_index(gaz: Gazetteer) -> NameIndex:
    """The name index of a gazetteer (cached on the gazetteer object)."""
    stamp = len(gaz.entities) * 1_000_003 + sum(map(len, map(_ALIASES, gaz.entities.values())))
    cached = getattr(gaz, "_andiwali_extract_index", None)
    if cached is not None and cached.stamp == stamp:
        return cached
    idx = NameIndex(stamp=stamp)
    for ent in gaz.entities.values():
        if ent.attributes.get("_merged_into"):
            continue
        idx.names[ent.id] = ent.name
        idx.add(ent.name, ent, None, canonical=True)
        for a in ent.aliases:
            idx.add(a.name, ent, a)
    try:
        gaz._andiwali_extract_index = idx  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - slotted gazetteer
        pass
    return idx


def _core(s: str) -> str:
    """Letters only, case kept, diacritics dropped (for exact-case comparison)."""
    s = unicodedata.normalize("NFKD", _CORE_RE.sub("", s))
    return "".join(c for c in s if not unicodedata.combining(c))


def _case_ok(entry: _Entry, surface: str) -> bool:
    """Whether the text's ``surface`` has the case the entry needs (memoized on the entry: names recur)."""
    ok = entry.case_ok.get(surface)
    if ok is None:
        ok = _case_ok_uncached(entry, surface)
        if len(entry.case_ok) < 1_000:
            entry.case_ok[surface] = ok
    return ok


def _case_ok_uncached(entry: _Entry, surface: str) -> bool:
    words = entry.surface.split()
    if len(words) > 1 and len(words[0]) >= 2 and words[0].isalpha() and words[0].isupper():
        # "IS Sahel" is an acronym and a name: "is the Sahel" is a verb and a place
        sw = surface.split()
        if not sw or not sw[0].isupper():
            return False
    if entry.exact:
        a, b = _core(surface), _core(entry.surface)
        if a == b:
            return True
        # an acronym written with some lower-case letters ("HuM", "JuA") against an all-capital alias
        if len(a) <= 6 and a.upper() == b.upper() and sum(c.isupper() for c in a) >= 2 and a[0].isupper():
            return True
        # an acronym pronounced as a word and written as one ("Hasm" for HASM, "Hamas"): four letters or more,
        # a vowel, title case
        if len(a) >= 4 and b.isupper() and a.upper() == b and a[0].isupper() and a[1:].islower() \
                and any(c in "AEIOU" for c in b[1:]):
            return True
        # an article the text adds or leaves out ("al-Qaeda" vs "Qaeda") does not matter
        for art in ("al", "el", "Al", "El", "the", "The"):
            if a.startswith(art) and a[len(art):] == b or b.startswith(art) and b[len(art):] == a:
                return True
        return False
    if entry.capital:
        return any(c.isupper() for c in surface)
    return True


@dataclass
class Words:
    """The words of a text: raw form, key, start, end (articles kept with an empty key)."""

    raw: list[str]
    keys: list[str]
    starts: list[int]
    ends: list[int]
    _content: tuple[list[int], list[str]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, text: str) -> Words:
        raw, starts, ends = _word_spans(text)
        return cls(raw, list(map(_KEY_CACHE.__getitem__, raw)), starts, ends)

    def content(self) -> tuple[list[int], list[str]]:
        """Indices and keys of the words with a non-empty key (computed once)."""
        if self._content is None:
            keys = self.keys
            idx = [i for i, k in enumerate(keys) if k]
            self._content = (idx, [keys[i] for i in idx])
        return self._content


def match_gazetteer(text: str, words: Words, idx: NameIndex, extra: NameIndex | None = None) -> list[tuple[Mention, bool]]:
    """Longest-first dictionary matches; returns (mention, needs_context) pairs."""
    content, ckeys = words.content()
    out: list[tuple[Mention, bool]] = []
    n_content = len(content)
    indexes = [x for x in (extra, idx) if x is not None]
    if len(indexes) == 1:
        lengths = indexes[0].lengths
        seconds = indexes[0].seconds
    else:
        lengths = {}
        seconds = {}
        for x in indexes:
            for w, ls in x.lengths.items():
                lengths[w] = sorted(set(lengths.get(w, [])) | set(ls), reverse=True)
            for w, ss in x.seconds.items():
                seconds[w] = seconds.get(w, set()) | ss
    nxt = 0  # the first content word a match may start at (a match consumes its words)
    no_second: set[str] = set()
    for j in [j for j, k in enumerate(ckeys) if k in lengths]:  # only words that start some name
        if j < nxt:
            continue
        ls = lengths[ckeys[j]]
        if not ls:
            continue
        # a key of two words or more needs a second word that follows this first word in some name
        second = ckeys[j + 1] if j + 1 < n_content else None
        one_word = second not in seconds.get(ckeys[j], no_second)
        found = None
        for n in ls:
            if n > n_content - j or n > 1 and one_word:
                continue
            key = tuple(ckeys[j : j + n])
            for ix in indexes:
                bucket = ix.entries.get(key)
                if not bucket:
                    continue
                s = words.starts[content[j]]
                e = words.ends[content[j + n - 1]]
                # words inside the span must be contiguous in the text (no sentence break)
                if "\n" in text[s:e] or ". " in text[s:e] and n > 1:
                    continue
                wi = content[j]
                if wi > 0 and words.raw[wi - 1].lower() in ("al", "el") and words.ends[wi - 1] >= s - 1:
                    s = words.starts[wi - 1]
                surface = text[s:e]
                for entry in bucket:
                    if _case_ok(entry, surface):
                        found = (n, entry, s, e)
                        break
                if found:
                    break
            if found:
                break
        if not found:
            continue
        n, entry, s, e = found
        out.append((Mention(s, e, text[s:e], (entry.entity_id,), entry.kind, "gazetteer"), entry.ambiguous))
        nxt = j + n
    return out


_ACR_DEF = re.compile(r"\(\s*([A-Z][A-Za-z0-9&'’\-.]{1,11})\s*\)")
_FUNC = frozenset("of the al el and for in e i ul wal fi bin ibn ad ash as an at az ur ud de del la y".split())


_HYPHEN_RE = re.compile(r"[-‐‑]")


@lru_cache(maxsize=50_000)
def _hyphen_parts(word: str) -> tuple[str, ...]:
    """The non-empty parts of a hyphenated word."""
    return tuple(p for p in _HYPHEN_RE.split(word) if p)


def _initials_match(words: list[str], acr: str) -> bool:
    letters = [c.lower() for c in acr if c.isalpha()]
    if len(letters) < 2:
        return False
    parts: list[str] = []
    for w in words:
        parts.extend(_hyphen_parts(w))
    content = [p for p in parts if p.lower() not in _FUNC]
    if not content or content[0][0].lower() != letters[0]:
        return False
    if not all(p[0].isupper() or p[0].isdigit() for p in content):
        return False
    inits = "".join(p[0].lower() for p in content)
    if inits == "".join(letters):
        return True
    # acronym letters as a subsequence of all initials (function words included), same first and last
    allinit = [p[0].lower() for p in parts]
    it = iter(allinit)
    return all(c in it for c in letters) and allinit[0] == letters[0] and len(letters) >= len(content) - 1


_NON_SPACE_RE = re.compile(r"\S+")
_WORD_PUNCT = ",;:“”\""


def acronym_definitions(text: str) -> list[tuple[str, int, int, int, int]]:
    """'Long Name (ACR)' -> (acronym, long_start, long_end, acr_start, acr_end)."""
    out = []
    for m in _ACR_DEF.finditer(text):
        acr = m.group(1).rstrip(".")
        if not sum(c.isupper() for c in acr) >= 2:
            continue
        before = text[max(0, m.start() - 160) : m.start()]
        base = m.start() - len(before)
        # the words before the parenthesis, with surrounding punctuation stripped
        ws2 = []
        for x in _NON_SPACE_RE.finditer(before):
            w = x.group(0)
            s = x.start() + base + len(w) - len(w.lstrip(_WORD_PUNCT))
            w2 = w.strip(_WORD_PUNCT)
            ws2.append((w2, s, s + len(w2)))
        best = None
        for k in range(1, min(10, len(ws2)) + 1):
            cand = ws2[-k:]
            if not cand[0][0]:
                break  # an empty word (the words after it were checked on the previous rounds)
            names = [w for w, _, _ in cand]
            if names[0].lower() in _FUNC or names[0].lower() in _RUN_STOP:
                continue
            if _initials_match(names, acr):
                best = (cand[0][1], cand[-1][2])
                break
        if best:
            out.append((acr, best[0], best[1], m.start(1), m.start(1) + len(acr)))
        else:
            out.append((acr, -1, -1, m.start(1), m.start(1) + len(acr)))
    return out


def _is_cap(w: str) -> bool:
    return w[:1].isupper()


_RUN_BREAK = frozenset(",;:()[]\n\"“”.!?")  # characters between two words that end a name run


def capitalized_runs(text: str, words: Words) -> list[tuple[int, int]]:
    """Runs of capitalized words (with name connectors inside) as (first word, last word) indices."""
    runs = []
    raw = words.raw
    n = len(raw)
    nxt = 0  # the first word a run may start at (runs do not overlap)
    # a run starts at a capitalized word, or at "al"/"el" before one
    for i in [i for i, w in enumerate(raw) if w[:1].isupper() or w[:1] in ("a", "e") and w.lower() in ("al", "el")]:
        if i < nxt:
            continue
        w = raw[i]
        lw = w.lower()
        starts_run = _is_cap(w) and lw not in _RUN_STOP
        if not starts_run and lw in ("al", "el") and i + 1 < n and _is_cap(words.raw[i + 1]):
            starts_run = True
        if not starts_run:
            continue
        j = i
        k = i + 1
        while k < n:
            gap = text[words.ends[k - 1] : words.starts[k]]
            if len(gap) > 3 or not _RUN_BREAK.isdisjoint(gap):
                break
            wk = words.raw[k]
            if _is_cap(wk) and wk.lower() not in _RUN_STOP:
                j = k
            elif wk.lower() in CONNECTORS:
                pass
            else:
                break
            k += 1
        runs.append((i, j))
        nxt = j + 1
    return runs


def discover(text: str, words: Words, taken: list[tuple[int, int]], cap_runs=None) -> list[tuple[int, int, str, str]]:
    """Candidate organizations and persons not in the gazetteer: (start, end, name, kind)."""
    out = []
    runs = []
    t_spans = sorted(taken)
    t_starts = [s for s, _ in t_spans]
    for i, j in (cap_runs if cap_runs is not None else capitalized_runs(text, words)):
        # "X Brigade and the Y Movement": two names, not one
        cut = None
        for k in range(i + 1, j):
            if words.raw[k].lower() == "and":
                left = {word_key(words.raw[x]) for x in range(i, k)}
                right = {word_key(words.raw[x]) for x in range(k + 1, j + 1)}
                if left & GROUP_NOUNS and right & GROUP_NOUNS:
                    cut = k
                    break
        if cut is not None:
            nxt = cut + 1
            while nxt <= j and words.raw[nxt].lower() in ("the",):
                nxt += 1
            runs += [(i, cut - 1), (nxt, j)]
        else:
            runs.append((i, j))
    # "Charles Taylor's NPFL", "Jamal Maarouf's Syrian Revolutionaries Front": a possessor is no part of the
    # name after it (but "Lord's Resistance Army", "People's Protection Units" keep theirs)
    split: list[tuple[int, int]] = []
    for i, j in runs:
        for k in range(i, j):
            gap = text[words.ends[k] : words.starts[k + 1]]
            if gap[:2] in ("'s", "’s") and words.raw[k].lower() not in NAME_POSSESSIVES:
                split += [(i, k), (k + 1, j)]
                break
        else:
            split.append((i, j))
    runs = split
    for i, j in runs:
        if i == j:
            continue  # every kind below needs two capitalized words
        keys = [words.raw[k].lower() for k in range(i, j + 1)]
        folded = [word_key(words.raw[k]) or words.raw[k].lower() for k in range(i, j + 1)]
        s, e = words.starts[i], words.ends[j]
        caps = [k for k in range(i, j + 1) if _is_cap(words.raw[k])]
        kind = None
        if len(caps) >= 2 and (any(f in GROUP_NOUNS for f in folded) or ("qaida" in folded and "in" in keys)):
            kind = "organization"
            # "Islamic State" alone or a bare group noun is not a new group
        elif keys[0].rstrip(".") in PERSON_TITLES and len(caps) >= 2:
            kind = "person"
            s = words.starts[i + 1] if i + 1 <= j else s
        elif len(caps) >= 2 and any(
            len(words.raw[k]) >= 3 and words.raw[k].isupper() and words.raw[k] not in NOT_ORG_ACRONYMS for k in caps
        ) and any(words.raw[k][1:].islower() for k in caps):
            kind = "person"  # "Saad bin Atef al-AWLAKI": Factbook style surnames
        elif keys[0] in ("abu", "abou") and len(caps) >= 2:
            kind = "person"
        elif len(caps) >= 2 and len(keys) <= 5 and any(x in ("al", "el", "bin", "ibn") for x in keys[1:-1]) \
                and keys[0] not in ARABIC_GROUP_WORDS and keys[-1] not in ARABIC_GROUP_WORDS:
            kind = "person"  # "Abdel Fattah al-Burhan", "Qais al-Khazali": a name with an Arabic particle and no group word
        if kind is None:
            continue
        k = bisect.bisect_right(t_starts, s) - 1
        if k >= 0 and t_spans[k][1] >= e:
            continue  # inside a known name
        if kind == "person" and (k >= 0 and t_spans[k][1] > s or k + 1 < len(t_spans) and t_spans[k + 1][0] < e):
            continue
        # a sentence-initial "The" is not part of a name
        name = text[s:e]
        if kind == "organization" and folded[-1] in ("of", "the", "and", "in"):
            continue
        out.append((s, e, name, kind))
    # general organization patterns (group nouns, defined acronyms, cues), also in lower-case text
    have = sorted(list(taken) + [(s, e) for s, e, _n, _k in out])
    have_starts = [s for s, _ in have]
    longest = max((e - s for s, e in have), default=0)
    caseless = is_caseless(text)
    scan = text if caseless else _unexplored(text, words, have, have_starts, cap_runs)
    for d in (discover_organizations(scan, caseless=caseless) if scan.strip() else ()):
        # an overlapping span starts before d ends and ends after d starts (spans are at most `longest` long)
        lo = bisect.bisect_left(have_starts, d.start - longest)
        hi = bisect.bisect_left(have_starts, d.end)
        if any(have[k][1] > d.start for k in range(lo, hi)):
            continue
        out.append((d.start, d.end, d.name, d.kind))
        k = bisect.bisect_left(have_starts, d.start)
        have.insert(k, (d.start, d.end))
        have_starts.insert(k, d.start)
        longest = max(longest, d.end - d.start)
    return out


# a segment ends after sentence punctuation and white space, or after a line break; written with a leading
# character class ("[.;!?]\s|\n" matches the same) so that the regex engine skips fast to the candidates
_SEGMENT_END = re.compile(r"[\n.;!?](?:(?<=\n)|\s)")


def _blank(s: str) -> str:
    """Every character but line breaks replaced by a space."""
    return "\n".join(" " * len(line) for line in s.split("\n"))


def _unexplored(text: str, words: Words, spans: list[tuple[int, int]], starts: list[int],
                runs: list[tuple[int, int]] | None = None) -> str:
    """The text with every sentence blanked (spaces, offsets kept) whose capitalized words all lie inside
    names already found: in cased text the discovery patterns need a capitalized word of their own there,
    and a candidate overlapping a found name is dropped anyway."""
    # a word [s, e) lies inside a found name when some span (sorted by start) starting at or before s
    # ends at or after e: when the largest end among the spans starting at or before s reaches e
    max_end = list(accumulate((e for _s, e in spans), max))
    bounds = [m.end() for m in _SEGMENT_END.finditer(text)] + [len(text)]
    if runs is None:
        runs = [(i, i) for i, w in enumerate(words.raw) if w[:1].isupper()]
    raw, wstarts, wends = words.raw, words.starts, words.ends
    novel_segments: set[int] = set()
    for i, j in runs:
        for k in range(i, j + 1):
            if raw[k][:1].isupper():
                s = wstarts[k]
                hi = bisect.bisect_right(starts, s)
                if not (hi and max_end[hi - 1] >= wends[k]):
                    novel_segments.add(bisect.bisect_right(bounds, s))
                    break
    for q in ('"', "“"):
        pos = text.find(q)
        while pos >= 0:
            novel_segments.add(bisect.bisect_right(bounds, pos))
            pos = text.find(q, pos + 1)
    keep = [((bounds[k - 1] if k > 0 else 0), bounds[k]) for k in sorted(novel_segments) if k < len(bounds)]
    if sum(e - s for s, e in keep) >= len(text) * 0.9:
        return text
    parts, pos = [], 0
    for s, e in keep:
        parts.append(_blank(text[pos:s]))
        parts.append(text[s:e])
        pos = e
    parts.append(_blank(text[pos:]))
    return "".join(parts)


def bare_acronyms(text: str, words: Words, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """All-capital tokens (2-6 letters) not in the gazetteer: possible groups named only by acronym."""
    import bisect

    out = []
    spans = sorted(taken)
    starts = [s for s, _ in spans]
    shouting: dict[int, bool] = {}
    raw = words.raw
    for i in [i for i, w in enumerate(raw) if 2 <= len(w) <= 6 and w.isupper() and w.isalpha() and w not in NOT_ORG_ACRONYMS]:
        w, s, e = raw[i], words.starts[i], words.ends[i]
        k = bisect.bisect_right(starts, s) - 1
        if k >= 0 and spans[k][1] > s:
            continue
        # all-capital headings or shouting: not acronyms
        line_start = text.rfind("\n", 0, s) + 1
        if line_start not in shouting:
            line_end = text.find("\n", e)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            letters = [c for c in line if c.isalpha()]
            shouting[line_start] = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.6
        if shouting[line_start]:
            continue
        out.append((s, e, w))
    return out


def fuzzy_candidates(text: str, words: Words, runs: list[tuple[int, int]], idx: NameIndex, taken, threshold: float):
    """Capitalized multi-word runs close to a gazetteer name (misspellings): (start, end, entity id, score)."""
    from rapidfuzz import fuzz, process

    cached = getattr(idx, "_fuzzy_choices", None)
    if cached is None:
        choices = {}
        for key, bucket in idx.entries.items():
            if len(key) >= 2 and sum(len(k) for k in key) >= 8:
                choices[" ".join(key)] = bucket[0]
        vocab = {w for key in idx.entries for w in key}
        by_first: dict[str, list[str]] = {}
        for name in choices:
            by_first.setdefault(name[0], []).append(name)
        cached = (choices, by_first, vocab)
        idx._fuzzy_choices = cached
    choices, by_first, vocab = cached
    if not choices:
        return []
    out = []
    import bisect

    spans = sorted(taken)
    starts = [s for s, _ in spans]
    for i0, j in runs:
        if j == i0:
            continue
        # a misspelling leaves a word no known name has, next to words known names have
        ks = [k for k in words.keys[i0 : j + 1] if k]
        if vocab.issuperset(ks) or vocab.isdisjoint(ks):
            continue
        best = None
        for i in range(i0, j):
            if not words.raw[i][:1].isupper():
                continue
            s, e = words.starts[i], words.ends[j]
            # a known name exactly covering the run needs no fuzzy match
            k = bisect.bisect_right(starts, s) - 1
            if k >= 0 and spans[k][1] >= e:
                break
            q = " ".join(k for k in (words.keys[x] for x in range(i, j + 1)) if k)
            if len(q) < 8 or " " not in q:
                continue
            # a misspelling seldom touches the first letter: compare with names that share it
            hit = process.extractOne(q, by_first.get(q[0], ()), scorer=fuzz.ratio, score_cutoff=threshold)
            if hit and (best is None or hit[1] > best[3]):
                best = (s, e, choices[hit[0]], hit[1])
        if best is not None:
            s, e, entry, score = best
            # not when it only restates a known name it contains
            inner = [(ts, te) for ts, te in taken if s <= ts and te <= e]
            if not any(te - ts >= (e - s) - 1 for ts, te in inner):
                out.append(best)
    return out


def is_acr(name: str) -> bool:
    """An acronym: short, mostly capitals ("TIP", "IS-K", "HaD")."""
    core = re.sub(r"[\s\-.'’]", "", name)
    return 1 < len(core) <= 8 and core.isalpha() and sum(c.isupper() for c in core) >= max(2, len(core) - 1)
