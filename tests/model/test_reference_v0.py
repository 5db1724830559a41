import pytest

from andiwali.errors import ReferenceDataError
from andiwali.model.reference import bundled_gazetteer, load_reference


def test_seed_entities_resolve_through_their_aliases():
    gaz = bundled_gazetteer()
    for alias, canonical in [
        ("al-Qaida", "al-Qaeda"), ("Al Qa'ida", "al-Qaeda"), ("AQ", "al-Qaeda"), ("AQC", "al-Qaeda"),
        ("ISIS-K", "Islamic State Khorasan Province"), ("Islamic State Korasan Province", "Islamic State Khorasan Province"),
        ("Tehreek Taliban Pakistan", "Tehrik-e-Taliban Pakistan"), ("TTP", "Tehrik-e-Taliban Pakistan"),
        ("Islamic Emirate of Afghanistan", "Taliban"),
    ]:
        ent = gaz.by_name(alias)
        assert ent is not None and ent.name == canonical, alias


def test_every_seed_gold_name_is_in_the_reference_data(shared_dir):
    import json

    gaz = bundled_gazetteer()
    names = set()
    for line in (shared_dir / "eval" / "seeds.gold.jsonl").read_text().splitlines():
        for c in json.loads(line)["claims"]:
            names.update(n for n in (c["subject"], c["object"], c.get("attributed_to")) if n)
    missing = sorted(n for n in names if gaz.by_name(n) is None)
    assert missing == []


def test_reference_entries_cite_sources():
    gaz = bundled_gazetteer()
    assert all(e.references for e in gaz.entities.values())


@pytest.mark.parametrize(
    "body, message",
    [
        ("entities:\n  - {name: X, kind: ghost, references: [r]}\n", "entities[0] (X)"),
        ("entities:\n  - {name: X, kind: organization, colour: red}\n", "unknown keys ['colour']"),
        ("entities:\n  - {name: X, kind: organization}\n  - {name: X, kind: organization}\n", "duplicate organization 'X'"),
        ("entities:\n  - {name: X, kind: organization, parent: Nowhere}\n", "unknown entity 'Nowhere'"),
        ("entities:\n  - {name: X, kind: organization}\n  - {name: Y, kind: place}\nrelations:\n  - {subject: Y, predicate: leads, object: X}\n",
         "leads does not allow place 'Y'"),
        ("entities:\n  - {name: X, kind: organization}\nrelations:\n  - {subject: X, predicate: hugs, object: X}\n",
         "unknown predicate 'hugs'"),
    ],
)
def test_broken_reference_data_names_the_entry(tmp_path, body, message):
    f = tmp_path / "bad.yaml"
    f.write_text(body)
    with pytest.raises(ReferenceDataError) as err:
        load_reference([f])
    assert message in str(err.value)
