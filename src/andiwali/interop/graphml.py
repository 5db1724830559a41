"""GraphML: the graph the metrics use (node ids = entity ids, a ``name`` attribute), for networkx, igraph, R.

Defaults to the analysis' metrics view (actor nodes, the cooperation and
organizational layers) so ``export graphml --at DATE`` is exactly the graph
``andiwali analyze ... --at DATE`` measures; ``--layers all --all-kinds`` writes the
whole network. List attributes (``claims``, ``contested_by``) are space-separated.
"""

from __future__ import annotations

import io

import networkx as nx

from andiwali.interop.base import ExportFilter, exporter, write_bytes_out
from andiwali.interop.graphview import graph_view, metrics_default_layers, sorted_flat


def graphml_bytes(kb, filt: ExportFilter) -> tuple[bytes, nx.MultiDiGraph]:
    G, _data = graph_view(kb, filt, default_layers=metrics_default_layers(), default_actors_only=True)
    ents = {e.id: e for e in kb.entities(include_merged=True)} if G.number_of_nodes() else {}
    H = sorted_flat(G, ents)
    buf = io.BytesIO()
    nx.write_graphml(H, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue(), H


@exporter("graphml", help="GraphML of the graph the metrics use (default: actors, cooperation+organizational "
          "layers)", suffixes=(".graphml",))
def export_graphml(kb, out, filt: ExportFilter, **_options) -> dict:
    data, H = graphml_bytes(kb, filt)
    write_bytes_out(out, data)
    return {"format": "graphml", "out": str(out), "nodes": H.number_of_nodes(), "edges": H.number_of_edges()}
