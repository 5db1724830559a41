"""STIX 2.1: export validates, ids are stable, the round trip loses nothing, foreign bundles import."""

from __future__ import annotations

import json

import pytest
import stix2
from interop_kb import FIXTURES, claims_as_dicts, entity_summary
from stix2validator import ValidationOptions, validate_string

from andiwali.interop import ExportFilter, export, import_file
from andiwali.interop.stix import bundle_json, stix_id
from andiwali.store import KnowledgeBase


def validate(text: str):
    res = validate_string(text, ValidationOptions(version="2.1"))
    results = getattr(res, "object_results", None) or [res]
    errors = [str(e) for o in results for e in o.errors]
    warnings = [str(w) for o in results for w in o.warnings]
    return res.is_valid, errors, warnings


def objects(text: str) -> list[dict]:
    return json.loads(text)["objects"]


def test_stix_export_passes_the_validator_with_no_errors(rich_kb):
    text = bundle_json(rich_kb, ExportFilter(status="all"))
    ok, errors, warnings = validate(text)
    assert ok and errors == []
    # the only warnings: UUIDv5 ids (deterministic by design) and a URL reference without a hash
    assert all("{103}" in w or "{302}" in w for w in warnings), [w for w in warnings if "{103}" not in w][:5]


def test_stix_export_is_byte_stable(rich_kb, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    export(rich_kb, "stix", a, ExportFilter())
    export(rich_kb, "stix", b, ExportFilter())
    assert a.read_bytes() == b.read_bytes()
    ids = {o["id"] for o in objects(a.read_text())}
    claim = rich_kb.claims()[0]
    assert stix_id("relationship", claim.id) in ids or stix_id("note", claim.id) in ids


def test_stix_library_parses_the_export(rich_kb):
    bundle = stix2.parse(bundle_json(rich_kb, ExportFilter()), allow_custom=True)
    assert bundle.type == "bundle" and len(bundle.objects) > 10


def test_stix_mapping_of_kinds_and_predicates(rich_kb):
    objs = objects(bundle_json(rich_kb, ExportFilter()))
    by_entity = {}
    for o in objs:
        if "x_andiwali_entity_id" in o:
            by_entity.setdefault(o["name"], []).append(o)
    assert by_entity["Taliban"][0]["type"] == "threat-actor"
    assert "AAT" in by_entity["Ansar al-Test"][0]["aliases"]
    assert by_entity["Joe Biden"][0]["type"] == "identity" and by_entity["Joe Biden"][0]["identity_class"] == "individual"
    assert by_entity["Kabul"][0]["type"] == "location" and by_entity["Kabul"][0]["country"] == "AF"
    assert by_entity["Telegram"][0]["type"] == "infrastructure"
    pak = {o["type"]: o for o in by_entity["Pakistan"]}
    assert pak["identity"]["identity_class"] == "organization" and pak["location"]["country"] == "PK"
    rels = {o["x_andiwali_predicate"]: o for o in objs if o["type"] == "relationship"}
    assert rels["attacks"]["relationship_type"] == "targets"
    assert rels["operates_in"]["relationship_type"] == "located-at"
    assert rels["operates_in"]["target_ref"] == pak["location"]["id"]
    assert rels["fights"]["target_ref"] == pak["identity"]["id"]
    assert rels["uses_platform"]["relationship_type"] == "uses"
    assert rels["shelters"]["relationship_type"] == "related-to"
    # valid time: a partial date covers its period; stop_time is the first instant after it
    assert rels["attacks"]["start_time"] == "2021-08-01T00:00:00Z"
    assert rels["attacks"]["stop_time"] == "2021-09-01T00:00:00Z"
    assert rels["shelters"]["confidence"] == 90 and "sheltered al-Qaeda" in rels["shelters"]["description"]
    assert rels["shelters"]["x_andiwali_status"] == "accepted"


def test_stix_negated_and_attributed_claims_become_notes(rich_kb):
    objs = objects(bundle_json(rich_kb, ExportFilter()))
    rel_preds = [o["x_andiwali_predicate"] for o in objs if o["type"] == "relationship"]
    notes = [o for o in objs if o["type"] == "note"]
    negated = [n for n in notes if n.get("x_andiwali_polarity") == "negated"]
    assert len(negated) == 1 and negated[0]["authors"] == ["Joe Biden"]
    assert negated[0]["abstract"] == ("Negated claim: al-Qaeda operates_in Afghanistan does not hold "
                                      "(according to Joe Biden)")
    assert "no longer operates in Afghanistan" in negated[0]["content"]
    # a negated claim is never a relationship a reader could take as asserted
    assert rel_preds.count("operates_in") == 1


def test_stix_reports_reference_what_each_document_supports(rich_kb):
    objs = objects(bundle_json(rich_kb, ExportFilter()))
    reports = [o for o in objs if o["type"] == "report"]
    assert {r["name"] for r in reports} == {"Brief one", "Brief two"}
    one = next(r for r in reports if r["name"] == "Brief one")
    assert one["published"] == "2023-05-01T00:00:00Z"
    assert one["x_andiwali_document"]["grade"] == "B2"
    refs = set(one["object_refs"])
    shelters = next(o for o in objs if o.get("x_andiwali_predicate") == "shelters" and o["type"] == "relationship")
    assert shelters["id"] in refs and shelters["source_ref"] in refs


def test_stix_round_trip_loses_no_claim_alias_time_or_quote(rich_kb, fresh_kb, tmp_path):
    path = tmp_path / "bundle.json"
    export(rich_kb, "stix", path, ExportFilter(status="all"))
    rep = import_file(fresh_kb, "stix", path)
    assert rep.skipped == [] and rep.unmapped == []
    assert claims_as_dicts(fresh_kb) == claims_as_dicts(rich_kb)
    assert entity_summary(fresh_kb) == entity_summary(rich_kb)
    # the documents come back whole (same ids, same text)
    assert {d["id"] for d in fresh_kb.documents()} == {d["id"] for d in rich_kb.documents()}
    # and a second import changes nothing
    again = import_file(fresh_kb, "stix", path)
    assert again.claims_new == 0 and again.claims_existing == len(claims_as_dicts(rich_kb))


def test_stix_round_trip_without_texts_keeps_quotes_offsets_and_times(rich_kb, fresh_kb, tmp_path):
    path = tmp_path / "bundle.json"
    export(rich_kb, "stix", path, ExportFilter(), with_text=False)
    assert not any("x_andiwali_text" in o for o in objects(path.read_text()))
    import_file(fresh_kb, "stix", path)
    a, b = claims_as_dicts(rich_kb, status=None), claims_as_dicts(fresh_kb, status=None)
    assert set(a) == set(b)  # the claim ids survive: they hash the original evidence
    for cid, c in a.items():
        d = b[cid]
        strip = lambda ev: [(e["start"], e["end"], e["quote"]) for e in ev]  # noqa: E731
        assert strip(d["evidence"]) == strip(c["evidence"])
        assert {k: v for k, v in d.items() if k != "evidence"} == {k: v for k, v in c.items() if k != "evidence"}
    for doc in fresh_kb.documents():  # stand-ins quote the originals at the original offsets
        text = fresh_kb.document(doc["id"])["text"]
        for c in fresh_kb.claims(doc_id=doc["id"]):
            for e in c.evidence:
                if e.doc_id == doc["id"]:
                    assert text[e.start:e.end] == e.quote


def test_stix_export_filters(rich_kb):
    at = objects(bundle_json(rich_kb, ExportFilter.make(at="1999")))
    preds = {o["x_andiwali_predicate"] for o in at if o["type"] == "relationship"}
    assert preds == {"finances"}
    geo = objects(bundle_json(rich_kb, ExportFilter.make(layers="geographic")))
    assert {o["x_andiwali_predicate"] for o in geo if "x_andiwali_predicate" in o} == {"operates_in"}


def test_opencti_style_bundle_imports_cleanly(fresh_kb):
    rep = import_file(fresh_kb, "stix", FIXTURES / "opencti_bundle.json")
    assert rep.source == "Example Sahel Watch Desk"
    names = {e["name"]: e["kind"] for e in rep.entities_created}
    assert names["Jama'at Nusrat al-Islam wal-Muslimin"] == "organization"
    assert names["al-Qaeda in the Islamic Maghreb"] == "organization"
    assert names["Iyad Ag Ghaly"] == "person"
    assert names["Mali"] == "state" and names["Sahel"] == "place"
    assert names["Malian Armed Forces"] == "state"
    assert "Government" not in names and "Example Sahel Watch Desk" not in names  # a sector and the author
    # only related-to (no meaning to map) is unmapped; the sector target is skipped with a reason
    assert [u["value"] for u in rep.unmapped] == ["related-to"]
    assert len(rep.skipped) == 1 and "identity" in rep.skipped[0]["reason"]
    assert rep.ignored_types == {"marking-definition": 1, "malware": 1}
    ents = {e.id: e for e in fresh_kb.entities()}
    got = {(ents[c.subject].name, c.predicate, ents[c.object].name, c.polarity): c for c in fresh_kb.claims()}
    jnim = "Jama'at Nusrat al-Islam wal-Muslimin"
    branch = got[(jnim, "branch_of", "al-Qaeda in the Islamic Maghreb", "asserted")]
    assert branch.valid_from == "2017-03-02" and branch.valid_to is None  # OpenCTI's "no stop" sentinel
    assert branch.confidence == 0.75 and branch.reported_at == "2024-03-10"
    assert "Sahara branch" in branch.evidence[0].quote
    member = got[("Iyad Ag Ghaly", "member_of", jnim, "asserted")]
    assert member.valid_from is None and member.valid_to is None  # 1970 / 5138 sentinels are no dates
    assert got[(jnim, "attacks", "Malian Armed Forces", "asserted")].valid_to == "2020-12-31"
    assert (jnim, "based_in", "Mali", "asserted") in got and (jnim, "based_in", "Mali", "negated") in got
    assert (jnim, "attacks", "Sahel", "asserted") in got
    alias_names = {a.name for a in ents[branch.subject].aliases}
    assert {"JNIM", "GSIM"} <= alias_names
    docs = fresh_kb.documents()
    assert {d["source"] for d in docs} == {"Example Sahel Watch Desk"} and all(d["extracted_at"] for d in docs)
    for c in fresh_kb.claims():
        for e in c.evidence:
            assert fresh_kb.document(e.doc_id)["text"][e.start:e.end] == e.quote
    bundle_doc = next(d for d in docs if d["doc_key"] == "stix:bundle--5d1c8f0e-7b0a-4c55-9f3e-2a6f1b9d4e01")
    assert "Tuareg rebellions" in fresh_kb.document(bundle_doc["id"])["text"]  # notes are kept as text


def test_the_next_export_of_the_same_platform_adds_no_duplicate_claims(fresh_kb, tmp_path):
    first = import_file(fresh_kb, "stix", FIXTURES / "opencti_bundle.json")
    data = json.loads((FIXTURES / "opencti_bundle.json").read_text(encoding="utf-8"))
    data["id"] = "bundle--00000000-1111-4222-8333-444444444444"  # a new export: a new bundle id, a new note
    data["objects"].append({"type": "note", "spec_version": "2.1", "id": "note--0f0e0d0c-0b0a-4909-8807-060504030201",
                            "created": "2024-04-01T00:00:00.000Z", "modified": "2024-04-01T00:00:00.000Z",
                            "content": "Second week.", "object_refs": [data["objects"][2]["id"]]})
    path = tmp_path / "week2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    second = import_file(fresh_kb, "stix", path)
    assert second.claims_new == 0 and second.claims_existing == first.claims_new


def test_opencti_bundle_matches_existing_entities_through_aliases(kb):
    rep = import_file(kb, "stix", FIXTURES / "misp_bundle.json")
    assert rep.entities_created == []  # "Tehreek-e-Taliban Pakistan" and Pakistan resolve to the gazetteer
    ttp = kb.find_entities("TTP")[0]
    claims = kb.claims(subject=ttp.id, predicate="attacks")
    assert claims and kb.entity(claims[0].object).name == "Pakistan"
    assert rep.ignored_types == {"indicator": 1}


def test_stix_import_dry_run_writes_nothing(fresh_kb):
    before = fresh_kb.counts()
    rep = import_file(fresh_kb, "stix", FIXTURES / "opencti_bundle.json", dry_run=True)
    assert rep.dry_run and rep.claims_new == 6
    assert fresh_kb.counts() == before


def test_stix_import_never_forges_a_claim_id(rich_kb, fresh_kb, tmp_path):
    data = json.loads(bundle_json(rich_kb, ExportFilter()))
    rel = next(o for o in data["objects"] if o.get("x_andiwali_predicate") == "shelters" and o["type"] == "relationship")
    victim = next(o for o in data["objects"] if o.get("x_andiwali_predicate") == "finances")
    rel["x_andiwali_claim_id"] = victim["x_andiwali_claim_id"]  # claim another claim's identity
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(data))
    rep = import_file(fresh_kb, "stix", path)
    assert victim["x_andiwali_claim_id"] in rep.claim_ids
    assert len(set(rep.claim_ids)) == len(rep.claim_ids)
    shelters = [c for c in fresh_kb.claims() if c.predicate == "shelters"]
    assert shelters and shelters[0].id != victim["x_andiwali_claim_id"]


