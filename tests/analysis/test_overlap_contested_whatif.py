import networkx as nx
from networkx.algorithms import bipartite

from andiwali.analysis import contested, media_activity, overlap, platform_activity, whatif
from andiwali.analysis.data import Dataset
from andiwali.analysis.overlap import membership_graph
from andiwali.analysis.records import ClaimRecord, EntityInfo
from andiwali.store.analysis_queries import media_activity_rows


def test_overlap_is_the_bipartite_projection_with_people_named(toy, toy_data):
    res = overlap(toy_data)
    pairs = {frozenset((p["a"], p["b"])): p for p in res["pairs"]}
    p = pairs[frozenset(("AQIS", "al-Qaeda"))]
    assert p["shared"] == 1 and [x["name"] for x in p["people"]] == ["Abu Khalil"]
    assert p["people"][0]["claims"]
    assert frozenset(("Haqqani Network", "Taliban")) in pairs
    B = membership_graph(toy_data)
    P = bipartite.weighted_projected_graph(B, [n for n, d in B.nodes(data=True) if d["bipartite"] == 1])
    assert len(res["pairs"]) == P.number_of_edges() == res["pairs_total"]
    assert {frozenset((p["a_id"], p["b_id"])): p["shared"] for p in res["pairs"]} == \
        {frozenset((u, v)): d["weight"] for u, v, d in P.edges(data=True)}
    assert {x["name"] for x in res["people"]} == {"Abu Khalil", "Sirajuddin Haqqani"}


def test_media_activity_per_source_and_quiet(toy):
    res = media_activity(media_activity_rows(toy.kb), quiet_months=3)
    by = {s["source"]: s for s in res["sources"]}
    assert res["latest_month"] == "2024-01"
    assert by["Analyst Review"]["quiet"] and by["Analyst Review"]["quiet_since"] == "2020-05"
    assert not by["Field Monitor"]["quiet"]
    rows = [{"source": "Chan", "kind": "channel", "platform": "Telegram", "month": m, "documents": n, "originals": n}
            for m, n in [("2020-01", 5), ("2020-02", 3), ("2020-09", 1), ("2021-06", 0)]]
    r = media_activity(rows)["sources"][0]
    assert r["longest_silence_months"] == 8 and r["longest_silence"] == ["2020-09", "2021-06"]
    assert r["platform"] == "Telegram"


def test_overlap_projection_matches_networkx_on_a_random_bipartite_graph():
    import random

    rng = random.Random(4)
    ents = {f"p{i}": EntityInfo(f"p{i}", f"P{i}", "person") for i in range(40)}
    ents.update({f"o{i}": EntityInfo(f"o{i}", f"O{i}", "organization") for i in range(12)})
    claims = [ClaimRecord(f"c{j}", f"p{rng.randrange(40)}", rng.choice(["member_of", "leads"]), f"o{rng.randrange(12)}",
                          reported_at="2020") for j in range(90)]
    data = Dataset.of(claims, ents)
    res = overlap(data, top=None)
    B = membership_graph(data)
    P = bipartite.weighted_projected_graph(B, [n for n, d in B.nodes(data=True) if d["bipartite"] == 1])
    assert {frozenset((p["a_id"], p["b_id"])): p["shared"] for p in res["pairs"]} == \
        {frozenset((u, v)): d["weight"] for u, v, d in P.edges(data=True)}
    assert overlap(data, top=3)["pairs"] == res["pairs"][:3]


def test_platform_activity(toy, toy_data):
    plats = platform_activity(toy_data)
    assert plats[0]["platform"] == "Telegram" and plats[0]["actors"] == ["al-Qaeda"]


