"""Measure discovery of organizations the gazetteer does not know, on MUC-4 (1989-92 Latin America).

Runs ``andiwali.extract.extract_document`` over ../shared/eval/muc4/dev.jsonl (or
--file) and compares the organizations it proposes (entities with origin
"discovered", kind organization) with the perpetrator organizations (PerpOrg) of
each document's templates. A gold organization is a group of alternative strings
("farabundo marti national liberation front", "fmln"); a prediction matches it when
one of the strings and the predicted name are equal after ``normalize_name``, one
contains the other as whole words, or their rapidfuzz ratio is >= 85.

precision = predicted names matching a gold organization of the document / predicted names
recall    = gold organizations matched by a prediction / gold organizations
Reported twice: discovery alone, and discovery plus mentions of organizations the
gazetteer already knows (the MUC-4 texts are lower case, which costs discovery
patterns that look for capitalised names).
Usage: .venv/bin/python bench/discovery.py [--file dev.jsonl] [--limit N] [--no-parser] [--truecase]
Writes bench/results/discovery.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rapidfuzz import fuzz

from andiwali.model import Document
from andiwali.model.names import normalize_name
from andiwali.model.reference import bundled_gazetteer

ROOT = Path(__file__).resolve().parents[1]


_SMALL = set("a an the of in on at to for from by with and or but as is was were be been are it its this that these those he she they "
              "his her their we our you your i not no than then there here which who whom whose what when where why how all any "
              "some more most other such only also very can will would should could may might must has have had do does did "
              "said says say after before during since until about against between into through over under up down out off "
              "again further once".split())


def truecase(text: str) -> str:
    """A naive truecaser for all-lower-case text: capitalise every word that is not a function word."""
    import re

    return re.sub(r"[a-z][a-z'’-]*", lambda m: m.group(0) if m.group(0) in _SMALL else m.group(0)[0].upper() + m.group(0)[1:], text)


def matches(pred: str, gold_group: list[str]) -> bool:
    p = normalize_name(pred)
    for g in gold_group:
        k = normalize_name(g)
        if not k or not p:
            continue
        if p == k or f" {k} " in f" {p} " or f" {p} " in f" {k} " or fuzz.ratio(p, k) >= 85:
            return True
    return False


def score(docs: list[tuple[list[str], list[list[str]]]]) -> dict:
    n_pred = n_pred_ok = n_gold = n_gold_ok = 0
    for preds, golds in docs:
        n_pred += len(preds)
        n_pred_ok += sum(1 for p in preds if any(matches(p, g) for g in golds))
        n_gold += len(golds)
        n_gold_ok += sum(1 for g in golds if any(matches(p, g) for p in preds))
    p = n_pred_ok / n_pred if n_pred else 0.0
    r = n_gold_ok / n_gold if n_gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "predicted": n_pred, "predicted_correct": n_pred_ok, "gold": n_gold, "gold_found": n_gold_ok}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(ROOT.parent / "shared" / "eval" / "muc4" / "dev.jsonl"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--truecase", action="store_true", help="capitalise content words first (the texts are lower case)")
    ap.add_argument("--no-parser", action="store_true", help="skip the dependency parser (faster)")
    args = ap.parse_args()
    try:
        from andiwali.extract import extract_document
    except ImportError:  # pragma: no cover - before the extraction module exists
        raise SystemExit("andiwali.extract.extract_document is not available yet") from None
    gaz = bundled_gazetteer()
    lines = Path(args.file).read_text(encoding="utf-8").splitlines()
    if args.limit:
        lines = lines[: args.limit]
    only_disc, with_known = [], []
    t0 = time.time()
    for line in lines:
        rec = json.loads(line)
        golds: list[list[str]] = []
        for t in rec.get("templates", []):
            for group in t.get("PerpOrg", []):
                names = [name for name, _off in group]
                if names and not any(any(matches(n, g) for n in names) for g in golds):
                    golds.append(names)
        text = truecase(rec["doctext"]) if args.truecase else rec["doctext"]
        doc = Document(text=text, key=rec["docid"])
        result = extract_document(doc, gaz, **({"parser": False} if args.no_parser else {}))
        disc = sorted({e.name for e in result.entities if e.kind == "organization" and e.origin == "discovered"})
        known = sorted({gaz.entities[m.entity_id].name for m in result.mentions
                        if m.entity_id in gaz.entities and gaz.entities[m.entity_id].kind == "organization"})
        only_disc.append((disc, golds))
        with_known.append((sorted(set(disc) | set(known)), golds))
    out = {"documents": len(lines), "truecased": args.truecase, "seconds": round(time.time() - t0, 1), "discovery": score(only_disc),
           "discovery_plus_gazetteer": score(with_known)}
    print(json.dumps(out, indent=1))
    dest = ROOT / "bench" / "results" / ("discovery_truecased.json" if args.truecase else "discovery.json")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
