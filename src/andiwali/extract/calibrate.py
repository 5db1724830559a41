"""Measure each rule's precision on held-out gold and write ``data/calibration.json``.

    python -m andiwali.extract.calibrate [--gold tests/gold/wfb] [--docs ../shared/corpus/wfb] [--dry-run]

Only the profiles marked ``heldout`` in ``SPLIT.md`` are used (the rules were
written from the dev profiles and the seeds), plus the single-sentence gold of
``tests/gold/sentences/calibration.jsonl`` (written for calibration, never used to
write rules). A predicted claim counts as
correct when its subject, predicate, object and polarity match a gold claim of
its document (optional gold claims included: they are right, just not
required). The sentence files default to ``tests/gold/sentences/calibration.jsonl`` and
``calibration2.jsonl`` (the latter from the second independent author). The table holds precision per rule (``frame:predicate``), per
predicate, per frame and overall, with the number of claims behind each; the
extractor backs off when a bucket has fewer than 5. The reliability table is
computed leave-one-document-out: each document's claims get confidences from a
table built on the other documents, then claims are binned by confidence.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from andiwali.evaluation import NameKeys, read_gold, triple_key
from andiwali.extract import calibration
from andiwali.model import Document
from andiwali.model.reference import bundled_gazetteer

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).parent / "data" / "calibration.json"


def heldout_names(gold_dir: Path) -> list[str]:
    text = (gold_dir / "SPLIT.md").read_text(encoding="utf-8")
    m = re.search(r"^heldout:\s*(.+)$", text, re.M)
    if not m:
        raise SystemExit(f"{gold_dir / 'SPLIT.md'} names no heldout profiles")
    return m.group(1).split()


def judged_claims(gold_dir: Path, docs_dir: Path) -> list[dict]:
    """Every predicted claim on the heldout documents with its rule, features and correctness."""
    from andiwali.extract import extract_document

    gaz = bundled_gazetteer()
    keys = NameKeys(gaz)
    out = []
    for name in heldout_names(gold_dir):
        gold = read_gold(gold_dir / f"{name}.jsonl")
        for rec in gold:
            path = docs_dir / rec["doc"]
            doc = Document(text=path.read_text(encoding="utf-8"), key=str(path), title=path.stem)
            res = extract_document(doc, gaz)
            ents = res.entity_names(gaz)
            gold_keys = {triple_key(keys, g["subject"], g["predicate"], g["object"], g.get("polarity", "asserted"), False)
                         for g in rec["claims"]}
            for c in res.claims:
                s = {"id": c.subject, "name": ents[c.subject].name}
                o = {"id": c.object, "name": ents[c.object].name}
                k = triple_key(keys, s, c.predicate, o, c.polarity, True)
                rule = c.extractor.split(":", 1)[1]
                out.append({"doc": rec["doc"], "rule": rule, "predicate": c.predicate, "frame": rule.split(":")[0],
                            "features": list(getattr(c, "_features", ())), "correct": k in gold_keys})
    return out


def judged_sentences(path: Path, per_doc: int = 12) -> list[dict]:
    """Every predicted claim on single-sentence gold (``tests/gold/sentences/calibration.jsonl``), judged.

    Each line: ``{"text", "claims": [[subject, predicate, object, polarity(, "optional")], ...]}``.
    Sentences are grouped ``per_doc`` at a time into pseudo-documents for the leave-one-out table.
    """
    from andiwali.extract import extract_document

    gaz = bundled_gazetteer()
    keys = NameKeys(gaz)
    out = []
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    for i, item in enumerate(lines):
        res = extract_document(Document(text=item["text"], key=f"{path.name}#{i}"), gaz)
        ents = res.entity_names(gaz)
        gold_keys = {triple_key(keys, g[0], g[1], g[2], g[3], False) for g in item["claims"]}
        for c in res.claims:
            s = {"id": c.subject, "name": ents[c.subject].name}
            o = {"id": c.object, "name": ents[c.object].name}
            rule = c.extractor.split(":", 1)[1]
            out.append({"doc": f"{path.name}#{i // per_doc}", "rule": rule, "predicate": c.predicate,
                        "frame": rule.split(":")[0], "features": [],
                        "correct": triple_key(keys, s, c.predicate, o, c.polarity, True) in gold_keys})
    return out


SHRINK_BAD_RULE = 4.0
SHRINK = 32.0  # pseudo-claims pulling a small bucket's precision toward its parent's (chosen by leave-one-document-out Brier score and calibration error)


def build_table(judged: list[dict]) -> dict:
    """Precision per bucket, shrunk toward the parent bucket (overall -> frame, predicate -> rule)."""
    n0 = len(judged)
    p0 = sum(r["correct"] for r in judged) / n0 if n0 else 0.6

    def prec(rows, prior, rule=False):
        n = len(rows)
        k = sum(r["correct"] for r in rows)
        # a rule wrong in most of at least three judged claims keeps its own low estimate (shrunk less)
        shrink = SHRINK_BAD_RULE if rule and n >= 3 and k / n <= 0.25 else SHRINK
        return {"precision": round((k + shrink * prior) / (n + shrink), 3), "raw": round(k / n, 3) if n else None, "n": n}

    buckets: dict[str, dict[str, list]] = {"rules": defaultdict(list), "predicates": defaultdict(list), "frames": defaultdict(list)}
    for r in judged:
        buckets["rules"][r["rule"]].append(r)
        buckets["predicates"][r["predicate"]].append(r)
        buckets["frames"][r["frame"]].append(r)
    frames = {k: prec(v, p0) for k, v in sorted(buckets["frames"].items())}
    preds = {k: prec(v, p0) for k, v in sorted(buckets["predicates"].items())}
    rules = {}
    for k, v in sorted(buckets["rules"].items()):
        f, p = k.split(":", 1)
        p = p.split("+", 1)[0]  # "operates_in+country": a derived claim's rule
        prior = (frames[f]["precision"] + preds.get(p, {"precision": p0})["precision"]) / 2
        rules[k] = prec(v, prior, rule=True)
    return {
        "about": "precision of each extraction rule on held-out gold, shrunk toward its frame and predicate "
                 "(python -m andiwali.extract.calibrate)",
        "default": round(p0, 3),
        "n": n0,
        "rules": rules,
        "predicates": preds,
        "frames": frames,
        "features": {},
    }


def confidence_with(table: dict, r: dict) -> float:
    return calibration.lookup(table, r["rule"], r["predicate"])


def reliability(judged: list[dict], bins=(0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)) -> list[dict]:
    """Leave-one-document-out: confidence from the other documents' table, then observed precision per bin."""
    docs = sorted({r["doc"] for r in judged})
    scored = []
    for d in docs:
        table = build_table([r for r in judged if r["doc"] != d])
        for r in judged:
            if r["doc"] == d:
                scored.append((confidence_with(table, r), r["correct"]))
    rows = []
    for lo, hi in zip(bins, bins[1:], strict=False):
        inb = [(c, ok) for c, ok in scored if lo <= c < hi]
        rows.append({
            "bin": f"[{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}",
            "n": len(inb),
            "mean_confidence": round(sum(c for c, _ in inb) / len(inb), 3) if inb else None,
            "observed_precision": round(sum(ok for _, ok in inb) / len(inb), 3) if inb else None,
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(ROOT / "tests" / "gold" / "wfb"))
    ap.add_argument("--docs", default=str(ROOT.parent / "shared" / "corpus" / "wfb"))
    ap.add_argument("--sentences", nargs="*",
                    default=[str(ROOT / "tests" / "gold" / "sentences" / n) for n in ("calibration.jsonl", "calibration2.jsonl")],
                    help="single-sentence gold files the rules were not written from (none: no sentences)")
    ap.add_argument("--dry-run", action="store_true", help="print the table, do not write it")
    args = ap.parse_args(argv)
    # measure the raw rules: no calibration table while judging
    calibration.table.cache_clear()
    judged = judged_claims(Path(args.gold), Path(args.docs))
    for path in args.sentences or []:
        if Path(path).exists():
            judged += judged_sentences(Path(path))
    table = build_table(judged)
    table["reliability_leave_one_document_out"] = reliability(judged)
    print(f"{table['n']} claims judged on {len({r['doc'] for r in judged})} heldout documents and sentence groups; overall precision {table['default']}")
    print(f"{'bin':12s} {'n':>4s} {'mean conf':>10s} {'observed':>9s}")
    for row in table["reliability_leave_one_document_out"]:
        print(f"{row['bin']:12s} {row['n']:4d} {row['mean_confidence'] if row['mean_confidence'] is not None else '-':>10} "
              f"{row['observed_precision'] if row['observed_precision'] is not None else '-':>9}")
    for bucket in ("predicates", "frames"):
        print(bucket + ": " + ", ".join(f"{k} {v['precision']} (n={v['n']})" for k, v in table[bucket].items()))
    if not args.dry_run:
        OUT.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
