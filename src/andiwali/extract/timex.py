"""Time expressions: explicit dates, ranges, open ends, relative dates.

Own regular expressions first (years, months, days, ranges, "since August
2021", "until 2011", "in the 1990s"); relative expressions ("last year", "over
the past few weeks") resolve against the document date; dateparser is never
needed for these forms (it misreads ranges and open ends).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from andiwali.extract.qualifiers import FOLDS_TO_ASCII_RE

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")]
    )
    for m in names
}
_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MON = rf"(?:{_MONTH_NAMES})\.?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_PREP_WORDS = r"since|from|until|till|through|to|by|after|before|in|on|during|circa|around|as of|starting in|beginning in|between|early|late|mid|ca\."
_PREP = rf"(?P<prep>{_PREP_WORDS})"

_DATE = (
    rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MON})\s*,?\s+(?P<y1>{_YEAR})"  # 11 September 2001
    rf"|(?P<m2>{_MON})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<y2>{_YEAR})"  # September 11, 2001
    rf"|(?P<m3>{_MON})\s+(?:of\s+)?(?P<y3>{_YEAR})"  # August 2021
    r"|(?P<dec>(?:1[89]|20)\d0s)"  # the 1990s
    rf"|(?P<y4>{_YEAR})(?:\s*(?:-|–|—|to|and|until)\s*(?P<y5>{_YEAR}|\d\d)(?!\d))?"  # 2002-2004, 2014-15
)
DATE_RE = re.compile(
    rf"(?:\b{_PREP}\s+(?:the\s+(?:two\s+|three\s+)?(?:years?\s+|period\s+|late\s+|early\s+|mid-?\s*)?)?)?(?<![\d,.$])(?:{_DATE})(?![\d%]|,\d)",
    re.I,
)
# the places where a DATE_RE match may start, in lower-case text (a zero-width match at each)
_DATE_START = re.compile(rf"(?=\d|{_MONTH_NAMES.lower()}|{_PREP_WORDS})")
_RELATIVE = re.compile(
    r"\b(?P<rel>last year|this year|earlier this year|the previous year|the following year|the next year|last month|"
    r"this month|(?:over |in |during )?(?:the )?(?:past|last|recent) (?:few )?(?:weeks|days|months)|recently)\b",
    re.I,
)
_EVENT = re.compile(r"\b(?P<prep>after|since|before|until|following)\s+(?:the\s+)?(?P<ev>death|killing|fall|attacks?|invasion)\b", re.I)
# adjectives whose "since/before X" dates the adjective, not the tie: "unprecedented since 1979"
_ADJ_BEFORE = re.compile(
    r"\b(?:unprecedented|highest|lowest|largest|biggest|worst|deadliest|first|only|most|least|strongest|weakest|"
    r"longest|greatest|record)\s+$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class TimeExpr:
    start: int
    end: int
    kind: str  # point | from | to | range
    first: str | None
    last: str | None
    text: str


def _iso(y: str, m: str | None = None, d: str | None = None) -> str:
    out = y
    if m:
        out += f"-{MONTHS[m.lower().rstrip('.')]:02d}"
        if d:
            out += f"-{int(d):02d}"
    return out


YEARISH = _YEARISH = re.compile(r"(?:1[89]|20)\d\d")


def _date_matches(text: str):
    """DATE_RE's matches, scanning only windows around the years (every date expression holds one):
    the same matches as ``DATE_RE.finditer(text)``, several times faster on long sentences."""
    windows: list[list[int]] = []
    for y in _YEARISH.finditer(text):
        ws = text.rfind(" ", 0, max(0, y.start() - 48)) + 1
        we = min(len(text), y.end() + 28)
        if windows and ws <= windows[-1][1]:
            windows[-1][1] = we
        else:
            windows.append([ws, we])
    last = -1
    for ws, we in windows:
        start = max(ws, last)
        if FOLDS_TO_ASCII_RE.search(text, start, we) is not None:
            for m in DATE_RE.finditer(text, start, we):
                last = m.end()
                yield m
            continue
        # a match starts at a digit, a month name or a preposition: DATE_RE is tried only there, which finds
        # the same matches (in the lower-cased window those words are plain text, see FOLDS_TO_ASCII_RE)
        pos = start
        for c in _DATE_START.finditer(text[start:we].lower()):
            q = start + c.start()
            if q < pos:
                continue
            m = DATE_RE.match(text, q, we)
            if m is not None:
                last = pos = m.end()
                yield m


def find_dates(text: str, offset: int = 0) -> list[TimeExpr]:
    """Date expressions in ``text`` with their span (offset added) and what they bound."""
    out: list[TimeExpr] = []
    if not _YEARISH.search(text):
        return out
    for m in _date_matches(text):
        g = m.groupdict()
        prep = (g.get("prep") or "").lower()
        if g["y1"]:
            if not 1 <= int(g["d1"]) <= 31:
                continue
            first = last = _iso(g["y1"], g["m1"], g["d1"])
        elif g["y2"]:
            if not 1 <= int(g["d2"]) <= 31:
                continue
            first = last = _iso(g["y2"], g["m2"], g["d2"])
        elif g["y3"]:
            first = last = _iso(g["y3"], g["m3"])
        elif g["dec"]:
            y = g["dec"][:4]
            first, last = y, str(int(y) + 9)
        else:
            first = last = g["y4"]
            if g["y5"] and " and " in m.group(0).lower() and prep != "between":
                g["y5"] = None
            if g["y5"]:
                y5 = g["y5"]
                if len(y5) == 2:
                    y5 = g["y4"][:2] + y5
                if int(y5) <= int(first) or int(y5) - int(first) > 60:
                    continue
                last = y5
        if _ADJ_BEFORE.search(text[max(0, m.start() - 30) : m.start()]):
            continue
        if first != last or g["dec"]:
            kind = "range" if prep not in ("since", "after", "until", "till", "before") else ("from" if prep in ("since", "after") else "to")
            if kind == "from":
                last = None
            elif kind == "to":
                first = last
                first = None
        elif prep in ("since", "after", "starting in", "beginning in", "from"):
            kind, last = "from", None
        elif prep in ("until", "till", "before", "through"):
            kind, first = "to", None
        else:
            kind = "point"
        out.append(TimeExpr(m.start() + offset, m.end() + offset, kind, first, last, m.group(0)))
    return out


def _shift_month(ym: str, months: int) -> str:
    y, m = int(ym[:4]), int(ym[5:7]) if len(ym) >= 7 else 1
    total = y * 12 + (m - 1) + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def find_relative(text: str, published: str | None, offset: int = 0) -> list[TimeExpr]:
    """Relative expressions resolved against the document date (none without one)."""
    if not published:
        return []
    out = []
    year = published[:4]
    for m in _RELATIVE.finditer(text):
        rel = m.group("rel").lower()
        if rel in ("last year", "the previous year"):
            v, kind = str(int(year) - 1), "point"
        elif rel in ("this year", "earlier this year"):
            v, kind = year, "point"
        elif rel in ("the following year", "the next year"):
            continue  # relative to a date in the text, handled by carry-over
        elif rel in ("last month",):
            if len(published) < 7:
                continue
            v, kind = _shift_month(published, -1), "point"
        elif rel == "this month":
            if len(published) < 7:
                continue
            v, kind = published[:7], "point"
        else:  # past few weeks / recent months / recently
            if len(published) < 7:
                v = year
            else:
                v = _shift_month(published, -2 if "month" in rel else -1) if "recently" not in rel else published[:7]
            kind = "from"
        first = v
        last = v if kind == "point" else None
        out.append(TimeExpr(m.start() + offset, m.end() + offset, kind, first, last, m.group(0)))
    return out


def find_event_anchors(text: str, offset: int = 0) -> list[tuple[int, int, str, str]]:
    """'after the death of X', 'before the attack': (start, end, prep, event word)."""
    return [(m.start() + offset, m.end() + offset, m.group("prep").lower(), m.group("ev").lower()) for m in _EVENT.finditer(text)]


_CARRY = re.compile(r"^\W*(?:at the time|at that time|that year|in that year|the same year|in the same year|that month|then|"
                    r"later that year|the following year|the next year|a year later|the previous year)\b", re.I)


def carries_over(sentence: str) -> str | None:
    """A sentence opening that points back to the paragraph's last date: returns the cue."""
    m = _CARRY.match(sentence)
    return m.group(0).strip().lower() if m else None
