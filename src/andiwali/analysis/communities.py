"""Communities on the cooperative layers: Leiden (leidenalg) or Louvain (networkx).

The graph is undirected, positive ties only (cooperation and organizational by default),
weighted by the summed strength of the ties between two actors. Both methods are run
with a fixed seed, so the same knowledge base gives the same communities.
"""

from __future__ import annotations

import networkx as nx

from andiwali.analysis.graph import no_gc

MODULARITY_IGRAPH_FROM = 2000


@no_gc
def communities(G, *, method: str = "leiden", seed: int = 42, resolution: float = 1.0) -> dict:
    """{"method", "modularity", "communities": [{"id", "size", "members": [{"id","name"}]}]} (largest first)."""
    from andiwali.analysis.graph import undirected
    from andiwali.analysis.timeutil import AnalysisError

    U = undirected(G, signs=(1,))
    U.remove_edges_from(list(nx.selfloop_edges(U)))
    U.remove_nodes_from([n for n in list(U) if U.degree(n) == 0])
    if U.number_of_edges() == 0:
        return {"method": method, "modularity": None, "communities": []}
    if method == "leiden":
        import igraph as ig
        import leidenalg

        nodes = list(U.nodes())
        index = {n: i for i, n in enumerate(nodes)}
        g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in U.edges()])
        g.es["weight"] = [d["weight"] for _u, _v, d in U.edges(data=True)]
        part = leidenalg.find_partition(g, leidenalg.RBConfigurationVertexPartition, weights="weight",
                                        resolution_parameter=resolution, seed=seed)
        groups = [[nodes[i] for i in members] for members in part]
        g_index = (g, index)
    elif method == "louvain":
        groups = [list(c) for c in nx.community.louvain_communities(U, weight="weight", resolution=resolution,
                                                                     seed=seed)]
    else:
        raise AnalysisError(f"community method must be leiden or louvain, got {method!r}", code="E605")
    groups = [sorted(g, key=lambda n: U.nodes[n].get("name", n)) for g in groups if g]
    groups.sort(key=lambda g: (-len(g), U.nodes[g[0]].get("name", g[0])))
    if method == "leiden" and U.number_of_nodes() >= MODULARITY_IGRAPH_FROM:
        g, index = g_index  # igraph's modularity: the same formula in C (a test compares)
        membership = [0] * len(index)
        for i, grp in enumerate(groups):
            for n in grp:
                membership[index[n]] = i
        mod = g.modularity(membership, weights="weight", resolution=resolution, directed=False)
    else:
        mod = nx.community.modularity(U, [set(g) for g in groups], weight="weight", resolution=resolution)
    return {
        "method": method,
        "modularity": mod,
        "communities": [
            {"id": i, "size": len(g), "members": [{"id": n, "name": U.nodes[n].get("name", n)} for n in g]}
            for i, g in enumerate(groups)
        ],
    }