def test_contested_finds_the_afghanistan_pair_with_sources_and_grades(toy, toy_data):
    pairs = contested(toy_data)
    triples = {(p["subject"], p["predicate"], p["object"]) for p in pairs}
    assert ("al-Qaeda", "operates_in", "Afghanistan") in triples
    p = [p for p in pairs if p["predicate"] == "operates_in"][0]
    assert p["asserted"]["id"] == toy.claims["aq_in_afg"] and p["negated"]["id"] == toy.claims["aq_not_in_afg"]
    assert p["negated"]["attributed_to"] == "United States"
    assert p["asserted"]["evidence"][0]["grade"] == "C3" and p["negated"]["evidence"][0]["grade"] == "D4"
    assert p["time_known"] and p["overlap"] == ["2024-01-01", "2024-01-31"]
    # a symmetric predicate contradicts in either order (asserted al-Qaeda->Taliban, negated Taliban->al-Qaeda)
    assert any(p["predicate"] == "allied_with" for p in pairs)
    # the window excludes it when it does not overlap
    assert not contested(toy_data, at="2019")


def test_contested_needs_overlapping_time():
    ents = {"a": EntityInfo("a", "A", "organization"), "b": EntityInfo("b", "B", "state")}
    claims = [
        ClaimRecord("c1", "a", "operates_in", "b", valid_to="2001"),
        ClaimRecord("c2", "a", "operates_in", "b", polarity="negated", reported_at="2021-09"),
        ClaimRecord("c3", "a", "operates_in", "b", valid_from="2020"),
        ClaimRecord("c4", "a", "operates_in", "b", polarity="negated"),  # no time at all
    ]
    pairs = contested(Dataset.of(claims, ents))
    got = {(p["asserted"]["id"], p["negated"]["id"], p["time_known"]) for p in pairs}
    assert got == {("c3", "c2", True), ("c1", "c4", False), ("c3", "c4", False)}


def test_whatif_removing_the_host_cuts_shelter_and_finance(toy, toy_data):
    G = toy_data.graph(layers=("cooperation", "organizational", "financial", "personal"))
    res = whatif(G, remove_entities=[toy.ids["Taliban"]])
    assert res["before"]["shelter_pairs"] == 3 and res["after"]["shelter_pairs"] == 0
    assert ["Taliban", "al-Qaeda"] in res["shelter_pairs_lost"]
    assert res["before"]["finance_pairs"] == 2 and res["after"]["finance_pairs"] == 0
    assert res["after"]["components"] > res["before"]["components"]
    assert res["before"]["brokers"][0]["name"] == "Taliban"
    # a tie and a layer
    res = whatif(G, remove_ties=[(toy.ids["Taliban"], toy.ids["TTP"], "shelters", False)])
    assert res["after"]["shelter_pairs"] == 2 and res["shelter_pairs_lost"] == [["Taliban", "TTP"]]
    res = whatif(G, remove_layers=["financial"])
    assert res["after"]["finance_pairs"] == 0 and res["after"]["shelter_pairs"] == 3


def test_key_players_by_fragmentation():
    from andiwali.analysis.whatif import fragmentation, key_players

    G = nx.MultiDiGraph()
    for u, v in [("hub", "a"), ("hub", "b"), ("hub", "c"), ("a", "b")]:
        G.add_edge(u, v, key="supports", predicate="supports", sign=1, strength=1.0, layer="cooperation")
    kp = key_players(G)
    assert kp[0]["id"] == "hub"
    U = nx.Graph([("a", "b")])
    U.add_node("c")
    assert kp[0]["fragmentation_after"] == fragmentation(U) == 1 - 2 / 6


def test_reach_pairs_bitset_path_matches_descendants(monkeypatch):
    import importlib
    import random

    w = importlib.import_module("andiwali.analysis.whatif")

    rng = random.Random(2)
    F = nx.gnp_random_graph(60, 0.04, seed=3, directed=True)
    F.add_edges_from((rng.randrange(60), rng.randrange(60)) for _ in range(10))
    F.remove_edges_from(nx.selfloop_edges(F))
    small = w.reach_pairs(F)
    monkeypatch.setattr(w, "WEIGHTED_MAX_NODES", 5)
    assert w.reach_pairs(F) == len(small)
