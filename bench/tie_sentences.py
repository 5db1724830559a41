"""Score the rules backend on single sentences about ties between groups.

    .venv/bin/python bench/tie_sentences.py [FILE.jsonl ...] [--min-confidence 0.5] [-v]

Each line of a file: {"text": "...", "claims": [[subject, predicate, object, polarity], ...]}
(an empty list: the sentence states no tie; a fifth element "optional" marks a claim that is
right when predicted but not required). Scoring: andiwali.evaluation.score_sentences.
Default files: the single-sentence sets the project wrote (see docs/extraction.md):
tests/extract/fixtures/tie_sentences.jsonl (rules were written from it),
tests/gold/sentences/calibration.jsonl (used only to calibrate confidences),
tests/gold/sentences/test.jsonl (used only to measure), and the independent set a second author
wrote in session 3 without seeing the rules or the other sets, split at random:
tests/extract/fixtures/fresh_dev.jsonl (140 sentences, rules may be written from it) and
tests/gold/sentences/fresh_test.jsonl (100 sentences, used only to measure); and a second independent
set by a third author (session 3), split at random into tests/extract/fixtures/fresh2_dev.jsonl (100, dev),
tests/gold/sentences/calibration2.jsonl (100, calibration only) and tests/gold/sentences/fresh2_test.jsonl
(100, measure only).
Writes bench/results/tie_sentences.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from andiwali.evaluation import score_sentences  # noqa: E402

DEFAULT = [ROOT / "tests/extract/fixtures/tie_sentences.jsonl", ROOT / "tests/gold/sentences/calibration.jsonl",
           ROOT / "tests/gold/sentences/test.jsonl", ROOT / "tests/extract/fixtures/fresh_dev.jsonl",
           ROOT / "tests/gold/sentences/fresh_test.jsonl", ROOT / "tests/extract/fixtures/fresh2_dev.jsonl",
           ROOT / "tests/gold/sentences/calibration2.jsonl", ROOT / "tests/gold/sentences/fresh2_test.jsonl"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--min-confidence", type=float, default=0.5)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    files = [Path(f) for f in a.files] or DEFAULT
    results = {}
    for f in files:
        out = score_sentences(f, min_confidence=a.min_confidence, verbose=a.verbose)
        f = f.resolve()
        results[str(f.relative_to(ROOT)) if ROOT in f.parents else f.name] = out
        print(f"{f.name:24s} sentences {out['sentences']:4d}  P {out['precision']:.3f}  R {out['recall']:.3f}  "
              f"F1 {out['f1']:.3f}  (tp {out['tp']} fp {out['fp']} fn {out['fn']})")
        if a.verbose or len(files) == 1:
            for k, v in out["per_predicate"].items():
                print(f"  {k:24s} tp {v['tp']:3d} fp {v['fp']:3d} fn {v['fn']:3d}")
    if not a.files:
        path = ROOT / "bench" / "results" / "tie_sentences.json"
        path.write_text(json.dumps({"min_confidence": a.min_confidence, "results": results}, indent=1) + "\n",
                        encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