@pytest.mark.parametrize("status", ["accepted", "pending"])
def test_stix_status_filter(rich_kb, status):
    objs = objects(bundle_json(rich_kb, ExportFilter.make(status=status)))
    statuses = {o["x_andiwali_status"] for o in objs if "x_andiwali_status" in o}
    assert statuses == {status}


@pytest.mark.slow
def test_seed_articles_export_validates_and_round_trips(shared_dir, tmp_path, fresh_kb):
    """The real pipeline's claims (the two seed articles): valid STIX, and nothing lost on the way back."""
    import shutil

    from typer.testing import CliRunner

    from andiwali.cli import _load_commands, app
    from andiwali.store import KnowledgeBase

    _load_commands()
    runner = CliRunner()
    docs = tmp_path / "seeds"
    shutil.copytree(shared_dir / "seeds", docs)
    kbdir = str(tmp_path / "kb")
    for args in (("init",), ("ingest", str(docs), "--source", "seed articles", "--grade", "C3"), ("extract",)):
        res = runner.invoke(app, ["--kb", kbdir, *args], catch_exceptions=False)
        assert res.exit_code == 0, res.output
    kb = KnowledgeBase.open(kbdir)
    filt = ExportFilter.make(status="pending")  # the extracted claims (reference facts are accepted)
    text = bundle_json(kb, filt)
    ok, errors, _warnings = validate(text)
    assert ok and errors == []
    path = tmp_path / "seeds.json"
    path.write_text(text, encoding="utf-8")
    rep = import_file(fresh_kb, "stix", path)
    assert rep.skipped == [] and rep.unmapped == []
    extracted = {c.id: c for c in kb.claims(status="pending")}
    assert len(extracted) >= 20
    back = claims_as_dicts(fresh_kb)
    from andiwali.store import claim_to_dict

    assert back == {cid: claim_to_dict(c) for cid, c in extracted.items()}
    kb.close()


