"""JSON Lines: the `claims --json` shape with evidence, and a round trip."""

from __future__ import annotations

import json

from interop_kb import DOC1, claims_as_dicts

from andiwali.interop import ExportFilter, export, import_file

CLAIM_KEYS = {"id", "subject", "predicate", "object", "polarity", "modality", "attributed_to", "valid_from",
              "valid_to", "reported_at", "confidence", "extractor", "status", "undated", "qualifiers", "evidence",
              "reviewed_by", "reviewed_at", "attributed_to_entity"}


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_jsonl_export_has_one_object_per_claim_with_evidence(rich_kb, tmp_path):
    out = tmp_path / "c.jsonl"
    export(rich_kb, "jsonl", out, ExportFilter())
    recs = lines(out)
    assert len(recs) == len(rich_kb.claims())  # all but rejected, as `claims --json`
    for r in recs:
        assert set(r) == CLAIM_KEYS
        assert set(r["subject"]) == {"id", "name", "kind"} and set(r["object"]) == {"id", "name", "kind"}
        for e in r["evidence"]:
            assert {"doc_id", "start", "end", "quote", "page", "document"} <= set(e)
    neg = next(r for r in recs if r["polarity"] == "negated")
    assert neg["attributed_to"] == "Joe Biden" and neg["attributed_to_entity"]["kind"] == "person"
    ev = neg["evidence"][0]
    assert DOC1[ev["start"]:ev["end"]] == ev["quote"]
    assert ev["document"]["title"] == "Brief one" and ev["document"]["grade"] == "B2"


def test_jsonl_round_trip_into_an_empty_knowledge_base(rich_kb, fresh_kb, tmp_path):
    out = tmp_path / "c.jsonl"
    export(rich_kb, "jsonl", out, ExportFilter(status="all"))
    rep = import_file(fresh_kb, "jsonl", out)
    assert rep.skipped == [] and rep.unmapped == []
    a, b = claims_as_dicts(rich_kb), claims_as_dicts(fresh_kb)
    assert set(a) == set(b)
    for cid in a:
        ea = [(e["start"], e["end"], e["quote"]) for e in a[cid]["evidence"]]
        eb = [(e["start"], e["end"], e["quote"]) for e in b[cid]["evidence"]]
        assert ea == eb
        assert {k: v for k, v in a[cid].items() if k != "evidence"} == {k: v for k, v in b[cid].items()
                                                                          if k != "evidence"}
    # the stand-in documents keep the source and its grade, so tie strength is the same
    grades = {(d["source"], d["reliability"] + d["credibility"]) for d in fresh_kb.documents()}
    assert ("Test Monitor", "B2") in grades
    # export again: the same lines but for document ids
    out2 = tmp_path / "c2.jsonl"
    export(fresh_kb, "jsonl", out2, ExportFilter(status="all"))

    def strip(r):
        r = dict(r)
        r["evidence"] = [{k: v for k, v in e.items() if k not in ("doc_id", "document")} for e in r["evidence"]]
        return r

    assert sorted(map(json.dumps, map(strip, lines(out)))) == sorted(map(json.dumps, map(strip, lines(out2))))


def test_jsonl_reimport_into_the_same_knowledge_base_changes_nothing(rich_kb, tmp_path):
    out = tmp_path / "c.jsonl"
    export(rich_kb, "jsonl", out, ExportFilter())
    before = rich_kb.counts()
    rep = import_file(rich_kb, "jsonl", out)
    assert rep.claims_new == 0 and rep.claims_existing == len(rich_kb.claims())
    after = rich_kb.counts()
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}


def test_jsonl_import_takes_a_claims_json_list_and_names(kb, tmp_path):
    data = [{"subject": "Taliban", "predicate": "hosts", "object": "AQ", "valid_from": "2021-08",
             "evidence": [{"quote": "The Taliban hosts AQ."}]},
            {"subject": {"name": "New Group", "kind": "organization"}, "predicate": "pledged allegiance",
             "object": "al-Qaeda"},
            {"subject": "Taliban", "predicate": "likes", "object": "al-Qaeda"}]
    path = tmp_path / "list.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    rep = import_file(kb, "jsonl", path)
    assert rep.claims_new == 2 and [u["value"] for u in rep.unmapped] == ["likes"]
    tal = kb.find_entities("Taliban")[0]
    shelter = [c for c in kb.claims(subject=tal.id, predicate="shelters") if c.extractor == "import:jsonl"]
    assert shelter and shelter[0].evidence[0].quote == "The Taliban hosts AQ." and shelter[0].valid_from == "2021-08"
    assert [e["name"] for e in rep.entities_created] == ["New Group"]


def test_jsonl_bad_lines_are_skipped_and_named(kb, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"subject": "Taliban", "predicate": "shelters", "object": "al-Qaeda"}\n'
                    "not json\n"
                    "[1, 2]\n"
                    '{"subject": "Taliban", "predicate": "shelters", "object": "al-Qaeda", "valid_from": "soon"}\n'
                    '{"subject": "Taliban", "predicate": "shelters", "object": "al-Qaeda", "polarity": "maybe"}\n',
                    encoding="utf-8")
    rep = import_file(kb, "jsonl", path)
    reasons = {s["where"]: s["reason"] for s in rep.skipped}
    assert set(reasons) == {"line 2", "line 3", "line 4", "line 5"}
    assert "not valid JSON" in reasons["line 2"] and "polarity" in reasons["line 5"]
    assert rep.claims_new == 1


def test_export_bytes_for_downloads(rich_kb):
    import io
    import zipfile

    from andiwali.interop import export_bytes

    data, name = export_bytes(rich_kb, "jsonl")
    assert name == "andiwali.jsonl" and len(data.splitlines()) == len(rich_kb.claims())
    data, name = export_bytes(rich_kb, "csv")
    assert name == "andiwali-csv.zip"
    assert sorted(zipfile.ZipFile(io.BytesIO(data)).namelist()) == ["edges.csv", "edges_aggregated.csv", "nodes.csv"]
    data, name = export_bytes(rich_kb, "stix")
    assert name == "andiwali.json" and data.startswith(b'{\n "type": "bundle"')


def test_extract_contract_lines_import_with_their_file_as_document(kb):
    line = {"doc": "notes/brief.txt", "subject": {"id": "x", "name": "Taliban", "kind": "organization",
                                                  "mention": {"text": "Taliban", "start": 4, "end": 11}},
            "predicate": "shelters", "object": {"id": "y", "name": "al-Qaeda", "kind": "organization",
                                                "mention": {"text": "al-Qaeda", "start": 24, "end": 32}},
            "polarity": "asserted", "modality": "fact", "attributed_to": None, "valid_from": "2021-08",
            "valid_to": None, "confidence": 0.8, "evidence": {"start": 0, "end": 35,
                                                               "quote": "The Taliban has sheltered al-Qaeda."}}
    rep = import_file(kb, "jsonl", json.dumps(line).encode())
    assert rep.claims_new == 1
    c = kb.claim(rep.claim_ids[0])
    doc = kb.document(c.evidence[0].doc_id)
    assert doc["title"] == "notes/brief.txt" and doc["text"][c.evidence[0].start:c.evidence[0].end] == "The Taliban has sheltered al-Qaeda."
