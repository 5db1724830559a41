"""Change over time: yearly snapshots, the diff of two dates, and role shifts around a date."""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from andiwali.analysis.data import Dataset
from andiwali.analysis.graph import build_graph, no_gc, parse_layers, status_ok, undirected
from andiwali.analysis.timeutil import (
    OPEN_END,
    AnalysisError,
    check,
    claim_interval,
    overlaps,
    period,
    window,
)
from andiwali.model.ontology import ontology

ROLE_LAYERS = ("cooperation", "financial")


def _years_of(data: Dataset) -> tuple[int, int] | None:
    lo, hi = None, None
    for c in data.claims:
        for v in (c.valid_from, c.valid_to, c.reported_at):
            if v:
                y = int(v[:4])
                lo = y if lo is None or y < lo else lo
                hi = y if hi is None or y > hi else hi
    return (lo, hi) if lo is not None else None


@no_gc
def snapshots(data: Dataset, *, years: list[int] | None = None, top: int = 5, **graph_kw) -> list[dict]:
    """One row per year: nodes, ties, density, components, and the top actors by PageRank.

    A claim enters each year its valid time (or, undated, its reported_at) overlaps;
    claims with no time at all enter no snapshot. The claims are filtered once and each
    year's ties aggregated without building a full graph; the numbers are those of
    ``data.graph(...)`` on that year's claims (``_snapshots_rebuild``, which a test compares).
    """
    from andiwali.analysis import strength as st
    from andiwali.analysis.centrality import pagerank
    from andiwali.analysis.graph import _View

    graph_kw = {k: v for k, v in graph_kw.items() if k not in ("at", "date_from", "date_to")}
    if "keep_isolates" in graph_kw or "doc_grades" in graph_kw:
        return _snapshots_rebuild(data, years=years, top=top, **graph_kw)
    if years is None:
        span = _years_of(data)
        if span is None:
            return []
        years = list(range(span[0], span[1] + 1))
    view = _View(data.entities, doc_grades=data.docs, **graph_kw)
    buckets: dict[int, list] = {y: [] for y in years}
    ylist = sorted(years)
    resolve = view.resolve
    for c in data.claims:
        if c.polarity != "asserted" or not view.passes(c):  # negated claims only flag ties: no snapshot number
            continue
        iv, _und = claim_interval(c.valid_from, c.valid_to, c.reported_at)
        if iv is None:
            continue
        y0 = ylist[0] if not iv[0] else max(ylist[0], int(iv[0][:4]))
        y1 = ylist[-1] if iv[1] == OPEN_END else min(ylist[-1], int(iv[1][:4]))
        item = None
        for y in range(y0, y1 + 1):
            if y in buckets:
                if item is None:  # what a tie needs of the claim: its key and its reports' weights
                    item = ((resolve(c.subject), c.predicate, resolve(c.object)), view.report_weights(c))
                buckets[y].append(item)
    out = []
    for y in ylist:
        ties: dict[tuple[str, str, str], dict[str, float]] = {}  # tie -> report key -> weight (as aggregate)
        for key, weights_of in buckets[y]:
            reports = ties.get(key)
            if reports is None:
                reports = ties[key] = {}
            for rk, w in weights_of:
                if w > reports.get(rk, -1.0):
                    reports[rk] = w
        n_claims = len(buckets[y])
        buckets[y] = []
        # the graph's edges as build_graph makes them: (u, v, predicate) -> (strength, sign, mirror); a symmetric
        # tie stated both ways overwrites its own mirror, as it does in the MultiDiGraph (same key)
        D = nx.DiGraph()
        edges: dict[tuple[str, str, str], tuple[float, int, bool]] = {}
        for (s, p, o), reports in ties.items():
            pred = view.preds[p]
            for node in (s, o):
                if node not in D:
                    D.add_node(node)
            w = st.combine(reports.values())
            edges[(s, o, p)] = (w, pred.sign, False)
            if pred.symmetric and s != o:
                edges[(o, s, p)] = (w, pred.sign, True)
        # the simple digraph PageRank sees (same node and edge order as simple_digraph(build_graph(...))), the
        # undirected pairs and their components
        weights: dict[tuple[str, str], float] = {}
        parent = {x: x for x in D}
        pairs = set()
        hostile = n_ties = 0

        def find(x, parent=parent):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for (u, v, _p), (w, sign, mirror) in edges.items():
            weights[(u, v)] = weights[(u, v)] + w if (u, v) in weights else w
            if mirror:
                continue
            n_ties += 1
            if sign < 0:
                hostile += 1
            if (v, u) not in pairs:
                pairs.add((u, v))
            ru, rv = find(u), find(v)
            if ru != rv:
                parent[ru] = rv
        D.add_weighted_edges_from((u, v, w) for (u, v), w in weights.items())
        n = D.number_of_nodes()
        pr = pagerank(D) if n else {}

        def name(k):
            info = view.ents.get(k)
            return info.name if info is not None else k

        best = sorted(pr.items(), key=lambda kv: (-kv[1], name(kv[0])))[:top]
        density = 0.0
        if n > 1 and pairs:
            density = len(pairs) / (n * (n - 1)) * 2
        out.append({
            "year": y, "nodes": n, "ties": n_ties, "claims": n_claims,
            "density": density,
            "components": sum(1 for x in parent if parent[x] == x) if n else 0,
            "hostile_ties": hostile,
            "top": [{"id": k, "name": name(k), "pagerank": v} for k, v in best],
        })
    return out


