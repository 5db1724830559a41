import networkx as nx
import pytest

from andiwali.analysis import build_graph, flatten_for_export, load, strongest
from andiwali.analysis import strength as st
from andiwali.analysis.timeutil import AnalysisError
from andiwali.model import Claim, Entity


def _edge(G, toy, s, p, o):
    return G.get_edge_data(toy.ids[s], toy.ids[o], key=p)


def test_default_view_is_actors_over_cooperation_and_organizational(toy, toy_data):
    G = toy_data.graph()
    assert isinstance(G, nx.MultiDiGraph)
    assert {d["layer"] for *_e, d in G.edges(data=True)} <= {"cooperation", "organizational"}
    assert {d["kind"] for _n, d in G.nodes(data=True)} <= {"organization", "person", "state"}
    t = G.nodes[toy.ids["Taliban"]]
    assert t["name"] == "Taliban" and t["kind"] == "organization" and t["region"] == "South Asia"
    assert G.nodes[toy.ids["AQIS"]]["network"] == toy.ids["al-Qaeda"]


def test_edges_keep_their_claim_ids_and_copies_count_once(toy, toy_data):
    G = toy_data.graph()
    e = _edge(G, toy, "al-Qaeda", "supports", "Taliban")
    assert sorted(e["claims"]) == sorted([toy.claims["aq_supports"], toy.claims["aq_supports_copy"]])
    assert e["n_claims"] == 2 and e["n_reports"] == 1  # the copy is the same report
    # strength: one B2 report, confidence 0.9, fact, unattributed
    assert e["strength"] == pytest.approx(0.9 * st.RELIABILITY["B"] * st.CREDIBILITY["2"])
    assert e["weight"] == e["strength"]


def test_two_independent_reports_combine_by_noisy_or(empty_kb):
    a, b = Entity("organization", "A"), Entity("organization", "B")
    c1 = Claim(subject=a.id, predicate="supports", object=b.id, confidence=0.8, extractor="human",
               reported_at="2020")
    from andiwali.analysis.records import ClaimRecord, DocInfo

    r1 = ClaimRecord("c1", a.id, "supports", b.id, confidence=0.8, doc_ids=("d1",), reported_at="2020")
    r2 = ClaimRecord("c2", a.id, "supports", b.id, confidence=0.5, doc_ids=("d2",), reported_at="2020")
    r3 = ClaimRecord("c3", a.id, "supports", b.id, confidence=1.0, doc_ids=("d3",), reported_at="2020")
    docs = {"d1": DocInfo("d1", "A", "1", "k1"), "d2": DocInfo("d2", "C", "3", "k2"),
            "d3": DocInfo("d3", "F", "6", "k1")}  # d3 is a copy of d1
    G = build_graph([r1, r2, r3], [a, b], doc_grades=docs)
    e = G.get_edge_data(a.id, b.id, key="supports")
    w1 = max(0.8 * 1.0 * 1.0, 1.0 * 0.5 * 0.5)
    w2 = 0.5 * 0.6 * 0.6
    assert e["n_reports"] == 2
    assert e["strength"] == pytest.approx(1 - (1 - w1) * (1 - w2))
    assert st.combine([]) == 0.0
    assert c1.undated


def test_negated_rejected_and_hypothetical_claims_are_excluded_and_contested_flagged(toy, toy_data):
    G = toy_data.graph(layers="all", actors_only=False)
    all_claims = {c for *_e, d in G.edges(data=True) for c in d["claims"]}
    assert toy.claims["aq_not_in_afg"] not in all_claims
    assert toy.claims["rejected"] not in all_claims
    assert toy.claims["aq_funds_hyp"] not in all_claims
    e = _edge(G, toy, "al-Qaeda", "operates_in", "Afghanistan")
    assert e["contested"] and e["contested_by"] == [toy.claims["aq_not_in_afg"]]
    assert not _edge(G, toy, "Taliban", "shelters", "al-Qaeda")["contested"]


