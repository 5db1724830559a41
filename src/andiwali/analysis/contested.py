"""Contested claims and the strongest ties.

Two claims contradict when they share subject, predicate and object (either order for
a symmetric predicate), their times overlap, and one is asserted, the other negated.
Attributed and unattributed claims both count ("Biden said al-Qaeda no longer operates
in Afghanistan" contradicts "al-Qaeda operates in Afghanistan"). Time: an undated
claim holds at its reported_at; when either claim has no time at all the pair is
listed with ``time_known: false`` (it may or may not overlap).
"""

from __future__ import annotations

import heapq

from andiwali.analysis.data import Dataset
from andiwali.analysis.graph import _resolver, no_gc, status_ok
from andiwali.analysis.timeutil import claim_interval, intersection, overlaps, show, window
from andiwali.model.ontology import ontology


def _may_match(c, groups, resolve, preds) -> bool:
    """Whether an asserted claim's triple is one of the negated ones (before the other filters)."""
    s, o = resolve(c.subject), resolve(c.object)
    pred = preds.get(c.predicate)
    if pred is not None and pred.symmetric and o < s:
        s, o = o, s
    return (s, c.predicate, o) in groups


@no_gc
def contested(data: Dataset, *, status: str = "all", min_confidence: float | None = None, at: str | None = None,
              date_from: str | None = None, date_to: str | None = None, layers=None) -> list[dict]:
    """Every contradicting (asserted, negated) pair, each claim with its quote, source and grade."""
    from andiwali.analysis.graph import parse_layers

    onto = ontology()
    keep = status_ok(status)
    win = window(at, date_from, date_to)
    layer_set = set(parse_layers(layers, tuple(onto.layers)))
    resolve = _resolver(data.entities)
    preds = onto.predicates

    def entry(c):
        """(key, interval) of a claim that counts, else None."""
        if c.status not in keep or c.modality == "hypothetical":
            return None
        if min_confidence is not None and c.confidence < min_confidence:
            return None
        pred = preds.get(c.predicate)
        if pred is None or pred.layer not in layer_set:
            return None
        iv, _und = claim_interval(c.valid_from, c.valid_to, c.reported_at)
        if win is not None and iv is not None and not overlaps(iv, win):
            return None
        s, o = resolve(c.subject), resolve(c.object)
        if pred.symmetric and o < s:
            s, o = o, s
        return (s, c.predicate, o), iv

    # two passes: the negated claims first (few), then only the asserted claims of their triples
    groups: dict[tuple, dict[str, list]] = {}
    for c in data.claims:
        if c.polarity == "negated":
            e = entry(c)
            if e is not None:
                groups.setdefault(e[0], {"asserted": [], "negated": []})["negated"].append((c, e[1]))
    if groups:
        for c in data.claims:
            if c.polarity != "negated" and _may_match(c, groups, resolve, preds):
                e = entry(c)
                if e is not None and e[0] in groups:
                    groups[e[0]]["asserted"].append((c, e[1]))
    out = []
    both = [g for g in groups.values() if g["asserted"] and g["negated"]]
    data.prefetch(c.id for g in both for side in ("asserted", "negated") for c, _iv in g[side])
    for (s, p, o), g in groups.items():
        if not g["asserted"] or not g["negated"]:
            continue
        for a, aiv in g["asserted"]:
            for n, niv in g["negated"]:
                if aiv is not None and niv is not None:
                    common = intersection(aiv, niv)
                    if common is None:
                        continue
                    known = True
                else:
                    common, known = None, False
                out.append({
                    "subject": data.name(s), "predicate": p, "object": data.name(o),
                    "subject_id": s, "object_id": o,
                    "overlap": show(common), "time_known": known,
                    "asserted": data.claim_summary(a.id, quotes=3),
                    "negated": data.claim_summary(n.id, quotes=3),
                })
    out.sort(key=lambda r: (r["subject"], r["predicate"], r["object"], r["asserted"]["id"], r["negated"]["id"]))
    return out


@no_gc
def strongest(G, data: Dataset | None = None, *, top: int = 20) -> list[dict]:
    """The ties with the highest strength (mirrors of symmetric ties once), with a quote each."""
    rows = []
    for u, v, d in G.edges(data=True):
        if d.get("mirror"):
            continue
        rows.append((u, v, d))
    # heapq.nsmallest(top, ...) == sorted(...)[:top], without sorting every tie of a large graph
    nodes = G.nodes
    def order(t):
        return -t[2]["strength"], -t[2]["n_reports"], nodes[t[0]].get("name", ""), t[2]["predicate"]

    rows = sorted(rows, key=order) if top is None else heapq.nsmallest(top, rows, key=order)
    out = []
    if data is not None:
        data.prefetch(cid for _u, _v, d in rows[:top] if d.get("quote") is None for cid in d["claims"][:3])
    for u, v, d in rows[:top]:
        quote = None
        if d.get("quote") is not None:
            quote = {"doc_id": d.get("quote_doc"), "quote": d["quote"]}
        elif data is not None:
            for cid in d["claims"]:
                q = data.quotes(cid)
                if q:
                    quote = {"doc_id": q[0][0], "quote": q[0][3]}
                    break
        if quote and data is not None:
            info = data.docs.get(quote["doc_id"])
            if info is not None:
                quote.update(source=info.source, grade=info.reliability + info.credibility, published=info.published)
        out.append({
            "subject": G.nodes[u].get("name", u), "predicate": d["predicate"], "object": G.nodes[v].get("name", v),
            "subject_id": u, "object_id": v, "layer": d["layer"], "sign": d["sign"], "strength": d["strength"],
            "n_reports": d["n_reports"], "n_sources": d["n_sources"], "n_claims": d["n_claims"],
            "grades": d["grades"], "valid_from": d["valid_from"] or None, "valid_to": d["valid_to"] or None,
            "undated": d["undated"], "contested": d["contested"], "claims": list(d["claims"]), "quote": quote,
        })
    return out


@no_gc
def strongest_ties(kb, n: int = 10) -> list[dict]:
    """The strongest ties of a knowledge base that have a quote (for ``andiwali summary``): every layer and
    kind, each with ``documents`` (independent reports), ``claims`` (count) and ``quote`` (a string)."""
    from andiwali.analysis.data import load

    data = load(kb, with_quotes=False)
    G = data.graph(layers="all", actors_only=False)
    out = []
    for r in strongest(G, data, top=max(n * 5, 50)):
        if not r["quote"]:
            continue
        out.append(r | {"documents": r["n_reports"], "claims": r["n_claims"], "claim_ids": r["claims"],
                        "quote": r["quote"]["quote"], "source": r["quote"].get("source"),
                        "grade": r["quote"].get("grade")})
        if len(out) >= n:
            break
    return out
