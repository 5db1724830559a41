"""Extraction throughput: words/s of the rules backend (without and with the parser) next to a bare
spaCy tokenizer pass and a full en_core_web_sm pass over the same text, in the same run.

    .venv/bin/python bench/extract.py [--words 50000]

Prints a table and writes bench/results/extract.json. The figures that matter are the ratios:
rules without parser / bare tokenizer (target >= 0.2) and full en_core_web_sm / rules with parser
(target: the rules with parser take at most 1.5x the full pass's time).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(words: int) -> list[str]:
    """Paragraphs of real analyst-style text: the shared WFB profiles and seeds, else the test fixtures."""
    paths = sorted((ROOT.parent / "shared" / "corpus" / "wfb").glob("*.txt")) + sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    if not paths:
        paths = sorted((ROOT / "tests" / "extract" / "fixtures").glob("*.txt"))
    paras: list[str] = []
    for p in paths:
        paras += [x for x in p.read_text(encoding="utf-8").split("\n") if x.strip() and "://" not in x]
    out, n, i = [], 0, 0
    while n < words:
        para = paras[i % len(paras)]
        out.append(para)
        n += len(para.split())
        i += 1
    # group paragraphs into documents of ~2,000 words
    docs, cur, cw = [], [], 0
    for para in out:
        cur.append(para)
        cw += len(para.split())
        if cw >= 2000:
            docs.append("\n".join(cur))
            cur, cw = [], 0
    if cur:
        docs.append("\n".join(cur))
    return docs


def timed(fn, docs, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(docs)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=50_000)
    args = ap.parse_args()

    import spacy

    from andiwali.extract import extract_document
    from andiwali.extract.pipeline import PARSER_MODEL, get_nlp
    from andiwali.model import Document
    from andiwali.model.reference import bundled_gazetteer

    docs = corpus(args.words)
    n_words = sum(len(d.split()) for d in docs)
    gaz = bundled_gazetteer()
    blank = spacy.blank("en")
    full = spacy.load(PARSER_MODEL)
    documents = [Document(text=d, key=f"bench{i}") for i, d in enumerate(docs)]
    # warm up: load models, build the gazetteer index, fill caches
    get_nlp(False)
    get_nlp(True)
    extract_document(documents[0], gaz, parser=False)
    extract_document(documents[0], gaz, parser=True)
    list(full.pipe(docs[:1]))

    def tokenizer(ds):
        for d in ds:
            blank.tokenizer(d)

    def rules(parser: bool):
        def run(ds):
            for d in ds:
                extract_document(d, gaz, parser=parser)
        return run

    def full_pass(ds):
        for _ in full.pipe(ds):
            pass

    rows = [
        ("spaCy tokenizer (blank en)", timed(tokenizer, docs, 3)),
        ("rules, no parser", timed(rules(False), documents, 2)),
        ("rules, with parser", timed(rules(True), documents, 1)),
        ("full en_core_web_sm", timed(full_pass, docs, 1)),
    ]
    res = {name: {"seconds": round(s, 3), "words_per_s": round(n_words / s)} for name, s in rows}
    tok = res["spaCy tokenizer (blank en)"]["words_per_s"]
    nop = res["rules, no parser"]["words_per_s"]
    wp = res["rules, with parser"]["words_per_s"]
    fu = res["full en_core_web_sm"]["words_per_s"]
    ratios = {
        "rules_no_parser / tokenizer": round(nop / tok, 3),
        "rules_with_parser time / full en_core_web_sm time": round(fu / wp, 3),
    }
    print(f"{n_words} words in {len(docs)} documents; python {platform.python_version()}")
    print(f"{'pass':32s} {'seconds':>8s} {'words/s':>10s}")
    for name, r in res.items():
        print(f"{name:32s} {r['seconds']:8.2f} {r['words_per_s']:10d}")
    for k, v in ratios.items():
        print(f"{k}: {v}")
    out = ROOT / "bench" / "results" / "extract.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"words": n_words, "documents": len(docs), "passes": res, "ratios": ratios,
                               "targets": {"rules_no_parser / tokenizer": ">= 0.2",
                                           "rules_with_parser time / full en_core_web_sm time": "<= 1.5"}},
                              indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
