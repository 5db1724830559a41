"""CSV out (readable by networkx, igraph, R-style readers) and CSV/XLSX in (hand-coded ties)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import igraph as ig
import networkx as nx
import openpyxl
import pytest
from interop_kb import FIXTURES

from andiwali.analysis.graph import graph_from_kb
from andiwali.interop import ExportFilter, export, import_file
from andiwali.interop.tabular import AGG_COLUMNS, EDGE_COLUMNS, NODE_COLUMNS, map_columns

HAND = FIXTURES / "hand_coded_ties.csv"


def read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_export_writes_three_files_with_the_documented_columns(rich_kb, tmp_path):
    export(rich_kb, "csv", tmp_path / "out", ExportFilter())
    for name, cols in (("nodes.csv", NODE_COLUMNS), ("edges.csv", EDGE_COLUMNS),
                       ("edges_aggregated.csv", AGG_COLUMNS)):
        with open(tmp_path / "out" / name, encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == cols
    edges = read(tmp_path / "out" / "edges.csv")
    assert len(edges) == len(rich_kb.claims())  # one row per claim (rejected ones only with --status all)
    assert {r["claim_id"] for r in edges} == {c.id for c in rich_kb.claims()}
    neg = [r for r in edges if r["polarity"] == "negated"]
    assert len(neg) == 1 and neg[0]["attributed_to"] == "Joe Biden"
    agg = read(tmp_path / "out" / "edges_aggregated.csv")
    G = graph_from_kb(rich_kb, layers="all", actors_only=False)
    assert {(r["source"], r["target"], r["predicate"]) for r in agg} == set(G.edges(keys=True))
    nodes = read(tmp_path / "out" / "nodes.csv")
    assert {r["id"] for r in nodes} >= {r["source"] for r in edges} | {r["target"] for r in edges}


def test_csv_export_reads_in_networkx_and_igraph(rich_kb, tmp_path):
    export(rich_kb, "csv", tmp_path / "out", ExportFilter())
    nodes = read(tmp_path / "out" / "nodes.csv")
    agg = read(tmp_path / "out" / "edges_aggregated.csv")
    G = nx.MultiDiGraph()
    G.add_nodes_from((r["id"], r) for r in nodes)
    for r in agg:
        G.add_edge(r["source"], r["target"], key=r["predicate"], weight=float(r["weight"]), sign=int(r["sign"]))
    ref = graph_from_kb(rich_kb, layers="all", actors_only=False)
    assert G.number_of_edges() == ref.number_of_edges()
    for u, v, k, d in ref.edges(keys=True, data=True):
        assert G.edges[u, v, k]["weight"] == pytest.approx(d["strength"], abs=1e-6)
        assert G.edges[u, v, k]["sign"] == d["sign"]
    g = ig.Graph.TupleList(((r["source"], r["target"], r["predicate"]) for r in agg), directed=True,
                           edge_attrs=["predicate"])
    assert g.ecount() == len(agg) and set(g.vs["name"]) == {n for r in agg for n in (r["source"], r["target"])}
    # nodes.csv, as R's graph_from_data_frame(edges, vertices=nodes) wants it: ids first, unique
    assert len({r["id"] for r in nodes}) == len(nodes)


def test_csv_cells_that_look_like_formulas_are_defused_and_come_back(rich_kb, fresh_kb, tmp_path):
    export(rich_kb, "csv", tmp_path / "out", ExportFilter(status="all"))
    raw = (tmp_path / "out" / "edges.csv").read_text(encoding="utf-8")
    assert "\n=cmd" not in raw and ",=cmd" not in raw and "'=cmd|" in raw
    import_file(fresh_kb, "csv", tmp_path / "out" / "edges.csv")
    quotes = {e.quote for c in fresh_kb.claims(status="all") for e in c.evidence}
    assert "=cmd|' /C calc'!A0 was posted there." in quotes


def test_hand_coded_csv_maps_tie_types_and_reports_unmapped_rows(kb):
    rep = import_file(kb, "csv", HAND, dry_run=True)
    assert rep.dry_run and rep.unmapped == [{"where": "row 8", "value": "friends with"}]
    assert rep.claims_new == 7 and not rep.skipped
    assert {e["name"]: e["kind"] for e in rep.entities_created} == {"Hafiz Example": "person",
                                                                    "Example Front": "organization"}
    assert kb.find_entities("Example Front") == []  # a dry run writes nothing
    rep = import_file(kb, "csv", HAND)
    names = {e.id: e.name for e in kb.entities()}
    got = {(names[c.subject], c.predicate, names[c.object], c.polarity, c.valid_from, c.valid_to)
           for c in kb.claims() if c.extractor == "human"}
    assert ("Taliban", "shelters", "al-Qaeda", "asserted", "2021-08", None) in got
    assert ("al-Qaeda", "finances", "Taliban", "asserted", "1996", "2001") in got
    assert ("Tehrik-e-Taliban Pakistan", "fights", "Pakistan", "asserted", "2007", None) in got
    assert ("Pakistan", "finances", "Taliban", "asserted", "1995", "2001") in got  # "funded by": reversed
    assert ("Example Front", "operates_in", "Kabul", "negated", "2022", None) in got
    assert ("Hafiz Example", "leads", "Example Front", "asserted", "2019-03-04", None) in got
    rival = [c for c in kb.claims(predicate="rival_of") if c.extractor == "human"]
    assert rival and rival[0].valid_from == "2015"
    # one document per source, graded from the sheet; every quote is cut from it
    docs = {d["title"]: d for d in kb.documents()}
    assert docs["Field report 7"]["reliability"] + docs["Field report 7"]["credibility"] == "B2"
    assert docs["Analyst notes 2024"]["reliability"] + docs["Analyst notes 2024"]["credibility"] == "C3"
    for c in kb.claims():
        for e in c.evidence:
            assert kb.document(e.doc_id)["text"][e.start:e.end] == e.quote
    # importing the same sheet again adds nothing
    again = import_file(kb, "csv", HAND)
    assert again.claims_new == 0 and again.claims_existing == 7


def test_csv_round_trip_csv_to_andiwali_to_csv(fresh_kb, tmp_path):
    import_file(fresh_kb, "csv", HAND)
    export(fresh_kb, "csv", tmp_path / "out", ExportFilter())
    rows = read(tmp_path / "out" / "edges.csv")
    sym = {"rival_of"}
    exported = set()
    for r in rows:
        key = (r["source_label"], r["predicate"], r["target_label"])
        exported.add(key + (r["valid_from"], r["valid_to"], r["doc_source"], r["polarity"]))
        if r["predicate"] in sym:
            exported.add((r["target_label"], r["predicate"], r["source_label"], r["valid_from"], r["valid_to"],
                          r["doc_source"], r["polarity"]))
    expected = {
        ("Taliban", "shelters", "al-Qaeda", "2021-08", "", "Analyst notes 2024", "asserted"),
        ("al-Qaeda", "finances", "Taliban", "1996", "2001", "Analyst notes 2024", "asserted"),
        ("Tehrik-e-Taliban Pakistan", "fights", "Pakistan", "2007", "", "Analyst notes 2024", "asserted"),
        ("Islamic State Khorasan Province", "rival_of", "Taliban", "2015", "", "Field report 7", "asserted"),
        ("Hafiz Example", "leads", "Example Front", "2019-03-04", "", "Field report 7", "asserted"),
        ("Example Front", "operates_in", "Kabul", "2022", "", "Field report 7", "negated"),
        ("Pakistan", "finances", "Taliban", "1995", "2001", "Analyst notes 2024", "asserted"),
    }
    assert expected <= exported
    quotes = {r["quote"] for r in rows}
    assert "The Taliban gave al-Qaeda leaders houses in Kabul after the takeover." in quotes


def test_exported_csv_imports_back_to_the_same_claims(rich_kb, fresh_kb, tmp_path):
    export(rich_kb, "csv", tmp_path / "a", ExportFilter(status="all"))
    rep = import_file(fresh_kb, "csv", tmp_path / "a")  # a directory: its edges.csv
    assert rep.skipped == [] and rep.unmapped == []
    export(fresh_kb, "csv", tmp_path / "b", ExportFilter(status="all"))
    a = {r["claim_id"]: r for r in read(tmp_path / "a" / "edges.csv")}
    b = {r["claim_id"]: r for r in read(tmp_path / "b" / "edges.csv")}
    assert set(a) == set(b)
    def same(r):  # everything but document ids (a stand-in holds the quotes at the same offsets)
        out = {k: v for k, v in r.items() if k != "doc_id"}
        out["extra_evidence"] = [{k: v for k, v in e.items() if k != "doc_id"}
                                 for e in json.loads(r["extra_evidence"] or "[]")]
        return out

    for cid in a:
        assert same(a[cid]) == same(b[cid])


def test_xlsx_import_of_hand_coded_ties(kb, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["just a title row"])
    other = wb.create_sheet("Ties")
    other.append(["Actor 1", "Relationship", "Actor 2", "Start date", "End date", "Reference", "Excerpt"])
    other.append(["Taliban", "Shelters", "al-Qaeda", dt.datetime(2021, 8, 15), None, "Sheet source", "They host them."])
    other.append(["al-Qaeda", "FUNDS", "Taliban", 1996, 2001, "Sheet source", None])
    other.append(["al-Qaeda", "sings with", "Taliban", None, None, None, None])
    path = tmp_path / "ties.xlsx"
    wb.save(path)
    rep = import_file(kb, "xlsx", path)
    assert rep.claims_new == 2 and [u["value"] for u in rep.unmapped] == ["sings with"]
    got = {(c.predicate, c.valid_from, c.valid_to) for c in kb.claims() if c.extractor == "human"}
    assert got == {("shelters", "2021-08-15", None), ("finances", "1996", "2001")}
    rep = import_file(kb, "xlsx", path, sheet="Ties", dry_run=True)
    assert rep.claims_existing == 2


def test_csv_with_semicolons_and_an_edge_list_header(kb, tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("Source;Target;Type;Reference\nTaliban;al-Qaeda;allied with;Gephi sheet\n", encoding="utf-8")
    rep = import_file(kb, "csv", path)
    assert rep.claims_new == 1
    c = [c for c in kb.claims(predicate="allied_with") if c.extractor == "human"][0]
    assert kb.document(c.evidence[0].doc_id)["source"] == "Gephi sheet"


@pytest.mark.parametrize("header,roles", [
    (["Subject", "Tie", "Object", "From", "To"], {"subject": 0, "predicate": 1, "object": 2, "valid_from": 3,
                                                   "valid_to": 4}),
    (["from", "to", "relation", "date"], {"subject": 0, "object": 1, "predicate": 2, "date": 3}),
    (["source", "target", "predicate", "doc_source"], {"subject": 0, "object": 1, "predicate": 2, "source": 3}),
    (["subject", "predicate", "object", "source"], {"subject": 0, "predicate": 1, "object": 2, "source": 3}),
])
def test_column_names_map_to_roles(header, roles):
    got = map_columns(header)
    assert {k: got[k] for k in roles} == roles


def test_csv_without_the_needed_columns_is_refused_clearly(kb, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("name,age\nA,3\n", encoding="utf-8")
    from andiwali.errors import InteropError

    with pytest.raises(InteropError, match="no column for subject, predicate, object"):
        import_file(kb, "csv", path)


def test_csv_bad_rows_are_skipped_with_reasons(kb, tmp_path):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["subject", "predicate", "object", "valid_from", "subject_kind", "confidence"])
    w.writerow(["Taliban", "shelters", "al-Qaeda", "August 2021", "", ""])
    w.writerow(["Taliban", "shelters", "al-Qaeda", "", "spaceship", ""])
    w.writerow(["Taliban", "shelters", "", "", "", ""])
    w.writerow(["Kabul", "leads", "Taliban", "", "", ""])
    w.writerow(["Taliban", "shelters", "al-Qaeda", "", "", "lots"])
    w.writerow(["Taliban", "shelters", "al-Qaeda", "2021", "", "80%"])
    path = tmp_path / "bad.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    rep = import_file(kb, "csv", path)
    reasons = {s["where"]: s["reason"] for s in rep.skipped}
    assert "not a date" in reasons["row 2"]
    assert "unknown entity kind" in reasons["row 3"]
    assert "no subject or no object" in reasons["row 4"]
    assert "row 5" in reasons
    assert "confidence" in reasons["row 6"]
    ok = [c for c in kb.claims() if c.extractor == "human"]
    assert len(ok) == 1 and ok[0].confidence == 0.8


def test_reimporting_an_edited_sheet_adds_only_the_changed_rows(fresh_kb, tmp_path):
    path = tmp_path / "sheet.csv"
    rows = ["subject,tie,object,source,quote",
            "Taliban,hosts,al-Qaeda,Desk A,They host them.",
            "al-Qaeda,funds,Taliban,Desk A,",
            "al-Qaeda,allied with,Taliban,Desk A,They are allies."]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert import_file(fresh_kb, "csv", path).claims_new == 3
    rows[3] = "al-Qaeda,allied with,Taliban,Desk A,They are close allies."
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rep = import_file(fresh_kb, "csv", path)
    assert rep.claims_new == 1 and rep.claims_existing == 2


def test_rows_of_one_source_count_as_one_report(fresh_kb, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("subject,tie,object,source,quote\n"
                    "Taliban,hosts,al-Qaeda,Desk A,They host them.\n"
                    "Taliban,shelters,al-Qaeda,Desk A,Safe haven given.\n"
                    "Taliban,hosts,al-Qaeda,Desk B,Hosting continues.\n", encoding="utf-8")
    import_file(fresh_kb, "csv", path)
    G = graph_from_kb(fresh_kb)
    (u, v, d), = [(u, v, d) for u, v, d in G.edges(data=True) if d["predicate"] == "shelters"]
    assert d["n_claims"] == 3 and d["n_reports"] == 2 and d["n_sources"] == 2
