"""Signed structure: balance, frustration, factions, "the enemy of my enemy".

The signed graph is undirected, one edge per pair of actors over the signed layers
(every layer by default; neutral predicates, sign 0, are left out): the pair's sign is
the sign of the strength-weighted sum of its ties' signs, so "fights" (-) and
"allied_with" (+) between the same two actors cancel by strength; a pair that cancels
exactly is ``ambivalent`` and is left out of the measures (and listed).

* **Triads**: every triangle, balanced when the product of its signs is positive
  (+++ and +--), unbalanced otherwise (++- and ---).
* **Frustration index** (the fewest edges whose removal makes the graph balanced,
  i.e. 2-colourable with + inside and - across): exact by enumeration up to
  ``EXACT_MAX_NODES`` nodes per component; otherwise an upper bound from a local search
  and a lower bound from edge-disjoint unbalanced triangles.
* **Factions**: groups with + ties inside and - ties across (correlation clustering):
  start from the components of the + graph, then move single nodes while that lowers
  the number of violating ties (- inside a faction, + across).
* **Enemy of my enemy**: pairs with a common enemy, whether they are allied, unrelated
  or hostile to each other.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import networkx as nx

from andiwali.analysis.graph import no_gc

EXACT_MAX_NODES = 14


@no_gc
def signed_graph(G) -> tuple[nx.Graph, list[tuple[str, str]]]:
    """(undirected graph with edge ``sign`` in {+1,-1}, ambivalent pairs)."""
    from andiwali.analysis.graph import undirected

    U = undirected(G, signs=(1, -1))
    ambivalent = []
    S = nx.Graph()
    S.add_nodes_from(U.nodes(data=True))
    for u, v, d in U.edges(data=True):
        if u == v:
            continue
        s = d["signed"]
        if abs(s) < 1e-12:
            ambivalent.append((u, v))
            continue
        S.add_edge(u, v, sign=1 if s > 0 else -1, weight=abs(s))
    return S, ambivalent


@no_gc
def triads(S: nx.Graph) -> dict:
    names = ("+++", "++-", "+--", "---")
    tally = [0, 0, 0, 0]
    unbalanced = []
    sg = _signs(S)
    adj = {n: set(nb) for n, nb in sg.items()}
    order = {n: i for i, n in enumerate(S.nodes())}
    for u in S:
        su = sg[u]
        ou = order[u]
        later = [v for v in adj[u] if order[v] > ou]
        for v in later:
            ov = order[v]
            sv = sg[v]
            neg_uv = su[v] < 0
            for w in adj[u] & adj[v]:
                if order[w] <= ov:
                    continue
                neg = neg_uv + (sv[w] < 0) + (su[w] < 0)
                tally[neg] += 1
                if neg % 2 == 1:
                    unbalanced.append((u, v, w))
    counts = dict(zip(names, tally, strict=True))
    bal = counts["+++"] + counts["+--"]
    unb = counts["++-"] + counts["---"]
    tot = bal + unb
    return {"counts": counts, "balanced": bal, "unbalanced": unb,
            "balance_ratio": (bal / tot) if tot else None, "unbalanced_triads": unbalanced}


def _signs(S: nx.Graph) -> dict[str, dict[str, int]]:
    """node -> neighbour -> sign, plain dicts (networkx's views cost more than the work on large graphs)."""
    return {u: {v: d["sign"] for v, d in nb.items()} for u, nb in S.adjacency()}


def _violations(S: nx.Graph, side: dict) -> int:
    bad = 0
    for u, v, d in S.edges(data=True):
        same = side[u] == side[v]
        if (d["sign"] > 0) != same:
            bad += 1
    return bad


def _exact_component(S: nx.Graph, nodes: list) -> tuple[int, dict]:
    first, rest = nodes[0], nodes[1:]
    H = S.subgraph(nodes)
    best, best_side = None, None
    for bits in itertools.product((0, 1), repeat=len(rest)):
        side = {first: 0}
        side.update(zip(rest, bits, strict=True))
        v = _violations(H, side)
        if best is None or v < best:
            best, best_side = v, side
            if v == 0:
                break
    return best or 0, best_side or {first: 0}


def _local_two_sides(S: nx.Graph, nodes: list, rounds: int = 50, sg: dict | None = None) -> tuple[int, dict]:
    """Greedy 2-colouring by BFS (flip across - ties), then single-node flips while they help.

    ``nodes`` is a whole connected component (every neighbour of a node in it is in it)."""
    sg = _signs(S) if sg is None else sg
    side = {}
    for root in nodes:
        if root in side:
            continue
        side[root] = 0
        queue = [root]
        while queue:
            u = queue.pop()
            for v, sign in sg[u].items():
                if v not in side:
                    side[v] = side[u] if sign > 0 else 1 - side[u]
                    queue.append(v)
    for _ in range(rounds):
        improved = False
        for u in nodes:
            gain = 0
            su = side[u]
            for v, sign in sg[u].items():
                ok_now = (sign > 0) == (su == side[v])
                gain += 1 if not ok_now else -1
            if gain > 0:
                side[u] = 1 - su
                improved = True
        if not improved:
            break
    bad = 0
    for u in nodes:
        su = side[u]
        for v, sign in sg[u].items():
            if (sign > 0) != (su == side[v]):
                bad += 2 if v == u else 1
    return bad // 2, side


def _triangle_lower_bound(S: nx.Graph, unbalanced: list) -> int:
    used: set = set()
    n = 0
    for u, v, w in unbalanced:
        es = {frozenset((u, v)), frozenset((v, w)), frozenset((u, w))}
        if es & used:
            continue
        used |= es
        n += 1
    return n


@no_gc
def frustration(S: nx.Graph, *, unbalanced: list | None = None) -> dict:
    """Frustration index: exact per component up to EXACT_MAX_NODES nodes, else bounds."""
    exact = True
    upper = 0
    lower_exact = 0
    lb_tri = _triangle_lower_bound(S, unbalanced if unbalanced is not None else triads(S)["unbalanced_triads"])
    frustrated_edges = []
    sg = None
    for comp in nx.connected_components(S):
        nodes = sorted(comp)
        if len(nodes) < 2:
            continue
        if len(nodes) <= EXACT_MAX_NODES:
            v, side = _exact_component(S, nodes)
            lower_exact += v
            H = S.subgraph(nodes)
            for a, b, d in H.edges(data=True):
                if (d["sign"] > 0) != (side[a] == side[b]):
                    frustrated_edges.append((a, b))
        else:
            exact = False
            sg = _signs(S) if sg is None else sg
            v, side = _local_two_sides(S, nodes, sg=sg)
            done = set()
            for a in nodes:  # each tie once, from the first of its ends in sorted order
                sa = side[a]
                for b, sign in sg[a].items():
                    if b not in done and (sign > 0) != (sa == side[b]):
                        frustrated_edges.append((a, b))
                done.add(a)
        upper += v
    if exact:
        return {"frustration_index": upper, "exact": True, "lower": upper, "upper": upper,
                "frustrated_edges": frustrated_edges}
    return {"frustration_index": None, "exact": False, "lower": max(lb_tri, lower_exact), "upper": upper,
            "frustrated_edges": frustrated_edges}


@no_gc
def factions(S: nx.Graph, rounds: int = 20) -> list[list[str]]:
    """Correlation clustering seeded by the components of the + graph, refined by single-node moves."""
    P = nx.Graph()
    P.add_nodes_from(S.nodes())
    P.add_edges_from((u, v) for u, v, d in S.edges(data=True) if d["sign"] > 0)
    label = {}
    for i, comp in enumerate(sorted(nx.connected_components(P), key=lambda c: (-len(c), min(c)))):
        for n in comp:
            label[n] = i
    sg = _signs(S)
    order = sorted(S.nodes())
    for _ in range(rounds):
        moved = False
        for u in order:
            score = defaultdict(int)  # ties satisfied if u joins faction f
            for v, sign in sg[u].items():
                if v == u:
                    continue
                if sign > 0:
                    score[label[v]] += 1
                else:
                    score[label[v]] -= 1
            cur = score.get(label[u], 0)
            best = max(score.items(), key=lambda kv: (kv[1], -kv[0]), default=(label[u], 0))
            if best[1] > cur and best[1] > 0:
                label[u] = best[0]
                moved = True
        if not moved:
            break
    groups = defaultdict(list)
    for n, f in label.items():
        groups[f].append(n)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


MAX_ENEMY_PAIRS = 200_000


@no_gc
def enemy_of_my_enemy(S: nx.Graph, *, max_pairs: int = MAX_ENEMY_PAIRS) -> list[dict]:
    """Pairs (a, c) sharing at least one enemy b, with their own tie: allied, none or hostile.

    On large graphs a hub with many enemies makes quadratically many pairs: collection stops at
    ``max_pairs`` distinct pairs (enemies taken from the least to the most hostile-connected node).
    """
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    sg = _signs(S)
    order = sorted(S, key=lambda n: sum(1 for sign in sg[n].values() if sign < 0))
    for b in order:
        enemies = sorted(v for v, sign in sg[b].items() if v != b and sign < 0)
        if len(pairs) >= max_pairs:
            break
        for a, c in itertools.combinations(enemies, 2):
            pairs[(a, c)].append(b)
            if len(pairs) >= max_pairs:
                break
    out = []
    for (a, c), common in pairs.items():
        common = sorted(common)
        tie = "none"
        if S.has_edge(a, c):
            tie = "allied" if S[a][c]["sign"] > 0 else "hostile"
        out.append({"a": a, "a_name": S.nodes[a].get("name", a), "c": c, "c_name": S.nodes[c].get("name", c),
                    "common_enemies": common, "common_enemy_names": [S.nodes[b].get("name", b) for b in common],
                    "tie": tie, "balanced": tie == "allied"})
    order = {"none": 0, "allied": 1, "hostile": 2}
    out.sort(key=lambda r: (order[r["tie"]], -len(r["common_enemies"]), r["a_name"], r["c_name"]))
    return out


@no_gc
def balance(G) -> dict:
    """Everything above in one dict (names resolved), for the CLI and the report."""
    S, amb = signed_graph(G)
    tri = triads(S)
    fr = frustration(S, unbalanced=tri["unbalanced_triads"])

    def nm(n):
        return S.nodes[n].get("name", n) if n in S else n

    return {
        "nodes": S.number_of_nodes(),
        "positive_ties": sum(1 for *_e, d in S.edges(data=True) if d["sign"] > 0),
        "negative_ties": sum(1 for *_e, d in S.edges(data=True) if d["sign"] < 0),
        "ambivalent_pairs": [[nm(a), nm(b)] for a, b in amb],
        "triads": tri["counts"],
        "balanced_triads": tri["balanced"],
        "unbalanced_triads": tri["unbalanced"],
        "balance_ratio": tri["balance_ratio"],
        "unbalanced_examples": [[nm(x) for x in t] for t in tri["unbalanced_triads"][:20]],
        "frustration_index": fr["frustration_index"],
        "frustration_exact": fr["exact"],
        "frustration_lower": fr["lower"],
        "frustration_upper": fr["upper"],
        "frustrated_ties": [[nm(a), nm(b)] for a, b in fr["frustrated_edges"][:50]],
        "factions": [[nm(n) for n in f] for f in factions(S) if len(f) > 1],
        "enemy_of_my_enemy": enemy_of_my_enemy(S),
    }
