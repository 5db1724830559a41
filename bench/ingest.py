"""Ingest benchmark: documents/s and MB/s per format on a generated corpus.

    .venv/bin/python bench/ingest.py [--mb-per-format 12] [--keep DIR]

Generates at least 100 MB (9 formats x --mb-per-format) in a temporary
directory, ingests each format into a fresh knowledge base (parse, language
detection, one transaction per file, full-text index) and prints a table;
writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from andiwali.ingest import IngestOptions, ingest_paths, makers
from andiwali.store import KnowledgeBase

MB = 1024 * 1024
WORDS = ("the group council commander fighters announced attack province border convoy statement official "
         "channel media office network funds charity leader deputy brigade faction operation claimed denied "
         "officials reported security forces village district capital region northern southern eastern "
         "western spokesman alliance split merger pledge allegiance training camp recruits weapons").split()
NAMES = ["Abu Example", "the Example Front", "Group X", "the Northern Brigade", "Commander Y", "the Media Office"]


def sentence(rng: random.Random) -> str:
    n = rng.randint(8, 22)
    words = [rng.choice(WORDS) for _ in range(n)]
    words.insert(rng.randint(0, n), rng.choice(NAMES))
    s = " ".join(words)
    return s[0].upper() + s[1:] + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def date(rng: random.Random) -> str:
    return f"20{rng.randint(10, 24):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(root: Path, fmt: str, budget: int, rng: random.Random) -> int:
    """Write files of one format under root/fmt until ``budget`` bytes; returns bytes written."""
    d = root / fmt
    d.mkdir(parents=True)
    written = 0
    i = 0
    while written < budget:
        i += 1
        if fmt == "txt":
            data, name = ("\n\n".join(paragraph(rng) for _ in range(12)) + "\n").encode(), f"brief{i}.txt"
        elif fmt == "md":
            data = ("# Brief " + str(i) + "\n\n" + "\n\n".join(paragraph(rng) for _ in range(12)) + "\n").encode()
            name = f"notes{i}.md"
        elif fmt == "html":
            data = makers.make_html(f"Report {i}", [paragraph(rng) for _ in range(30)], author="Analyst",
                                    date=date(rng), site="Bench Monitor", url=f"https://bench.example.org/{i}",
                                    script="var tracking = 1;")
            name = f"page{i}.html"
        elif fmt == "pdf":
            pages = [[sentence(rng) for _ in range(30)] for _ in range(40)]
            data, name = makers.make_pdf(pages, title=f"Assessment {i}", created="D:20230101"), f"report{i}.pdf"
        elif fmt == "docx":
            data = makers.make_docx([paragraph(rng) for _ in range(120)],
                                    tables=[[["Name", "Role"]] + [[rng.choice(NAMES), rng.choice(WORDS)]
                                                                  for _ in range(20)]], title=f"Memo {i}")
            name = f"memo{i}.docx"
        elif fmt == "telegram":
            msgs = [{"id": j, "text": paragraph(rng, rng.randint(1, 4)), "date": date(rng) + "T10:00:00"}
                    for j in range(1, 4001)]
            data = makers.make_telegram(f"Bench Channel {i}", 1000 + i, msgs)
            (d / str(i)).mkdir()
            name = f"{i}/result.json"
        elif fmt == "rss":
            items = [{"title": sentence(rng), "link": f"https://bench.example.org/{i}/{j}", "guid": f"b{i}-{j}",
                      "description": "<p>" + paragraph(rng, 3) + "</p>", "pubDate": "Mon, 06 May 2024 10:00:00 GMT"}
                     for j in range(2000)]
            data, name = makers.make_rss(f"Bench Feed {i}", items), f"feed{i}.rss"
        elif fmt == "csv":
            rows = [{"id": f"{i}-{j}", "text": paragraph(rng, rng.randint(1, 4)), "date": date(rng),
                     "channel": f"chan{rng.randint(1, 50)}"} for j in range(5000)]
            data, name = makers.make_csv(rows), f"posts{i}.csv"
        elif fmt == "jsonl":
            rows = [{"post_id": f"{i}-{j}", "message": paragraph(rng, rng.randint(1, 4)), "created_at": date(rng),
                     "author": f"user{rng.randint(1, 50)}"} for j in range(5000)]
            data, name = makers.make_jsonl(rows), f"posts{i}.jsonl"
        else:
            raise ValueError(fmt)
        (d / name).write_bytes(data)
        written += len(data)
    return written


FORMATS = ["txt", "md", "html", "pdf", "docx", "telegram", "rss", "csv", "jsonl"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb-per-format", type=float, default=12.0)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--keep", help="generate the corpus here and keep it")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "ingest.json"))
    args = ap.parse_args(argv)
    formats = args.formats.split(",")
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="andiwali-bench-"))
    rng = random.Random(20240601)
    results = []
    try:
        sizes = {}
        t0 = time.perf_counter()
        for fmt in formats:
            sizes[fmt] = generate(root / "corpus", fmt, int(args.mb_per_format * MB), rng)
        gen_s = time.perf_counter() - t0
        total = sum(sizes.values())
        print(f"generated {total / MB:.1f} MB in {gen_s:.1f} s under {root}", file=sys.stderr)
        print(f"{'format':9} {'files':>6} {'MB':>7} {'docs':>8} {'seconds':>8} {'docs/s':>9} {'MB/s':>7}")
        for fmt in formats:
            kb = KnowledgeBase.create(root / f"kb-{fmt}", with_reference=False)
            t = time.perf_counter()
            report = ingest_paths(kb, [root / "corpus" / fmt], options=IngestOptions())
            secs = time.perf_counter() - t
            n_docs = kb.counts()["documents"]
            kb.close()
            files = len(report.files)
            row = {
                "format": fmt, "files": files, "mb": round(sizes[fmt] / MB, 2), "documents": n_docs,
                "seconds": round(secs, 2), "docs_per_s": round(n_docs / secs, 1),
                "mb_per_s": round(sizes[fmt] / MB / secs, 2), "skipped": len(report.skipped),
            }
            results.append(row)
            print(f"{fmt:9} {files:>6} {row['mb']:>7.1f} {n_docs:>8} {secs:>8.1f} {row['docs_per_s']:>9.1f} "
                  f"{row['mb_per_s']:>7.2f}", flush=True)
        all_docs = sum(r["documents"] for r in results)
        all_secs = sum(r["seconds"] for r in results)
        print(f"{'all':9} {'':>6} {total / MB:>7.1f} {all_docs:>8} {all_secs:>8.1f} {all_docs / all_secs:>9.1f} "
              f"{total / MB / all_secs:>7.2f}")
        out = {
            "benchmark": "ingest", "when": time.strftime("%Y-%m-%d"), "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores", "corpus_mb": round(total / MB, 1),
            "note": "one process; parse + language detection + one SQLite transaction per file + FTS index",
            "formats": results,
            "total": {"documents": all_docs, "seconds": round(all_secs, 1),
                      "docs_per_s": round(all_docs / all_secs, 1), "mb_per_s": round(total / MB / all_secs, 2)},
        }
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
