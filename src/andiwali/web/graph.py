"""The explorer's data: the analysis graph view (every layer) with a layout and node metrics.

Built from ``andiwali.analysis`` (the same graph ``andiwali analyze`` uses): one edge
per tie (subject, predicate, object) with its strength and contested flag, plus the
valid-time interval of every claim behind it, so the browser's time slider can show
a tie exactly in the periods its claims say it held. Positions come from igraph's
Fruchterman-Reingold (grid variant, fast at 10,000 nodes) and are cached until the
knowledge base changes.
"""

from __future__ import annotations

import hashlib
import math
import threading
from typing import Any

from andiwali.store import web_queries

# node metrics the explorer can size nodes by
METRICS = ("degree", "pagerank", "betweenness", "claims", "strength")
BETWEENNESS_SAMPLE = 256  # sources sampled for betweenness above this many nodes


def _iv(iv) -> list[str | None] | None:
    if iv is None:
        return None
    from andiwali.analysis.timeutil import OPEN_END

    return [iv[0] or None, None if iv[1] == OPEN_END else iv[1]]


def _layout(nodes: list[str], pairs: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Deterministic 2-D positions in [-1, 1]."""
    n = len(nodes)
    if n == 0:
        return []
    if n == 1:
        return [(0.0, 0.0)]
    import igraph as ig

    seed = []
    for i, nid in enumerate(nodes):
        h = int(hashlib.sha1(nid.encode()).hexdigest()[:8], 16)
        angle = (h % 3600) / 3600 * 2 * math.pi
        r = math.sqrt((i + 1) / n) * math.sqrt(n)
        seed.append((r * math.cos(angle), r * math.sin(angle)))
    g = ig.Graph(n=n, edges=pairs, directed=False)
    g.simplify()
    lay = g.layout_fruchterman_reingold(seed=seed, niter=300 if n < 5000 else 200, grid="auto")
    xs = [p[0] for p in lay.coords]
    ys = [p[1] for p in lay.coords]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    return [((x - cx) / span, (y - cy) / span) for x, y in zip(xs, ys, strict=True)]


def _centrality(n: int, arcs: list[tuple[int, int]], weights: list[float]) -> tuple[list[float], list[float]]:
    """PageRank (weighted by tie strength) and betweenness (directed, unweighted; sampled above 2,000 nodes).

    The definitions of ``andiwali.analysis.centrality`` (a symmetric tie counts both ways,
    betweenness normalized as networkx does), computed with igraph straight from the arcs.
    """
    if n == 0:
        return [], []
    import igraph as ig

    g = ig.Graph(n=n, edges=arcs, directed=True)
    g.es["weight"] = weights
    g.simplify(combine_edges={"weight": "sum"})
    pr = g.pagerank(directed=True, damping=0.85, weights="weight")
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if n > 2000:
        import random

        k = min(BETWEENNESS_SAMPLE, n)
        sources = random.Random(0).sample(range(n), k)
        raw = g.betweenness(directed=True, sources=sources, targets=None)
        scale *= n / k
    else:
        raw = g.betweenness(directed=True)
    return pr, [b * scale for b in raw]


def build_explorer_graph(kb) -> dict[str, Any]:
    """Nodes (with position and metrics) and ties (with per-claim intervals) of every layer.

    Ties are compact (the explorer may hold 10,000 nodes): ``s``/``t`` index ``nodes``,
    ``p`` is the predicate (its layer, sign and symmetry are in ``predicates``), ``n`` the
    number of claims, ``w`` the tie strength, ``c`` 1 when contested, ``iv`` one
    ``[from, to, reviewed]`` interval per dated claim (full dates, null = open end),
    ``u`` 1 when some claim has no time at all (2 when one of those is reviewed),
    ``cid`` the first claim's id.
    """
    from andiwali.analysis.data import load
    from andiwali.analysis.timeutil import claim_interval
    from andiwali.model.ontology import ontology

    onto = ontology()
    data = load(kb, status="all", with_quotes=False)
    G = data.graph(layers="all", actors_only=False)
    claims = data.claim_index()
    node_ids = list(G.nodes())
    index = {nid: i for i, nid in enumerate(node_ids)}
    edges: list[dict] = []
    years: list[int] = []
    n_claims = [0] * len(node_ids)
    strength = [0.0] * len(node_ids)
    neighbours: list[set[int]] = [set() for _ in node_ids]
    pairs: list[tuple[int, int]] = []
    arcs: list[tuple[int, int]] = []
    weights: list[float] = []
    for u, v, k, d in G.edges(keys=True, data=True):
        if d.get("mirror"):
            continue
        intervals = []
        timeless = 0
        for cid in d["claims"]:
            c = claims.get(cid)
            if c is None:
                continue
            reviewed = c.status in ("accepted", "edited")
            iv, _undated = claim_interval(c.valid_from, c.valid_to, c.reported_at)
            if iv is None:
                timeless = max(timeless, 2 if reviewed else 1)
                continue
            shown = _iv(iv)
            intervals.append(shown + [1 if reviewed else 0])
            for part in shown:
                if part and part[:4].isdigit():
                    years.append(int(part[:4]))
        iu, iv_ = index[u], index[v]
        pairs.append((iu, iv_))
        arcs.append((iu, iv_))
        weights.append(d["strength"])
        if d["symmetric"]:
            arcs.append((iv_, iu))
            weights.append(d["strength"])
        neighbours[iu].add(iv_)
        neighbours[iv_].add(iu)
        for i in (iu, iv_):
            n_claims[i] += d["n_claims"]
            strength[i] += d["strength"]
        e = {"s": iu, "t": iv_, "p": k, "n": d["n_claims"], "w": round(d["strength"], 3), "iv": intervals,
             "cid": d["claims"][0]}
        if d["contested"]:
            e["c"] = 1
        if timeless:
            e["u"] = timeless
        edges.append(e)
    pr, bc = _centrality(len(node_ids), arcs, weights)
    pos = _layout(node_ids, pairs)
    aliases = web_queries.alias_names(kb, per_entity=8)
    nodes = []
    for i, nid in enumerate(node_ids):
        a = G.nodes[nid]
        name = a.get("name", nid)
        nodes.append({
            "id": nid,
            "label": name,
            "kind": a.get("kind", "unknown"),
            "x": round(pos[i][0], 4),
            "y": round(pos[i][1], 4),
            "degree": len(neighbours[i]),
            "claims": n_claims[i],
            "strength": round(strength[i], 3),
            "pagerank": round(pr[i], 6),
            "betweenness": round(bc[i], 6),
            "aliases": [x for x in aliases.get(nid, []) if x != name],
        })
    valid_years = [y for y in years if 1800 <= y <= 2200]
    return {
        "nodes": nodes,
        "edges": edges,
        "layers": list(onto.layers),
        "predicates": {p.name: {"layer": p.layer, "sign": p.sign, "symmetric": p.symmetric}
                       for p in onto.predicates.values()},
        "metrics": list(METRICS),
        "years": [min(valid_years), max(valid_years)] if valid_years else None,
        "claims_used": G.graph.get("claims_used", 0),
        "claims_negated": G.graph.get("claims_negated", 0),
    }


class GraphCache:
    """One explorer graph per knowledge-base state (audit fingerprint)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: dict | None = None

    def get(self, kb) -> dict:
        key = web_queries.audit_fingerprint(kb)
        with self._lock:
            if self._key != key or self._value is None:
                self._value = build_explorer_graph(kb)
                self._key = key
            return self._value

    def warm(self, kb) -> None:
        """Build in the background (errors are left for the first request to report)."""
        try:
            self.get(kb)
        except Exception:  # pragma: no cover - reported again by the request that needs it
            pass
