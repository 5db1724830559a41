"""The bundled reference data: size, the seed names, collisions, extensions, loader errors."""

import json
from pathlib import Path

import pytest

from andiwali.errors import ReferenceDataError
from andiwali.model.names import normalize_name
from andiwali.model.reference import bundled_gazetteer, load_reference, reference_files

# every entity of the v0 seeds file, with its exact canonical name and kind (gold files use them)
SEED_NAMES = {
    "organization": ["al-Qaeda", "Taliban", "al-Qaeda in the Indian Subcontinent", "Turkestan Islamic Party", "Tehrik-e-Taliban Pakistan",
                     "al-Shabaab", "Jama'at Nusrat al-Islam wal-Muslimin", "Hurras al-Din", "al-Qaeda in the Islamic Maghreb",
                     "al-Qaeda in the Arabian Peninsula", "Islamic State Khorasan Province", "Jamaat Ansarullah", "University of Exeter",
                     "New York Times", "Charlie Hebdo"],
    "person": ["Osama bin Laden", "Ayman al-Zawahiri", "Mullah Omar", "Khalid Shaykh Mohammed", "Saif al-Adel", "al-Masri", "al-Rauf",
               "Joe Biden", "Sami Sadat", "Weeda Mehran", "Daniele Garofalo"],
    "state": ["NATO", "Afghan government", "United States", "Afghanistan", "Pakistan", "Sudan", "France", "Tajikistan", "Iran", "Somalia",
              "Yemen", "Saudi Arabia", "Soviet Union"],
    "place": ["Kabul", "northern Afghanistan", "Indian Subcontinent", "Sahel", "Islamic Maghreb", "Arabian Peninsula", "South-East Asia",
              "Middle East", "Central Asia", "former Pakistani tribal areas", "Pensacola"],
    "platform": ["Telegram", "Twitter", "Facebook", "WhatsApp", "Rocket.Chat", "Element", "Hoop"],
}


def test_bundled_data_has_the_field():
    gaz = bundled_gazetteer()
    kinds = {}
    for e in gaz.entities.values():
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    assert kinds["organization"] >= 150
    assert kinds["state"] >= 240  # every ISO 3166-1 country
    assert kinds["person"] >= 80 and kinds["place"] >= 80 and kinds["platform"] >= 20
    assert sum(1 for c in gaz.claims if c.predicate == "leads" and c.valid_from) >= 50


def test_every_seed_entity_keeps_its_name_and_kind():
    gaz = bundled_gazetteer()
    names = {(e.kind, e.name) for e in gaz.entities.values()}
    missing = [(k, n) for k, ns in SEED_NAMES.items() for n in ns if (k, n) not in names]
    assert missing == []


def test_every_alias_cites_a_source():
    gaz = bundled_gazetteer()
    assert all(e.references for e in gaz.entities.values())
    assert [(e.name, a.name) for e in gaz.entities.values() for a in e.aliases if not a.source] == []


def test_list_designations_are_loaded():
    gaz = bundled_gazetteer()
    aq = gaz.by_name("al-Qaeda")
    lists = {d["list"] for d in aq.attributes["designations"]}
    assert {"UN 1267", "US FTO", "US SDN"} <= lists
    assert any(a.script == "Arab" for a in aq.aliases)
    assert gaz.by_name("Haqqani Network").attributes["designations"][0]["number"] == "TAe.012"


