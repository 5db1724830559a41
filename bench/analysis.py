"""Benchmark: graph build and every analysis on generated knowledge bases.

    .venv/bin/python bench/analysis.py                      # 10k, 100k and 1M claims
    .venv/bin/python bench/analysis.py --sizes 10000        # one size
    .venv/bin/python bench/analysis.py --keep /tmp/kbs      # keep (and reuse) the generated knowledge bases

Each size is a temporary SQLite knowledge base filled with bulk inserts (no reference
data): 1,000,000 claims over 50,000 entities (smaller sizes: one entity per 20 claims),
one document per 10 claims from 200 graded sources (5% of documents are copies),
predicates drawn with realistic weights, endpoints drawn from a heavy-tailed
(Zipf-like) popularity so there are hubs, 70% of claims dated (1995-2024), 3% negated,
1% rejected. Each size is measured in a fresh subprocess; "peak MB" is that step's peak
resident memory (VmHWM, reset before each step through /proc/self/clear_refs) and
"rss MB" the memory held after it. Writes bench/results/analysis.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "analysis.json"

PRED_WEIGHTS = {
    "supports": 14, "allied_with": 8, "member_of": 14, "leads": 3, "shelters": 4, "trains": 2, "branch_of": 2,
    "pledged_allegiance_to": 2, "finances": 5, "trades_with": 2, "fights": 8, "attacks": 5, "rival_of": 3,
    "denounces": 3, "endorses": 4, "operates_in": 10, "based_in": 3, "uses_platform": 4, "negotiates_with": 1,
    "kinship_with": 1, "splinter_of": 1, "merged_into": 0.3, "succeeded_by": 0.3, "controls": 1,
}
REGIONS = ["South Asia", "Central Asia", "Middle East", "North Africa", "Sahel", "East Africa", "Southeast Asia",
           "Europe", "global"]
IDEOLOGIES = ["salafi-jihadist", "deobandi", "nationalist", "shia", "other"]


# ---------------------------------------------------------------- measuring
def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])  # kB
    return 0


def reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


class Step:
    def __init__(self, results: dict, name: str, note: str = ""):
        self.results, self.name, self.note = results, name, note

    def __enter__(self):
        reset_peak()
        self.t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        dt = time.perf_counter() - self.t
        row = {"seconds": round(dt, 3), "peak_mb": round(_status("VmHWM") / 1024, 1),
               "rss_mb": round(_status("VmRSS") / 1024, 1)}
        if self.note:
            row["note"] = self.note
        if exc[0] is not None:
            row["error"] = f"{exc[0].__name__}: {exc[1]}"
        self.results[self.name] = row
        print(f"  {self.name:34s} {dt:9.2f} s  peak {row['peak_mb']:8.1f} MB  rss {row['rss_mb']:8.1f} MB"
              + (f"  ({self.note})" if self.note else "") + (f"  ERROR {row['error']}" if "error" in row else ""),
              flush=True)
        return True  # record the error and go on with the next step


# ---------------------------------------------------------------- generating
def _zipf_pick(rng: random.Random, items: list, cum: list[float]):
    import bisect

    return items[bisect.bisect_left(cum, rng.random() * cum[-1])]


def generate(kb_dir: Path, n_claims: int, n_entities: int, seed: int = 1) -> dict:
    from andiwali.model import ids
    from andiwali.model.ontology import ontology
    from andiwali.store import KnowledgeBase

    rng = random.Random(seed)
    onto = ontology()
    kb = KnowledgeBase.create(kb_dir, with_reference=False)
    raw = kb.engine.raw_connection()
    cur = raw.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    now = "2025-01-01T00:00:00+00:00"
    # sources
    sources = []
    for i in range(200):
        sid = ids.source_id(f"bench source {i}")
        sources.append(sid)
        cur.execute("INSERT INTO sources (id, name, kind, reliability, credibility, url) VALUES (?,?,?,?,?,?)",
                    (sid, f"bench source {i}", "channel" if i % 3 == 0 else "publisher", "ABCDEF"[i % 6],
                     "123456"[(i * 7) % 6], None))
    # entities
    kinds = (["organization"] * 50 + ["person"] * 30 + ["state"] * 10 + ["place"] * 7 + ["platform"] * 3)
    ents: dict[str, list[str]] = {k: [] for k in set(kinds)}
    rows = []
    for i in range(n_entities):
        k = kinds[i % len(kinds)]
        eid = f"ent_b{i:08x}"
        ents[k].append(eid)
        attrs = {}
        if k == "organization":
            attrs = {"region": rng.choice(REGIONS), "ideology": rng.choice(IDEOLOGIES)}
        parent = None
        if k == "organization" and i > 1000 and rng.random() < 0.2:
            parent = ents["organization"][rng.randrange(min(len(ents["organization"]), 200))]
        rows.append((eid, k, f"{k} {i}", parent, json.dumps(attrs), now))
    cur.executemany("INSERT INTO entities (id, kind, name, parent_id, attributes, refs, origin, status) "
                    "VALUES (?,?,?,?,?,'[]','reference','curated')", [r[:5] for r in rows])
    cur.executemany("INSERT INTO aliases (entity_id, name, norm) VALUES (?,?,?)",
                    [(r[0], r[2], r[2].lower()) for r in rows])
    # popularity: Zipf-like weights per kind
    pools = {}
    for k, lst in ents.items():
        cum, s = [], 0.0
        for r in range(len(lst)):
            s += 1.0 / (r + 10) ** 0.9
            cum.append(s)
        pools[k] = (lst, cum)
    # documents
    n_docs = max(10, n_claims // 10)
    docs = []
    drows = []
    for i in range(n_docs):
        did = f"doc_b{i:08x}"
        y = rng.randint(2005, 2024)
        m = rng.randint(1, 12)
        if i > 10 and rng.random() < 0.05:
            orig = drows[rng.randrange(len(drows))]
            chash, dup = orig[3], (orig[12] or orig[0])
        else:
            chash, dup = f"h{i:010d}", None
        src = sources[min(int(rng.paretovariate(1.2)) - 1, 199)]
        drows.append((did, f"bench/{i}", 1, chash, None, f"{y}-{m:02d}", "en", None, "txt", src, f"document {i}",
                      "{}", dup, now))
        docs.append((did, f"{y}-{m:02d}"))
    cur.executemany("INSERT INTO documents (id, doc_key, version, content_hash, title, published, language, url, "
                    "format, source_id, text, meta, duplicate_of, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    drows)
    del drows
    # claims + evidence, in batches
    preds = list(PRED_WEIGHTS)
    pcum, s = [], 0.0
    for p in preds:
        s += PRED_WEIGHTS[p]
        pcum.append(s)
    batch_c, batch_e = [], []
    n = 0
    while n < n_claims:
        p = _zipf_pick(rng, preds, pcum)
        pred = onto.predicates[p]
        sk = rng.choice(sorted(pred.subject_kinds))
        ok = rng.choice(sorted(pred.object_kinds))
        s_id = _zipf_pick(rng, *pools[sk])
        o_id = _zipf_pick(rng, *pools[ok])
        if s_id == o_id:
            continue
        if pred.symmetric and o_id < s_id:
            s_id, o_id = o_id, s_id
        did, pub = docs[rng.randrange(len(docs))]
        vf = vt = None
        r = rng.random()
        if r < 0.7:
            y0 = rng.randint(1995, 2024)
            vf = str(y0) if rng.random() < 0.6 else f"{y0}-{rng.randint(1, 12):02d}"
            if rng.random() < 0.6:
                vt = str(min(2024, y0 + rng.randint(0, 8)))
        pol = "negated" if rng.random() < 0.03 else "asserted"
        st = rng.random()
        status = "rejected" if st < 0.01 else ("accepted" if st < 0.06 else "pending")
        cid = f"clm_b{n:010x}"
        batch_c.append((cid, s_id, p, o_id, pol, "fact" if rng.random() < 0.8 else "reported", None, vf, vt, pub,
                        0 if (vf or vt) else 1, did, "rules:bench", round(rng.uniform(0.4, 1.0), 3), status,
                        "{}", now, now))
        batch_e.append((cid, did, 0, 10, "document quote"))
        n += 1
        if len(batch_c) >= 50000:
            _flush(cur, batch_c, batch_e)
    _flush(cur, batch_c, batch_e)
    raw.commit()
    cur.execute("ANALYZE")
    raw.commit()
    raw.close()
    counts = kb.counts()
    kb.close()
    return counts


def _flush(cur, batch_c, batch_e):
    cur.executemany(
        "INSERT INTO claims (id, subject_id, predicate, object_id, polarity, modality, attributed_to, valid_from, "
        "valid_to, reported_at, undated, doc_id, extractor, confidence, status, qualifiers, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch_c)
    cur.executemany("INSERT INTO evidence (claim_id, doc_id, start_char, end_char, quote) VALUES (?,?,?,?,?)", batch_e)
    batch_c.clear()
    batch_e.clear()


# ---------------------------------------------------------------- measuring one size
def measure(kb_dir: Path, n_claims: int) -> dict:
    import igraph  # noqa: F401  (imported before timing: its import alone takes about half a second)
    import leidenalg  # noqa: F401
    import networkx as nx

    from andiwali import analysis as A
    from andiwali.analysis.centrality import auto_k
    from andiwali.store import KnowledgeBase
    from andiwali.store.analysis_queries import doc_infos, entity_infos, iter_claim_records, media_activity_rows

    big = n_claims >= 500_000  # only notes which steps sample: every step runs at every size
    res: dict = {"claims": n_claims}
    kb = KnowledgeBase.open(kb_dir)
    with Step(res, "stream+build graph (default view)"):
        G = A.build_graph(iter_claim_records(kb), entity_infos(kb), doc_grades=doc_infos(kb))
    res["graph"] = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
    print(f"  default view: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges", flush=True)
    del G
    with Step(res, "load dataset (all claims in memory)"):
        data = A.load(kb, with_quotes=False)
    with Step(res, "build graph from dataset"):
        G = data.graph()
    with Step(res, "build graph at one year (--at 2015)"):
        data.graph(at="2015")
    with Step(res, "build graph all layers, all kinds"):
        Gall = data.graph(layers="all", actors_only=False)
    res["graph_all"] = {"nodes": Gall.number_of_nodes(), "edges": Gall.number_of_edges()}
    del Gall
    with Step(res, "simple digraph"):
        D = A.simple_digraph(G)
    n = D.number_of_nodes()
    if n <= 3000:
        with Step(res, "betweenness exact networkx"):
            A.betweenness(D, backend="networkx")
    if n <= 12000:
        with Step(res, "betweenness exact igraph"):
            A.betweenness(D, backend="igraph")
    with Step(res, "betweenness igraph sampled k=500", "estimate from 500 source nodes"):
        A.betweenness(D, backend="igraph", k=500)
    if n <= 12000:
        with Step(res, "betweenness networkx sampled k=100"):
            A.betweenness(D, backend="networkx", k=100)
    with Step(res, "pagerank networkx"):
        A.pagerank(D, backend="networkx")
    with Step(res, "pagerank igraph"):
        A.pagerank(D, backend="igraph")
    with Step(res, "k-core"):
        A.core_numbers(D)
    with Step(res, "degree per layer"):
        A.degree_by_layer(G)
    with Step(res, "gould-fernandez brokerage"):
        A.gould_fernandez(G, examples=0)
    with Step(res, "structural holes (top 50 brokers)" if n > 5000 else "structural holes (all nodes)"):
        A.structural_holes(G, nodes=[r["id"] for r in sorted(
            ({"id": x, "d": D.degree(x)} for x in D), key=lambda r: -r["d"])[:50]] if n > 5000 else None)
    with Step(res, "communities leiden"):
        A.communities(G, method="leiden")
    with Step(res, "communities louvain (networkx)"):
        A.communities(G, method="louvain")
    del D
    with Step(res, "signed balance (all layers)", "enemy-of-my-enemy pairs capped at 200k"):
        A.balance(data.graph(layers="all"))
    with Step(res, "yearly snapshots 2015-2024"):
        A.snapshots(data, years=list(range(2015, 2025)))
    with Step(res, "diff 2015 vs 2022", "betweenness sampled" if auto_k(n) else ""):
        A.diff(data, "2015", "2022")
    hub = max(G.nodes(), key=lambda x: G.in_degree(x) + G.out_degree(x))
    with Step(res, "roles (top hub) --split 2015"):
        A.roles(data, hub, "2015", claims=False)
    with Step(res, "overlapping membership"):
        A.overlap(data)
    with Step(res, "media activity"):
        A.media_activity(media_activity_rows(kb))
    with Step(res, "contested pairs"):
        res["contested_pairs"] = len(A.contested(data))
    with Step(res, "what-if: remove top hub", "sampled betweenness and key-player candidates above 5k nodes"):
        Gw = data.graph(layers=A.COOPERATIVE_LAYERS)
        A.whatif(Gw, remove_entities=[hub])
        del Gw
    with Step(res, "strongest ties (top 20)"):
        A.strongest(G, None, top=20)
    from andiwali.analysis.report import build_report

    with Step(res, "HTML report", "betweenness sampled" if big else ""):
        build_report(data, kb=kb)
    kb.close()
    res["nx_version"] = nx.__version__
    return res


def child(kb_dir: str, n_claims: int, n_entities: int, out: str) -> None:
    kb = Path(kb_dir)
    res = {"claims": n_claims, "entities": n_entities}
    if not (kb / "andiwali.db").exists():
        reset_peak()
        t = time.perf_counter()
        counts = generate(kb, n_claims, n_entities)
        res["generate_seconds"] = round(time.perf_counter() - t, 1)
        res["counts"] = counts
        print(f"  generated {counts} in {res['generate_seconds']} s", flush=True)
    res.update(measure(kb, n_claims))
    res["entities"] = n_entities
    Path(out).write_text(json.dumps(res, indent=1))


def markdown(results: dict) -> str:
    """The results as a markdown table: one row per step, seconds (peak MB) per size."""
    sizes = results["sizes"]
    steps: list[str] = []
    for sz in sizes:  # every size's steps in its own order; a step missing so far goes after its predecessor
        prev = None
        for k, v in sz.items():
            if not (isinstance(v, dict) and "seconds" in v):
                continue
            if k not in steps:
                steps.insert(steps.index(prev) + 1 if prev in steps else len(steps), k)
            prev = k
    head = "| step | " + " | ".join(f"{sz['claims']:,} claims" for sz in sizes) + " |"
    lines = [head, "|---|" + "---|" * len(sizes)]
    lines.append("| graph (default view): nodes / edges | " + " | ".join(
        f"{sz.get('graph', {}).get('nodes', '-'):,} / {sz.get('graph', {}).get('edges', '-'):,}" for sz in sizes) + " |")
    for st in steps:
        cells = []
        for sz in sizes:
            v = sz.get(st)
            cells.append("-" if not v else (f"{v['seconds']:.2f} s ({v['peak_mb']:.0f} MB)"
                                            + (" ERROR" if "error" in v else "")))
        lines.append(f"| {st} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--keep", help="Directory to keep (and reuse) the generated knowledge bases in.")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--markdown", action="store_true", help="Print the saved results as a markdown table and exit.")
    args = ap.parse_args()
    if args.markdown:
        print(markdown(json.loads(RESULTS.read_text())))
        return
    if args.child:
        kb_dir, n_claims, n_entities, out = args.child
        child(kb_dir, int(n_claims), int(n_entities), out)
        return
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "sizes": []}
    if RESULTS.exists():
        try:
            prev = json.loads(RESULTS.read_text())
            results["sizes"] = [s for s in prev.get("sizes", [])]
        except ValueError:
            pass
    for size in [int(x) for x in args.sizes.split(",")]:
        n_entities = 50_000 if size >= 1_000_000 else max(200, size // 20)
        print(f"== {size:,} claims, {n_entities:,} entities", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            kb_dir = Path(args.keep) / f"kb-{size}" if args.keep else Path(tmp) / "kb"
            out = Path(tmp) / "out.json"
            subprocess.run([sys.executable, __file__, "--child", str(kb_dir), str(size), str(n_entities), str(out)],
                           check=True)
            row = json.loads(out.read_text())
        results["sizes"] = [s for s in results["sizes"] if s.get("claims") != size] + [row]
        results["sizes"].sort(key=lambda s: s["claims"])
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
