"""`andiwali export` and `andiwali import` through the CLI: outputs, exit codes, clear errors."""

from __future__ import annotations

import json

from interop_kb import FIXTURES, build_rich_kb
from typer.testing import CliRunner

from andiwali.cli import _load_commands, app

_load_commands()
runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_export_jsonl_to_stdout_prints_only_json_lines(tmp_path):
    build_rich_kb(tmp_path / "kb").close()
    res = run("--kb", str(tmp_path / "kb"), "export", "jsonl", "-")
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(recs) == 10 and all(r["evidence"] for r in recs)


def test_export_every_format_with_filters(tmp_path):
    build_rich_kb(tmp_path / "kb").close()
    kb = str(tmp_path / "kb")
    for fmt, out in (("stix", "b.json"), ("gexf", "g.gexf"), ("graphml", "g.graphml"), ("csv", "csvdir"),
                     ("jsonl", "c.jsonl")):
        res = run("--kb", kb, "export", fmt, str(tmp_path / out), "--from", "2021", "--to", "2022",
                  "--min-confidence", "0.6", "--layers", "all", "--json")
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout)["format"] == fmt
    assert (tmp_path / "csvdir" / "edges.csv").exists()
    res = run("--kb", kb, "export", "graphml", str(tmp_path / "at.graphml"), "--at", "2021-08", "--status", "accepted")
    assert res.exit_code == 0, res.output


def test_export_usage_errors_exit_2(tmp_path):
    build_rich_kb(tmp_path / "kb").close()
    kb = str(tmp_path / "kb")
    for args in (("export", "pdf", "x"), ("export", "gexf", "x", "--layers", "gossip"),
                 ("export", "stix", "x", "--at", "August"), ("export", "csv", "-"),
                 ("export", "jsonl", "x", "--status", "maybe"), ("export", "gexf", "x", "--at", "2020",
                                                                  "--from", "2019")):
        res = run("--kb", kb, *args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output


def test_import_dry_run_reports_unmapped_rows_and_writes_nothing(tmp_path):
    kb = str(tmp_path / "kb")
    assert run("--kb", kb, "init").exit_code == 0
    res = run("--kb", kb, "import", "csv", str(FIXTURES / "hand_coded_ties.csv"), "--dry-run")
    assert res.exit_code == 0, res.output
    assert "would import 7 new claims" in res.stdout and "unmapped row 8: 'friends with'" in res.stdout
    res = run("--kb", kb, "import", "csv", str(FIXTURES / "hand_coded_ties.csv"), "--json")
    assert res.exit_code == 3  # some rows could not be mapped; the rest was imported
    rep = json.loads(res.stdout)
    assert rep["claims_new"] == 7 and rep["unmapped"] == [{"where": "row 8", "value": "friends with"}]


def test_import_stix_round_trip_through_the_cli(tmp_path):
    build_rich_kb(tmp_path / "kb").close()
    out = tmp_path / "b.json"
    assert run("--kb", str(tmp_path / "kb"), "export", "stix", str(out)).exit_code == 0
    kb2 = str(tmp_path / "kb2")
    assert run("--kb", kb2, "init", "--no-reference").exit_code == 0
    res = run("--kb", kb2, "--as", "importer", "import", "stix", str(out))
    assert res.exit_code == 0, res.output
    assert "imported 10 new claims" in res.stdout
    from andiwali.store import KnowledgeBase

    k = KnowledgeBase.open(kb2)
    assert any(a["actor"] == "importer" for a in k.audit_log())
    k.close()


def test_import_malformed_file_fails_clearly_without_traceback(tmp_path):
    kb = str(tmp_path / "kb")
    run("--kb", kb, "init", "--no-reference")
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "bundle", "objects": [', encoding="utf-8")
    res = run("--kb", kb, "import", "stix", str(bad))
    assert res.exit_code == 1
    assert "E501" in res.output and "not valid JSON" in res.output and "Traceback" not in res.output
    big = tmp_path / "big.jsonl"
    big.write_text("{}\n" * 100, encoding="utf-8")
    res = run("--kb", kb, "import", "jsonl", str(big), "--max-bytes", "50")
    assert res.exit_code == 1 and "E502" in res.output
    res = run("--kb", kb, "import", "pdf", str(big))
    assert res.exit_code == 2


def test_a_sheet_with_nothing_mappable_fails_but_its_dry_run_lists_every_row(tmp_path):
    kb = str(tmp_path / "kb")
    run("--kb", kb, "init", "--no-reference")
    sheet = tmp_path / "odd.csv"
    sheet.write_text("subject,relation,object\nA,sings with,B\nC,dances with,D\n", encoding="utf-8")
    res = run("--kb", kb, "import", "csv", str(sheet), "--dry-run")
    assert res.exit_code == 0
    assert "unmapped row 2: 'sings with'" in res.stdout and "unmapped row 3: 'dances with'" in res.stdout
    res = run("--kb", kb, "import", "csv", str(sheet))
    assert res.exit_code == 1 and "E505" in res.output and "sings with" in res.output
