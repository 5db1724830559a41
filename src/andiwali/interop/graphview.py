"""The analysis' graph view, for the graph exports (GraphML, GEXF, the aggregated CSV edge list).

GraphML, GEXF and ``edges_aggregated.csv`` are written from
``andiwali.analysis``'s own ``build_graph`` with the same filters, so a tool that
reads them recomputes the same metrics ``andiwali analyze`` prints.
"""

from __future__ import annotations

import re
from typing import Any

import networkx as nx

from andiwali.errors import AndiwaliError, InteropError
from andiwali.interop.base import ExportFilter

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    """Strings without the characters XML 1.0 cannot carry (document text is hostile)."""
    if isinstance(value, str):
        return _XML_BAD.sub("\ufffd", value)
    return value


def graph_view(kb, filt: ExportFilter, *, default_layers: Any = "all", default_actors_only: bool = False):
    """(graph, dataset): the analysis' MultiDiGraph for ``filt`` and the loaded claims."""
    try:
        from andiwali.analysis.data import load

        kw = filt.graph_kwargs(default_layers=default_layers, default_actors_only=default_actors_only)
        data = load(kb, status=kw["status"], with_quotes=False)
        G = data.graph(**kw)
    except InteropError:
        raise
    except AndiwaliError as exc:
        raise InteropError(str(exc).split(": ", 1)[-1], code="E503") from None
    return G, data


def metrics_default_layers() -> tuple[str, ...]:
    from andiwali.analysis.graph import DEFAULT_LAYERS

    return tuple(DEFAULT_LAYERS)


def sorted_flat(G: nx.MultiDiGraph, entities: dict | None = None) -> nx.MultiDiGraph:
    """A copy with scalar, XML-safe attributes, nodes and edges in a stable order (byte-stable files)."""
    from andiwali.analysis.graph import flatten_for_export

    F = flatten_for_export(G)
    H = nx.MultiDiGraph()
    H.graph.update({k: xml_safe(v) for k, v in sorted(F.graph.items())})
    for n in sorted(F.nodes):
        attrs = dict(F.nodes[n])
        e = (entities or {}).get(n)
        if e is not None:
            aliases = [a.name for a in e.aliases if a.name != e.name]
            if aliases:
                attrs["aliases"] = " | ".join(aliases)
            if e.start:
                attrs["start"] = e.start
            if e.end:
                attrs["end"] = e.end
        H.add_node(n, **{k: xml_safe(v) for k, v in sorted(attrs.items())})
    for u, v, k, d in sorted(F.edges(keys=True, data=True), key=lambda t: (t[0], t[1], str(t[2]))):
        H.add_edge(u, v, key=k, **{a: xml_safe(x) for a, x in sorted(d.items())})
    return H