def _snapshots_rebuild(data: Dataset, *, years: list[int] | None = None, top: int = 5, **graph_kw) -> list[dict]:
    """The reference for ``snapshots``: one full graph per year (slow on large knowledge bases; tests compare)."""
    from andiwali.analysis.centrality import pagerank

    graph_kw = {k: v for k, v in graph_kw.items() if k not in ("at", "date_from", "date_to")}
    if years is None:
        span = _years_of(data)
        if span is None:
            return []
        years = list(range(span[0], span[1] + 1))
    buckets: dict[int, list] = {y: [] for y in years}
    ylist = sorted(years)
    for c in data.claims:
        iv, _und = claim_interval(c.valid_from, c.valid_to, c.reported_at)
        if iv is None:
            continue
        y0 = ylist[0] if not iv[0] else max(ylist[0], int(iv[0][:4]))
        y1 = ylist[-1] if iv[1] == OPEN_END else min(ylist[-1], int(iv[1][:4]))
        for y in range(y0, y1 + 1):
            if y in buckets:
                buckets[y].append(c)
    out = []
    for y in ylist:
        G = build_graph(buckets[y], data.entities, doc_grades=data.docs, **graph_kw)
        U = undirected(G)
        pr = pagerank(G) if G.number_of_nodes() else {}
        best = sorted(pr.items(), key=lambda kv: (-kv[1], G.nodes[kv[0]].get("name", kv[0])))[:top]
        n = G.number_of_nodes()
        ties = sum(1 for *_e, d in G.edges(data=True) if not d.get("mirror"))
        out.append({
            "year": y, "nodes": n, "ties": ties, "claims": G.graph["claims_used"],
            "density": nx.density(U) if n > 1 else 0.0,
            "components": nx.number_connected_components(U) if n else 0,
            "hostile_ties": sum(1 for *_e, d in G.edges(data=True) if not d.get("mirror") and d["sign"] < 0),
            "top": [{"id": k, "name": G.nodes[k].get("name", k), "pagerank": v} for k, v in best],
        })
    return out


def _tie_keys(G) -> dict[tuple[str, str, str], dict]:
    return {(u, k, v): d for u, v, k, d in G.edges(keys=True, data=True) if not d.get("mirror")}


def _pair_signs(G) -> dict[frozenset, int]:
    out = {}
    for u, v, d in undirected(G, signs=(1, -1)).edges(data=True):
        s = d["signed"]
        out[frozenset((u, v))] = 1 if s > 1e-12 else (-1 if s < -1e-12 else 0)
    return out


