"""API latency at scale: p50/p95 per endpoint against the running web server, with a bounded load generator.

    .venv/bin/python bench/api.py                    # 1,000,000 claims (builds a SQLite KB first, ~minutes)
    .venv/bin/python bench/api.py --claims 100000 --requests 400
    .venv/bin/python bench/api.py --kb /tmp/big-kb   # reuse a knowledge base built before (kept with --keep)

Builds a knowledge base of invented groups through the bulk loader (andiwali.scale.synth.build_claims_kb),
starts ``andiwali.web.create_app`` under uvicorn on 127.0.0.1 in a child process, then sends a fixed
number of requests (a mix of the explorer's and the review queue's reads, with random ids) from
``--concurrency`` client threads, stopping early at ``--time-cap`` seconds. Prints a table and writes
bench/results/api-<claims>.json. Peak memory is the server's VmHWM.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

SERVER = """
import sys, uvicorn
from andiwali.web import create_app
app = create_app(sys.argv[1])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(location: str, n_claims: int, n_groups: int) -> dict:
    from andiwali.scale.synth import build_claims_kb
    from andiwali.store import KnowledgeBase

    kb = KnowledgeBase.create(location, with_reference=False)
    t = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"  built {done:,}/{total:,} claims ({time.perf_counter() - t:.0f} s)", flush=True)

    info = build_claims_kb(kb, n_claims, n_groups=n_groups, progress=progress)
    info["build_seconds"] = round(time.perf_counter() - t, 1)
    kb.close()
    return info


def samples(location: str, n: int = 300) -> dict:
    from sqlalchemy import text

    from andiwali.store import KnowledgeBase

    kb = KnowledgeBase.open(location)
    with kb.engine.connect() as conn:
        def pick(sql: str) -> list:
            return [r[0] for r in conn.execute(text(sql), {"n": n})]

        out = {
            "entities": pick("SELECT id FROM entities ORDER BY random() LIMIT :n"),
            "claims": pick("SELECT id FROM claims WHERE rowid IN (SELECT abs(random()) % (SELECT max(rowid) FROM claims) "
                           "FROM claims LIMIT :n)") if kb.dialect == "sqlite" else pick("SELECT id FROM claims TABLESAMPLE SYSTEM (1) LIMIT :n"),
            "documents": pick("SELECT id FROM documents ORDER BY random() LIMIT :n"),
            "names": pick("SELECT substr(name, 1, 4) FROM entities ORDER BY random() LIMIT :n"),
        }
        out["n_claims"] = int(conn.execute(text("SELECT count(*) FROM claims")).scalar())
    kb.close()
    return out


def endpoints(s: dict, rng: random.Random):
    preds = ["allied_with", "supports", "shelters", "finances", "fights"]
    return {
        "claims by entity": lambda: f"/api/claims?entity={rng.choice(s['entities'])}&limit=50",
        "claims by predicate+status": lambda: f"/api/claims?predicate={rng.choice(preds)}&status=pending&limit=50",
        "claim detail": lambda: f"/api/claims/{rng.choice(s['claims'])}",
        "entity profile": lambda: f"/api/entities/{rng.choice(s['entities'])}",
        "entity search": lambda: f"/api/entities?q={rng.choice(s['names'])}&limit=20",
        "document detail": lambda: f"/api/documents/{rng.choice(s['documents'])}",
        "document search": lambda: f"/api/documents?q={rng.choice(s['names'])}&limit=20",
        "review queue": lambda: f"/api/review-queue?limit=50&offset={rng.randrange(0, 2000, 50)}",
        "timeline of entity": lambda: f"/api/timeline?entity={rng.choice(s['entities'])}&limit=200",
        "overview": lambda: "/api/overview",
    }


def vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=1_000_000)
    ap.add_argument("--groups", type=int, default=5000)
    ap.add_argument("--kb", help="use (or build into) this knowledge base location")
    ap.add_argument("--keep", action="store_true", help="keep the generated knowledge base")
    ap.add_argument("--requests", type=int, default=1000, help="total requests (spread over the endpoints)")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--time-cap", type=float, default=300.0, help="stop sending after this many seconds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--few", default="", help="comma-separated endpoints to send only --few-n requests to (slow ones)")
    ap.add_argument("--few-n", type=int, default=3)
    args = ap.parse_args()

    import httpx

    tmp = None
    location = args.kb
    built = None
    if location is None:
        tmp = tempfile.mkdtemp(prefix="andiwali-bench-api-")
        location = str(Path(tmp) / "kb")
    if not (Path(location) / "andiwali.db").exists() and not location.startswith("postgres"):
        print(f"building a knowledge base of {args.claims:,} claims at {location}", flush=True)
        built = build(location, args.claims, args.groups)
    s = samples(location)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, location, str(port)], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/overview", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.5)
        rng = random.Random(args.seed)
        eps = endpoints(s, rng)
        few = {x.strip() for x in args.few.split(",") if x.strip()}
        unknown = few - set(eps)
        if unknown:
            raise SystemExit(f"unknown endpoints {sorted(unknown)}; known: {sorted(eps)}")
        per = max(1, args.requests // len(eps))
        plan = [name for name in eps for _ in range(args.few_n if name in few else per)]
        rng.shuffle(plan)
        lat: dict[str, list[float]] = {name: [] for name in eps}
        errors: dict[str, int] = {name: 0 for name in eps}
        lock = threading.Lock()
        cap = time.monotonic() + args.time_cap
        it = iter(plan)

        def client() -> None:
            with httpx.Client(base_url=base, timeout=600) as c:
                # one warm-up request per endpoint (not measured)
                while time.monotonic() < cap:
                    with lock:
                        name = next(it, None)
                        url = eps[name]() if name else None
                    if name is None:
                        return
                    t0 = time.perf_counter()
                    r = c.get(url)
                    dt = (time.perf_counter() - t0) * 1000
                    with lock:
                        if r.status_code == 200:
                            lat[name].append(dt)
                        else:
                            errors[name] += 1

        with httpx.Client(base_url=base, timeout=600) as c:
            for name, make in eps.items():
                if name not in few:
                    c.get(make())
        load = [os.getloadavg()[0]]
        t0 = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(5)
                load.append(os.getloadavg()[0])
        wall = time.perf_counter() - t0
        hwm = vm_hwm_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    all_lat = [x for v in lat.values() for x in v]
    main_lat = [x for k, v in lat.items() if k not in few for x in v]
    rows = []
    for name, xs in lat.items():
        rows.append({"endpoint": name, "n": len(xs), "errors": errors[name], "p50_ms": round(pct(xs, 50), 1),
                     "p95_ms": round(pct(xs, 95), 1), "max_ms": round(max(xs), 1) if xs else None})
    result = {
        "benchmark": "api", "claims": s["n_claims"], "kb": location if args.kb else "generated",
        "built": built, "requests": len(all_lat), "errors": sum(errors.values()), "concurrency": args.concurrency,
        "wall_seconds": round(wall, 1), "throughput_rps": round(len(all_lat) / wall, 1) if wall else None,
        "p50_ms": round(pct(all_lat, 50), 1), "p95_ms": round(pct(all_lat, 95), 1),
        "mean_ms": round(statistics.fmean(all_lat), 1) if all_lat else None,
        "p50_ms_without_few": round(pct(main_lat, 50), 1), "p95_ms_without_few": round(pct(main_lat, 95), 1),
        "server_peak_rss_mb": round(hwm, 1) if hwm else None,
        "client_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "few": sorted(few), "endpoints": rows, "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                       "load_avg": os.getloadavg(),
                                       "load_avg_during": [round(min(load), 2), round(max(load), 2)]},
        "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    print(f"\nAPI latency, {result['claims'] or '?'} claims, {result['requests']} requests, "
          f"{args.concurrency} clients, {result['wall_seconds']} s")
    print(f"{'endpoint':28s} {'n':>5s} {'err':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for r in rows:
        print(f"{r['endpoint']:28s} {r['n']:5d} {r['errors']:4d} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms'] or 0:8.1f}")
    print(f"{'all':28s} {len(all_lat):5d} {result['errors']:4d} {result['p50_ms']:8.1f} {result['p95_ms']:8.1f}")
    if few:
        print(f"{'all but ' + ', '.join(sorted(few)):28s} {len(main_lat):5d} {'':4s} "
              f"{result['p50_ms_without_few']:8.1f} {result['p95_ms_without_few']:8.1f}")
    print(f"server peak memory {result['server_peak_rss_mb']} MB; load average {min(load):.1f}-{max(load):.1f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"api-{result['claims'] or 'kb'}.json"
    out.write_text(json.dumps(result, indent=1))
    print(f"written {out}")
    if tmp and not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    elif tmp:
        print(f"knowledge base kept at {location}")


if __name__ == "__main__":
    main()
