"""Centrality and position: degree per layer, betweenness, PageRank, k-core.

networkx is the reference. igraph computes the same numbers faster (a test compares
them); ``backend="auto"`` uses igraph from ``IGRAPH_FROM`` nodes up. Betweenness is
unweighted, on the directed graph, normalized as networkx does (1/((n-1)(n-2))); a
symmetric tie is an edge both ways (see ``graph``). PageRank (alpha 0.85) is weighted
by tie strength (parallel ties summed). k-core numbers are on the undirected graph
without self-loops. ``k`` samples that many source nodes for an estimate of
betweenness (Brandes and Pich; networkx's ``k`` or igraph's subset betweenness),
for graphs where the exact value is too slow.
"""

from __future__ import annotations

import random
from collections import defaultdict

import networkx as nx

from andiwali.analysis.graph import no_gc

IGRAPH_FROM = 2000
EXACT_BETWEENNESS_MAX = 5000  # analyses that only rank (diff, what-if) sample above this many nodes
SAMPLE_K = 500


def auto_k(n: int) -> int | None:
    """None (exact) up to EXACT_BETWEENNESS_MAX nodes, else SAMPLE_K sampled sources."""
    return None if n <= EXACT_BETWEENNESS_MAX else SAMPLE_K


@no_gc
def to_igraph(D: nx.DiGraph, weight: str = "weight"):
    """A networkx DiGraph -> (igraph.Graph, node list) with the same node order."""
    import igraph as ig

    nodes = list(D.nodes())
    index = {n: i for i, n in enumerate(nodes)}
    edges, weights = [], []
    for u, v, d in D.edges(data=True):
        edges.append((index[u], index[v]))
        weights.append(float(d.get(weight, 1.0)))
    g = ig.Graph(n=len(nodes), edges=edges, directed=D.is_directed())
    g.es["weight"] = weights
    return g, nodes


def _use_igraph(backend: str, n: int) -> bool:
    if backend == "networkx":
        return False
    if backend == "igraph":
        return True
    return n >= IGRAPH_FROM


@no_gc
def betweenness(G: nx.MultiDiGraph | nx.DiGraph, *, backend: str = "auto", k: int | None = None,
                seed: int = 0) -> dict[str, float]:
    """Normalized directed betweenness, unweighted (networkx's definition)."""
    from andiwali.analysis.graph import simple_digraph

    D = simple_digraph(G, claims=False) if G.is_multigraph() else G
    n = D.number_of_nodes()
    if n == 0:
        return {}
    if k is not None and k >= n:
        k = None
    if not _use_igraph(backend, n):
        return nx.betweenness_centrality(D, k=k, normalized=True, seed=seed)
    g, nodes = to_igraph(D)
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    if k is None:
        raw = g.betweenness(directed=True)
    else:
        rng = random.Random(seed)
        sources = rng.sample(range(n), k)
        raw = g.betweenness(directed=True, sources=sources, targets=None)
        scale *= n / k
    return {nodes[i]: raw[i] * scale for i in range(n)}


@no_gc
def pagerank(G: nx.MultiDiGraph | nx.DiGraph, *, backend: str = "auto", alpha: float = 0.85,
             weight: str | None = "weight") -> dict[str, float]:
    from andiwali.analysis.graph import simple_digraph

    D = simple_digraph(G, claims=False) if G.is_multigraph() else G
    n = D.number_of_nodes()
    if n == 0:
        return {}
    if not _use_igraph(backend, n):
        return nx.pagerank(D, alpha=alpha, weight=weight)
    g, nodes = to_igraph(D)
    pr = g.pagerank(directed=True, damping=alpha, weights="weight" if weight else None)
    return dict(zip(nodes, pr, strict=True))


@no_gc
def core_numbers(G, *, backend: str = "auto") -> dict[str, int]:
    """k-core numbers on the undirected graph without self-loops (igraph's ``coreness`` from IGRAPH_FROM nodes
    with backend="auto": the same integers)."""
    from andiwali.analysis.graph import undirected

    if _use_igraph(backend, G.number_of_nodes()) and G.number_of_nodes():
        import igraph as ig

        nodes = list(G.nodes())
        index = {n: i for i, n in enumerate(nodes)}
        pairs = {(index[u], index[v]) if index[u] < index[v] else (index[v], index[u])
                 for u, v in G.edges() if u != v}
        g = ig.Graph(n=len(nodes), edges=list(pairs), directed=False)
        return dict(zip(nodes, g.coreness(mode="all"), strict=True))
    U = undirected(G) if G.is_directed() else G.copy()
    U.remove_edges_from(list(nx.selfloop_edges(U)))
    return nx.core_number(U)


@no_gc
def degree_by_layer(G: nx.MultiDiGraph) -> dict[str, dict[str, dict[str, int]]]:
    """node -> layer -> {"in": n, "out": n} (ties, not claims; a symmetric tie counts in and out)."""
    out: dict[str, dict[str, dict[str, int]]] = {n: {} for n in G.nodes()}
    for u, v, d in G.edges(data=True):
        lay = d.get("layer", "?")
        out[u].setdefault(lay, {"in": 0, "out": 0})["out"] += 1
        out[v].setdefault(lay, {"in": 0, "out": 0})["in"] += 1
    return out


@no_gc
def centrality(G: nx.MultiDiGraph, *, backend: str = "auto", k: int | None = None, seed: int = 0,
               top: int | None = None) -> list[dict]:
    """One row per node: id, name, kind, betweenness, pagerank, in/out degree (all layers and per layer), core.

    Sorted by betweenness, then PageRank, then name.
    """
    from andiwali.analysis.graph import simple_digraph

    D = simple_digraph(G, claims=False) if G.is_multigraph() else G  # once for both
    bc = betweenness(D, backend=backend, k=k, seed=seed)
    pr = pagerank(D, backend=backend)
    core = core_numbers(G)
    layers = degree_by_layer(G)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"in": 0, "out": 0})
    for n, per in layers.items():
        for d in per.values():
            totals[n]["in"] += d["in"]
            totals[n]["out"] += d["out"]
    rows = []
    for n, d in G.nodes(data=True):
        rows.append({
            "id": n, "name": d.get("name", n), "kind": d.get("kind"),
            "betweenness": bc.get(n, 0.0), "pagerank": pr.get(n, 0.0),
            "in_degree": totals[n]["in"], "out_degree": totals[n]["out"],
            "degree_by_layer": layers.get(n, {}), "core": core.get(n, 0),
        })
    rows.sort(key=lambda r: (-r["betweenness"], -r["pagerank"], r["name"]))
    return rows[:top] if top else rows