@no_gc
def diff(data: Dataset, date_a: str, date_b: str, *, top: int = 15, **graph_kw) -> dict:
    """The graph at ``date_a`` against the graph at ``date_b``: ties gained and lost, pairs whose sign
    changed, and the actors whose PageRank rank moved most (and their betweenness)."""
    from andiwali.analysis.centrality import auto_k, betweenness, pagerank
    from andiwali.analysis.graph import simple_digraph

    check(date_a, "--from")
    check(date_b, "--to")
    graph_kw = {k: v for k, v in graph_kw.items() if k not in ("at", "date_from", "date_to")}
    graph_kw.setdefault("layers", "all")
    Ga = data.graph(at=date_a, **graph_kw)
    Gb = data.graph(at=date_b, **graph_kw)
    ta, tb = _tie_keys(Ga), _tie_keys(Gb)

    def name(n):
        return data.name(n)

    def tie_row(key, d):
        s, p, o = key
        return {"subject": name(s), "predicate": p, "object": name(o), "subject_id": s, "object_id": o,
                "layer": d["layer"], "sign": d["sign"], "strength": d["strength"], "claims": list(d["claims"])}

    gained = [tie_row(k, tb[k]) for k in sorted(set(tb) - set(ta))]
    lost = [tie_row(k, ta[k]) for k in sorted(set(ta) - set(tb))]
    sa, sb = _pair_signs(Ga), _pair_signs(Gb)
    changed = []
    for pair in sorted(set(sa) & set(sb), key=lambda p: sorted(p)):
        if sa[pair] != sb[pair]:
            u, v = sorted(pair)
            changed.append({"a": name(u), "b": name(v), "a_id": u, "b_id": v, "sign_from": sa[pair],
                            "sign_to": sb[pair]})

    Da, Db = simple_digraph(Ga, claims=False), simple_digraph(Gb, claims=False)  # once each, for PageRank and betweenness

    def ranks(G):
        pr = pagerank(G) if G.number_of_nodes() else {}
        order = sorted(pr, key=lambda n: (-pr[n], name(n)))
        return {n: i + 1 for i, n in enumerate(order)}, pr

    ra, pra = ranks(Da)
    rb, prb = ranks(Db)
    ba = betweenness(Da, k=auto_k(Ga.number_of_nodes())) if Ga.number_of_nodes() else {}
    bb = betweenness(Db, k=auto_k(Gb.number_of_nodes())) if Gb.number_of_nodes() else {}
    del Da, Db
    movers = []
    for n in set(ra) | set(rb):
        a, b = ra.get(n), rb.get(n)
        move = (a - b) if a and b else None
        movers.append({"id": n, "name": name(n), "rank_from": a, "rank_to": b, "moved": move,
                       "pagerank_from": pra.get(n), "pagerank_to": prb.get(n),
                       "betweenness_from": ba.get(n), "betweenness_to": bb.get(n),
                       "status": "both" if a and b else ("new" if b else "gone")})
    movers.sort(key=lambda r: (-(abs(r["moved"]) if r["moved"] is not None else -1), r["name"]))
    both = [m for m in movers if m["moved"] is not None][:top]
    return {
        "from": date_a, "to": date_b,
        "ties_from": len(ta), "ties_to": len(tb),
        "gained": gained, "lost": lost, "sign_changed": changed,
        "rank_movers": both,
        "betweenness_sampled": auto_k(max(Ga.number_of_nodes(), Gb.number_of_nodes())) is not None,
        "new_actors": sorted((m for m in movers if m["status"] == "new"), key=lambda m: m["rank_to"])[:top],
        "gone_actors": sorted((m for m in movers if m["status"] == "gone"), key=lambda m: m["rank_from"])[:top],
    }


def _side(iv, split_iv) -> list[str]:
    """Which periods a claim's interval falls in around a split: before if it starts before the split
    period, after if it ends after it; a claim lying wholly inside the split period is "after"."""
    sides = []
    if iv[0] < split_iv[0]:
        sides.append("before")
    if iv[1] > split_iv[1]:
        sides.append("after")
    if not sides:
        sides.append("after")
    return sides


