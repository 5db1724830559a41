"""Each measure against a recomputation (networkx, brute force) on small graphs."""

import itertools
import random

import networkx as nx
import pytest

from andiwali.analysis import (
    betweenness,
    brokers,
    centrality,
    communities,
    core_numbers,
    flatten_for_export,
    gould_fernandez,
    pagerank,
    signed,
    structural_holes,
)
from andiwali.analysis.brokerage import role
from andiwali.analysis.graph import build_graph
from andiwali.analysis.records import ClaimRecord, EntityInfo


def random_claim_graph(n=40, m=120, seed=1, preds=("supports", "shelters", "allied_with", "member_of", "fights")):
    rng = random.Random(seed)
    kinds = ["organization", "person", "state"]
    ents = {f"e{i}": EntityInfo(f"e{i}", f"E{i}", kinds[i % 3], None,
                                {"region": rng.choice(["north", "south", "east"])}) for i in range(n)}
    claims = []
    for j in range(m):
        a, b = rng.sample(sorted(ents), 2)
        p = rng.choice(preds)
        if p == "member_of" and ents[a].kind != "person":
            p = "supports"
        claims.append(ClaimRecord(f"c{j}", a, p, b, confidence=rng.uniform(0.3, 1.0), reported_at="2020"))
    return claims, ents


def test_centrality_betweenness_is_networkx_on_the_exported_directed_graph(toy, toy_data, tmp_path):
    G = toy_data.graph()
    rows = centrality(G)
    path = tmp_path / "g.graphml"
    nx.write_graphml(flatten_for_export(G), path)
    H = nx.read_graphml(path)
    ref = nx.betweenness_centrality(nx.DiGraph(H), normalized=True)
    pr = nx.pagerank(H, weight="weight")
    for r in rows:
        assert r["betweenness"] == pytest.approx(ref[r["id"]], abs=1e-12)
        assert r["pagerank"] == pytest.approx(pr[r["id"]], abs=1e-6)
    assert rows[0]["name"] == "Taliban"


def test_igraph_backend_gives_the_networkx_numbers():
    claims, ents = random_claim_graph(n=80, m=300, seed=3)
    G = build_graph(claims, ents)
    bn = betweenness(G, backend="networkx")
    bi = betweenness(G, backend="igraph")
    assert bn.keys() == bi.keys()
    for n in bn:
        assert bi[n] == pytest.approx(bn[n], abs=1e-9)
    pn = pagerank(G, backend="networkx")
    pi = pagerank(G, backend="igraph")
    for n in pn:
        assert pi[n] == pytest.approx(pn[n], abs=1e-5)


def test_sampled_betweenness_estimates_with_all_sources_equal_exact():
    claims, ents = random_claim_graph(n=30, m=90, seed=5)
    G = build_graph(claims, ents)
    n = G.number_of_nodes()
    exact = betweenness(G, backend="networkx")
    assert betweenness(G, backend="igraph", k=n - 1) != {}  # an estimate runs
    assert betweenness(G, backend="igraph", k=n) == pytest.approx(exact)


def test_degree_per_layer_and_core(toy, toy_data):
    G = toy_data.graph()
    rows = {r["name"]: r for r in centrality(G)}
    t = rows["Taliban"]
    # supports from AQ, AQIS, TTP, TIP, Pakistan + member_of from Siraj + allied_with mirror in
    assert t["degree_by_layer"]["cooperation"]["in"] == 6
    assert t["degree_by_layer"]["organizational"]["in"] == 1
    U = nx.Graph(nx.DiGraph(G).to_undirected())
    U.remove_edges_from(nx.selfloop_edges(U))
    assert core_numbers(G) == nx.core_number(U)


def brute_force_gf(D, groups):
    counts = {}
    for b in D:
        for a in D.predecessors(b):
            for c in D.successors(b):
                if len({a, b, c}) < 3 or D.has_edge(a, c):
                    continue
                r = role(groups[a], groups[b], groups[c])
                counts.setdefault(b, {}).setdefault(r, 0)
                counts[b][r] += 1
    return counts


def test_gould_fernandez_matches_brute_force():
    claims, ents = random_claim_graph(n=40, m=150, seed=7)
    G = build_graph(claims, ents)
    rows = gould_fernandez(G, attribute="region")
    D = nx.DiGraph(G)
    groups = {n: G.nodes[n]["region"] for n in G}
    ref = brute_force_gf(D, groups)
    got = {r["id"]: {k: r[k] for k in ("coordinator", "itinerant", "gatekeeper", "representative", "liaison") if r[k]}
           for r in rows}
    assert got == {b: v for b, v in ref.items() if v}


def test_gould_fernandez_roles_by_hand():
    # a(X) -> b(Y) -> c(X): itinerant; a(X) -> b(Y) -> d(Y): gatekeeper; e(Y) -> b(Y) -> f(Z): representative
    assert role("X", "Y", "X") == "itinerant"
    assert role("X", "Y", "Y") == "gatekeeper"
    assert role("Y", "Y", "Z") == "representative"
    assert role("X", "Y", "Z") == "liaison"
    assert role("X", "X", "X") == "coordinator"


