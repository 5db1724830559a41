"""Mention matching: folding, exact-case acronyms, context for ambiguous names, learned acronyms, fuzzy, discovery, coreference."""

from __future__ import annotations

from andiwali.extract.rules import run_pipeline
from andiwali.model import Document


def mentions(gaz, text, **opts):
    ctx = run_pipeline(Document(text=text, key="t"), gaz, parser=False, **opts)
    return ctx, [(m.text, [(ctx.entity(e).name) for e in m.entity_ids], m.how) for m in ctx.mentions]


def names(ms):
    return [n for _t, ns, _h in ms for n in ns]


def test_match_ignores_case_diacritics_hyphens_apostrophes(gaz):
    _, ms = mentions(gaz, "AL-QAIDA, al Qa’ida, Al Qaeda and al-Qāʿida are one group.")
    assert names(ms).count("al-Qaeda") == 4


def test_mention_offsets_point_into_the_text(gaz):
    text = "Reports say  the  Taliban sheltered al-Qaida’s leaders."
    ctx, _ = mentions(gaz, text)
    for m in ctx.mentions:
        assert text[m.start : m.end] == m.text
    assert any(m.text == "al-Qaida" for m in ctx.mentions)


def test_acronym_needs_exact_case(gaz):
    _, ms = mentions(gaz, "The hts of this report; HTS is a group.")
    assert [t for t, _n, _h in ms if "Tahrir" in _n[0]] == ["HTS"]


def test_ambiguous_alias_needs_context(gaz):
    _, ms = mentions(gaz, "IS the word here a verb? The element of surprise matters.")
    assert "Islamic State" not in names(ms)
    assert "Element" not in names(ms)
    _, ms = mentions(gaz, "The group posts on Telegram, Element and other apps.")
    assert "Element" in names(ms)


def test_acronym_definition_learned_from_document(gaz):
    ctx, ms = mentions(gaz, "The Free Syrian Army (FSA) is a coalition. Later the FSA split.")
    fsa = [n for t, n, h in ms if t == "FSA"]
    assert fsa and all(n == ["Free Syrian Army"] for n in fsa)
    assert any(e.name == "Free Syrian Army" and e.origin == "discovered" for e in ctx.entities.values())


def test_known_acronym_defined_with_another_spelling(gaz):
    _, ms = mentions(gaz, "Fighters of Tehreek-i-Taliban Pakistan (TTP) crossed the border.")
    assert ("Tehreek-i-Taliban Pakistan", ["Tehrik-e-Taliban Pakistan"], "gazetteer") in ms


def test_fuzzy_matches_a_misspelled_name(gaz):
    _, ms = mentions(gaz, "Fighters of the Islamic State Khorsan Provence were seen.")
    assert "Islamic State Khorasan Province" in names(ms)


def test_discovers_groups_outside_the_gazetteer(gaz):
    ctx, ms = mentions(gaz, "The Ansar al-Furqan Brigade and the Jaish al-Izza Movement were active.")
    found = {e.name for e in ctx.entities.values()}
    assert "Ansar al-Furqan Brigade" in found
    assert "Jaish al-Izza Movement" in found


def test_discovery_off_finds_nothing_new(gaz):
    ctx, _ = mentions(gaz, "The Ansar al-Furqan Brigade was active.", discover=False)
    assert not ctx.entities


def test_coreference_the_group_and_pronouns(gaz):
    ctx, ms = mentions(gaz, "Boko Haram grew in Nigeria. The group later split, and its fighters fled.")
    coref = {t: n for t, n, h in ms if h == "coref"}
    assert coref["The group"] == ["Boko Haram"]
    assert coref["its"] == ["Boko Haram"]


def test_coreference_the_two_groups(gaz):
    _, ms = mentions(gaz, "HTS rules Idlib and Hurras al-Din hides there. The two groups disagree.")
    coref = {t: n for t, n, h in ms if h == "coref"}
    assert sorted(coref["The two groups"]) == ["Hay'at Tahrir al-Sham", "Hurras al-Din"]


def test_coreference_these_affiliates_takes_the_nearest_enumeration(gaz):
    text = "Al-Qaeda has affiliates such as al-Shabaab, JNIM and HTS. Hezbollah is not one. These affiliates praised the Taliban."
    _, ms = mentions(gaz, text)
    coref = {t: n for t, n, h in ms if h == "coref"}
    assert sorted(coref["These affiliates"]) == sorted(["al-Shabaab", "Jama'at Nusrat al-Islam wal-Muslimin", "Hay'at Tahrir al-Sham"])
