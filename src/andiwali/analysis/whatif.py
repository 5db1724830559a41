"""What-if: remove entities, ties or layers and see what changes.

Measured before and after on the actor graph (cooperative layers by default:
cooperation, organizational, financial, personal):

* **components**: weakly connected components, the largest one, and Borgatti's
  fragmentation F = 1 - sum_k s_k (s_k - 1) / (n (n - 1)) (share of actor pairs that
  cannot reach each other, undirected);
* **finance reach**: ordered pairs (a, b) where money can flow from a to b along
  ``finances`` ties (and ``trades_with`` both ways), and the strength-weighted reach
  (sum over those pairs of the best path's product of tie strengths; only up to
  ``WEIGHTED_MAX_NODES`` nodes; above that only the number of pairs, by bitsets);
* **shelter reach**: the same over ``shelters`` (host -> guest), so "who is under
  whose umbrella", directly or through a chain;
* **brokers**: the top actors by betweenness;
* **key players**: the actors whose single removal (after the scenario) raises
  fragmentation most (Borgatti's KPP-Neg). On graphs above ``KEYPLAYER_ALL_MAX`` nodes
  only the top ``KEYPLAYER_CANDIDATES`` by degree are tried.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

import networkx as nx

from andiwali.analysis.graph import COOPERATIVE_LAYERS, no_gc, undirected
from andiwali.analysis.timeutil import AnalysisError

WEIGHTED_MAX_NODES = 1000  # strength-weighted reach and the list of cut pairs only up to this many nodes
MAX_LISTED_PAIRS = 200
KEYPLAYER_ALL_MAX = 400
KEYPLAYER_CANDIDATES = 40

FINANCE = {"finances": False, "trades_with": True}  # predicate -> both ways
SHELTER = {"shelters": False}


def parse_tie(spec: str) -> tuple[str, str, str | None, bool]:
    """``"A->B"``, ``"A->B:predicate"`` or ``"A--B"`` (both directions) -> (a, b, predicate, both)."""
    pred = None
    body = spec
    if ":" in spec.rsplit(">", 1)[-1].rsplit("--", 1)[-1]:
        body, pred = spec.rsplit(":", 1)
        pred = pred.strip() or None
    if "->" in body:
        a, b = body.split("->", 1)
        return a.strip(), b.strip(), pred, False
    if "--" in body:
        a, b = body.split("--", 1)
        return a.strip(), b.strip(), pred, True
    raise AnalysisError(f"a tie is A->B, A->B:predicate or A--B; got {spec!r}", code="E606")


@no_gc
def apply_scenario(G: nx.MultiDiGraph, *, remove_entities: Iterable[str] = (),
                   remove_ties: Iterable[tuple[str, str, str | None, bool]] = (),
                   remove_layers: Iterable[str] = ()) -> nx.MultiDiGraph:
    """A copy of G without those entities, ties ((a, b, predicate or None, both ways)) and layers."""
    H = G.copy()
    H.remove_nodes_from([n for n in remove_entities if n in H])
    layers = set(remove_layers)
    drop = [(u, v, k) for u, v, k, d in H.edges(keys=True, data=True) if d.get("layer") in layers]
    for a, b, pred, both in remove_ties:
        for u, v in [(a, b)] + ([(b, a)] if both else []):
            if H.has_node(u) and H.has_node(v):
                for k, d in list(H.get_edge_data(u, v, default={}).items()):
                    if pred is None or d.get("predicate") == pred:
                        drop.append((u, v, k))
                        if d.get("symmetric"):  # a symmetric tie goes both ways
                            drop.append((v, u, k))
    for e in set(drop):
        if H.has_edge(*e):
            H.remove_edge(*e)
    return H


def fragmentation(U: nx.Graph) -> float:
    n = U.number_of_nodes()
    if n < 2:
        return 0.0
    same = sum(len(c) * (len(c) - 1) for c in nx.connected_components(U))
    return 1.0 - same / (n * (n - 1))


def _fragmentation_of_sizes(sizes, n: int) -> float:
    if n < 2:
        return 0.0
    same = sum(int(s) * (int(s) - 1) for s in sizes)
    return 1.0 - same / (n * (n - 1))


class _Undirected:
    """The undirected actor graph as a scipy sparse matrix: components (scipy.sparse.csgraph) in C, for the
    component counts, fragmentation and key players of large graphs (the same integers as networkx)."""

    def __init__(self, G) -> None:
        import numpy as np
        import scipy.sparse as sp

        self.nodes = list(G.nodes())
        idx = {n: i for i, n in enumerate(self.nodes)}
        rows, cols = [], []
        for u, v in G.edges():
            if u != v:
                rows.append(idx[u])
                cols.append(idx[v])
        n = len(self.nodes)
        A = sp.csr_array((np.ones(len(rows), dtype=np.int8), (np.array(rows, dtype=np.int64),
                                                                 np.array(cols, dtype=np.int64))), shape=(n, n))
        A = (A + A.T).tocsr()
        A.data[:] = 1
        self.A = A
        self.degree = np.diff(A.indptr)  # distinct neighbours, self-loops left out

    def component_sizes(self, drop: int | None = None):
        import numpy as np
        from scipy.sparse.csgraph import connected_components

        A = self.A
        if drop is not None:
            keep = np.ones(A.shape[0], dtype=bool)
            keep[drop] = False
            A = A[keep][:, keep]
        if A.shape[0] == 0:
            return np.zeros(0, dtype=np.int64)
        _k, labels = connected_components(A, directed=False)
        return np.bincount(labels)


def _flow_graph(G, spec: dict[str, bool]) -> nx.DiGraph:
    F = nx.DiGraph()
    for u, v, d in G.edges(data=True):
        both = spec.get(d.get("predicate"))
        if both is None or d.get("mirror"):
            continue
        for a, b in [(u, v)] + ([(v, u)] if both else []):
            if a == b:
                continue
            w = d.get("strength", 1.0)
            if not F.has_edge(a, b) or F[a][b]["strength"] < w:
                F.add_edge(a, b, strength=w)
    return F


@no_gc
def reach_pairs(F: nx.DiGraph) -> set[tuple[str, str]] | int:
    """Ordered reachable pairs: the set on small graphs, else only their number (bitsets over the
    strongly connected components, each component's members on consecutive bits)."""
    if F.number_of_nodes() <= WEIGHTED_MAX_NODES:
        return {(a, b) for a in F for b in nx.descendants(F, a)}
    C = nx.condensation(F)
    size, mask, offset = {}, {}, 0
    for c in C:
        k = len(C.nodes[c]["members"])
        size[c], mask[c] = k, ((1 << k) - 1) << offset
        offset += k
    waiting = {c: C.in_degree(c) for c in C}
    bits: dict[int, int] = {}
    total = 0
    for c in reversed(list(nx.topological_sort(C))):
        b = 0
        for s in C.successors(c):
            b |= bits[s] | mask[s]
        total += size[c] * (b.bit_count() + size[c] - 1)
        if waiting[c]:
            bits[c] = b
        for s in C.successors(c):
            waiting[s] -= 1
            if waiting[s] == 0:
                del bits[s]
    return total


@no_gc
def weighted_reach(F: nx.DiGraph) -> float | None:
    """Sum over reachable pairs of the best path's product of strengths (None on large graphs)."""
    if F.number_of_nodes() > WEIGHTED_MAX_NODES:
        return None
    total = 0.0
    for src in F:
        best = {src: 1.0}
        heap = [(-1.0, src)]
        while heap:
            negp, u = heapq.heappop(heap)
            p = -negp
            if p < best.get(u, 0.0) - 1e-15:
                continue
            for v, d in F[u].items():
                q = p * d["strength"]
                if q > best.get(v, 0.0) + 1e-15:
                    best[v] = q
                    heapq.heappush(heap, (-q, v))
        total += sum(p for n, p in best.items() if n != src)
    return total


def _measure(G, *, top: int, names) -> dict:
    from andiwali.analysis.centrality import auto_k, betweenness
    from andiwali.analysis.graph import simple_digraph

    sizes = sorted((int(x) for x in _Undirected(G).component_sizes()), reverse=True)
    fin = _flow_graph(G, FINANCE)
    she = _flow_graph(G, SHELTER)
    fin_pairs, she_pairs = reach_pairs(fin), reach_pairs(she)
    bc = betweenness(simple_digraph(G, claims=False), k=auto_k(G.number_of_nodes())) if G.number_of_nodes() else {}
    brokers = sorted(bc.items(), key=lambda kv: (-kv[1], names(kv[0])))[:top]
    return {
        "nodes": G.number_of_nodes(),
        "ties": sum(1 for *_e, d in G.edges(data=True) if not d.get("mirror")),
        "components": len(sizes),
        "largest_component": sizes[0] if sizes else 0,
        "fragmentation": _fragmentation_of_sizes(sizes, G.number_of_nodes()),
        "finance_pairs": fin_pairs if isinstance(fin_pairs, int) else len(fin_pairs),
        "finance_weighted_reach": weighted_reach(fin),
        "shelter_pairs": she_pairs if isinstance(she_pairs, int) else len(she_pairs),
        "shelter_direct": sum(1 for _ in she.edges()),
        "shelter_weighted_reach": weighted_reach(she),
        "brokers": [{"id": n, "name": names(n), "betweenness": v} for n, v in brokers],
        "betweenness_sampled": auto_k(G.number_of_nodes()) is not None,
        "_fin": fin_pairs, "_she": she_pairs,
    }


@no_gc
def key_players(G, *, top: int = 10, names=None) -> list[dict]:
    """The actors whose removal raises fragmentation most (components by scipy: the same numbers as networkx's
    ``fragmentation(restricted_view(U, [n], []))``, which ``_key_players_nx`` keeps for a test)."""
    U = _Undirected(G)
    n_all = len(U.nodes)
    base = _fragmentation_of_sizes(U.component_sizes(), n_all)
    cands = list(range(n_all))
    sampled = False
    if len(cands) > KEYPLAYER_ALL_MAX:
        cands = sorted(cands, key=lambda i: (-int(U.degree[i]), U.nodes[i]))[:KEYPLAYER_CANDIDATES]
        sampled = True
    out = []
    for i in cands:
        node = U.nodes[i]
        f = _fragmentation_of_sizes(U.component_sizes(drop=i), n_all - 1)
        out.append({"id": node, "name": names(node) if names else node, "fragmentation_after": f, "gain": f - base,
                    "candidates_limited": sampled})
    out.sort(key=lambda r: (-r["gain"], r["name"]))
    return out[:top]


def _key_players_nx(G, *, top: int = 10, names=None) -> list[dict]:
    U = undirected(G)
    U.remove_edges_from(list(nx.selfloop_edges(U)))
    base = fragmentation(U)
    cands = list(U.nodes())
    sampled = False
    if len(cands) > KEYPLAYER_ALL_MAX:
        cands = sorted(cands, key=lambda n: (-U.degree(n), n))[:KEYPLAYER_CANDIDATES]
        sampled = True
    out = []
    for n in cands:
        # fragmentation among the remaining actors (a view without n, no copy)
        f = fragmentation(nx.restricted_view(U, [n], []))
        out.append({"id": n, "name": names(n) if names else n, "fragmentation_after": f, "gain": f - base,
                    "candidates_limited": sampled})
    out.sort(key=lambda r: (-r["gain"], r["name"]))
    return out[:top]


@no_gc
def whatif(G: nx.MultiDiGraph, *, remove_entities: Iterable[str] = (), remove_ties=(), remove_layers=(),
           top: int = 10) -> dict:
    """Before/after measures for one scenario, the pairs of finance and shelter reach it cuts, and key players."""
    remove_entities = list(remove_entities)
    remove_ties = [parse_tie(t) if isinstance(t, str) else t for t in remove_ties]
    remove_layers = list(remove_layers)

    def names(n):
        return G.nodes[n].get("name", n) if n in G else n

    H = apply_scenario(G, remove_entities=remove_entities, remove_ties=remove_ties, remove_layers=remove_layers)
    before = _measure(G, top=top, names=names)
    after = _measure(H, top=top, names=names)
    lost = {}
    for key in ("_fin", "_she"):
        b, a = before.pop(key), after.pop(key)
        if isinstance(b, set) and isinstance(a, set):
            lost[key] = sorted([names(x), names(y)] for x, y in b - a)[:MAX_LISTED_PAIRS]
        else:
            lost[key] = None
    return {
        "scenario": {"remove_entities": [names(n) for n in remove_entities],
                     "remove_ties": [{"from": names(a), "to": names(b), "predicate": p, "both": both}
                                     for a, b, p, both in remove_ties],
                     "remove_layers": remove_layers},
        "before": before,
        "after": after,
        "finance_pairs_lost": lost["_fin"],
        "shelter_pairs_lost": lost["_she"],
        "key_players": key_players(H, top=top, names=names),
        "layers": G.graph.get("layers"),
    }


DEFAULT_LAYERS = COOPERATIVE_LAYERS
