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


def gould_fernandez(G, *, attribute: str = "network", missing: str = "skip", examples: int = 3,
                    claims: bool = True) -> list[dict]:
    """Per broker: counts of each role (and total), sorted by total; with example paths and their claims."""
    from andiwali.analysis.graph import simple_digraph

    D = simple_digraph(G) if G.is_multigraph() else G
    groups = partition(D, attribute, missing)
    out = []
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
    return out


def structural_holes(G, *, weighted: bool = False, nodes=None) -> dict[str, dict[str, float]]:
    """networkx constraint and effective size on the directed graph (weight = tie strength when ``weighted``),
    computed for every node as ``nx.constraint(D)`` / ``nx.effective_size(D)`` do, then ``nodes`` picked out."""
    from andiwali.analysis.graph import simple_digraph

    D = simple_digraph(G) if G.is_multigraph() else G
    D = D.copy()
    D.remove_edges_from(list(nx.selfloop_edges(D)))
    w = "weight" if weighted else None
    if nodes is None or D.number_of_nodes() <= ALL_NODES_MAX:
        # all nodes at once, as nx.constraint(D) / nx.effective_size(D) do (their per-node path can give other
        # effective sizes on directed graphs)
        con = nx.constraint(D, weight=w)
        eff = nx.effective_size(D, weight=w)
    else:  # large graph: only the nodes asked for (networkx's per-node path)
        con = nx.constraint(D, nodes=nodes, weight=w)
        eff = nx.effective_size(D, nodes=nodes, weight=w)
    return {n: {"constraint": con.get(n), "effective_size": eff.get(n)} for n in (nodes or D.nodes())}


def brokers(G, *, attribute: str = "network", missing: str = "skip", top: int | None = 20,
            examples: int = 3) -> list[dict]:
    """Gould-Fernandez counts joined with constraint and effective size (nan -> null for isolates)."""
    rows = gould_fernandez(G, attribute=attribute, missing=missing, examples=examples)
    if top:
        rows = rows[:top]
    holes = structural_holes(G, nodes=[r["id"] for r in rows]) if rows else {}
    for r in rows:
        h = holes.get(r["id"], {})
        for k in ("constraint", "effective_size"):
            v = h.get(k)
            r[k] = None if v is None or v != v else float(v)
    return rows
