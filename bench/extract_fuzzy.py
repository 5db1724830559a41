"""Measure the fuzzy-matching threshold of the mention matcher instead of guessing it.

    .venv/bin/python bench/extract_fuzzy.py

Positives: one-edit misspellings (deletion, substitution, transposition, doubled letter) of
every multi-word gazetteer name, which should match their own entity. Negatives: every
multi-word name against the other entities' names (leave-one-out), which should not match
anything. Prints precision/recall per threshold of rapidfuzz's ``ratio`` on the folded
names and writes bench/results/extract_fuzzy.json.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from rapidfuzz import fuzz, process

from andiwali.extract.mentions import build_index
from andiwali.model.reference import bundled_gazetteer

ROOT = Path(__file__).resolve().parents[1]


def misspell(s: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    i = rng.choice(letters)
    kind = rng.choice(["del", "sub", "swap", "dup"])
    if kind == "del":
        return s[:i] + s[i + 1 :]
    if kind == "sub":
        return s[:i] + rng.choice("aeioulnrst") + s[i + 1 :]
    if kind == "dup":
        return s[:i] + s[i] + s[i:]
    j = min(i + 1, len(s) - 1)
    return s[:i] + s[j] + s[i] + s[j + 1 :]


def main() -> None:
    rng = random.Random(7)
    idx = build_index(bundled_gazetteer())
    names = {}
    for key, bucket in idx.entries.items():
        if len(key) >= 2 and sum(len(k) for k in key) >= 8:
            names[" ".join(key)] = bucket[0].entity_id
    keys = list(names)
    pos, neg = [], []
    for k in keys:
        q = misspell(k, rng)
        hit = process.extractOne(q, keys, scorer=fuzz.ratio)
        pos.append((hit[1], names[hit[0]] == names[k]))
        others = [x for x in keys if names[x] != names[k]]
        hit = process.extractOne(k, others, scorer=fuzz.ratio)
        neg.append(hit[1])
    rows = []
    for t in range(80, 100, 2):
        tp = sum(1 for s, ok in pos if s >= t and ok)
        fp_pos = sum(1 for s, ok in pos if s >= t and not ok)
        fp_neg = sum(1 for s in neg if s >= t)
        recall = tp / len(pos)
        precision = tp / (tp + fp_pos + fp_neg) if tp + fp_pos + fp_neg else 1.0
        rows.append({"threshold": t, "precision": round(precision, 3), "recall": round(recall, 3)})
        print(f"threshold {t}: precision {precision:.3f} recall {recall:.3f}")
    out = ROOT / "bench" / "results" / "extract_fuzzy.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"names": len(keys), "rows": rows}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
