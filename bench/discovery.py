"""Measure discovery of organizations the gazetteer does not know, on MUC-4 (1989-92 Latin America).

Runs ``andiwali.extract.discovery.discover_organizations`` over
../shared/eval/muc4/dev.jsonl (or --file) and compares the organizations it
proposes with the perpetrator organizations (PerpOrg) of each document's
templates. The texts are all lower case and no gazetteer here covers them.

Gold: per document, the PerpOrg groups of all templates, deduplicated (groups
sharing a normalized string are one organization). A gold group is "state" when
one of its strings is a state organ (``is_state_phrase``: army, armed forces,
police, government, numbered units, ...): discovery does not propose those by
design, so recall is reported on all gold and on non-state gold.

Prediction: per document, the discovered organizations, one per distinct name
(with the acronyms the document ties to it as aliases).

Match: after ``normalize_name`` (case, diacritics, articles, hyphens), a
predicted string and a gold string are equal, or one contains the other as whole
words, where the contained one is not a lone generic word ("army", "front").

precision = predicted organizations matching a gold organization of the document / predicted
recall    = gold organizations matched by a prediction / gold organizations
lenient precision also accepts a prediction matching a PerpOrg of any document of the file
(a real perpetrator group named where it was not the perpetrator); "P gold docs" is the
precision over the documents that have at least one gold organization (MUC-4 has many
documents without any template, where every organization named counts as an error).

Usage: .venv/bin/python bench/discovery.py [--file dev.jsonl] [--limit N] [--errors] [--pipeline]
Writes bench/results/discovery.json (dev) or bench/results/discovery_<name>.json.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from andiwali.extract.discovery import GENERIC_ACTORS, STATE_HEADS, TAIL_HEADS, discover_organizations, is_state_phrase
from andiwali.model.names import normalize_name

ROOT = Path(__file__).resolve().parents[1]
_LONE_GENERIC = TAIL_HEADS | STATE_HEADS | GENERIC_ACTORS | {"military", "government", "police", "cartel"}


def _contained(short: str, long: str) -> bool:
    if short.count(" ") == 0 and short in _LONE_GENERIC:
        return False
    return f" {short} " in f" {long} "


def matches(pred_strings: list[str], gold_group: list[str]) -> bool:
    for p0 in pred_strings:
        p = normalize_name(p0)
        if not p:
            continue
        for g in gold_group:
            k = normalize_name(g)
            if k and (p == k or _contained(k, p) or _contained(p, k)):
                return True
    return False


def gold_of(rec: dict) -> list[list[str]]:
    golds: list[list[str]] = []
    for t in rec.get("templates", []):
        for group in t.get("PerpOrg", []):
            names = [name.strip('"') for name, _off in group]
            keys = {normalize_name(n) for n in names}
            for g in golds:
                if keys & {normalize_name(x) for x in g}:
                    g.extend(n for n in names if n not in g)
                    break
            else:
                if names:
                    golds.append(list(names))
    return golds


def predictions(text: str) -> tuple[list[list[str]], dict[str, str]]:
    """Distinct discovered organizations of one text: [name, *aliases] lists, and name -> evidence."""
    ents: dict[str, list[str]] = {}
    how: dict[str, str] = {}
    for d in discover_organizations(text):
        key = normalize_name(d.name)
        # an acronym found alone and later tied to a long name is one organization
        ent = ents.setdefault(key, [d.name])
        how.setdefault(key, d.evidence)
        for a in d.aliases:
            if a not in ent:
                ent.append(a)
    # merge entries sharing an alias ("urng" alone and "guatemalan ... unity (urng)")
    merged: list[list[str]] = []
    for ent in sorted(ents.values(), key=len, reverse=True):
        keys = {normalize_name(x) for x in ent}
        for m in merged:
            if keys & {normalize_name(x) for x in m}:
                m.extend(x for x in ent if x not in m)
                break
        else:
            merged.append(list(ent))
    return merged, {m[0]: how.get(normalize_name(m[0]), "?") for m in merged}


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def evaluate(path: Path, limit: int = 0) -> dict:
    lines = path.read_text(encoding="utf-8").splitlines()
    if limit:
        lines = lines[:limit]
    recs = [json.loads(line) for line in lines]
    all_gold = [s for r in recs for g in gold_of(r) for s in g]
    t0 = time.perf_counter()
    n_pred = n_ok = n_lenient = 0
    n_pred_g = n_ok_g = 0  # in documents with at least one gold organization
    n_gold = n_found = n_gold_ns = n_found_ns = 0
    by_ev: Counter = Counter()
    by_ev_ok: Counter = Counter()
    fps, fns, tps = [], [], []
    for r in recs:
        golds = gold_of(r)
        preds, how = predictions(r["doctext"])
        for p in preds:
            ok = any(matches(p, g) for g in golds)
            n_pred += 1
            n_ok += ok
            if golds:
                n_pred_g += 1
                n_ok_g += ok
            by_ev[how[p[0]]] += 1
            by_ev_ok[how[p[0]]] += ok
            if ok:
                tps.append({"doc": r["docid"], "predicted": p})
            else:
                lenient = matches(p, all_gold)
                n_lenient += lenient
                fps.append({"doc": r["docid"], "predicted": p, "evidence": how[p[0]], "perpetrator_elsewhere": lenient})
        for g in golds:
            found = any(matches(p, g) for p in preds)
            state = any(is_state_phrase(s) for s in g)
            n_gold += 1
            n_found += found
            if not state:
                n_gold_ns += 1
                n_found_ns += found
            if not found:
                fns.append({"doc": r["docid"], "gold": g, "state": state})
    secs = time.perf_counter() - t0
    p, rc, rns = _ratio(n_ok, n_pred), _ratio(n_found, n_gold), _ratio(n_found_ns, n_gold_ns)
    return {
        "file": path.name,
        "documents": len(recs),
        "seconds": round(secs, 2),
        "predicted": n_pred,
        "predicted_correct": n_ok,
        "precision": p,
        "precision_lenient": _ratio(n_ok + n_lenient, n_pred),
        "precision_docs_with_gold": _ratio(n_ok_g, n_pred_g),
        "gold": n_gold,
        "gold_found": n_found,
        "recall": rc,
        "f1": round(2 * p * rc / (p + rc), 4) if p + rc else 0.0,
        "gold_non_state": n_gold_ns,
        "gold_non_state_found": n_found_ns,
        "recall_non_state": rns,
        "f1_non_state": round(2 * p * rns / (p + rns), 4) if p + rns else 0.0,
        "by_evidence": {k: {"predicted": v, "correct": by_ev_ok[k], "precision": _ratio(by_ev_ok[k], v)}
                        for k, v in sorted(by_ev.items())},
        "false_positives": fps,
        "false_negatives": fns,
        "true_positives": tps,
    }


def _table(res: list[dict]) -> str:
    rows = [("file", "docs", "pred", "P", "P lenient", "P gold docs", "gold", "R", "gold non-state", "R non-state",
             "F1 non-state")]
    for r in res:
        rows.append((r["file"], str(r["documents"]), str(r["predicted"]), f"{r['precision']:.3f}",
                     f"{r['precision_lenient']:.3f}", f"{r['precision_docs_with_gold']:.3f}", str(r["gold"]), f"{r['recall']:.3f}", str(r["gold_non_state"]),
                     f"{r['recall_non_state']:.3f}", f"{r['f1_non_state']:.3f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    muc = ROOT.parent / "shared" / "eval" / "muc4"
    ap.add_argument("--file", action="append", help="JSON lines file(s); default ../shared/eval/muc4/dev.jsonl")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--errors", action="store_true", help="print the false positives and false negatives")
    args = ap.parse_args()
    files = [Path(f) for f in (args.file or [str(muc / "dev.jsonl")])]
    results = [evaluate(f, args.limit) for f in files]
    print(_table(results))
    for r in results:
        print(f"\n{r['file']}: by evidence: " + ", ".join(f"{k} {v['correct']}/{v['predicted']}"
                                                        for k, v in r["by_evidence"].items()))
        if args.errors:
            print("false positives:")
            for fp in r["false_positives"]:
                mark = " (perpetrator elsewhere)" if fp["perpetrator_elsewhere"] else ""
                print(f"  {fp['doc']}: {' | '.join(fp['predicted'])}  [{fp['evidence']}]{mark}")
            print("false negatives:")
            for fn in r["false_negatives"]:
                print(f"  {fn['doc']}: {' | '.join(fn['gold'])}{'  (state)' if fn['state'] else ''}")
    dest_dir = ROOT / "bench" / "results"
    dest_dir.mkdir(parents=True, exist_ok=True)
    for r in results:
        stem = Path(r["file"]).stem
        dest = dest_dir / ("discovery.json" if stem == "dev" else f"discovery_{stem}.json")
        dest.write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {dest.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
