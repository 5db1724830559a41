"""Name normalization shared by matching, resolution and ids.

``normalize_name`` folds case, diacritics, apostrophes and ayn/hamza marks,
hyphens and punctuation, articles and connecting particles, and common
transliteration variants, so that "Al Qa'ida", "al-Qaeda" and "AL-QAIDA" meet,
and so do "Tehrik-i-Taliban", "Tehreek-e-Taliban" and "Tahrik Taliban".

``word_spans_with_map`` splits running text into the same folded words and
keeps the offsets of each word in the input, so matches map back to exact
spans: for any window of its words, ``normalize_name(" ".join(words))`` is the
key to look up (the same key ``normalize_name`` gives the alias).

Rules (in order):

1. NFKD, combining marks removed, lower case; a few letters folded by hand
   (ı ø ł đ ß æ œ); Arabic alef/ya/ta-marbuta and Persian letter variants unified.
2. apostrophes, ayn and hamza marks dropped ("Qa'ida" -> "qaida"); a possessive
   "'s" at the end of a word dropped ("ISKP's" -> "iskp").
3. hyphens, dashes, slashes and other punctuation become spaces.
4. each word mapped through ``VARIANTS`` (transliteration variants ->
   one spelling: qaeda/qaida, tehreek/tehrik, mohammed/muhammad, ...).
5. articles dropped anywhere ("al", "el", "the" and the assimilated
   "ad-", "ash-", "as-", "at-", "az-", "an-", "ar-" inside a name);
   connecting particles inside a name dropped ("e", "i", "ul", "ud", "ur",
   "-e-", "-i-" of Urdu/Persian izafa); "wal" -> "wa".

The key of a one-word name is never emptied: "The", "Al" stay as they are.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# apostrophes, ayn/hamza marks, backticks, modifier letters: dropped
_DROP = set("'’‘‛`´ʼʻʽʿʾʹ′ˈˋ\u02bc\u02bb\u02be\u02bf\u0640")  # \u0640 Arabic tatweel
# hyphens, dashes, slashes, dots and similar: become spaces
_SPACE = set("-‐‑‒–—―_/\\.,;:()[]{}\"“”„«»·•|!?&+*#=<>~^%$@")
# letters NFKD leaves alone
_LETTERS = {
    "ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d",
    # Arabic and Persian letter variants
    "ة": "ه", "ى": "ي", "ی": "ي", "ک": "ك", "ۀ": "ه", "ي": "ي",
}

# word-level transliteration variants -> one canonical spelling (applied after folding).
# Every value maps to itself, so normalization is idempotent.
_GROUPS: dict[str, tuple[str, ...]] = {
    "qaida": ("qaeda", "qaida", "qaidah", "qaedah", "qeada", "qaieda", "quaida", "qaida's"),
    "qaidat": ("qaedat", "qaidat"),
    "tehrik": ("tehreek", "tahrik", "tahreek", "tehrek", "tehreeq", "tehrīk", "tahriq", "tehriq"),
    "taliban": ("taleban", "talibaan", "talibans"),
    "muhammad": ("mohammed", "mohammad", "muhammed", "mohamed", "mohamad", "muhamad", "mohd", "mohammud",
                 "muhamed", "mahomed", "mehmood"),
    "mahmud": ("mahmood", "mahmoud", "mehmud"),
    "osama": ("usama", "ussama", "oussama", "usamah"),
    "laden": ("ladin", "ladan"),
    "khorasan": ("khurasan", "korasan", "khorason", "khorassan", "khurasaan", "khorasaan"),
    "shabaab": ("shabab", "shebab", "chabab"),
    "mujahidin": ("mujahedeen", "mujahideen", "mujahedin", "mujahadeen", "mujahiddin", "mujaheddin", "mudjahidin",
                  "mujahidun", "mojahedin", "mojahideen", "mujahidins"),
    "mujahid": ("mojahed", "mujahed"),
    "jamaat": ("jamaa", "jamaah", "jemaah", "jemaa", "jamat", "jammat", "jamaatu", "jamaatul", "jemmah", "jema",
               "jamaaat", "djamaat", "dzhamaat", "jamaat"),
    "jamiat": ("jamiyat", "jamiyah", "jamiyyat", "jamiat"),
    "lashkar": ("laskar", "lashkare", "lashkar"),
    "taiba": ("tayyiba", "toiba", "tayyaba", "tayiba", "tayyeba", "taibah", "tayyibah"),
    "jhangvi": ("jangvi", "jhangavi"),
    "jaysh": ("jaish", "jeish", "jeysh", "jaysh", "jaishe", "jaysh"),
    "ansar": ("ansaar", "ansar"),
    "ansarallah": ("ansarullah", "ansarulla", "ansarolla", "ansarallah"),
    "sharia": ("shari", "shariah", "sharia", "charia", "shariat", "shariaa"),
    "hezbollah": ("hizballah", "hizbollah", "hizbullah", "hezballah", "hizbolla", "hezbolla", "hizbala"),
    "hizb": ("hezb", "hizbul", "hizbe", "hezbe"),
    "harakat": ("harkat", "harakat", "harakah", "haraket", "harkatul", "harakatul", "harkatu", "harakatu",
                "harkut"),
    "islamiya": ("islamiyah", "islamiyya", "islamiyyah", "islamiah", "islamia", "islamiyyeh", "islamiyeh"),
    "sham": ("shaam", "sham"),
    "zawahiri": ("zawahri", "zawahry"),
    "din": ("deen", "dine", "eddine", "uddin", "addin", "iddin"),
    "nusra": ("nusrah", "nusrat", "nosrat", "nusra", "nousra"),
    "jabhat": ("jabhet", "jabha", "jabhah", "jebhat"),
    "tahrir": ("tahreer", "tahrir"),
    "hayat": ("hayet", "haiat", "hayaat", "hayaa", "haiah", "hayah"),
    "ahl": ("ahle", "ahlu", "ahlus", "ahlul", "ahlis", "ahlussunnah"),
    "sunna": ("sunnah", "sunnat", "sunna"),
    "khilafa": ("khilafah", "khalifa", "khalifah", "khilafat", "khilafet"),
    "daesh": ("daish", "daech", "daesh"),
    "wilayat": ("wilayah", "wilaya", "welayat", "vilayat", "velayat", "wilayet"),
    "katiba": ("katibat", "khatiba", "katibah", "khatibat", "katibah"),
    "kataib": ("khataib", "kataeb", "kata'ib", "kataib"),
    "tawhid": ("tawheed", "tauhid", "towhid", "tauheed", "tawhid"),
    "muhajirin": ("muhajireen", "muhajirun", "mouhajirin"),
    "quds": ("qods", "kuds", "qudos"),
    "hamas": ("hamas",),
    "haqqani": ("haqani", "hakkani", "haqqani"),
    "salafi": ("salafiya", "salafiyya", "salafiyah"),
    "maghreb": ("maghrib", "magreb", "maghreb"),
    "hussein": ("husayn", "hussain", "husain", "hossein", "hosein", "husseini"),
    "abdallah": ("abdullah", "abdulla", "abdalla"),
    "abu": ("abou", "abo"),
    "omar": ("umar", "omer"),
    "yusuf": ("yousef", "yusef", "yousuf", "youssef", "yousaf"),
    "haqq": ("haq",),
    "ahrar": ("ahrar",),
    "mourabitoun": ("murabitun", "mourabitoun", "murabitoun", "mourabitun"),
    "mulathamun": ("moulathamoun", "mulathamoun", "mulathameen", "mulathamin"),
    "boko": ("boko",),
}
VARIANTS: dict[str, str] = {v: canon for canon, vs in _GROUPS.items() for v in vs}
VARIANTS.update({canon: canon for canon in _GROUPS})
_VARIANTS = VARIANTS  # old name, kept for callers

_ARTICLES = {"al", "the", "el"}
# assimilated forms of the Arabic article: articles only inside a name ("Ansar as-Sunna", "Hurras ad-Din")
_INNER_ARTICLES = {"ad", "an", "ar", "as", "ash", "at", "az", "ath", "adh", "es", "et", "ez", "il", "ul-"}
# connecting particles inside a name (Urdu/Persian izafa and the like): dropped
_INNER_PARTICLES = {"e", "i", "ul", "ud", "ur", "ut", "us", "ush", "ol", "e'", "y"}
_JOIN = {"wal": "wa", "wel": "wa", "wa'l": "wa", "wad": "wa", "was": "wa"}
_PARTICLES = {"e": "e", "i": "e", "ul": "ul", "al": "al", "el": "al", "ud": "ul", "ur": "ul", "as": "al", "an": "al",
              "ad": "al", "at": "al", "ash": "al", "az": "al"}  # old table, kept for callers
_WS = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"(?<=\w)['’‘`´ʼ]s\b")


def fold_char(ch: str) -> str:
    """Fold one character: lower case, no diacritics; '' to drop it, ' ' for separators."""
    if ch in _DROP:
        return ""
    if ch in _SPACE or ch.isspace():
        return " "
    if ch in _LETTERS:
        return _LETTERS[ch]
    decomp = unicodedata.normalize("NFKD", ch)
    out = "".join(c for c in decomp if not unicodedata.combining(c))
    out = out.lower()
    if len(out) == 1 and out in _LETTERS:
        return _LETTERS[out]
    if out != ch:
        # a compatibility form ("‼", "ŀ", "…") folds like the characters it stands for: idempotent keys
        return "".join(fold_char(c) if c != ch else c for c in out)
    return out


_ASCII_TABLE = {ord(c): fold_char(c) for c in map(chr, range(128))}


def fold(text: str) -> str:
    """Case, diacritic, apostrophe and hyphen folding, whitespace collapsed."""
    if text.isascii():
        return _WS.sub(" ", text.translate(_ASCII_TABLE)).strip()
    return _WS.sub(" ", "".join(fold_char(c) for c in text)).strip()


def _canon_words(words: list[str]) -> list[str]:
    """Transliteration variants of each word (the word-level rule 4)."""
    return [VARIANTS.get(w, w) for w in words]


def normalize_words(words: list[str], *, drop_articles: bool = True) -> str:
    """The key of a name already split into folded words (rules 4 and 5)."""
    words = _canon_words([w for w in words if w])
    if not drop_articles or len(words) < 2:
        return " ".join(words)
    out: list[str] = []
    last = len(words) - 1
    for i, w in enumerate(words):
        w = _JOIN.get(w, w)
        if w in _ARTICLES:
            continue
        if 0 < i < last and (w in _INNER_ARTICLES or w in _INNER_PARTICLES):
            continue
        out.append(w)
    return " ".join(out or words)


@lru_cache(maxsize=200_000)
def normalize_name(name: str, *, drop_articles: bool = True) -> str:
    """The matching key of a name.

    >>> normalize_name("Al Qa'ida") == normalize_name("al-Qaeda")
    True
    >>> normalize_name("Tehrik-i-Taliban Pakistan") == normalize_name("Tehreek-e-Taliban Pakistan")
    True
    """
    name = _POSSESSIVE.sub("", name)
    return normalize_words(fold(name).split(), drop_articles=drop_articles)


def acronym_key(name: str) -> str | None:
    """For an acronym such as "IS-K", "U.S." or "AAS-T" the letters run together ("isk"); else None.

    Lets "ISK", "IS-K" and "IS K" meet without changing ``normalize_name``.
    """
    if not is_acronym(name):
        return None
    key = "".join(fold(name).split())
    return key or None


def word_spans_with_map(text: str) -> list[tuple[str, int, int]]:
    """Split running text into folded words with their (start, end) in ``text``.

    Each returned word is folded and transliteration-canonicalized (rules 1-4);
    the offsets point into the original text, so a match over consecutive words
    maps back to ``text[start:end]`` exactly. A possessive "'s" is left out of
    the word and of its span ("ISKP's" -> ("iskp", start, start + 4)).
    """
    words: list[tuple[str, int, int]] = []
    buf: list[str] = []
    start = -1
    last = -1
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        f = fold_char(ch)
        if f == " " or (not f and start < 0 and ch not in _DROP):
            if buf:
                words.append(("".join(buf), start, last + 1))
                buf = []
                start = -1
            i += 1
            continue
        if not f:
            # a possessive 's ends the word: "ISKP's"
            if (
                start >= 0
                and i + 1 < n
                and text[i + 1] in "sS"
                and (i + 2 >= n or not (text[i + 2].isalnum()))
            ):
                words.append(("".join(buf), start, last + 1))
                buf = []
                start = -1
                i += 2
                continue
            # dropped mark inside a word: keep the word going
            if start >= 0:
                last = i
            i += 1
            continue
        if start < 0:
            start = i
        buf.append(f)
        last = i
        i += 1
    if buf:
        words.append(("".join(buf), start, last + 1))
    return [(VARIANTS.get(w, w), s, e) for w, s, e in words]


_SKELETON_DIGRAPHS = (("kh", "k"), ("q", "k"), ("ph", "f"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ck", "k"))
_VOWELS = set("aeiouy")


@lru_cache(maxsize=100_000)
def skeleton_key(key: str) -> str:
    """A vowel-free key of a normalized name, for transliteration variants ``VARIANTS`` lacks.

    Each word: kh/q/ph/gh/dh/th/ck folded (k, k, f, g, d, t, k), a final "h" after a
    vowel dropped, the first letter kept (a first vowel as "a"), the other vowels
    and "w" dropped (Dawa = Daoua, Tawhid = Taouhid), doubled letters made single, and "a" added when the word ends in a vowel:
    "hizbalah brigades" and "hezbollah brigades" -> "hzblh brgds"; "jihad beena" and
    "jihad bina" -> "jhd bna"; "ansaru" -> "ansra" but "ansar" -> "ansr". Used by :mod:`andiwali.resolve` as a fallback, only
    where one entity has the skeleton; it does not change ``normalize_name``.
    """
    out = []
    for w in key.split():
        if not w.isalpha():
            out.append(w)
            continue
        for a, b in _SKELETON_DIGRAPHS:
            w = w.replace(a, b)
        if len(w) > 2 and w[-1] == "h" and w[-2] in _VOWELS:
            w = w[:-1]  # Jemaah = Jemaa, Rumiyah = Rumiya
        first = "a" if w[0] in _VOWELS else w[0]
        body = "".join(c for c in w[1:] if c not in _VOWELS and c != "w")  # w as a vowel: Dawa = Daoua
        last = "a" if len(w) > 1 and (w[-1] in _VOWELS or w[-1] == "w") else ""  # Ansaru is not Ansar
        out.append(re.sub(r"(.)\1+", r"\1", first + body) + last)
    return " ".join(out)


def dotted_acronym_key(name: str) -> str | None:
    """Single letters written apart, in any case: "a.q.a.p.", "A Q A P", "i.s.k.p" -> "aqap"; else None."""
    parts = [p for p in re.split(r"[.\s\-]+", name.strip()) if p]
    if len(parts) < 2 or not all(len(p) == 1 and p.isalpha() for p in parts):
        return None
    if "." not in name and not name.isupper():  # "a b c" in lower case without dots: too weak a signal
        return None
    return fold("".join(parts)) or None


def is_acronym(name: str) -> bool:
    """A short all-capitals token such as AQIS, TTP, IS-K."""
    core = re.sub(r"[\s\-.'’]", "", name)
    return 1 < len(core) <= 8 and core.isupper() and core.isalpha()