def test_symmetric_predicates_go_both_ways(toy, toy_data):
    G = toy_data.graph()
    a, b = toy.ids["al-Qaeda"], toy.ids["Taliban"]
    fwd = G.get_edge_data(a, b, key="allied_with")
    back = G.get_edge_data(b, a, key="allied_with")
    assert fwd and back and fwd["mirror"] != back["mirror"] and fwd["claims"] == back["claims"]


def test_time_window_and_undated_claims(toy, toy_data):
    G19 = toy_data.graph(at="2019")
    assert _edge(G19, toy, "al-Qaeda", "supports", "Taliban")
    assert _edge(G19, toy, "Taliban", "shelters", "al-Qaeda") is None
    G22 = toy_data.graph(at="2022")
    assert _edge(G22, toy, "Taliban", "shelters", "al-Qaeda")
    assert _edge(G22, toy, "al-Qaeda", "supports", "Taliban") is None
    # the undated alliance claim counts at its reported_at (2024-01) only, and is marked undated
    assert _edge(G22, toy, "al-Qaeda", "allied_with", "Taliban") is None
    G24 = toy_data.graph(at="2024-01")
    e = G24.get_edge_data(toy.ids["Taliban"], toy.ids["al-Qaeda"], key="allied_with")
    assert e["undated"]
    # a claim with no time at all counts only without a window
    assert _edge(toy_data.graph(), toy, "Haqqani Network", "supports", "TTP")
    assert _edge(G24, toy, "Haqqani Network", "supports", "TTP") is None
    assert G24.graph["claims_timeless_skipped"] >= 1
    # a window from/to
    Gw = toy_data.graph(date_from="2021-09", date_to="2021-12")
    assert _edge(Gw, toy, "Taliban", "shelters", "TIP")
    assert _edge(Gw, toy, "al-Qaeda", "supports", "Taliban") is None


def test_status_and_confidence_filters(toy, toy_data):
    G = toy_data.graph(status="accepted")
    assert [d["claims"] for *_e, d in G.edges(data=True)] == [[toy.claims["shelters_aq"]]]
    G = toy_data.graph(min_confidence=0.7)
    assert _edge(G, toy, "Pakistan", "supports", "Taliban") is None
    with pytest.raises(AnalysisError):
        toy_data.graph(status="maybe")
    with pytest.raises(AnalysisError):
        toy_data.graph(layers="cooperation,nonsense")


def test_graph_accepts_model_claims_and_entities(toy):
    claims = toy.kb.claims(status="all")
    G = build_graph(claims, toy.kb.entities())
    G2 = load(toy.kb).graph()
    assert sorted(G.edges(keys=True)) == sorted(G2.edges(keys=True))


def test_merged_entities_land_on_their_target(toy):
    data = load(toy.kb)
    info = data.entities[toy.ids["TIP"]]
    data.entities[toy.ids["TIP"]] = info._replace(attributes={**info.attributes, "_merged_into": toy.ids["TTP"]})
    G = data.graph()
    assert toy.ids["TIP"] not in G
    assert G.has_edge(toy.ids["Taliban"], toy.ids["TTP"])


def test_export_copy_round_trips_through_graphml(toy, toy_data, tmp_path):
    G = toy_data.graph()
    path = tmp_path / "g.graphml"
    nx.write_graphml(flatten_for_export(G), path)
    H = nx.read_graphml(path)
    assert set(H.nodes()) == set(G.nodes())
    assert H.number_of_edges() == G.number_of_edges()
    assert H.nodes[toy.ids["Taliban"]]["name"] == "Taliban"


def test_strongest_ties_carry_a_quote(toy, toy_data):
    rows = strongest(toy_data.graph(layers="all"), toy_data, top=5)
    assert rows and all(r["quote"] and r["quote"]["quote"] for r in rows)
    assert rows == sorted(rows, key=lambda r: -r["strength"])