def test_brokers_on_toy_name_taliban_with_structural_holes(toy, toy_data):
    G = toy_data.graph()
    rows = brokers(G)
    assert rows[0]["name"] == "Taliban" and rows[0]["total"] > 0
    D = nx.DiGraph(G)
    D.remove_edges_from(nx.selfloop_edges(D))
    assert rows[0]["constraint"] == pytest.approx(nx.constraint(D)[rows[0]["id"]])
    assert rows[0]["effective_size"] == pytest.approx(nx.effective_size(D)[rows[0]["id"]])
    holes = structural_holes(G)
    assert set(holes) == set(G.nodes())


def random_signed(n=10, p=0.5, seed=0):
    rng = random.Random(seed)
    S = nx.Graph()
    S.add_nodes_from(range(n))
    for u, v in itertools.combinations(range(n), 2):
        if rng.random() < p:
            S.add_edge(u, v, sign=rng.choice((1, -1)))
    return S


def brute_frustration(S):
    nodes = list(S)
    best = None
    for bits in itertools.product((0, 1), repeat=len(nodes)):
        side = dict(zip(nodes, bits, strict=True))
        v = sum(1 for u, w, d in S.edges(data=True) if (d["sign"] > 0) != (side[u] == side[w]))
        best = v if best is None else min(best, v)
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_triads_and_frustration_against_brute_force(seed):
    S = random_signed(9, 0.5, seed)
    tri = signed.triads(S)
    bal = unb = 0
    for a, b, c in itertools.combinations(S.nodes(), 3):
        if S.has_edge(a, b) and S.has_edge(b, c) and S.has_edge(a, c):
            prod = S[a][b]["sign"] * S[b][c]["sign"] * S[a][c]["sign"]
            bal += prod > 0
            unb += prod < 0
    assert (tri["balanced"], tri["unbalanced"]) == (bal, unb)
    fr = signed.frustration(S)
    assert fr["exact"] and fr["frustration_index"] == brute_frustration(S)


def test_frustration_bounds_bracket_the_exact_value(monkeypatch):
    S = random_signed(12, 0.6, 4)
    exact = brute_frustration(S)
    monkeypatch.setattr(signed, "EXACT_MAX_NODES", 3)
    fr = signed.frustration(S)
    assert not fr["exact"] and fr["lower"] <= exact <= fr["upper"]


def test_factions_and_enemy_of_my_enemy():
    S = nx.Graph()
    for u, v, s in [("a", "b", 1), ("c", "d", 1), ("a", "c", -1), ("b", "d", -1), ("e", "a", -1), ("e", "c", -1)]:
        S.add_edge(u, v, sign=s)
    groups = signed.factions(S)
    assert sorted(map(sorted, groups)) == [["a", "b"], ["c", "d"], ["e"]]
    pairs = {(p["a"], p["c"]): p for p in signed.enemy_of_my_enemy(S)}
    # a's enemies are c and e, c's are a and e, e's are a and c: each pair shares one enemy and is hostile itself
    assert pairs[("c", "e")]["common_enemies"] == ["a"] and pairs[("c", "e")]["tie"] == "hostile"
    assert pairs[("a", "e")]["common_enemies"] == ["c"]
    assert pairs[("a", "c")]["common_enemies"] == ["e"]
    T = nx.Graph()
    T.add_edge("x", "y", sign=-1)
    T.add_edge("y", "z", sign=-1)
    (p,) = signed.enemy_of_my_enemy(T)
    assert (p["a"], p["c"], p["tie"], p["balanced"]) == ("x", "z", "none", False)
    T.add_edge("x", "z", sign=1)
    (p,) = signed.enemy_of_my_enemy(T)
    assert p["tie"] == "allied" and p["balanced"]


def test_balance_on_toy_counts_hostility(toy, toy_data):
    res = signed.balance(toy_data.graph(layers="all"))
    assert res["negative_ties"] >= 3
    names = {(p["a_name"], p["c_name"]) for p in res["enemy_of_my_enemy"]}
    assert ("ISKP", "United States") in names or ("Afghan government", "ISKP") in names


def test_communities_leiden_and_louvain_partition_the_cooperative_graph():
    claims, ents = random_claim_graph(n=60, m=200, seed=11, preds=("supports", "allied_with", "member_of"))
    G = build_graph(claims, ents)
    from andiwali.analysis.graph import undirected

    U = undirected(G, signs=(1,))
    U.remove_edges_from(nx.selfloop_edges(U))
    for method in ("leiden", "louvain"):
        res = communities(G, method=method)
        members = [m["id"] for c in res["communities"] for m in c["members"]]
        assert sorted(members) == sorted(n for n in U if U.degree(n))
        parts = [{m["id"] for m in c["members"]} for c in res["communities"]]
        assert res["modularity"] == pytest.approx(nx.community.modularity(U, parts, weight="weight"))
        assert res["modularity"] > 0.1
