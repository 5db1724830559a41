"""People named after a leadership cue, when the gazetteer does not know them.

"Lashkar-e-Islam, the Khyber militia led by Mangal Bagh", "its leader Abdolmalek Rigi",
"under Paresh Baruah", "founded by Ahmed Jibril": a cue word for leading a group, then two to
four capitalized words (name particles such as al-, bin, abu, ag allowed inside) that no known
name covers, is a person. Only cased text: in all-lower or all-capital text capitals carry no
evidence, and the cue alone is too weak.
"""

from __future__ import annotations

import bisect
import re

from andiwali.extract.mentions import GROUP_NOUNS, word_key

# a leadership cue immediately before the name
_CUE = re.compile(
    r"\b(?:(?:led|headed|founded|co-founded|commanded|run|established|created)\s+by"
    r"|under(?:\s+the\s+(?:leadership|command)\s+of)?"
    r"|(?:leader|emir|amir|chief|commander|founder|co-founder|head|spokesman|ideologue|deputy)(?:,)?)"
    r"\s+(?:the\s+)?(?:(?:cleric|preacher|warlord|militant|commander|former|late|sheikh|shaykh|mullah|maulana|colonel|general)\s+)?",
)
_PARTICLES = frozenset("al el bin ibn bint abu abd ag ould wuld ul ud ur de da van von".split())
_NAME_WORD = re.compile(r"[A-Z][\w'’.-]*|(?:al|el|bin|ibn|abu|ag|ould|ul|ud|ur|de|da|van|von)(?:-[A-Z][\w'’-]*)?")
_NOT_NAMES = frozenset(
    """january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday the his her its their this that which who whose""".split()
)


def cue_persons(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, name) of people named right after a leadership cue, outside every span in ``taken``."""
    spans = sorted(taken)
    starts = [s for s, _ in spans]
    out: list[tuple[int, int, str]] = []
    for m in _CUE.finditer(text):
        pos = m.end()
        words: list[tuple[int, int]] = []
        while len(words) < 4:
            w = _NAME_WORD.match(text, pos)
            if w is None:
                break
            raw = w.group(0).rstrip(".")
            if raw.lower() in _NOT_NAMES:
                break
            words.append((w.start(), w.start() + len(raw)))
            nxt = w.start() + len(raw)
            if not text.startswith(" ", nxt) or nxt + 1 >= len(text) or text[nxt + 1] in "(,;:":
                break
            pos = nxt + 1
        while words and text[words[-1][0]:words[-1][1]].lower() in _PARTICLES:
            words.pop()  # a name does not end on a particle
        caps = [w for w in words if any(c.isupper() for c in text[w[0]:w[1]])]
        if len(words) < 2 or len(caps) < 2:
            continue
        s, e = words[0][0], words[-1][1]
        name = text[s:e]
        if "\n" in name or any(word_key(x) in GROUP_NOUNS for x in re.split(r"[\s-]+", name)):
            continue
        k = bisect.bisect_left(starts, e)
        if any(b > s for _a, b in spans[max(0, k - 4):k]):
            continue  # overlaps a known name
        out.append((s, e, name))
    return out
