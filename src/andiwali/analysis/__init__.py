"""Analysis: pure functions from claims to a graph view to metrics and reports.

    from andiwali.analysis import load, build_graph, centrality
    data = load(kb)                                   # claims, entities, document grades
    G = data.graph(at="2022")                         # == build_graph(data.claims, data.entities, ...)
    rows = centrality(G)                              # networkx numbers (igraph on large graphs)

See docs/analysis.md for the graph view, the tie-strength formula and each measure.
"""

from andiwali.analysis.brokerage import brokers, gould_fernandez, structural_holes
from andiwali.analysis.centrality import betweenness, centrality, core_numbers, degree_by_layer, pagerank
from andiwali.analysis.communities import communities
from andiwali.analysis.contested import contested, strongest, strongest_ties
from andiwali.analysis.data import Dataset, load
from andiwali.analysis.graph import (
    COOPERATIVE_LAYERS,
    DEFAULT_LAYERS,
    build_graph,
    flatten_for_export,
    graph_from_kb,
    simple_digraph,
    two_mode_graph,
    undirected,
)
from andiwali.analysis.overlap import media_activity, overlap, platform_activity
from andiwali.analysis.records import ClaimRecord, DocInfo, EntityInfo
from andiwali.analysis.signed import balance, signed_graph
from andiwali.analysis.temporal import diff, roles, snapshots
from andiwali.analysis.timeutil import AnalysisError
from andiwali.analysis.whatif import whatif

__all__ = [
    "COOPERATIVE_LAYERS", "DEFAULT_LAYERS", "AnalysisError", "ClaimRecord", "Dataset", "DocInfo", "EntityInfo",
    "balance", "betweenness", "brokers", "build_graph", "centrality", "communities", "contested", "core_numbers",
    "degree_by_layer", "diff", "flatten_for_export", "gould_fernandez", "graph_from_kb", "load", "media_activity",
    "overlap", "pagerank", "platform_activity", "roles", "signed_graph", "simple_digraph", "snapshots", "strongest",
    "strongest_ties", "structural_holes", "two_mode_graph", "undirected", "whatif",
]
