"""Overlapping membership (organizations tied through shared people) and media activity."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from andiwali.analysis.data import Dataset
from andiwali.analysis.graph import no_gc

MEMBERSHIP_PREDICATES = ("member_of", "leads", "pledged_allegiance_to")


@no_gc
def membership_graph(data: Dataset, **graph_kw) -> nx.Graph:
    """Bipartite person (bipartite=0) - organization/state (bipartite=1) graph from membership ties."""
    graph_kw = dict(graph_kw)
    graph_kw["layers"] = ("organizational",)
    graph_kw["predicates"] = MEMBERSHIP_PREDICATES
    G = data.graph(**graph_kw)
    B = nx.Graph()
    for u, v, d in G.edges(data=True):
        if G.nodes[u].get("kind") != "person" or G.nodes[v].get("kind") not in ("organization", "state"):
            continue
        B.add_node(u, bipartite=0, name=G.nodes[u].get("name", u))
        B.add_node(v, bipartite=1, name=G.nodes[v].get("name", v))
        if B.has_edge(u, v):
            B[u][v]["predicates"].append(d["predicate"])
            B[u][v]["claims"].extend(d["claims"])
        else:
            B.add_edge(u, v, predicates=[d["predicate"]], claims=list(d["claims"]))
    return B


PAIR_DICT_MAX = 200_000  # above this many (person, pair) entries the projection is a sparse matrix product


@no_gc
def overlap(data: Dataset, *, top: int | None = 200, sparse: bool | None = None, **graph_kw) -> dict:
    """Organizations sharing members or leaders (the weighted bipartite projection, as networkx's
    ``bipartite.weighted_projected_graph``), with the people named, and the people tied to more than one
    organization. ``top`` pairs and people are listed (most shared first; None = all); totals are exact.

    With ``top`` set and more than PAIR_DICT_MAX person-pair entries (or ``sparse=True``) the projection is
    B.T @ B over the person x organization matrix (scipy) and only the listed pairs get their people; the
    same pairs and numbers (a test compares)."""
    B = membership_graph(data, **graph_kw)
    orgs = [n for n, d in B.nodes(data=True) if d["bipartite"] == 1]
    name = {n: d["name"] for n, d in B.nodes(data=True)}
    persons = [n for n, d in B.nodes(data=True) if d["bipartite"] == 0]
    multi = [p for p in persons if len(B[p]) > 1]
    entries = sum(len(B[p]) * (len(B[p]) - 1) // 2 for p in multi)
    if sparse is None:
        sparse = top is not None and entries > PAIR_DICT_MAX
    if sparse and top is not None:
        ranked_pairs, pairs_total = _top_pairs_sparse(B, persons, orgs, name, top)
        ranked = [((a, b), sorted(set(B[a]) & set(B[b]))) for a, b in ranked_pairs]
    else:
        shared: dict[tuple[str, str], list[str]] = defaultdict(list)
        for p in persons:
            mine = sorted(B[p])
            for i, a in enumerate(mine):
                for b in mine[i + 1:]:
                    shared[(a, b)].append(p)
        pairs_total = len(shared)
        ranked = sorted(shared.items(), key=lambda kv: (-len(kv[1]), name[kv[0][0]], name[kv[0][1]]))
        if top:
            ranked = ranked[:top]
    pairs = []
    for (a, b), people in ranked:
        a, b = sorted((a, b), key=lambda n: name[n])
        people = sorted(people, key=lambda n: name[n])
        pairs.append({
            "a": name[a], "b": name[b], "a_id": a, "b_id": b, "shared": len(people),
            "people": [{"id": p, "name": name[p],
                        "ties": {name[o]: sorted(set(B[p][o]["predicates"])) for o in (a, b)},
                        "claims": sorted(set(B[p][a]["claims"]) | set(B[p][b]["claims"]))} for p in people],
        })
    people = sorted(({"id": n, "name": name[n], "organizations": sorted(name[o] for o in B[n])} for n in multi),
                    key=lambda r: (-len(r["organizations"]), r["name"]))
    return {"pairs": pairs, "pairs_total": pairs_total, "people": people[:top] if top else people,
            "people_in_several": len(people),
            "people_total": len(persons),
            "organizations_total": len(orgs)}


def _top_pairs_sparse(B, persons, orgs, name, top: int) -> tuple[list[tuple[str, str]], int]:
    """The ``top`` organization pairs (a < b by id) by shared people, then names, and the number of pairs."""
    import numpy as np
    import scipy.sparse as sp

    order = sorted(orgs)
    oi = {o: i for i, o in enumerate(order)}
    rows, cols = [], []
    for r, p in enumerate(persons):
        for o in B[p]:
            rows.append(r)
            cols.append(oi[o])
    M = sp.csr_array((np.ones(len(rows), dtype=np.int32), (np.array(rows, dtype=np.int64),
                                                          np.array(cols, dtype=np.int64))),
                     shape=(len(persons), len(order)))
    W = sp.triu(M.T @ M, k=1).tocoo()
    total = int(W.nnz)
    if total == 0:
        return [], 0
    counts = W.data
    # every pair whose count reaches the top-th largest count, then names break the ties
    k = min(top, total)
    cut = np.partition(counts, total - k)[total - k]
    sel = np.nonzero(counts >= cut)[0]
    cand = [(-int(counts[i]), name[order[W.row[i]]], name[order[W.col[i]]], order[W.row[i]], order[W.col[i]])
            for i in sel]
    cand.sort()
    return [(a, b) for _c, _na, _nb, a, b in cand[:top]], total


def _months_between(a: str, b: str) -> int:
    ya, ma = int(a[:4]), int(a[5:7]) if len(a) >= 7 else 1
    yb, mb = int(b[:4]), int(b[5:7]) if len(b) >= 7 else 1
    return (yb - ya) * 12 + (mb - ma)


@no_gc
def media_activity(rows: list[dict], *, quiet_months: int = 3, platform_rows: list[dict] | None = None) -> dict:
    """Per source (and platform): documents per month, first/last month, the longest silence, and whether it
    went quiet (no document in the last ``quiet_months`` months before the newest month in the knowledge base).

    ``rows`` are ``store.analysis_queries.media_activity_rows(kb)``.
    """
    latest = max((r["month"] for r in rows if r["month"]), default=None)
    per: dict[tuple, dict] = {}
    for r in rows:
        k = (r["source"], r["kind"], r["platform"])
        e = per.setdefault(k, {"source": r["source"], "kind": r["kind"], "platform": r["platform"] or None,
                               "documents": 0, "originals": 0, "undated": 0, "months": {}})
        e["documents"] += r["documents"]
        e["originals"] += r["originals"]
        if r["month"]:
            e["months"][r["month"]] = e["months"].get(r["month"], 0) + r["documents"]
        else:
            e["undated"] += r["documents"]
    out = []
    for e in per.values():
        months = sorted(e["months"])
        e["first"] = months[0] if months else None
        e["last"] = months[-1] if months else None
        gap, gap_at = 0, None
        for a, b in zip(months, months[1:], strict=False):
            g = _months_between(a, b) - 1
            if g > gap:
                gap, gap_at = g, [a, b]
        e["longest_silence_months"] = gap
        e["longest_silence"] = gap_at
        since = _months_between(e["last"], latest) if e["last"] and latest else None
        e["months_since_last"] = since
        e["quiet"] = since is not None and since >= quiet_months
        e["quiet_since"] = e["last"] if e["quiet"] else None
        out.append(e)
    out.sort(key=lambda e: (-e["documents"], e["source"]))
    res = {"latest_month": latest, "quiet_months": quiet_months, "sources": out}
    if platform_rows is not None:
        res["platforms"] = platform_rows
    return res


@no_gc
def platform_activity(data: Dataset, **graph_kw) -> list[dict]:
    """Actors on each platform (uses_platform claims), by year of the claim (or its reported_at)."""
    from andiwali.analysis.graph import two_mode_graph

    graph_kw = dict(graph_kw)
    graph_kw.pop("layers", None)
    G = two_mode_graph(data.claims, data.entities, doc_grades=data.docs, **graph_kw)
    idx = data.claim_index()
    per: dict[str, dict] = {}
    for u, v, d in G.edges(data=True):
        if d["predicate"] != "uses_platform":
            continue
        e = per.setdefault(v, {"id": v, "platform": G.nodes[v].get("name", v), "actors": set(),
                               "claims_by_year": defaultdict(int)})
        e["actors"].add(G.nodes[u].get("name", u))
        for cid in d["claims"]:
            c = idx.get(cid)
            y = (c.valid_from or c.reported_at or c.valid_to or "")[:4] if c else ""
            e["claims_by_year"][y or "undated"] += 1
    out = []
    for e in per.values():
        out.append({"id": e["id"], "platform": e["platform"], "actors": sorted(e["actors"]),
                    "claims_by_year": dict(sorted(e["claims_by_year"].items()))})
    out.sort(key=lambda r: (-len(r["actors"]), r["platform"]))
    return out

