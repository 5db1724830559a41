"""A self-contained HTML report (`andiwali report --out FILE.html`).

One file, no network: CSS inline, figures as PNG data URIs drawn with matplotlib
(Agg), no JavaScript at all. Every string that comes from documents, quotes, names or
the knowledge base is HTML-escaped; URLs in documents are never turned into links.
Every table row that names a tie carries the quote behind it, with its source and grade.
"""

from __future__ import annotations

import base64
import io
from collections import Counter, defaultdict
from datetime import UTC, datetime
from html import escape

from andiwali.analysis.data import Dataset
from andiwali.analysis.graph import no_gc

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.4;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
q,.quote{font-style:italic;color:#333}.src{color:#666;font-size:.85em}.note{color:#555;font-size:.9em}
img{max-width:100%;border:1px solid #eee}.neg{color:#a00}.pos{color:#060}
"""


MAX_FIGURE_NODES = 250
SNAPSHOT_YEARS = 15  # the report's snapshot table covers the last 15 years with claims


def _e(x) -> str:
    return escape("" if x is None else str(x), quote=True)


def _num(x, n=4) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{n}f}"
    return _e(x)


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def network_figure(G, *, labels: int = 25) -> str | None:
    """Actors and their ties: cooperative ties grey, hostile ties red dashed; node size by PageRank."""
    import networkx as nx

    from andiwali.analysis.centrality import pagerank
    from andiwali.analysis.graph import simple_digraph

    if G.number_of_nodes() == 0:
        return None
    plt = _plt()
    D = simple_digraph(G, claims=False)
    pr = pagerank(D)
    U = D.to_undirected()
    if D.number_of_nodes() > MAX_FIGURE_NODES:  # keep the figure legible: the most central actors
        keep = sorted(pr, key=lambda n: -pr[n])[:MAX_FIGURE_NODES]
        D = D.subgraph(keep).copy()
        U = D.to_undirected()
    arrows = D.number_of_edges() <= 300  # arrow patches are slow to draw; plain lines above that
    pos = nx.spring_layout(U, seed=7, k=None if U.number_of_nodes() < 3 else 1.2 / (U.number_of_nodes() ** 0.5))
    fig, ax = plt.subplots(figsize=(11, 8))
    ax.set_axis_off()
    pos_e = [(u, v) for u, v, d in D.edges(data=True) if d["sign"] >= 0]
    neg_e = [(u, v) for u, v, d in D.edges(data=True) if d["sign"] < 0]
    extra = {"arrowsize": 8} if arrows else {"alpha": 0.5}
    nx.draw_networkx_edges(D, pos, edgelist=pos_e, ax=ax, edge_color="#999999", arrows=arrows,
                           width=0.8 if arrows else 0.4, **extra)
    nx.draw_networkx_edges(D, pos, edgelist=neg_e, ax=ax, edge_color="#cc3333", style="dashed", arrows=arrows,
                           width=1.0 if arrows else 0.5, **extra)
    colours = {"organization": "#4c72b0", "person": "#dd8452", "state": "#55a868"}
    nodes = list(D.nodes())
    mx = max(pr.values()) if pr else 1.0
    nx.draw_networkx_nodes(D, pos, nodelist=nodes, ax=ax, node_size=[60 + 900 * pr.get(n, 0) / mx for n in nodes],
                           node_color=[colours.get(D.nodes[n].get("kind"), "#8c8c8c") for n in nodes], alpha=0.9)
    top = sorted(nodes, key=lambda n: -pr.get(n, 0))[:labels]
    nx.draw_networkx_labels(D, pos, labels={n: D.nodes[n].get("name", n) for n in top}, ax=ax, font_size=8)
    ax.set_title("Actors (size: PageRank; grey: cooperative/organizational, red dashed: hostile)", fontsize=10)
    return _png(fig)


def timeline_figure(data: Dataset, *, layers=None) -> str | None:
    """Asserted claims per year and layer (by valid_from, else reported_at)."""
    from andiwali.model.ontology import ontology

    onto = ontology()
    per: dict[str, Counter] = defaultdict(Counter)
    for c in data.claims:
        if c.polarity != "asserted" or c.status == "rejected":
            continue
        y = (c.valid_from or c.reported_at or c.valid_to or "")[:4]
        if not y:
            continue
        p = onto.predicates.get(c.predicate)
        if p is None or (layers and p.layer not in layers):
            continue
        per[p.layer][int(y)] += 1
    if not per:
        return None
    plt = _plt()
    years = sorted({y for cnt in per.values() for y in cnt})
    years = list(range(years[0], years[-1] + 1))
    fig, ax = plt.subplots(figsize=(11, 3.6))
    bottom = [0] * len(years)
    for layer in sorted(per):
        vals = [per[layer].get(y, 0) for y in years]
        ax.bar(years, vals, bottom=bottom, label=layer)
        bottom = [a + b for a, b in zip(bottom, vals, strict=True)]
    ax.set_ylabel("claims")
    ax.legend(fontsize=7, ncol=4)
    ax.set_title("Claims per year by layer (valid_from, else the date reported)", fontsize=10)
    return _png(fig)


def roles_figure(r: dict) -> str | None:
    preds = sorted({p for per in ("before", "after") for d in ("given", "received") for p in r[per][d]})
    if not preds:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
    for ax, d in zip(axes, ("given", "received"), strict=True):
        xs = range(len(preds))
        ax.bar([x - 0.2 for x in xs], [r["before"][d].get(p, 0) for p in preds], width=0.4, label="before")
        ax.bar([x + 0.2 for x in xs], [r["after"][d].get(p, 0) for p in preds], width=0.4, label="after")
        ax.set_xticks(list(xs))
        ax.set_xticklabels(preds, rotation=30, fontsize=8)
        ax.set_title(f"{d} by {r['entity']}" if d == "given" else f"{d} by {r['entity']}", fontsize=10)
        ax.legend(fontsize=8)
    fig.suptitle(f"Role shift around {r['split']}", fontsize=10)
    return _png(fig)


def _quote_cell(q: dict | None) -> str:
    if not q:
        return '<span class="note">(no quote: reference data or hand-entered)</span>'
    src = " ".join(x for x in (_e(q.get("source")), _e(q.get("grade")), _e(q.get("published"))) if x)
    return f'<span class="quote">&ldquo;{_e(" ".join(str(q.get("quote", "")).split()))}&rdquo;</span>' + \
        (f' <span class="src">({src})</span>' if src else "")


def _claim_quote(data: Dataset, claim_ids) -> dict | None:
    for cid in claim_ids:
        s = data.claim_summary(cid)
        if s.get("evidence"):
            return s["evidence"][0]
    return None


def _table(headers: list[str], rows: list[list[str]], num: set[int] = frozenset()) -> str:
    h = "".join(f"<th>{_e(x)}</th>" for x in headers)
    body = []
    for r in rows:
        body.append("<tr>" + "".join(f'<td class="n">{c}</td>' if i in num else f"<td>{c}</td>"
                                     for i, c in enumerate(r)) + "</tr>")
    return f"<table><thead><tr>{h}</tr></thead><tbody>{''.join(body)}</tbody></table>"


@no_gc
def build_report(data: Dataset, *, entity: str | None = None, split: str | None = None, at=None, date_from=None,
                 date_to=None, layers=None, min_confidence=None, status="all", title="andiwali network report",
                 kb=None, top: int = 20) -> str:
    from andiwali.analysis import (
        balance,
        brokers,
        centrality,
        communities,
        contested,
        media_activity,
        overlap,
        roles,
        snapshots,
        strongest,
    )

    filt = {"at": at, "date_from": date_from, "date_to": date_to, "min_confidence": min_confidence, "status": status}
    # what needs the all-layer graph first, then let it go before the actor view is built (one large graph in
    # memory at a time)
    Gall = data.graph(layers="all", **filt)
    fig = network_figure(Gall)
    st = strongest(Gall, data, top=top)
    bal = balance(Gall)
    del Gall
    G = data.graph(layers=layers, **filt)
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(title)}</title>"
             f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
             f"style-src 'unsafe-inline'\"><style>{CSS}</style></head><body>"]
    parts.append(f"<h1>{_e(title)}</h1>")
    window = at or (f"{date_from or '…'} to {date_to or '…'}" if (date_from or date_to) else "all time")
    parts.append(
        f"<p class=\"note\">Generated {_e(datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC'))}. Time: {_e(window)}; "
        f"layers: {_e(G.graph['layers'])}; status: {_e(status)}; min confidence: {_e(min_confidence or 0)}. "
        f"{len(data.claims)} claims, {len(data.entities)} entities, {len(data.docs)} documents; "
        f"{G.graph['claims_used']} claims counted in the actor view. Undated claims are placed at the date their "
        f"source reported them.</p>")

    # network figure
    parts.append("<h2>Network</h2>")
    parts.append(f'<img alt="network figure" src="{fig}">' if fig else "<p class=note>No ties in this view.</p>")

    # timelines
    parts.append("<h2>Timeline</h2>")
    tl = timeline_figure(data)
    if tl:
        parts.append(f'<img alt="claims per year" src="{tl}">')
    from andiwali.analysis.temporal import _years_of

    span = _years_of(data)
    years = list(range(max(span[0], span[1] - SNAPSHOT_YEARS + 1), span[1] + 1)) if span else []
    snaps = snapshots(data, years=years, layers=layers, min_confidence=min_confidence, status=status) if years else []
    if snaps:
        rows = [[_e(s["year"]), _num(s["nodes"]), _num(s["ties"]), _num(s["hostile_ties"]), _num(s["density"], 3),
                 _e(", ".join(t["name"] for t in s["top"][:3]))] for s in snaps]
        parts.append(_table(["year", "actors", "ties", "hostile", "density", "top by PageRank"], rows, {1, 2, 3, 4}))

    # role shift
    parts.append("<h2>Role shift</h2>")
    if entity and split:
        r = roles(data, entity, split, status=status, min_confidence=min_confidence)
        rf = roles_figure(r)
        if rf:
            parts.append(f'<img alt="role shift" src="{rf}">')
        s = r["summary"]
        parts.append(f"<p>{_e(r['entity'])}: support given {s['given_before']} &rarr; {s['given_after']}, received "
                     f"{s['received_before']} &rarr; {s['received_after']} (claims; split {_e(split)}).</p>")
        rows = []
        for per in ("before", "after"):
            for d in ("given", "received"):
                for c in r["claims"][per][d]:
                    ev = c["evidence"][0] if c["evidence"] else None
                    rows.append([_e(per), _e(d), _e(c["subject"]), _e(c["predicate"]), _e(c["object"]),
                                 _e(c["valid_from"] or c["valid_to"] or f"reported {c['reported_at']}"),
                                 _quote_cell(ev)])
        parts.append(_table(["period", "direction", "subject", "predicate", "object", "time", "quote"], rows))
    else:
        parts.append("<p class=note>Give --entity and --split for the role-shift chart.</p>")

    # centrality
    parts.append("<h2>Central actors</h2>")
    from andiwali.analysis.centrality import SAMPLE_K, auto_k

    k = auto_k(G.number_of_nodes())
    if k is not None:
        parts.append(f"<p class=note>Betweenness estimated from {SAMPLE_K} sampled source actors "
                     f"({G.number_of_nodes()} actors).</p>")
    cen = centrality(G, top=top, k=k)
    parts.append(_table(["actor", "kind", "betweenness", "PageRank", "in", "out", "core"],
                        [[_e(r["name"]), _e(r["kind"]), _num(r["betweenness"]), _num(r["pagerank"]),
                          _num(r["in_degree"]), _num(r["out_degree"]), _num(r["core"])] for r in cen], {2, 3, 4, 5, 6}))

    # brokers
    parts.append("<h2>Brokers</h2><p class=note>Gould-Fernandez roles over the parent-network partition.</p>")
    br = brokers(G, top=10)
    parts.append(_table(["actor", "total", "coordinator", "itinerant", "gatekeeper", "representative", "liaison",
                         "constraint"],
                        [[_e(r["name"]), _num(r["total"]), _num(r["coordinator"]), _num(r["itinerant"]),
                          _num(r["gatekeeper"]), _num(r["representative"]), _num(r["liaison"]),
                          _num(r["constraint"], 3)] for r in br], {1, 2, 3, 4, 5, 6, 7}))

    # strongest ties
    parts.append("<h2>Strongest ties</h2>")
    parts.append(_table(["subject", "predicate", "object", "strength", "reports", "grades", "quote"],
                        [[_e(r["subject"]), _e(r["predicate"]), _e(r["object"]), _num(r["strength"], 3),
                          _num(r["n_reports"]), _e(r["grades"]), _quote_cell(r["quote"])] for r in st], {3, 4}))

    # contested
    parts.append("<h2>Contested claims</h2>")
    con = contested(data, status=status, min_confidence=min_confidence, at=at, date_from=date_from, date_to=date_to)
    if con:
        rows = []
        for p in con:
            a, n = p["asserted"], p["negated"]
            rows.append([_e(f"{p['subject']} {p['predicate']} {p['object']}"),
                         _quote_cell(a["evidence"][0] if a["evidence"] else None)
                         + (f" <span class=src>according to {_e(a['attributed_to'])}</span>" if a["attributed_to"] else ""),
                         _quote_cell(n["evidence"][0] if n["evidence"] else None)
                         + (f" <span class=src>according to {_e(n['attributed_to'])}</span>" if n["attributed_to"] else "")])
        parts.append(_table(["tie", "asserted", "negated"], rows))
    else:
        parts.append("<p class=note>No contradicting claims.</p>")

    # signed structure
    parts.append("<h2>Alliances and hostility</h2>")
    fi = bal["frustration_index"] if bal["frustration_exact"] else f"{bal['frustration_lower']}–{bal['frustration_upper']}"
    parts.append(f"<p>{bal['positive_ties']} cooperative and {bal['negative_ties']} hostile pairs; "
                 f"{bal['balanced_triads']} balanced and {bal['unbalanced_triads']} unbalanced triads; frustration "
                 f"index {_e(fi)}.</p>")
    if bal["factions"]:
        parts.append("<p>Factions: " + "; ".join(_e(", ".join(f)) for f in bal["factions"] if len(f) > 1) + "</p>")
    eme = bal["enemy_of_my_enemy"][:20]
    if eme:
        parts.append(_table(["pair", "common enemies", "their own tie"],
                            [[_e(f"{p['a_name']} / {p['c_name']}"), _e(", ".join(p["common_enemy_names"])),
                              _e(p["tie"])] for p in eme]))

    # communities
    parts.append("<h2>Communities</h2>")
    com = communities(G)
    parts.append(f"<p class=note>{_e(com['method'])}, modularity {_num(com['modularity'], 3)}</p>")
    parts.append(_table(["#", "size", "members"], [[_e(c["id"]), _num(c["size"]),
                                                    _e(", ".join(m["name"] for m in c["members"]))]
                                                   for c in com["communities"][:20]], {1}))

    # overlapping membership
    parts.append("<h2>Overlapping membership</h2>")
    ov = overlap(data, **filt)
    if ov["pairs"]:
        rows = []
        for p in ov["pairs"][:top]:
            people = "; ".join(f"{_e(x['name'])} {_quote_cell(_claim_quote(data, x['claims']))}" for x in p["people"])
            rows.append([_e(p["a"]), _e(p["b"]), _num(p["shared"]), people])
        parts.append(_table(["organization", "organization", "shared", "people (and the quote)"], rows, {2}))
    else:
        parts.append("<p class=note>No person is tied to two organizations in this view.</p>")

    # media
    if kb is not None:
        from andiwali.store.analysis_queries import media_activity_rows

        parts.append("<h2>Sources over time</h2>")
        med = media_activity(media_activity_rows(kb))
        parts.append(_table(["source", "kind", "documents", "first", "last", "longest silence (months)", "quiet"],
                            [[_e(s["source"]), _e(s["kind"]), _num(s["documents"]), _e(s["first"]), _e(s["last"]),
                              _num(s["longest_silence_months"]), _e("since " + s["quiet_since"] if s["quiet"] else "")]
                             for s in med["sources"][:top]], {2, 5}))
    parts.append("<p class=note>Tie strength combines independent reports (copies count once), source grades "
                 "and claim confidences; see docs/analysis.md.</p></body></html>")
    return "\n".join(parts)