def test_renames_are_separate_entities_linked_by_succeeded_by():
    gaz = bundled_gazetteer()
    ids = {n: gaz.by_name(n).id for n in ("GSPC", "AQIM", "al-Qaeda in Iraq", "Islamic State of Iraq", "Islamic State", "Jabhat al-Nusra",
                                          "JFS", "HTS", "Ansar Bayt al-Maqdis", "ISIS-Sinai")}
    links = {(c.subject, c.predicate, c.object) for c in gaz.claims}
    assert (ids["GSPC"], "succeeded_by", ids["AQIM"]) in links
    assert (ids["al-Qaeda in Iraq"], "succeeded_by", ids["Islamic State of Iraq"]) in links
    assert (ids["Islamic State of Iraq"], "succeeded_by", ids["Islamic State"]) in links
    assert (ids["Jabhat al-Nusra"], "succeeded_by", ids["JFS"]) in links
    assert (ids["JFS"], "merged_into", ids["HTS"]) in links
    assert (ids["Ansar Bayt al-Maqdis"], "succeeded_by", ids["ISIS-Sinai"]) in links


def test_states_have_iso_codes_and_places_a_part_of():
    gaz = bundled_gazetteer()
    assert gaz.by_name("Pakistani", "state").attributes["iso"] == "PK"
    assert gaz.by_name("Burma").name == "Myanmar"
    assert gaz.by_name("Idlib").attributes["part_of"] == "Syria"


def test_alias_collisions_are_the_reviewed_list():
    """A new collision is a reviewed change: update expected_collisions.json with care."""
    gaz = bundled_gazetteer()
    got = {k: sorted(v) for k, v in gaz.collisions().items()}
    expected = json.loads((Path(__file__).parent / "expected_collisions.json").read_text(encoding="utf-8"))
    assert got == expected


def test_acronyms_that_are_words_are_marked_ambiguous():
    gaz = bundled_gazetteer()
    for name in ("IS", "HM", "JI", "The Base", "Element", "Hoop"):
        hits = [a for e in gaz.lookup(name) for a in e.aliases if normalize_name(a.name) == normalize_name(name)]
        assert hits and all(a.ambiguous for a in hits), name


def test_reference_files_are_inside_the_package():
    files = reference_files()
    assert len(files) >= 10 and all("andiwali" in str(f) for f in files)


def test_extensions_add_aliases_attributes_and_references(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text(
        "entities:\n  - {name: X Group, kind: organization, aliases: [XG], attributes: {designations: [{list: A}]}, references: [r1]}\n"
        "extensions:\n  - {extends: X Group, kind: organization, aliases: [{name: Ex Group, source: r2}, XG],"
        " attributes: {designations: [{list: B}], region: Sahel}, references: [r2]}\n"
    )
    gaz = load_reference([f])
    e = gaz.by_name("Ex Group")
    assert e.name == "X Group"
    assert [a.name for a in e.aliases] == ["XG", "Ex Group"]
    assert e.attributes == {"designations": [{"list": "A"}, {"list": "B"}], "region": "Sahel"}
    assert e.references == ["r1", "r2"]


@pytest.mark.parametrize(
    "body, message",
    [
        ("extensions:\n  - {extends: Nobody, kind: organization}\n", "extensions[0] (Nobody): extends unknown entity 'Nobody'"),
        ("entities:\n  - {name: X, kind: organization, references: [r]}\nextensions:\n  - {extends: X, colour: red}\n",
         "extensions[0] (X): unknown keys ['colour']"),
        ("entities:\n  - {name: X, kind: organization, aliases: [{name: Y, tone: loud}]}\n", "entities[0] (X).aliases[0]: unknown alias keys"),
        ("entities:\n  - {name: X, kind: organization, start: soon}\n", "entities[0] (X): E100: X: start must be YYYY"),
        ("entitites:\n  - {name: X, kind: organization}\n", "unknown top-level keys ['entitites']"),
        ("entities:\n  - {name: X, kind: organization}\nrelations:\n  - {subject: X, predicate: leads, object: Y}\n",
         "relations[0].object: unknown entity 'Y'"),
    ],
)
def test_loader_errors_name_the_bad_entry(tmp_path, body, message):
    f = tmp_path / "bad.yaml"
    f.write_text(body)
    with pytest.raises(ReferenceDataError) as err:
        load_reference([f])
    assert message in str(err.value)
    assert "bad.yaml" in str(err.value)
