"""Discovery of organizations the gazetteer does not know (andiwali.extract.discovery).

The sentences are our own, with invented group names, in mixed case and in lower
case; the last test measures the patterns on MUC-4 dev (../shared, skipped when absent).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from andiwali.extract.discovery import Discovered, discover_organizations, is_state_phrase

ROOT = Path(__file__).resolve().parents[2]


def names(text: str, **kw) -> set[str]:
    return {d.name.lower() for d in discover_organizations(text, **kw)}


def by_surface(text: str) -> dict[str, Discovered]:
    return {text[d.start : d.end].lower(): d for d in discover_organizations(text)}


# ------------------------------------------------------------------ group nouns
@pytest.mark.parametrize("text", [
    "The Xyz People's Liberation Front (XPLF) claimed the attack on the depot.",
    "the xyz people's liberation front (xplf) claimed the attack on the depot.",
])
def test_group_noun_with_acronym_definition(text):
    found = discover_organizations(text)
    long = [d for d in found if d.name.lower() == "xyz people's liberation front"]
    assert long and long[0].aliases[0].lower() == "xplf"
    assert long[0].kind == "organization" and long[0].evidence == "group-noun"
    assert text[long[0].start : long[0].end].lower() == "xyz people's liberation front"


@pytest.mark.parametrize("text", [
    "Yesterday the Qorvian Popular Liberation Army ambushed a convoy near Tarsk.",
    "yesterday the qorvian popular liberation army ambushed a convoy near tarsk.",
])
def test_nationality_and_ideology_modifiers(text):
    assert names(text) == {"qorvian popular liberation army"}


def test_of_complement_is_part_of_the_name():
    assert "army of national redemption" in names("fighters of the army of national redemption crossed the river.")
    assert "revolutionary armed forces of zembla" in names("the revolutionary armed forces of zembla raided a farm.")
    assert "movement of the revolutionary left" in names("a cell of the movement of the revolutionary left was caught.")


def test_proper_name_modifiers_in_lower_case():
    assert "karvo tellin patriotic front" in names("police blamed the karvo tellin patriotic front for the blast.")
    assert "bravo nine movement" not in names("the bravo nine movement")  # numbers are not names
    assert "orvel drug cartel" in names("gunmen of the orvel drug cartel shot a judge.") or "orvel cartel" in names(
        "gunmen of the orvel cartel shot a judge.")


def test_date_names():
    assert "12 march movement" in names("the 12 march movement said it would keep fighting.")


def test_descriptors_are_not_part_of_the_name():
    found = names("the leftist so-called qorvian workers' revolutionary party issued a statement.")
    assert found == {"qorvian workers' revolutionary party"}
    assert names("the maoist tarsk liberation front attacked.") == {"tarsk liberation front"}


def test_head_initial_and_jihadist_patterns():
    text = "Fighters of Lashkar-e-Qorab and Jaish-e-Zubair attacked. Ansar al-Kitab pledged loyalty."
    assert {"lashkar-e-qorab", "jaish-e-zubair", "ansar al-kitab"} <= names(text)
    low = "the islamic state zantar province and al-qaeda in the northern plains both claimed it."
    assert {"islamic state zantar province", "al-qaeda in the northern plains"} <= names(low)
    assert {"islamic state zantar province", "al-qaeda in the northern plains"} <= names(
        "The Islamic State Zantar Province and al-Qaeda in the Northern Plains both claimed it.")


# ------------------------------------------------------------------ acronyms
def test_acronym_occurrences_carry_the_long_name():
    text = "the mlqz (movement for the liberation of qorvia) said so. later, guerrillas of the mlqz attacked."
    found = [d for d in discover_organizations(text) if text[d.start : d.end] == "mlqz"]
    assert len(found) == 2
    assert all(d.name == "movement for the liberation of qorvia" and d.aliases == ("mlqz",) for d in found)


def test_acronyms_with_cue_words():
    text = "the trkz rebels attacked a post; the bzq urban commandos bombed a bank."
    assert {"trkz", "bzq"} <= names(text)
    assert names("guerrillas of the vrnk burned a truck.") == {"vrnk"}
    assert names("later the fbx claimed responsibility for the bombing.") == {"fbx"}


def test_common_words_next_to_cue_words_are_not_acronyms():
    text = "crew members said the top leaders met. the army troops and police members left. two guerrillas died."
    assert names(text) == set()


def test_mixed_case_acronyms_need_capitals():
    assert names("The TRKZ rebels attacked.") == {"trkz"}
    assert names("The trkz rebels attacked.") == set()


def test_initials_of_a_translated_name():
    # the acronym keeps the letters of the original-language name in another order
    text = "the zembla national revolutionary unity (urnz) denied it."
    d = by_surface(text)["zembla national revolutionary unity"]
    assert d.aliases == ("urnz",)


# ------------------------------------------------------------------ quoted names, appositions, claims
def test_quoted_name_next_to_group_word():
    assert names('members of the "black condor" group attacked a bus.') == {"black condor"}
    assert names('the so-called "mini-deals" worry the police.') == set()


def test_apposition_and_repeats():
    text = "the tarkanians, a qorvian smuggling group, sent a letter. police said the tarkanians paid."
    found = [d for d in discover_organizations(text) if d.name == "tarkanians"]
    assert len(found) == 2 and {d.evidence for d in found} == {"apposition", "repeat"}


def test_responsibility_claim():
    assert "silver falcons" in names("the silver falcons claimed responsibility for the murder.")
    assert names("the guerrillas claimed responsibility for the murder.") == set()


# ------------------------------------------------------------------ filters
@pytest.mark.parametrize("text", [
    "The army and the armed forces and security forces met the national police.",
    "the army and the armed forces and security forces met the national police.",
    "The government said the party and a group of men were there.",
    "the government said the party and a group of students were there.",
    "death squads killed him near the 4th infantry brigade.",
    "the salvadoran army and the qorvian armed forces of the republic clashed with the national guard.",
    "The Soviet Union and the European Union met. A liberation front was mentioned.",
    "the bomb exploded in front of the ministry.",
    "business groups and support groups asked for talks with rebel movements.",
    "a strategic alliance and a coherent party, said the labor union.",
])
def test_generic_phrases_and_state_organs_are_not_discovered(text):
    assert names(text) == set()


def test_named_death_squad():
    assert names("the ramon vilas death squad left a note.") == {"ramon vilas death squad"}


def test_state_phrase():
    for s in ["armed forces", "the salvadoran army", "6th infantry brigade", "national police", "colombian government",
              "treasury police", "air force", "armed forces of colombia"]:
        assert is_state_phrase(s), s
    for s in ["revolutionary armed forces of colombia", "people's revolutionary army", "army of national liberation",
              "tarsk liberation front", "fmln"]:
        assert not is_state_phrase(s), s


def test_known_names_are_left_to_the_gazetteer():
    text = "the xyz people's liberation front (xplf) and the tarsk liberation front attacked."
    found = names(text, known=lambda n: n.lower() == "tarsk liberation front")
    assert found == {"xyz people's liberation front"}


def test_known_that_raises_does_not_break_discovery():
    def boom(name: str) -> bool:
        raise RuntimeError("lookup failed")

    assert names("the tarsk liberation front attacked.", known=boom) == {"tarsk liberation front"}


def test_spans_are_sorted_disjoint_and_point_into_the_text():
    text = ("The Tarsk Liberation Front (TLF) and the Qorvian Popular Army clashed. TLF fighters said the "
            "\"Red Dawn\" group helped.\n\nthe tlf later denied it.")
    found = discover_organizations(text)
    assert found
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start
    for d in found:
        assert 0 <= d.start < d.end <= len(text) and text[d.start : d.end].strip()
        assert 0 < d.confidence <= 1 and d.kind == "organization" and d.evidence


@pytest.mark.parametrize("text", ["", "   ", "(", '"', "((((", "the " * 50, "front " * 30, "\u200b\u0000x (y)",
                                  "Жёлтый фронт (ЖФ)", "al- al- al-", "a (bc) (de) (fgh)"])
def test_hostile_or_degenerate_input(text):
    found = discover_organizations(text)
    assert isinstance(found, list)


def test_long_text_is_linear_enough():
    # no wall-clock assertion: a long repetitive text must simply finish and give sane output
    text = "the tarsk liberation front (tlf) attacked a post. tlf rebels withdrew. " * 2000
    found = discover_organizations(text)
    assert {d.name for d in found} == {"tarsk liberation front"}


# ------------------------------------------------------------------ MUC-4 dev
def _bench():
    spec = importlib.util.spec_from_file_location("andiwali_bench_discovery", ROOT / "bench" / "discovery.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def test_muc4_dev_precision_and_recall(shared_dir):
    path = shared_dir / "eval" / "muc4" / "dev.jsonl"
    if not path.exists():
        pytest.skip("../shared/eval/muc4/dev.jsonl is missing")
    res = _bench().evaluate(path)
    # measured 0.247 / 0.549 / 0.917 / 0.632 (see docs/discovery.md); floors a little below
    assert res["precision"] >= 0.21, res["precision"]
    assert res["recall"] >= 0.50, res["recall"]
    assert res["recall_non_state"] >= 0.85, res["recall_non_state"]
    assert res["precision_lenient"] >= 0.58, res["precision_lenient"]
