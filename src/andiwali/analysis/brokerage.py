"""Brokerage: Gould-Fernandez roles over a partition, and Burt's structural holes.

Gould and Fernandez (1989): a node b brokers every directed two-path a -> b -> c
with a != c and no direct tie a -> c. Its role depends on the groups of a, b and c:

==============  =========================  =========================================
role            groups                     e.g. partition by region
==============  =========================  =========================================
coordinator     g(a) = g(b) = g(c)         a broker inside its own region
itinerant       g(a) = g(c) != g(b)        an outsider linking two of one region
gatekeeper      g(a) != g(b) = g(c)        lets outsiders in to its own group
representative  g(a) = g(b) != g(c)        speaks for its group to outsiders
liaison         all three differ           links two groups it belongs to neither
==============  =========================  =========================================

The partition is an entity attribute: ``network`` (the root of the parent chain:
al-Qaeda for AQIS; the default), ``parent``, ``region``, ``ideology``, ``kind`` or
``subtype``. Nodes without the attribute are skipped (``missing="skip"``, no path
through or to them counts) or form a group of their own (``missing="own"``).
Structural holes are networkx's ``constraint`` and ``effective_size``.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from andiwali.analysis.graph import no_gc

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
PARTITIONS = ("network", "parent", "region", "ideology", "kind", "subtype")
ALL_NODES_MAX = 2000  # above this, structural holes only for the nodes asked for


def role(ga, gb, gc) -> str:
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "itinerant"
    if gb == gc:
        return "gatekeeper"
    if ga == gb:
        return "representative"
    return "liaison"


def partition(G, attribute: str = "network", missing: str = "skip") -> dict[str, str]:
    out = {}
    for n, d in G.nodes(data=True):
        v = d.get(attribute)
        if v in (None, ""):
            if missing == "own":
                out[n] = "\x00" + n
            continue
        out[n] = v
    return out


def _count_roles(D, b, gb, preds, succs, groups, succ_sets) -> Counter:
    """Role counts of broker b without walking every two-path: products of the group counts on each side, less
    the pairs that do not count (a == c, or a tie a -> c), found by intersecting neighbour sets."""
    cnt_p = Counter(groups[a] for a in preds)
    cnt_s = Counter(groups[c] for c in succs)
    n_p, n_s = len(preds), len(succs)
    pb, sb = cnt_p.get(gb, 0), cnt_s.get(gb, 0)
    counts = Counter()
    counts["coordinator"] = pb * sb
    counts["itinerant"] = sum(k * cnt_s[g] for g, k in cnt_p.items() if g != gb and g in cnt_s)
    counts["gatekeeper"] = (n_p - pb) * sb
    counts["representative"] = pb * (n_s - sb)
    counts["liaison"] = n_p * n_s - sum(counts.values())
    s_set = set(succs)
    for a in preds:
        ga = groups[a]
        out = succ_sets[a]
        common = s_set & out if len(out) < n_s else out & s_set
        if a in s_set and a not in out:
            common = common | {a}
        for c in common:
            counts[role(ga, gb, groups[c])] -= 1
    return +counts


def _role_examples(D, b, gb, preds, succs, groups, counts, examples: int, claims: bool) -> dict[str, list]:
    """The first ``examples`` two-paths of each role, in the order the full walk meets them (it stops as soon
    as every role present has its examples)."""
    want = {r: min(examples, k) for r, k in counts.items() if k}
    ex: dict[str, list] = {}
    missing = sum(want.values())
    for a in preds:
        if not missing:
            break
        ga = groups[a]
        adj_a = D._succ[a]
        for c in succs:
            if c == a or c in adj_a:
                continue
            r = role(ga, gb, groups[c])
            lst = ex.setdefault(r, [])
            if len(lst) < want.get(r, 0):
                item = {"from": a, "from_name": D.nodes[a].get("name", a), "to": c,
                        "to_name": D.nodes[c].get("name", c)}
                if claims:
                    item["claims"] = list(D[a][b]["claims"][:2]) + list(D[b][c]["claims"][:2])
                lst.append(item)
                missing -= 1
                if not missing:
                    break
    return {r: v for r, v in ex.items() if v}


PAIR_WALK_MAX = 2000  # brokers with more two-paths than this are counted by groups (same numbers)


@no_gc
def gould_fernandez(G, *, attribute: str = "network", missing: str = "skip", examples: int = 3,
                    claims: bool = True, examples_top: int | None = None, walk_max: int | None = None) -> list[dict]:
    """Per broker: counts of each role (and total), sorted by total; with example paths and their claims.

    Brokers with at most ``walk_max`` (default PAIR_WALK_MAX) candidate two-paths walk them all (the
    reference); the others are counted from the groups on either side, minus the closed pairs (the same counts:
    a test compares). ``examples_top`` gives examples only to the first rows (all by default).
    """
    from andiwali.analysis.graph import simple_digraph

    walk_max = PAIR_WALK_MAX if walk_max is None else walk_max
    D = simple_digraph(G) if G.is_multigraph() else G
    groups = partition(D, attribute, missing)
    succ_sets = None
    out = []
    pending = []
    for b in D.nodes():
        if b not in groups:
            continue
        gb = groups[b]
        counts = Counter()
        ex: dict[str, list] = {}
        preds = [a for a in D.predecessors(b) if a != b and a in groups]
        succs = [c for c in D.successors(b) if c != b and c in groups]
        if not preds or not succs:
            continue
        if len(preds) * len(succs) > walk_max:
            if succ_sets is None:
                succ_sets = {n: set(nb) for n, nb in D._succ.items()}
            counts = _count_roles(D, b, gb, preds, succs, groups, succ_sets)
            if examples:
                pending.append((b, gb, preds, succs, counts))
        else:
            for a in preds:
                ga = groups[a]
                adj_a = D[a]
                for c in succs:
                    if c == a or c in adj_a:
                        continue
                    r = role(ga, gb, groups[c])
                    counts[r] += 1
                    if examples and len(ex.setdefault(r, [])) < examples:
                        item = {"from": a, "from_name": D.nodes[a].get("name", a), "to": c,
                                "to_name": D.nodes[c].get("name", c)}
                        if claims:
                            item["claims"] = list(D[a][b]["claims"][:2]) + list(D[b][c]["claims"][:2])
                        ex[r].append(item)
            ex = {r: v for r, v in ex.items() if v}
        total = sum(counts.values())
        if not total:
            continue
        group = gb if not str(gb).startswith("\x00") else None
        group_name = D.nodes[group].get("name", group) if group in D else group
        row = {"id": b, "name": D.nodes[b].get("name", b), "group": group, "group_name": group_name, "total": total}
        row.update({r: counts.get(r, 0) for r in ROLES})
        if examples:
            row["examples"] = ex
        out.append(row)
    out.sort(key=lambda r: (-r["total"], r["name"]))
    if pending:
        rank = {r["id"]: i for i, r in enumerate(out)}
        for b, gb, preds, succs, counts in pending:
            i = rank.get(b)
            if i is None:
                continue
            if examples_top is not None and i >= examples_top:
                out[i]["examples"] = {}
                continue
            out[i]["examples"] = _role_examples(D, b, gb, preds, succs, groups, counts, examples, claims)
    return out


def _holes_sparse(D, nodes, weight) -> dict[str, dict[str, float]]:
    """networkx's per-node ``constraint`` and ``effective_size`` (directed: neighbours both ways, mutual weights)
    for the given nodes, as sparse matrix products: P = mutual weights over their row sum, Q = over their row
    max; constraint(v) = sum over neighbours n of (P[v,n] + (P @ P)[v,n])^2; effective size(v) = sum over
    neighbours u of (1 - (P @ Q.T)[v,u])."""
    import numpy as np
    import scipy.sparse as sp

    order = list(D)
    idx = {n: i for i, n in enumerate(order)}
    size = len(order)
    rows, cols, vals = [], [], []
    for u, v, d in D.edges(data=True):
        if u == v:
            continue
        rows.append(idx[u])
        cols.append(idx[v])
        vals.append(float(d.get(weight, 1)) if weight else 1.0)
    A = sp.csr_array((np.array(vals, dtype=float), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
                     shape=(size, size))
    M = (A + A.T).tocsr()
    M.sort_indices()
    rsum = np.asarray(M.sum(axis=1)).ravel()
    rmax = M.max(axis=1).toarray().ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        P = sp.csr_array(sp.diags_array(np.where(rsum > 0, 1.0 / rsum, 0.0)) @ M)
        Q = sp.csr_array(sp.diags_array(np.where(rmax > 0, 1.0 / rmax, 0.0)) @ M)
    QT = Q.T.tocsr()
    out: dict[str, dict[str, float]] = {}
    sel = [idx[n] for n in nodes if n in idx]
    for start in range(0, len(sel), 64):
        chunk = sel[start:start + 64]
        Pr = P[chunk]
        L = (Pr + Pr @ P).tocsr()
        R = (Pr @ QT).tocsr()
        for j, i in enumerate(chunk):
            nb = M.indices[M.indptr[i]:M.indptr[i + 1]]
            nb = nb[nb != i]
            n = order[i]
            if len(nb) == 0:
                out[n] = {"constraint": float("nan"), "effective_size": float("nan")}
                continue
            lrow = L[[j]].toarray().ravel()[nb]
            rrow = R[[j]].toarray().ravel()[nb]
            out[n] = {"constraint": float(np.sum(lrow * lrow)), "effective_size": float(np.sum(1.0 - rrow))}
    return out


@no_gc
def structural_holes(G, *, weighted: bool = False, nodes=None, sparse: bool | None = None
                     ) -> dict[str, dict[str, float]]:
    """networkx constraint and effective size on the directed graph (weight = tie strength when ``weighted``),
    computed for every node as ``nx.constraint(D)`` / ``nx.effective_size(D)`` do, then ``nodes`` picked out.

    Above ALL_NODES_MAX nodes only the ``nodes`` asked for, by networkx's per-node formulas computed as sparse
    matrix products (``sparse=False`` runs networkx's own per-node path; a test compares them)."""
    from andiwali.analysis.graph import simple_digraph

    D = simple_digraph(G, claims=False) if G.is_multigraph() else G
    w = "weight" if weighted else None
    if nodes is not None and D.number_of_nodes() > ALL_NODES_MAX and sparse is not False:
        both = _holes_sparse(D, nodes, w)  # leaves self-loops out itself
        return {n: both.get(n, {"constraint": None, "effective_size": None}) for n in nodes}
    D = D.copy()
    D.remove_edges_from(list(nx.selfloop_edges(D)))
    if nodes is None or D.number_of_nodes() <= ALL_NODES_MAX:
        # all nodes at once, as nx.constraint(D) / nx.effective_size(D) do (their per-node path can give other
        # effective sizes on directed graphs)
        con = nx.constraint(D, weight=w)
        eff = nx.effective_size(D, weight=w)
    else:  # networkx's per-node path
        con = nx.constraint(D, nodes=nodes, weight=w)
        eff = nx.effective_size(D, nodes=nodes, weight=w)
    return {n: {"constraint": con.get(n), "effective_size": eff.get(n)} for n in (nodes or D.nodes())}


@no_gc
def brokers(G, *, attribute: str = "network", missing: str = "skip", top: int | None = 20,
            examples: int = 3) -> list[dict]:
    """Gould-Fernandez counts joined with constraint and effective size (nan -> null for isolates)."""
    rows = gould_fernandez(G, attribute=attribute, missing=missing, examples=examples, examples_top=top)
    if top:
        rows = rows[:top]
    holes = structural_holes(G, nodes=[r["id"] for r in rows]) if rows else {}
    for r in rows:
        h = holes.get(r["id"], {})
        for k in ("constraint", "effective_size"):
            v = h.get(k)
            r[k] = None if v is None or v != v else float(v)
    return rows
