"""Qualifiers: amounts with currency and period, commodities, casualties, targets, places, statistics."""

from __future__ import annotations

import re

_NUM = r"(?:tens of|hundreds of|thousands of|several|dozens of|\d[\d,.]*)"
_AMOUNT = re.compile(
    rf"(?P<cur1>\$|US\$|USD\s?|€|£)?\s?(?P<amount>{_NUM}(?:\s+(?:millions|billions|thousands|million|billion|thousand)\b)?(?:\s+of)?)\s*"
    rf"(?P<cur2>dollars|usd|euros|pounds|rupees|afghanis)?(?:\s+(?:a|per|each|every)\s+(?P<period>day|week|month|year))?",
    re.I,
)
_CURRENCY = {"$": "USD", "us$": "USD", "usd": "USD", "dollars": "USD", "€": "EUR", "euros": "EUR", "£": "GBP",
             "pounds": "GBP", "rupees": "INR", "afghanis": "AFN"}
COMMODITIES = ("gold", "methamphetamine", "weapons", "cash", "opium", "heroin", "oil", "drugs", "fuel", "diamonds",
               "charcoal", "arms", "cocaine", "timber", "minerals", "lithium", "emeralds", "gas", "cattle")
_KILLED = re.compile(r"(?:kill(?:ing|ed|s)?\s+(?:at least\s+|nearly\s+|more than\s+|over\s+|about\s+)?(?P<k1>\d[\d,]*)"
                     r"|(?P<k2>\d[\d,]*)\s+(?:\w+\s+){0,3}?(?:were\s+|people\s+)?(?:killed|dead))", re.I)
_WOUNDED1 = re.compile(r"(?:wound(?:ing|ed|s)?|injur(?:ing|ed|es))\s+(?:at least\s+|nearly\s+|more than\s+)?(\d[\d,]*)", re.I)
_WOUNDED2 = re.compile(r"(\d[\d,]*)\s+(?:\w+\s+){0,3}?(?:were\s+)?(?:wounded|injured)", re.I)
_WOUNDED = re.compile(r"(?:wound(?:ing|ed|s)?|injur(?:ing|ed|es))\s+(?:at least\s+|nearly\s+|more than\s+)?(?P<w1>\d[\d,]*)"
                      r"|(?P<w2>\d[\d,]*)\s+(?:\w+\s+){0,3}?(?:were\s+)?(?:wounded|injured)", re.I)
_TARGET = re.compile(r"\b(troops|soldiers|civilians|police|policemen|officers|personnel|worshippers|students|tourists|"
                     r"journalists|diplomats|airport|embassy|mosque|church|school|hospital|base|checkpoint|convoy|"
                     r"hotel|market|prison|concert hall|military personnel)\b", re.I)
_STAT = re.compile(r"\b(?:reduced|increased|fell|rose|dropped|declined|grew|cut|down|up)\s+(?:by\s+)?\d[\d.,]*\s?%(?:\s+in\s+\d{4})?", re.I)

_ANY_DIGIT = re.compile(r"\d")
# the characters besides ASCII letters that case-insensitive matching may take for an ASCII letter, or whose
# case forms hold one (found by testing every code point): in a text without them, a case-insensitive match
# of an ASCII word lies in text.lower()
FOLDS_TO_ASCII_RE = re.compile("[ßİıŉſǰẖẗẘẙẚKﬀﬁﬂﬃﬄﬅﬆ]")
_TARGET_WORDS = ("troops", "soldiers", "civilians", "police", "officers", "personnel", "worshippers", "students",
                 "tourists", "journalists", "diplomats", "airport", "embassy", "mosque", "church", "school", "hospital",
                 "base", "checkpoint", "convoy", "hotel", "market", "prison", "concert hall")  # what _TARGET needs


def may_hold(text: str, low: str, words: tuple[str, ...]) -> bool:
    """Whether a case-insensitive match of one of the lower-case ASCII ``words`` may lie in ``text``
    (``low`` is ``text.lower()``): False only when none can, so a search for a pattern that needs one
    of the words can be skipped."""
    return any(w in low for w in words) or (not text.isascii() and FOLDS_TO_ASCII_RE.search(text) is not None)


_MONEY_PREDICATES = {"finances", "trades_with", "supports"}
_ATTACK_PREDICATES = {"attacks", "fights"}


def _int(s: str) -> int | None:
    try:
        return int(s.replace(",", ""))
    except ValueError:
        return None


def _money_parts(text: str, low: str) -> dict:
    money: dict = {}
    if any(w in low for w in ("$", "€", "£", "usd", "dollar", "euro", "pound", "rupee", "afghani")):
        for m in _AMOUNT.finditer(text):
            cur = (m.group("cur1") or m.group("cur2") or "").strip().lower()
            if not cur:
                continue
            money["amount"] = " ".join(m.group("amount").split()).removesuffix(" of")
            money["currency"] = _CURRENCY.get(cur, cur.upper())
            if m.group("period"):
                money["period"] = m.group("period").lower()
            break
    found = [w for w in COMMODITIES if w in low and re.search(rf"\b{w}\b", low)]
    if found:
        money["commodity"] = found[0] if len(found) == 1 else found
    return money


def _attack_parts(text: str, has_digit: bool) -> dict:
    attack: dict = {}
    low = text.lower()
    if has_digit:
        km = _KILLED.search(text) if may_hold(text, low, ("kill", "dead")) else None
        if km:
            v = _int(km.group("k1") or km.group("k2"))
            if v is not None:
                attack["killed"] = v
        wm = (_WOUNDED1.search(text) or _WOUNDED2.search(text)) if may_hold(text, low, ("wound", "injur")) else None
        if wm:
            v = _int(wm.group(1))
            if v is not None:
                attack["wounded"] = v
    tg = _TARGET.search(text) if may_hold(text, low, _TARGET_WORDS) else None
    if tg:
        attack["target"] = tg.group(1).lower()
    return attack


def _text_parts(sent, key: str):
    """What the sentence text alone gives (money and commodities, casualties and target, a statistic),
    computed once per sentence and only for the predicates that use it."""
    cache = getattr(sent, "_qualifier_parts", None)
    if cache is None:
        cache = sent._qualifier_parts = {}
    if key not in cache:
        text = sent.text
        has_digit = _ANY_DIGIT.search(text) is not None
        if key == "money":
            cache[key] = _money_parts(text, text.lower())
        elif key == "attack":
            cache[key] = _attack_parts(text, has_digit)
        else:
            st = _STAT.search(text) if has_digit and "%" in text else None
            cache[key] = st.group(0) if st else None
    return cache[key]


_PLACE_PREDICATES = frozenset({"attacks", "fights", "finances", "trades_with", "supports", "operates_in"})


def qualifiers_for(sent, tm, c) -> dict:
    q: dict = {}
    if c.predicate in _MONEY_PREDICATES:
        q.update(_text_parts(sent, "money"))
    if c.predicate in _ATTACK_PREDICATES:
        q.update(_text_parts(sent, "attack"))
    if c.predicate in _PLACE_PREDICATES:
        used = {c.subject_id, c.object_id}
        for k, m in enumerate(sent.mentions):
            if m.kind == "place" and m.entity_id not in used:
                a, _ = sent.mrange[k]
                if a > 0 and sent.lowers[a - 1] in ("in", "at", "near", "across", "from") or (
                    a > 1 and sent.lowers[a - 2] in ("in", "at", "near") and sent.lowers[a - 1] in ("the",)
                ):
                    q["place"] = m.entity_id
                    break
    stat = _text_parts(sent, "statistic")
    if stat:
        q["statistic"] = stat
    return q
