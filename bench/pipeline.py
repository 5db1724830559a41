"""Ingest + extract throughput (words/s) at 1 and 2 workers, with a bare spaCy tokenizer pass as reference.

    .venv/bin/python bench/pipeline.py                    # 5,000,000 words (tens of minutes on 2 cores)
    .venv/bin/python bench/pipeline.py --words 200000     # a quick run
    .venv/bin/python bench/pipeline.py --workers 1,2,4 --dask   # also through a dask LocalCluster

The corpus is generated (andiwali.scale.synth: reports in varied sentence templates about --groups
invented groups, written as .txt files); the gazetteer is the bundled reference data plus those groups.
Each configuration runs in its own child process on a fresh copy of one SQLite knowledge base:
``ingest_paths`` over the directory (serial), then ``extract_parallel`` with N workers; peak memory is
the child's max RSS and its workers' largest. Prints a table and writes bench/results/pipeline-<words>.json.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def make_corpus(directory: Path, words: int, groups: int) -> dict:
    from andiwali.scale.synth import synthetic_documents

    directory.mkdir(parents=True, exist_ok=True)
    n = total = 0
    for doc in synthetic_documents(words, n_groups=groups, doc_words=(150, 700), seed=42):
        sub = directory / f"{n // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"report{n:06d}.txt").write_text(doc.text, encoding="utf-8")
        total += len(doc.text.split())
        n += 1
    return {"documents": n, "words": total}


def make_template(path: Path, groups: int) -> float:
    from andiwali.model.reference import bundled_gazetteer
    from andiwali.scale.synth import synthetic_gazetteer
    from andiwali.store import KnowledgeBase

    t = time.perf_counter()
    kb = KnowledgeBase.create(path, with_reference=False)
    kb.load_reference(synthetic_gazetteer(groups, base=copy.deepcopy(bundled_gazetteer())))
    with kb.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    kb.close()
    return time.perf_counter() - t


def tokenizer_pass(corpus: Path, batch_files: int = 500) -> dict:
    """The bare spaCy tokenizer over the corpus, read in batches of files (bounded memory; reading is not timed)."""
    import spacy

    nlp = spacy.blank("en")
    paths = sorted(corpus.rglob("*.txt"))
    words = tokens = 0
    dt = 0.0
    for i in range(0, len(paths), batch_files):
        texts = [p.read_text(encoding="utf-8") for p in paths[i : i + batch_files]]
        words += sum(len(t.split()) for t in texts)
        t0 = time.perf_counter()
        tokens += sum(len(doc) for doc in nlp.tokenizer.pipe(texts, batch_size=256))
        dt += time.perf_counter() - t0
    return {"words": words, "tokens": tokens, "seconds": round(dt, 2), "words_per_s": round(words / dt)}


class LoadSampler:
    """Samples the 1-minute load average every ``every`` seconds while a configuration runs."""

    def __init__(self, every: float = 15.0):
        import threading

        self.every, self.samples = every, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self.every):
                return

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict:
        xs = self.samples or [os.getloadavg()[0]]
        return {"min": round(min(xs), 2), "mean": round(sum(xs) / len(xs), 2), "max": round(max(xs), 2),
                "samples": len(xs)}


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child(template: str, corpus: str, workers: int, dask: bool, backend: str) -> None:
    """One configuration: copy the template KB, ingest the corpus, extract with ``workers``; print JSON."""
    from andiwali.ingest.pipeline import ingest_paths
    from andiwali.scale import extract_parallel
    from andiwali.store import KnowledgeBase

    work = Path(tempfile.mkdtemp(prefix="andiwali-bench-kb-"))
    shutil.copytree(template, work / "kb")
    kb = KnowledgeBase.open(work / "kb")
    t0 = time.perf_counter()
    report = ingest_paths(kb, [corpus], source="bench monitor", grade="C3")
    t_ingest = time.perf_counter() - t0
    skipped = sum(1 for f in report.files if f.status == "skipped")
    cluster = None
    address = None
    if dask:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=40)
        address = cluster.scheduler_address
    t1 = time.perf_counter()
    c1 = _cpu()
    s = extract_parallel(None, kb, workers=workers, dask_address=address, backend=backend)
    t_extract = time.perf_counter() - t1
    if cluster is not None:
        cluster.close()
    cpu_extract = _cpu() - c1  # workers are counted once the pool (or cluster) has shut down
    counts = kb.counts()
    kb.close()
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({
        "workers": workers, "dask": dask, "documents": counts["documents"], "skipped_files": skipped,
        "words": s.words, "claims": counts["claims"], "failed": s.failed,
        "ingest_s": round(t_ingest, 2), "extract_s": round(t_extract, 2),
        "ingest_words_per_s": round(s.words / t_ingest) if t_ingest else None,
        "extract_words_per_s": round(s.words / t_extract) if t_extract else None,
        "total_words_per_s": round(s.words / (t_ingest + t_extract)),
        "extract_cpu_s": round(cpu_extract, 1),
        "extract_words_per_cpu_s": round(s.words / cpu_extract) if cpu_extract else None,
        "cores_used": round(cpu_extract / t_extract, 2) if t_extract else None,
        "load_avg_after": os.getloadavg()[0],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_worker_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=5_000_000)
    ap.add_argument("--groups", type=int, default=400)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--dask", action="store_true", help="also run each worker count on a dask LocalCluster")
    ap.add_argument("--backend", default="rules")
    ap.add_argument("--corpus", help="reuse (or create) the corpus in this directory")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        template, corpus, workers, dask, backend = args.child
        child(template, corpus, int(workers), dask == "1", backend)
        return

    tmp = Path(tempfile.mkdtemp(prefix="andiwali-bench-pipeline-"))
    try:
        corpus = Path(args.corpus) if args.corpus else tmp / "corpus"
        t = time.perf_counter()
        if not corpus.exists() or not any(corpus.rglob("*.txt")):
            info = make_corpus(corpus, args.words, args.groups)
        else:
            files = list(corpus.rglob("*.txt"))
            info = {"documents": len(files), "words": sum(len(p.read_text(encoding="utf-8").split()) for p in files)}
        print(f"corpus: {info['documents']:,} documents, {info['words']:,} words ({time.perf_counter() - t:.0f} s)",
              flush=True)
        template = tmp / "template"
        t_ref = make_template(template, args.groups)
        print(f"template knowledge base with the gazetteer: {t_ref:.0f} s", flush=True)
        tok = tokenizer_pass(corpus)
        print(f"spaCy tokenizer: {tok['words_per_s']:,} words/s", flush=True)
        runs = []
        configs = [(int(w), False) for w in args.workers.split(",")]
        if args.dask:
            configs += [(int(w), True) for w in args.workers.split(",")]
        for workers, dask in configs:
            print(f"running {workers} worker(s){' on dask' if dask else ''} ...", flush=True)
            with LoadSampler() as load:
                proc = subprocess.run([sys.executable, __file__, "--child", str(template), str(corpus), str(workers),
                                       "1" if dask else "0", args.backend], capture_output=True, text=True, cwd=ROOT)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr[-3000:])
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r["load_avg_during"] = load.summary()
            print(f"  ingest {r['ingest_s']} s, extract {r['extract_s']} s, {r['claims']:,} claims, "
                  f"load average {r['load_avg_during']['min']}-{r['load_avg_during']['max']}", flush=True)
            runs.append(r)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = next((r for r in runs if r["workers"] == 1 and not r["dask"]), None)
    for r in runs:
        if base:
            r["extract_speedup"] = round(r["extract_words_per_s"] / base["extract_words_per_s"], 2)
            r["total_speedup"] = round(r["total_words_per_s"] / base["total_words_per_s"], 2)
    result = {"benchmark": "pipeline", "corpus": info, "groups": args.groups, "backend": args.backend,
              "spacy_tokenizer": tok, "runs": runs,
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_avg": os.getloadavg()},
              "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
    print(f"\nPipeline, {info['words']:,} words in {info['documents']:,} documents (backend {args.backend})")
    print(f"{'run':16s} {'ingest w/s':>11s} {'extract w/s':>12s} {'total w/s':>10s} {'speed-up':>9s} "
          f"{'w/CPU-s':>8s} {'cores':>6s} {'claims':>9s} {'peak MB':>8s} {'worker MB':>10s}")
    print(f"{'spaCy tokenizer':16s} {'':>11s} {tok['words_per_s']:12,d}")
    for r in runs:
        name = f"{r['workers']} worker{'s' if r['workers'] > 1 else ''}{' dask' if r['dask'] else ''}"
        print(f"{name:16s} {r['ingest_words_per_s']:11,d} {r['extract_words_per_s']:12,d} {r['total_words_per_s']:10,d} "
              f"{r.get('extract_speedup', 1):8.2f}x {r['extract_words_per_cpu_s']:8,d} {r['cores_used']:6.2f} "
              f"{r['claims']:9,d} {r['peak_rss_mb']:8.0f} {r['peak_worker_rss_mb']:10.0f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"pipeline-{info['words']}.json"
    out.write_text(json.dumps(result, indent=1))
    print(f"written {out}")


if __name__ == "__main__":
    main()
