"""The analyze commands through the CLI, and the JSON shapes other tools rely on."""

import json
import re

import networkx as nx
import pytest
from typer.testing import CliRunner

import andiwali.cli as cli

cli._load_commands()
runner = CliRunner()


def run(kb_dir, *args):
    res = runner.invoke(cli.app, ["--kb", str(kb_dir), *args])
    return res


@pytest.fixture
def kb_dir(toy):
    return toy.kb.directory


def test_roles_json_shape_is_pinned(toy, kb_dir):
    res = run(kb_dir, "analyze", "roles", "Taliban", "--split", "2021-08", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["entity"] == "Taliban"
    for per in ("before", "after"):
        assert set(out[per]) >= {"given", "received"}
        for d in ("given", "received"):
            assert all(isinstance(k, str) and isinstance(v, int) for k, v in out[per][d].items())
    assert out["before"]["received"]["supports"] == 5
    assert out["after"]["given"]["shelters"] == 3
    assert out["claims"]["after"]["given"][0]["evidence"]


def test_centrality_json_is_networkx_betweenness_on_the_directed_graph(toy, toy_data, kb_dir):
    res = run(kb_dir, "analyze", "centrality", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert isinstance(rows, list) and rows
    assert {"id", "name", "betweenness", "pagerank"} <= set(rows[0])
    ref = nx.betweenness_centrality(nx.DiGraph(toy_data.graph()), normalized=True)
    assert {r["id"]: r["betweenness"] for r in rows} == pytest.approx(ref)


def test_contested_json_is_a_list_of_claim_pairs(toy, kb_dir):
    res = run(kb_dir, "analyze", "contested", "--json")
    assert res.exit_code == 0, res.output
    pairs = json.loads(res.output)
    assert isinstance(pairs, list) and pairs
    for p in pairs:
        assert p["asserted"]["polarity"] == "asserted" and p["negated"]["polarity"] == "negated"
        assert p["asserted"]["id"] and p["negated"]["id"]


@pytest.mark.parametrize("args", [
    ["brokers", "--by", "region"], ["balance"], ["communities"], ["snapshots", "--years", "2019-2023"],
    ["diff", "--from", "2019", "--to", "2023"], ["overlap"], ["media"], ["whatif", "--remove", "Taliban"],
    ["whatif", "--remove-tie", "Taliban->TTP:shelters", "--remove-layer", "financial"], ["strongest", "--top", "3"],
    ["centrality", "--at", "2019", "--layers", "cooperation", "--min-confidence", "0.5", "--status", "all"],
    ["communities", "--method", "louvain", "--from", "2019", "--to", "2024"],
])
def test_every_command_runs_with_json_and_text(kb_dir, args):
    res = run(kb_dir, "analyze", *args, "--json")
    assert res.exit_code == 0, res.output
    json.loads(res.output)
    res = run(kb_dir, "analyze", *args)
    assert res.exit_code == 0, res.output


def test_bad_input_gives_a_usage_error(kb_dir):
    assert run(kb_dir, "analyze", "centrality", "--at", "2021-13").exit_code == 2
    assert run(kb_dir, "analyze", "centrality", "--layers", "nope").exit_code == 2
    assert run(kb_dir, "analyze", "roles", "Nobody at all", "--split", "2021").exit_code == 2
    res = run(kb_dir, "analyze", "centrality", "--status", "accepted", "--json")
    assert res.exit_code == 0 and len(json.loads(res.output)) == 2


def test_report_is_self_contained_and_escaped(toy, kb_dir, tmp_path):
    out = tmp_path / "r.html"
    res = run(kb_dir, "report", "--out", str(out), "--entity", "Taliban", "--split", "2021-08")
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html  # the hostile quote is escaped, not dropped
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:)""", html)
    assert "http://" not in html and "https://" not in html
    assert html.count("data:image/png;base64,") >= 3  # network, timeline, role shift
    assert "The Taliban sheltered al-Qaeda" in html  # the quote behind a tie it names
