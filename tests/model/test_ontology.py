import copy

import pytest
import yaml

from andiwali.model.ontology import OntologyError, load_ontology_file, ontology, parse_ontology


def _raw():
    from importlib import resources

    return yaml.safe_load((resources.files("andiwali.model") / "data" / "ontology.yaml").read_text())


def test_bundled_ontology_has_the_24_predicates_and_5_kinds():
    onto = ontology()
    assert len(onto.predicates) == 24
    assert set(onto.entity_kinds) == {"organization", "person", "state", "place", "platform"}
    assert onto.predicates["allied_with"].symmetric and onto.predicates["allied_with"].sign == 1
    assert onto.predicates["fights"].sign == -1 and onto.predicates["fights"].layer == "hostility"
    assert onto.predicates["negotiates_with"].sign == 0
    assert onto.predicates["operates_in"].allows("organization", "state")
    assert not onto.predicates["uses_platform"].allows("organization", "state")


def test_ontology_matches_shared_table(shared_dir):
    """Every predicate row of shared/ontology.md is in the data with the same sym/sign/layer."""
    text = (shared_dir / "ontology.md").read_text()
    rows = [line.split("|")[1:-1] for line in text.splitlines() if line.startswith("| `")]
    preds = {r[0].strip().strip("`"): r for r in rows if len(r) == 6}
    onto = ontology()
    assert set(preds) == set(onto.predicates)
    for name, (_, sym, sign, layer, _, _) in preds.items():
        p = onto.predicates[name]
        assert p.symmetric == (sym.strip() == "yes"), name
        assert p.sign == {"+": 1, "-": -1, "0": 0}[sign.strip()], name
        assert p.layer == layer.strip(), name


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["predicates"]["fights"].update(sign=2), "predicates.fights.sign"),
        (lambda d: d["predicates"]["leads"].update(layer="nowhere"), "predicates.leads.layer: unknown layer 'nowhere'"),
        (lambda d: d["predicates"]["trains"].update(subject=["robot"]), "predicates.trains.subject: unknown entity kind 'robot'"),
        (lambda d: d["predicates"]["shelters"].pop("meaning"), "predicates.shelters: missing meaning"),
        (lambda d: d["predicates"]["attacks"].update(colour="red"), "predicates.attacks: unknown keys colour"),
        (lambda d: d.pop("layers"), "missing top-level key 'layers'"),
        (lambda d: d["predicates"]["rival_of"].update(object=["person"]), "predicates.rival_of: a symmetric predicate"),
    ],
)
def test_broken_ontology_names_the_bad_entry(mutate, message):
    data = copy.deepcopy(_raw())
    mutate(data)
    with pytest.raises(OntologyError) as err:
        parse_ontology(data, "test.yaml")
    assert message in str(err.value)
    assert str(err.value).startswith("E101")


def test_invalid_yaml_file_is_reported(tmp_path):
    bad = tmp_path / "o.yaml"
    bad.write_text("predicates: [unclosed")
    with pytest.raises(OntologyError, match="not valid YAML"):
        load_ontology_file(bad)