def test_exports_are_byte_stable_across_processes(rich_kb, tmp_path):
    """Hash randomization must not leak into the files (stix2 keeps custom properties in a set)."""
    import os
    import subprocess
    import sys

    script = ("import sys\nfrom andiwali.store import KnowledgeBase\nfrom andiwali.interop import export, ExportFilter\n"
              "kb = KnowledgeBase.open(sys.argv[1])\n"
              "for fmt in ('stix', 'gexf', 'graphml', 'jsonl'):\n"
              "    export(kb, fmt, sys.argv[2] + '.' + fmt, ExportFilter.make(layers='all'))\n")
    outs = []
    for seed in ("1", "2"):
        prefix = str(tmp_path / f"run{seed}")
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-c", script, str(rich_kb.directory), prefix], capture_output=True,
                              text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
        outs.append({fmt: open(f"{prefix}.{fmt}", "rb").read() for fmt in ("stix", "gexf", "graphml", "jsonl")})
    assert outs[0] == outs[1]


def test_imported_entities_are_candidates_unless_curated(fresh_kb, tmp_path):
    import_file(fresh_kb, "stix", FIXTURES / "opencti_bundle.json")
    statuses = {e.name: e.attributes.get("_status") for e in fresh_kb.entities()}
    assert statuses["Iyad Ag Ghaly"] == "candidate"
    assert "Iyad Ag Ghaly" not in {e.name for e in fresh_kb.gazetteer().entities.values()}
    other = KnowledgeBase.create(tmp_path / "other", with_reference=False)
    import_file(other, "stix", FIXTURES / "opencti_bundle.json", curated=True)
    assert {e.attributes.get("_status") for e in other.entities()} == {"curated"}
    other.close()
