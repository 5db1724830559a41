"""Partial dates as intervals.

A partial ISO date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) stands for every day it
covers: ``2021`` is 2021-01-01 .. 2021-12-31. Intervals are pairs of full-length
date strings, compared as strings (ISO order is time order). An open start is
``""`` and an open end ``"9999-99-99"``; a month always ends on day ``31`` (as a
string bound it is above every real day of that month).
"""

from __future__ import annotations

from functools import lru_cache

from andiwali.errors import AndiwaliError

OPEN_START = ""
OPEN_END = "9999-99-99"

Interval = tuple[str, str]


class AnalysisError(AndiwaliError):
    """Bad input to an analysis (an unknown layer, a bad date, an unknown entity)."""

    code = "E600"


@lru_cache(maxsize=65536)
def date_start(value: str | None) -> str:
    if not value:
        return OPEN_START
    n = len(value)
    if n == 4:
        return value + "-01-01"
    if n == 7:
        return value + "-01"
    return value


@lru_cache(maxsize=65536)
def date_end(value: str | None) -> str:
    if not value:
        return OPEN_END
    n = len(value)
    if n == 4:
        return value + "-12-31"
    if n == 7:
        return value + "-31"
    return value


def check(value: str | None, what: str = "date") -> str | None:
    """Validate a partial date given by a user; raise AnalysisError when it is not one."""
    if value is None or value == "":
        return None
    from andiwali.model.core import ModelError, check_date

    try:
        return check_date(str(value), what)
    except ModelError as exc:
        raise AnalysisError(str(exc).split(": ", 1)[-1], code="E601") from None


def period(value: str) -> Interval:
    """The interval a partial date covers."""
    return date_start(value), date_end(value)


def window(at: str | None = None, date_from: str | None = None, date_to: str | None = None) -> Interval | None:
    """The query window: ``at`` (a partial date, its whole period) or ``date_from``..``date_to``; None = no window."""
    at, date_from, date_to = check(at, "--at"), check(date_from, "--from"), check(date_to, "--to")
    if at and (date_from or date_to):
        raise AnalysisError("give either --at or --from/--to, not both", code="E601")
    if at:
        return period(at)
    if date_from or date_to:
        w = (date_start(date_from), date_end(date_to))
        if w[0] > w[1]:
            raise AnalysisError(f"--from {date_from} is after --to {date_to}", code="E601")
        return w
    return None


def claim_interval(valid_from: str | None, valid_to: str | None, reported_at: str | None) -> tuple[Interval | None, bool]:
    """(interval, undated) of a claim. An undated claim holds at its reported_at; None when it has no time at all."""
    if valid_from or valid_to:
        return (date_start(valid_from), date_end(valid_to)), False
    if reported_at:
        return (date_start(reported_at), date_end(reported_at)), True
    return None, True


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def intersection(a: Interval, b: Interval) -> Interval | None:
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


def show(iv: Interval | None) -> list[str | None] | None:
    """An interval for JSON output: open ends become null."""
    if iv is None:
        return None
    return [iv[0] or None, None if iv[1] == OPEN_END else iv[1]]
