"""Imports are untrusted: random bytes and random JSON never crash them, only InteropError; sizes are capped."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from andiwali.errors import InteropError
from andiwali.interop import IMPORTERS, import_file, import_formats
from andiwali.store import KnowledgeBase

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                             HealthCheck.too_slow])

json_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | \
    st.text(max_size=30)
json_values = st.recursive(json_scalars, lambda kids: st.lists(kids, max_size=5) |
                           st.dictionaries(st.text(max_size=12), kids, max_size=5), max_leaves=25)
STIX_TYPES = ["threat-actor", "intrusion-set", "identity", "location", "relationship", "report", "note", "opinion",
              "infrastructure", "tool", "malware", "grouping"]
KEYS = ["name", "aliases", "identity_class", "sectors", "country", "region", "relationship_type", "source_ref",
        "target_ref", "start_time", "stop_time", "confidence", "description", "object_refs", "published",
        "opinion", "authors", "content", "x_andiwali_entity_id", "x_andiwali_kind", "x_andiwali_aliases",
        "x_andiwali_claim_id", "x_andiwali_predicate", "x_andiwali_evidence", "x_andiwali_valid_from",
        "x_andiwali_polarity", "x_andiwali_text", "x_andiwali_document", "created_by_ref", "resource_level"]


@st.composite
def stix_like(draw):
    """Bundles that look like STIX: real types and property names, random values, refs between objects."""
    n = draw(st.integers(0, 8))
    ids = [f"{draw(st.sampled_from(STIX_TYPES))}--00000000-0000-4000-8000-{i:012d}" for i in range(n)]
    ref = st.sampled_from(ids) if ids else st.just("x")
    value = json_values | ref | st.lists(ref, max_size=3) | st.sampled_from(
        ["part-of", "targets", "located-at", "uses", "related-to", "shelters", "individual", "organization",
         "2021-08-01T00:00:00Z", "5138-11-16T09:46:40.000Z", "disagree", "ent_0123456789abcdef", "finances"])
    objs = []
    for sid in ids:
        props = draw(st.dictionaries(st.sampled_from(KEYS), value, max_size=8))
        objs.append({"type": sid.split("--")[0], "id": sid, **props})
    return {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": objs}


import_formats()  # registers the importers


@pytest.fixture(scope="module")
def hostile_kb(tmp_path_factory):
    kb = KnowledgeBase.create(tmp_path_factory.mktemp("hostile") / "kb", with_reference=False)
    yield kb
    kb.close()


def survives(kb, fmt: str, data: bytes, **kw) -> None:
    """The importer itself (not import_file, whose last-resort guard would hide a bug) raises only InteropError."""
    try:
        IMPORTERS[fmt].func(kb, data, **kw)
    except InteropError as exc:
        assert exc.code.startswith("E5") and str(exc)


@SETTINGS
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash_any_importer(hostile_kb, data):
    for fmt in ("stix", "csv", "jsonl", "xlsx"):
        survives(hostile_kb, fmt, data, dry_run=True)


@SETTINGS
@given(value=json_values)
def test_random_json_never_crashes_the_json_importers(hostile_kb, value):
    data = json.dumps(value).encode()
    survives(hostile_kb, "stix", data, dry_run=True)
    survives(hostile_kb, "jsonl", data, dry_run=True)


@SETTINGS
@given(bundle=stix_like())
def test_stix_shaped_garbage_never_crashes_the_stix_importer(hostile_kb, bundle):
    survives(hostile_kb, "stix", json.dumps(bundle).encode())


@SETTINGS
@given(rows=st.lists(st.lists(st.text(max_size=20) | st.sampled_from(
    ["Taliban", "al-Qaeda", "funds", "at war with", "2021-13", "2021", "person", "negated", "ent_0123456789abcdef",
     "'=1+1", "leader of", "Kabul"]), min_size=0, max_size=8), max_size=8))
def test_csv_shaped_garbage_never_crashes_the_csv_importer(hostile_kb, rows):
    buf = io.StringIO()
    import csv

    w = csv.writer(buf)
    w.writerow(["subject", "predicate", "object", "valid_from", "valid_to", "subject_kind", "polarity", "quote"])
    for r in rows:
        w.writerow(r)
    survives(hostile_kb, "csv", buf.getvalue().encode())


@SETTINGS
@given(lines=st.lists(json_values | st.fixed_dictionaries(
    {"subject": json_values | st.sampled_from(["Taliban", {"name": "X", "kind": "person"}]),
     "predicate": json_values | st.sampled_from(["shelters", "funds", "leads"]),
     "object": json_values | st.sampled_from(["al-Qaeda", "Kabul"])},
    optional={"evidence": json_values, "valid_from": json_values, "confidence": json_values,
              "id": st.just("clm_0123456789abcdef"), "attributed_to": json_values}), max_size=6))
def test_jsonl_shaped_garbage_never_crashes_the_jsonl_importer(hostile_kb, lines):
    survives(hostile_kb, "jsonl", "\n".join(json.dumps(x) for x in lines).encode())


def test_deeply_nested_json_is_refused(hostile_kb):
    with pytest.raises(InteropError, match="E501"):
        import_file(hostile_kb, "stix", b"[" * 200_000 + b"]" * 200_000)
    rep = import_file(hostile_kb, "jsonl", b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b'\n'
                      b'{"subject": "A", "predicate": "funds", "object": "B"}\n', dry_run=True)
    assert rep.skipped and "not valid JSON" in rep.skipped[0]["reason"]


def test_size_limits(hostile_kb, tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"subject,predicate,object\n" + b"a,funds,b\n" * 1000)
    with pytest.raises(InteropError, match="E502"):
        import_file(hostile_kb, "csv", big, max_bytes=1000)
    huge_cell = b"subject,predicate,object,quote\nA,funds,B," + b"x" * 300_000 + b"\n"
    with pytest.raises(InteropError, match="E501"):
        import_file(hostile_kb, "csv", huge_cell)


def test_xlsx_zip_bomb_is_refused(hostile_kb):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * 5_000_000)
    with pytest.raises(InteropError, match="E502"):
        import_file(hostile_kb, "xlsx", buf.getvalue())
    with pytest.raises(InteropError, match="E501"):
        import_file(hostile_kb, "xlsx", b"PK\x03\x04 not really a zip")


def test_text_that_is_not_utf8_is_refused(hostile_kb):
    with pytest.raises(InteropError, match="UTF-8"):
        import_file(hostile_kb, "csv", "subject,predicate,object\nAl-Qā'ida,funds,X\n".encode("latin-1",
                                                                                              "replace") + b"\xff")
    rep = import_file(hostile_kb, "csv", "subject,predicate,object\nA,funds,B\n".encode("utf-16"), dry_run=True)
    assert rep.claims_new == 1


def test_stix_objects_with_forged_ids_or_types_are_skipped(hostile_kb):
    bundle = {"type": "bundle", "objects": [
        {"type": "threat-actor", "id": "identity--00000000-0000-4000-8000-000000000001", "name": "Spoof"},
        {"type": "threat-actor", "id": "threat-actor--00000000-0000-4000-8000-000000000002", "name": "Real"},
        {"type": "threat-actor", "id": "threat-actor--00000000-0000-4000-8000-000000000002", "name": "Dup"},
        "a string", {"id": 3},
    ]}
    rep = import_file(hostile_kb, "stix", json.dumps(bundle).encode(), dry_run=True)
    assert [e["name"] for e in rep.entities_created] == ["Real"]
    assert len(rep.skipped) == 4


@pytest.mark.parametrize("fmt,data", [
    ("stix", {"type": "bundle", "objects": [{"type": "relationship", "id": "relationship--1", "source_ref": [],
                                              "relationship_type": "part-of"}]}),
    ("stix", {"type": "bundle", "objects": [{"type": "threat-actor", "id": "threat-actor--1", "name": ["x"],
                                              "x_andiwali_kind": {"a": 1}, "aliases": "AQ"}]}),
    ("jsonl", {"subject": {"name": "A", "kind": ["organization"]}, "predicate": "funds", "object": "B"}),
    ("jsonl", {"subject": "A", "predicate": "funds", "object": "B", "evidence": [{"quote": 5}]}),
])
def test_found_by_fuzzing_wrong_json_types_are_reported(hostile_kb, fmt, data):
    survives(hostile_kb, fmt, json.dumps(data).encode())
