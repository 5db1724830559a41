"""Confidence = the measured precision of the rule that made the claim.

``data/calibration.json`` is written by ``python -m andiwali.extract.calibrate``
(precision of each rule on held-out gold the rules were not written from).
Lookup backs off from the rule (``frame:predicate``) to the predicate, then
the frame, then the overall precision, whenever a bucket has too few claims.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

MIN_SUPPORT = 1  # buckets are smoothed toward their parents by the calibration script


@lru_cache(maxsize=1)
def table() -> dict:
    ref = resources.files("andiwali.extract") / "data" / "calibration.json"
    try:
        return json.loads(ref.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"default": 0.6, "rules": {}, "predicates": {}, "frames": {}, "features": {}}


def _lookup(bucket: dict, key: str) -> float | None:
    v = bucket.get(key)
    if isinstance(v, dict) and v.get("n", 0) >= MIN_SUPPORT and v.get("precision") is not None:
        return float(v["precision"])
    return None


def lookup(t: dict, rule: str, predicate: str) -> float:
    """Rule, else the mean of its predicate's and frame's estimates, else either, else overall."""
    frame = rule.split(":", 1)[0]
    base = _lookup(t.get("rules", {}), rule)
    if base is None:
        p = _lookup(t.get("predicates", {}), predicate)
        f = _lookup(t.get("frames", {}), frame)
        vals = [x for x in (p, f) if x is not None]
        base = sum(vals) / len(vals) if vals else float(t.get("default", 0.6))
    return base


def confidence_for(rule: str, predicate: str, features: tuple[str, ...] = ()) -> float:
    t = table()
    base = lookup(t, rule, predicate)
    # features with measured effect (ratio of precision with the feature to overall precision)
    for f in features:
        ratio = t.get("features", {}).get(f)
        if isinstance(ratio, dict) and ratio.get("n", 0) >= MIN_SUPPORT:
            base *= float(ratio["ratio"])
    return round(min(1.0, max(0.0, base)), 3)
