import json

import pytest

from andiwali.evaluation import EvalError, evaluate, read_gold
from andiwali.model.names import normalize_name


def _gold(tmp_path, claims, doc="d.txt"):
    p = tmp_path / "gold.jsonl"
    p.write_text(json.dumps({"doc": doc, "claims": claims}) + "\n")
    return p


def _pred(s, p, o, pol="asserted", **kw):
    return {"subject": {"id": None, "name": s}, "predicate": p, "object": {"id": None, "name": o}, "polarity": pol,
            "confidence": kw.pop("confidence", 0.9), **kw}


def test_names_match_through_aliases_and_symmetric_either_order(tmp_path):
    gold = _gold(tmp_path, [
        {"subject": "Taliban", "predicate": "shelters", "object": "al-Qaeda", "polarity": "asserted", "valid_from": "2021-08"},
        {"subject": "al-Qaeda", "predicate": "allied_with", "object": "Taliban", "polarity": "asserted"},
    ])
    preds = {"d.txt": [_pred("Islamic Emirate of Afghanistan", "shelters", "AQ", valid_from="2021-08"),
                       _pred("Taliban", "allied_with", "al-Qaida")]}
    r = evaluate(gold, predictions=preds)
    assert (r["tp"], r["fp"], r["fn"], r["f1"]) == (2, 0, 0, 1.0)
    assert r["time"] == {"accuracy": 1.0, "n": 2}


def test_polarity_direction_optional_and_duplicates(tmp_path):
    gold = _gold(tmp_path, [
        {"subject": "al-Qaeda", "predicate": "operates_in", "object": "Afghanistan", "polarity": "negated", "attributed_to": "Joe Biden"},
        {"subject": "Taliban", "predicate": "shelters", "object": "al-Qaeda", "polarity": "asserted"},
        {"subject": "al-Qaeda", "predicate": "operates_in", "object": "Pakistan", "polarity": "asserted", "optional": True},
    ])
    preds = {"d.txt": [
        _pred("al-Qaeda", "operates_in", "Afghanistan", "asserted"),        # wrong polarity: extra
        _pred("al-Qaeda", "shelters", "Taliban"),                           # wrong direction: extra
        _pred("Taliban", "shelters", "al-Qaeda"),
        _pred("Taliban", "shelters", "al-Qaeda", valid_from="2021"),         # same tie again: duplicate
        _pred("al-Qaeda", "operates_in", "Pakistan"),                        # optional: neutral
        _pred("Taliban", "supports", "al-Qaeda", confidence=0.2),            # below threshold: ignored
    ]}
    r = evaluate(gold, predictions=preds)
    assert (r["tp"], r["fp"], r["fn"], r["duplicates"]) == (1, 2, 1, 1)
    assert r["misses"][0]["polarity"] == "negated"
    assert r["per_predicate"]["shelters"]["fp"] == 1


def test_attribution_scored_over_matches(tmp_path):
    gold = _gold(tmp_path, [{"subject": "al-Qaeda", "predicate": "operates_in", "object": "Afghanistan",
                             "polarity": "negated", "attributed_to": "Joe Biden", "modality": "reported"}])
    r = evaluate(gold, predictions={"d.txt": [_pred("al-Qaeda", "operates_in", "Afghanistan", "negated",
                                                    attributed_to="Biden", modality="fact")]})
    assert r["attribution"] == {"accuracy": 1.0, "n": 1}
    assert r["modality"] == {"accuracy": 0.0, "n": 1}


def test_gold_scored_against_itself_is_perfect(shared_dir):
    gold = shared_dir / "eval" / "seeds.gold.jsonl"
    preds = {}
    for rec in read_gold(gold):
        preds[rec["doc"]] = [
            {**c, "subject": {"id": None, "name": c["subject"]}, "object": {"id": None, "name": c["object"]},
             "valid_from": c.get("valid_from"), "valid_to": c.get("valid_to")}
            for c in rec["claims"] if not c.get("optional")
        ]
    r = evaluate(gold, predictions=preds)
    assert r["f1"] == 1.0 and r["time"]["accuracy"] == 1.0 and r["attribution"]["accuracy"] == 1.0


def test_bad_gold_is_reported(tmp_path):
    p = tmp_path / "g.jsonl"
    p.write_text('{"doc": "x"}\n')
    with pytest.raises(EvalError, match="needs 'doc' and 'claims'"):
        read_gold(p)


def test_a_government_or_its_forces_names_the_state():
    """The ontology's state covers its government and forces: gold written as "the Colombian government"
    matches a claim about Colombia."""
    from andiwali.evaluation import NameKeys
    from andiwali.model.reference import bundled_gazetteer

    gaz = bundled_gazetteer()
    keys = NameKeys(gaz)
    assert keys.key("the Colombian government") == gaz.by_name("Colombia").id
    assert keys.key("Philippine armed forces") == gaz.by_name("Philippines").id
    assert keys.key("Lebanese army") == gaz.by_name("Lebanon").id
    assert keys.key("Quds Force") != gaz.by_name("Iran").id  # an organization of its own stays itself
    assert keys.key("the MPLA government") == "name:" + normalize_name("the MPLA government")
