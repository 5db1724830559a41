"""GraphML and GEXF: read back with networkx and igraph, compared with the analysis' own graph."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import pytest
from interop_kb import build_rich_kb

from andiwali.analysis.graph import graph_from_kb
from andiwali.interop import ExportFilter, export
from andiwali.interop.gexf import claim_spell, merge_spells
from andiwali.model import Claim, Entity


def edge_set(G):
    return {(u, v, k) for u, v, k in G.edges(keys=True)}


@pytest.mark.parametrize("at", [None, "2021-09", "1999"])
def test_graphml_is_the_graph_the_metrics_use(rich_kb, tmp_path, at):
    out = tmp_path / "g.graphml"
    export(rich_kb, "graphml", out, ExportFilter.make(at=at))
    H = nx.read_graphml(out, force_multigraph=True)
    G = graph_from_kb(rich_kb, at=at)  # the analysis' defaults: actors, cooperation + organizational
    assert set(H.nodes) == set(G.nodes)
    assert edge_set(H) == edge_set(G)
    for n, d in G.nodes(data=True):
        assert H.nodes[n]["name"] == d["name"] and H.nodes[n]["kind"] == d["kind"]
    for u, v, k, d in G.edges(keys=True, data=True):
        h = H.edges[u, v, k]
        assert h["strength"] == pytest.approx(d["strength"]) and h["sign"] == d["sign"]
        assert h["claims"].split() == d["claims"] and h["layer"] == d["layer"]
    # anyone can recompute the metrics from the file
    a = nx.betweenness_centrality(nx.DiGraph(H))
    b = nx.betweenness_centrality(nx.DiGraph(G))
    assert a == pytest.approx(b)


def test_graphml_at_a_date_drops_ties_outside_it(rich_kb, tmp_path):
    export(rich_kb, "graphml", tmp_path / "all.graphml", ExportFilter.make(layers="all", actors_only=False))
    export(rich_kb, "graphml", tmp_path / "1999.graphml", ExportFilter.make(at="1999", layers="all",
                                                                             actors_only=False))
    full = nx.read_graphml(tmp_path / "all.graphml")
    old = nx.read_graphml(tmp_path / "1999.graphml")
    assert {d["predicate"] for _, _, d in old.edges(data=True)} == {"finances"}
    assert full.number_of_edges() > old.number_of_edges()


def test_graphml_reads_in_igraph(rich_kb, tmp_path):
    out = tmp_path / "g.graphml"
    export(rich_kb, "graphml", out, ExportFilter.make(layers="all", actors_only=False))
    g = ig.Graph.Read_GraphML(str(out))
    H = nx.read_graphml(out)
    assert g.vcount() == H.number_of_nodes() and g.ecount() == H.number_of_edges()
    assert set(g.vs["id"]) == set(H.nodes)
    assert "Taliban" in g.vs["name"] and set(g.es["predicate"]) == {d["predicate"] for *_, d in H.edges(data=True)}


def test_graph_exports_are_byte_stable(rich_kb, tmp_path):
    for fmt in ("graphml", "gexf"):
        export(rich_kb, fmt, tmp_path / f"a.{fmt}", ExportFilter())
        export(rich_kb, fmt, tmp_path / f"b.{fmt}", ExportFilter())
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


def test_gexf_13_reads_back_with_networkx(rich_kb, tmp_path):
    out = tmp_path / "g.gexf"
    export(rich_kb, "gexf", out, ExportFilter())
    text = out.read_text()
    assert 'version="1.3"' in text and 'xmlns="http://gexf.net/1.3"' in text and 'mode="dynamic"' in text
    H = nx.read_gexf(out)
    G = graph_from_kb(rich_kb, layers="all", actors_only=False)
    assert set(H.nodes) == set(G.nodes)
    assert H.number_of_edges() == G.number_of_edges()
    assert {(u, v, d["predicate"]) for u, v, d in H.edges(data=True)} == edge_set(G)
    for n, d in G.nodes(data=True):
        assert H.nodes[n]["label"] == d["name"] and H.nodes[n]["kind"] == d["kind"]
    for u, v, d in H.edges(data=True):
        g = G.edges[u, v, d["predicate"]]
        assert d["layer"] == g["layer"] and d["sign"] == g["sign"]
        assert d["confidence"] == pytest.approx(g["confidence"]) and d["weight"] == pytest.approx(g["strength"])


def test_gexf_spells_follow_valid_time(rich_kb, tmp_path):
    out = tmp_path / "g.gexf"
    export(rich_kb, "gexf", out, ExportFilter())
    H = nx.read_gexf(out)
    by_pred = {d["predicate"]: d for _, _, d in H.edges(data=True)}
    assert by_pred["attacks"]["spells"] == [("2021-08-01", "2021-08-31")]
    assert by_pred["finances"]["spells"] == [("1996-01-01", "2001-12-31")]
    # an open end is a spell without an end attribute (networkx reads it back as the string "None")
    assert by_pred["shelters"]["spells"] in ([("2021-08-01", None)], [("2021-08-01", "None")])
    assert '<spell start="2021-08-01" />' in out.read_text()
    assert by_pred["operates_in"]["spells"] == [("2023-05-01", "2023-05-01")]  # undated: at reported_at
    names = {d["label"]: d for _, d in H.nodes(data=True)}
    # a node lives while it has ties: ISKP attacks Kabul (2021-08) and is a rival (undated, reported 2023-05-01)
    assert names["Kabul"]["spells"] == [("2021-08-01", "2021-08-31")]
    assert names["Islamic State Khorasan Province"]["spells"] == [("2021-08-01", "2021-08-31"),
                                                                   ("2023-05-01", "2023-05-01")]


def test_spell_merging():
    assert merge_spells([("2020-01-01", "2020-12-31"), ("2021-01-01", "2021-06-30")]) == [("2020-01-01", "2021-06-30")]
    assert merge_spells([("2020-01-01", "2020-03-31"), ("2020-06-01", None)]) == [("2020-01-01", "2020-03-31"),
                                                                                 ("2020-06-01", None)]
    assert merge_spells([("2020-01-01", "2020-03-31"), None]) == []  # a timeless claim: always present
    assert merge_spells([(None, "2000-12-31"), ("1999-01-01", "2003-01-01")]) == [(None, "2003-01-01")]
    assert claim_spell("2021-02", None, None) == ("2021-02-01", None)
    assert claim_spell(None, "2020-02", None) == (None, "2020-02-29")
    assert claim_spell(None, None, "2019") == ("2019-01-01", "2019-12-31")
    assert claim_spell(None, None, None) is None


def test_graph_exports_survive_hostile_names(tmp_path):
    kb = build_rich_kb(tmp_path / "kb")
    bad = Entity(kind="organization", name="Bell\x07 <group> & \"co\"", origin="discovered")
    kb.upsert_entity(bad)
    tal = kb.find_entities("Taliban")[0]
    kb.add_claims([Claim(subject=bad.id, predicate="supports", object=tal.id, confidence=0.9)])
    for fmt in ("graphml", "gexf"):
        export(kb, fmt, tmp_path / f"g.{fmt}", ExportFilter.make(layers="all"))
    H = nx.read_graphml(tmp_path / "g.graphml")
    assert H.nodes[bad.id]["name"] == "Bell\ufffd <group> & \"co\""
    X = nx.read_gexf(tmp_path / "g.gexf")
    assert X.nodes[bad.id]["label"].startswith("Bell")
    kb.close()
