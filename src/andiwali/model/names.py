"""Name normalization shared by matching, resolution and ids.

``normalize_name`` folds case, diacritics, apostrophes and ayn/hamza marks,
hyphens and punctuation, and common transliteration variants, so that
"Al Qa'ida", "al-Qaeda" and "AL-QAIDA" meet. ``normalize_with_map`` does the
same over running text and keeps, for every output character, the offset of
the input character it came from, so matches map back to exact spans.
"""

from __future__ import annotations

import re
import unicodedata

# apostrophes, ayn/hamza marks, backticks, modifier letters: dropped
_DROP = set("'’‘`´ʼʻʿʾʹ′ˈ\u02bc\u02bb\u02be\u02bf")
# hyphens, dashes, slashes, dots and similar: become spaces
_SPACE = set("-‐‑‒–—―_/\\.,;:()[]{}\"“”«»·•|!?&+*#")

# word-level transliteration variants -> one canonical spelling (applied after folding)
_VARIANTS: dict[str, str] = {
    "qaeda": "qaida", "qaida": "qaida", "qa ida": "qaida", "qaeda's": "qaida",
    "qaedat": "qaidat",
    "tehreek": "tehrik", "tahrik": "tehrik", "tehrīk": "tehrik", "tahreek": "tehrik",
    "mohammed": "muhammad", "mohammad": "muhammad", "muhammed": "muhammad", "mohamed": "muhammad",
    "mohamad": "muhammad", "muhamad": "muhammad",
    "usama": "osama", "ussama": "osama",
    "ladin": "laden",
    "khurasan": "khorasan", "korasan": "khorasan", "khorason": "khorasan",
    "shabab": "shabaab",
    "mujahedeen": "mujahidin", "mujahideen": "mujahidin", "mujahidin": "mujahidin", "mujahedin": "mujahidin",
    "jamaat": "jamaat", "jamaa": "jamaat", "jama": "jamaat", "jamaah": "jamaat", "jemaah": "jamaat",
    "jamiat": "jamiat",
    "lashkar": "lashkar",
    "jaish": "jaysh", "jaysh": "jaysh", "jeish": "jaysh",
    "ansar": "ansar", "ansaar": "ansar",
    "sharia": "sharia", "shari": "sharia", "shariah": "sharia",
    "hizballah": "hezbollah", "hizbollah": "hezbollah", "hizbullah": "hezbollah",
    "islamiyah": "islamiya", "islamiyya": "islamiya", "islamiyyah": "islamiya",
    "sham": "sham", "shaam": "sham",
    "zawahiri": "zawahiri", "zawahri": "zawahiri",
}

# connecting particles of transliterated names ("Lashkar-e-Taiba", "Lashkar-i-Taiba")
_PARTICLES = {"e": "e", "i": "e", "ul": "ul", "al": "al", "el": "al", "ud": "ul", "ur": "ul", "as": "al", "an": "al", "ad": "al", "at": "al", "ash": "al", "az": "al"}

_ARTICLES = {"al", "the", "el"}
_WS = re.compile(r"\s+")


def fold_char(ch: str) -> str:
    """Fold one character: lower case, no diacritics; '' to drop it, ' ' for separators."""
    if ch in _DROP:
        return ""
    if ch in _SPACE or ch.isspace():
        return " "
    decomp = unicodedata.normalize("NFKD", ch)
    out = "".join(c for c in decomp if not unicodedata.combining(c))
    return out.lower()


def fold(text: str) -> str:
    """Case, diacritic, apostrophe and hyphen folding, whitespace collapsed."""
    return _WS.sub(" ", "".join(fold_char(c) for c in text)).strip()


def _canon_words(words: list[str]) -> list[str]:
    out: list[str] = []
    for i, w in enumerate(words):
        w = _VARIANTS.get(w, w)
        # inner particles are unified (lashkar e taiba == lashkar i taiba)
        if 0 < i < len(words) - 1 and w in _PARTICLES:
            w = _PARTICLES[w]
        out.append(w)
    return out


def normalize_name(name: str, *, drop_articles: bool = True) -> str:
    """The matching key of a name.

    >>> normalize_name("Al Qa'ida") == normalize_name("al-Qaeda")
    True
    """
    words = fold(name).split()
    # join "qa ida" style splits produced by dropped hamza
    words = _canon_words(words)
    if drop_articles:
        words = [w for w in words if w not in _ARTICLES] or words
    return " ".join(words)


def word_spans_with_map(text: str) -> list[tuple[str, int, int]]:
    """Split running text into folded words with their (start, end) in ``text``.

    Each returned word is folded (and transliteration-canonicalized); the
    offsets point into the original text, so a match over consecutive words
    maps back to ``text[start:end]`` exactly.
    """
    words: list[tuple[str, int, int]] = []
    buf: list[str] = []
    start = -1
    last = -1
    for i, ch in enumerate(text):
        f = fold_char(ch)
        if f == " " or (not f and start < 0 and ch not in _DROP):
            if buf:
                words.append(("".join(buf), start, last + 1))
                buf = []
                start = -1
            continue
        if not f:
            # dropped mark inside a word: keep the word going
            if start >= 0:
                last = i
            continue
        if start < 0:
            start = i
        buf.append(f)
        last = i
    if buf:
        words.append(("".join(buf), start, last + 1))
    return [(_VARIANTS.get(w, w), s, e) for w, s, e in words]


def is_acronym(name: str) -> bool:
    """A short all-capitals token such as AQIS, TTP, IS-K."""
    core = re.sub(r"[\s\-.'’]", "", name)
    return 1 < len(core) <= 8 and core.isupper() and core.isalpha()
