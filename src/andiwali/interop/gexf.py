"""GEXF 1.3 with time, for Gephi: nodes and edges carry ``spells`` from the claims' valid time.

Each tie of the graph view (subject, predicate, object) is one edge with
``kind`` = the predicate (GEXF 1.3 parallel edges), ``weight`` = the tie's strength
and the attributes predicate, layer, sign, confidence, strength, n_claims,
contested, undated, valid_from, valid_to and claims. Its spells are the merged
periods of its claims (a partial date covers its whole period: ``2021-08`` is
2021-08-01..2021-08-31; an undated claim holds at its reported_at); a tie with a
claim of no time at all has no spells (always present). A node's spells are the
union of its ties' spells, so Gephi's timeline shows each actor while it has ties.
Defaults to the whole network (every layer, every kind).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from andiwali.interop.base import ExportFilter, exporter, write_bytes_out
from andiwali.interop.graphview import graph_view, xml_safe
from andiwali.interop.importing import first_day, last_day

NS = "http://gexf.net/1.3"
NS_VIZ = "http://gexf.net/1.3/viz"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
COLORS = {"organization": (214, 39, 40), "person": (31, 119, 180), "state": (44, 160, 44), "place": (127, 127, 127),
          "platform": (148, 103, 189)}
NODE_ATTRS = (("kind", "string"), ("subtype", "string"), ("ideology", "string"), ("region", "string"),
              ("network", "string"), ("parent", "string"), ("aliases", "string"), ("start", "string"),
              ("end", "string"))
EDGE_ATTRS = (("predicate", "string"), ("layer", "string"), ("sign", "integer"), ("confidence", "double"),
              ("strength", "double"), ("n_claims", "integer"), ("n_reports", "integer"), ("contested", "boolean"),
              ("undated", "boolean"), ("mirror", "boolean"), ("valid_from", "string"), ("valid_to", "string"),
              ("claims", "string"))

Spell = tuple[str | None, str | None]  # inclusive days; None = open


def claim_spell(valid_from: str | None, valid_to: str | None, reported_at: str | None) -> Spell | None:
    """The days a claim covers; None when it has no time at all (it holds always, as far as we know)."""
    if valid_from or valid_to:
        return (first_day(valid_from) if valid_from else None, last_day(valid_to) if valid_to else None)
    if reported_at:
        return (first_day(reported_at), last_day(reported_at))
    return None


def merge_spells(spells: list[Spell | None]) -> list[Spell]:
    """Merged, sorted spells; [] when any is None or fully open (always present)."""
    if not spells or any(s is None or s == (None, None) for s in spells):
        return []
    lo = [s for s in spells if s is not None]
    lo.sort(key=lambda s: (s[0] or "", s[1] or "9999-99-99"))
    out: list[list[str | None]] = []
    for s, e in lo:
        if s is not None and e is not None and e < s:
            e = s  # an inverted period: keep its start
        if out:
            ps, pe = out[-1]
            if pe is None or s is None or s <= _next_day(pe):
                if pe is not None and (e is None or e > pe):
                    out[-1][1] = e
                continue
        out.append([s, e])
    return [(s, e) for s, e in out]


def _next_day(d: str) -> str:
    try:
        return (date.fromisoformat(d) + timedelta(days=1)).isoformat()
    except ValueError:
        return d


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(round(v, 6))
    if isinstance(v, (list, tuple, set)):
        return " ".join(str(x) for x in v)
    return str(xml_safe(v))


def gexf_bytes(kb, filt: ExportFilter) -> tuple[bytes, dict]:
    G, data = graph_view(kb, filt, default_layers="all", default_actors_only=False)
    claims = data.claim_index()
    ents = {e.id: e for e in kb.entities(include_merged=True)} if G.number_of_nodes() else {}
    ET.register_namespace("", NS)
    ET.register_namespace("viz", NS_VIZ)
    ET.register_namespace("xsi", NS_XSI)
    root = ET.Element(f"{{{NS}}}gexf", {"version": "1.3", f"{{{NS_XSI}}}schemaLocation": f"{NS} {NS}/gexf.xsd"})
    meta = ET.SubElement(root, f"{{{NS}}}meta")
    ET.SubElement(meta, f"{{{NS}}}creator").text = "andiwali"
    desc = "andiwali claims graph" + "".join(f"; {k}={v}" for k, v in filt.describe().items())
    ET.SubElement(meta, f"{{{NS}}}description").text = desc
    graph = ET.SubElement(root, f"{{{NS}}}graph", {"defaultedgetype": "directed", "mode": "dynamic",
                                                    "timeformat": "date", "timerepresentation": "interval"})
    for cls, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
        el = ET.SubElement(graph, f"{{{NS}}}attributes", {"class": cls, "mode": "static"})
        for name, typ in attrs:
            ET.SubElement(el, f"{{{NS}}}attribute", {"id": name, "title": name, "type": typ})

    edge_spells: dict[tuple, list[Spell]] = {}
    node_spells: dict[str, list[Spell | None]] = {n: [] for n in G.nodes}
    for u, v, k, d in G.edges(keys=True, data=True):
        spells = []
        for cid in d.get("claims", []):
            c = claims.get(cid)
            spells.append(claim_spell(c.valid_from, c.valid_to, c.reported_at) if c is not None else None)
        merged = merge_spells(spells)
        edge_spells[(u, v, k)] = merged
        for n in (u, v):
            node_spells[n].extend(merged if merged else [None])

    nodes_el = ET.SubElement(graph, f"{{{NS}}}nodes")
    for n in sorted(G.nodes):
        d = dict(G.nodes[n])
        e = ents.get(n)
        if e is not None:
            al = [a.name for a in e.aliases if a.name != e.name]
            if al:
                d["aliases"] = " | ".join(al)
            if e.start:
                d["start"] = e.start
            if e.end:
                d["end"] = e.end
        node = ET.SubElement(nodes_el, f"{{{NS}}}node", {"id": xml_safe(n), "label": _value(d.get("name", n))})
        av = ET.SubElement(node, f"{{{NS}}}attvalues")
        for name, _t in NODE_ATTRS:
            if d.get(name) not in (None, ""):
                ET.SubElement(av, f"{{{NS}}}attvalue", {"for": name, "value": _value(d[name])})
        _spells(node, merge_spells(node_spells[n]))
        rgb = COLORS.get(d.get("kind"))
        if rgb:
            ET.SubElement(node, f"{{{NS_VIZ}}}color", {"r": str(rgb[0]), "g": str(rgb[1]), "b": str(rgb[2])})

    edges_el = ET.SubElement(graph, f"{{{NS}}}edges")
    n_edges = 0
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda t: (t[0], t[1], str(t[2]))):
        attrs = {"id": xml_safe(f"{u}|{k}|{v}"), "source": xml_safe(u), "target": xml_safe(v), "kind": str(k),
                 "label": str(d.get("predicate", k)), "weight": _value(float(d.get("strength", 1.0)))}
        edge = ET.SubElement(edges_el, f"{{{NS}}}edge", attrs)
        av = ET.SubElement(edge, f"{{{NS}}}attvalues")
        for name, _t in EDGE_ATTRS:
            if d.get(name) not in (None, "", []):
                ET.SubElement(av, f"{{{NS}}}attvalue", {"for": name, "value": _value(d[name])})
        _spells(edge, edge_spells[(u, v, k)])
        n_edges += 1
    ET.indent(root, space=" ")
    buf = io.BytesIO()
    ET.ElementTree(root).write(buf, encoding="UTF-8", xml_declaration=True)
    return buf.getvalue() + b"\n", {"nodes": G.number_of_nodes(), "edges": n_edges}


def _spells(parent: ET.Element, spells: list[Spell]) -> None:
    if not spells:
        return
    el = ET.SubElement(parent, f"{{{NS}}}spells")
    for s, e in spells:
        attrs = {}
        if s:
            attrs["start"] = s
        if e:
            attrs["end"] = e
        ET.SubElement(el, f"{{{NS}}}spell", attrs)


@exporter("gexf", help="GEXF 1.3 for Gephi, with spells from valid time (default: every layer and kind)",
          suffixes=(".gexf",))
def export_gexf(kb, out, filt: ExportFilter, **_options) -> dict:
    data, counts = gexf_bytes(kb, filt)
    write_bytes_out(out, data)
    return {"format": "gexf", "out": str(out), **counts}