@no_gc
def roles(data: Dataset, entity: str, split: str, *, layers=None, status: str = "all",
          min_confidence: float | None = None, at: str | None = None, date_from: str | None = None,
          date_to: str | None = None, claims: bool = True) -> dict:
    """Support given vs received by ``entity`` per predicate and layer, before and after ``split``.

    Given = the entity is the subject, received = the object; a symmetric tie
    (allied_with, trades_with) counts as both. Counts are claims (asserted, not
    hypothetical, not rejected), each listed under ``claims``; copies of one report
    (a duplicate document, a forward) count once, listed under the claim's ``copies``. An undated claim is
    placed by its reported_at; a claim with no time at all is counted under ``timeless``.
    """
    onto = ontology()
    split = check(split, "--split")
    if not split:
        raise AnalysisError("--split needs a date (YYYY, YYYY-MM or YYYY-MM-DD)", code="E601")
    eid = data.resolve(entity)
    layer_set = set(parse_layers(layers, ROLE_LAYERS))
    keep = status_ok(status)
    win = window(at, date_from, date_to)
    split_iv = period(split)
    buckets = {p: {"given": Counter(), "received": Counter()} for p in ("before", "after", "timeless")}
    by_layer = {p: defaultdict(lambda: {"given": 0, "received": 0}) for p in buckets}
    partners = {p: {"given": defaultdict(set), "received": defaultdict(set)} for p in buckets}
    listed: dict[str, dict[str, list]] = {p: {"given": [], "received": []} for p in buckets}
    from andiwali.analysis.graph import _resolver

    resolve = _resolver(data.entities)
    seen_units: dict[tuple, str] = {}
    copies: dict[str, list[str]] = {}
    for c in data.claims:
        if c.polarity != "asserted" or c.status not in keep or c.modality == "hypothetical":
            continue
        if min_confidence is not None and c.confidence < min_confidence:
            continue
        pred = onto.predicates.get(c.predicate)
        if pred is None or pred.layer not in layer_set:
            continue
        s, o = resolve(c.subject), resolve(c.object)
        if eid not in (s, o):
            continue
        iv, _und = claim_interval(c.valid_from, c.valid_to, c.reported_at)
        if win is not None and (iv is None or not overlaps(iv, win)):
            continue
        directions = []
        if s == eid:
            directions.append(("given", o))
        if o == eid:
            directions.append(("received", s))
        if pred.symmetric and len(directions) == 1:
            other = directions[0][1]
            directions = [("given", other), ("received", other)]
        # copies of one report (duplicates, forwards) count once: the first claim stands for them
        keys = tuple(sorted({(data.docs[d].key if d in data.docs else d) for d in c.doc_ids})) or (c.id,)
        unit = (s, c.predicate, o, keys, c.valid_from, c.valid_to)
        if unit in seen_units:
            copies.setdefault(seen_units[unit], []).append(c.id)
            continue
        seen_units[unit] = c.id
        periods = ["timeless"] if iv is None else _side(iv, split_iv)
        for per in periods:
            for direction, other in directions:
                buckets[per][direction][c.predicate] += 1
                by_layer[per][pred.layer][direction] += 1
                partners[per][direction][c.predicate].add(data.name(other))
                if claims:
                    listed[per][direction].append(c.id)
    out: dict = {"entity": data.name(eid), "entity_id": eid, "split": split, "layers": sorted(layer_set)}
    for per in ("before", "after"):
        out[per] = {
            "given": dict(sorted(buckets[per]["given"].items())),
            "received": dict(sorted(buckets[per]["received"].items())),
            "by_layer": {k: dict(v) for k, v in sorted(by_layer[per].items())},
            "partners": {d: {p: sorted(v) for p, v in sorted(partners[per][d].items())} for d in ("given", "received")},
        }
    out["timeless"] = {"given": dict(buckets["timeless"]["given"]), "received": dict(buckets["timeless"]["received"])}

    def tot(per, d):
        return sum(buckets[per][d].values())

    out["summary"] = {
        "given_before": tot("before", "given"), "received_before": tot("before", "received"),
        "given_after": tot("after", "given"), "received_after": tot("after", "received"),
    }
    sm = out["summary"]
    out["summary"]["reversal"] = bool(sm["received_before"] > sm["given_before"] and sm["given_after"] > sm["received_after"]) \
        or bool(sm["given_before"] > sm["received_before"] and sm["received_after"] > sm["given_after"])
    if claims:
        data.prefetch(cid for per in listed.values() for ids in per.values() for cid in ids)

        def summary(cid):
            return data.claim_summary(cid) | {"copies": copies.get(cid, [])}

        out["claims"] = {per: {d: [summary(cid) for cid in listed[per][d]] for d in ("given", "received")}
                         for per in ("before", "after", "timeless")}
    return out



