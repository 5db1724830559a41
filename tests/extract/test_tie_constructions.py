"""Constructions of single-sentence ties (alliances, rivalries, splinters, mergers, support), on the
bundled reference data, and the scores on the project's single-sentence gold sets (written by us)."""

from pathlib import Path

import pytest

from andiwali.evaluation import score_sentences
from andiwali.extract import extract_document
from andiwali.extract.pipeline import parser_available
from andiwali.model import Document
from andiwali.model.reference import bundled_gazetteer

ROOT = Path(__file__).resolve().parents[2]


def claims(text: str, parser: bool = False, min_confidence: float = 0.0) -> set[tuple[str, str, str, str]]:
    gaz = bundled_gazetteer()
    res = extract_document(Document(text=text, key="s.txt"), gaz, parser=parser)
    ents = dict(gaz.entities) | {e.id: e for e in res.entities}
    return {(ents[c.subject].name, c.predicate, ents[c.object].name, c.polarity)
            for c in res.claims if c.confidence >= min_confidence}


@pytest.mark.parametrize("text, expected", [
    # a coordinated subject and an intransitive verb: both directions of a mutual tie
    ("Boko Haram and Ansaru have fought over territory.", {("Boko Haram", "fights", "Ansaru", "asserted"),
                                                         ("Ansaru", "fights", "Boko Haram", "asserted")}),
    # an adjective made from a country between the parts of a role noun phrase
    ("AQAP is the Yemeni branch of al-Qaeda.", {("al-Qaeda in the Arabian Peninsula", "branch_of", "al-Qaeda", "asserted")}),
    # compound modifiers: "X-backed Y" (X supports Y) and "X-linked Y"
    ("The Iran-backed Houthis attacked a tanker.", {("Iran", "supports", "Ansarallah", "asserted")}),
    # a refusal verb before a relation noun negates it
    ("Ahrar al-Sham rejected any alliance with the Islamic State.", {("Ahrar al-Sham", "allied_with", "Islamic State", "negated")}),
    # "joined" between organizations is a merger; "defected from X to form Y" a splinter
    ("In 2015 Jaish al-Muhajireen wal-Ansar joined Jabhat al-Nusra.",
     {("Jaysh al-Muhajirin wal-Ansar", "merged_into", "al-Nusrah Front", "asserted")}),
    ("Several commanders defected from the TTP to form Jamaat-ul-Ahrar.",
     {("Jamaat-ul-Ahrar", "splinter_of", "Tehrik-e-Taliban Pakistan", "asserted")}),
    # one claim per kind of resource received
    ("The Houthis received weapons and training from Iran.", {("Iran", "supports", "Ansarallah", "asserted"),
                                                             ("Iran", "trains", "Ansarallah", "asserted")}),
    # a head of state's name before "government" names the state
    ("Hezbollah is allied with the Assad government.", {("Hezbollah", "allied_with", "Syria", "asserted")}),
    # "tensions between X and Y escalated into warfare": the pair named earlier in the clause
    ("Tensions between al-Shabaab and Hizbul Islam escalated into open warfare in 2009.",
     {("al-Shabaab", "fights", "Hizbul Islam", "asserted"), ("Hizbul Islam", "fights", "al-Shabaab", "asserted")}),
    # "fought together against Z": allied with each other, fighting Z
    ("Hamas and Palestinian Islamic Jihad fought together against Israel.",
     {("Hamas", "allied_with", "Palestine Islamic Jihad", "asserted"), ("Hamas", "fights", "Israel", "asserted")}),
    # "merged his X with Y to create Z": X and Y merge into Z
    ("In 2013 Mokhtar Belmokhtar merged his al-Mulathamun Battalion with MUJAO to create al-Mourabitoun.",
     {("al-Mulathamun Battalion", "merged_into", "al-Mourabitoun", "asserted"),
      ("Movement for Unity and Jihad in West Africa", "merged_into", "al-Mourabitoun", "asserted")}),
    # "X and Y formed Z" (two or more groups) is a merger into Z
    ("Ahrar al-Sham and Jaysh al-Islam formed the Islamic Front in 2013.",
     {("Ahrar al-Sham", "merged_into", "Islamic Front (Syria)", "asserted"), ("Army of Islam", "merged_into", "Islamic Front (Syria)", "asserted")}),
    # "combined with Y to form Z": both merge into Z; "combined with Y" alone is cooperation
    ("Al-Mulathamun combined with MUJAO to form al-Mourabitoun.",
     {("al-Mulathamun Battalion", "merged_into", "al-Mourabitoun", "asserted"),
      ("Movement for Unity and Jihad in West Africa", "merged_into", "al-Mourabitoun", "asserted")}),
    ("Lashkar-e-Tayyiba has combined with Jaish-e-Mohammed to mount attacks.",
     {("Lashkar-e-Taiba", "allied_with", "Jaish-e-Mohammed", "asserted")}),
    # splinters: "grew out of", "founded by former X commanders"
    ("Jund al-Aqsa grew out of Jabhat al-Nusra.", {("Jund al-Aqsa", "splinter_of", "al-Nusrah Front", "asserted")}),
    ("Hurras al-Din was founded by former Jabhat al-Nusra commanders.",
     {("Hurras al-Din", "splinter_of", "al-Nusrah Front", "asserted")}),
    # "considers Y an enemy", "regards Y as an ally"
    ("Al-Shabaab considers the Islamic State an enemy.", {("al-Shabaab", "rival_of", "Islamic State", "asserted")}),
    ("The Taliban regard al-Qaeda as an ally.", {("Taliban", "allied_with", "al-Qaeda", "asserted")}),
    # two verb phrases sharing the object; a list introduced by "including"
    ("The TTP has ties to and draws guidance from al-Qaeda.",
     {("Tehrik-e-Taliban Pakistan", "allied_with", "al-Qaeda", "asserted")}),
    ("Hurras al-Din maintains cooperative relationships with several groups in Syria, including Ansar al-Tawhid.",
     {("Hurras al-Din", "allied_with", "Ansar al-Tawhid", "asserted")}),
])
def test_construction(text, expected):
    got = claims(text)
    missing = {e for e in expected if e not in got and not (e[1] in ("allied_with", "rival_of") and (e[2], e[1], e[0], e[3]) in got)}
    assert not missing, got


@pytest.mark.parametrize("text, absent", [
    ("Jama'at Nasr al-Islam wal Muslimin is the Sahel coalition of al-Qaeda.", "Islamic State Sahel Province"),  # "is the Sahel"
    ("Al-Qaeda formed AQIS in 2014.", "merged_into"),  # one group forming another is no merger
    ("Ansar al-Sharia dissolved and some of its members joined the Islamic State.", "merged_into"),  # members, not the group
    ("Unlike the Islamic State, al-Shabaab has avoided fighting Ethiopia.", ("al-Shabaab", "fights", "Ethiopia", "asserted")),
])
def test_not_a_tie(text, absent):
    got = claims(text)
    if isinstance(absent, tuple):
        assert absent not in got, got
    else:
        assert not any(absent in (s, p, o) for s, p, o, _ in got), got


def test_profile_clauses_without_a_subject_are_about_the_profiles_group():
    text = ("ORGANIZATION: Zed Jamaat\nhistory – originally a faction of Ansar al-Dine; formed in 2017 when Ansar al-Dine and "
            "al-Mourabitoun agreed to work together; broke away from Ansar al-Dine in 2019 and joined Jabhat al-Nusra; "
            "since 2020, it has claimed attacks against targets abroad, including in Niger and Mali\n")
    got = claims(text)
    for c in [("Zed Jamaat", "branch_of", "Ansar al-Dine", "asserted"), ("Ansar al-Dine", "merged_into", "Zed Jamaat", "asserted"),
              ("al-Mourabitoun", "merged_into", "Zed Jamaat", "asserted"), ("Zed Jamaat", "splinter_of", "Ansar al-Dine", "asserted"),
              ("Zed Jamaat", "merged_into", "al-Nusrah Front", "asserted"), ("Zed Jamaat", "attacks", "Niger", "asserted"),
              ("Zed Jamaat", "attacks", "Mali", "asserted")]:
        assert c in got, (c, got)


@pytest.mark.parametrize("text, expected", [
    # an apposition naming a splinter, with a pronoun later in the sentence
    ("Ansaru, a splinter group of Boko Haram, announced its formation in January 2012.",
     {("Ansaru", "splinter_of", "Boko Haram", "asserted")}),
    # capitalized regional adjectives between the possessor and the role noun
    ("Al-Shabaab is al-Qaeda's East African affiliate.", {("al-Shabaab", "branch_of", "al-Qaeda", "asserted")}),
    ("AQAP is al-Qaeda's Yemeni branch.", {("al-Qaeda in the Arabian Peninsula", "branch_of", "al-Qaeda", "asserted")}),
    # a merger named as the way a group was created
    ("In 2013 al-Mourabitoun was created through a merger between the Signed-in-Blood Battalion and MUJAO.",
     {("Al Mouakaoune Biddam", "merged_into", "al-Mourabitoun", "asserted"),
      ("Movement for Unity and Jihad in West Africa", "merged_into", "al-Mourabitoun", "asserted")}),
    # a predicative adjective of hostility with the pair after "between"
    ("Relations between al-Shabaab and ISIS have been hostile since 2015.",
     {("al-Shabaab", "rival_of", "Islamic State", "asserted")}),
    # "became its X": the possessor is no new name
    ("Ansar Bayt al-Maqdis pledged allegiance to the Islamic State in 2014 and became its Sinai Province.",
     {("Ansar Bayt al-Maqdis", "pledged_allegiance_to", "Islamic State", "asserted"),
      ("Ansar Bayt al-Maqdis", "succeeded_by", "Islamic State Sinai Province", "asserted")}),
    # a rename between entities the reference data keeps apart
    ("The Nusra Front renamed itself Jabhat Fateh al-Sham in 2016.",
     {("al-Nusrah Front", "succeeded_by", "Jabhat Fath al-Sham", "asserted")}),
    # a longer trigger that finds no arguments ("fought for" a group) gives way to a shorter one
    ("Al-Shabaab and ISIS fought for control of Bari.",
     {("al-Shabaab", "fights", "Islamic State", "asserted"), ("Islamic State", "fights", "al-Shabaab", "asserted")}),
    # the accused is the subject of the gerund
    ("Washington accused Iran of arming Hezbollah.", {("Iran", "supports", "Hezbollah", "asserted")}),
    ("Guatemala's URNG was formed in 1982 through the unification of four guerrilla organizations: the EGP, ORPA, the FAR "
     "and the PGT.", None),
    ("Venezuela allows ELN commanders to operate freely on its territory.",
     {("Venezuela", "shelters", "National Liberation Army (Colombia)", "asserted")}),
    ("Mullah Omar gave Osama bin Laden refuge in Afghanistan.", {("Mullah Omar", "shelters", "Osama bin Laden", "asserted")}),
    ("Hamas has denied providing any help to Wilayat Sinai.", {("Hamas", "supports", "Islamic State Sinai Province", "negated")}),
    ("Mokhtar Belmokhtar's brigade, al-Mulathameen, had broken away from AQIM in late 2012.",
     {("Mokhtar Belmokhtar", "leads", "al-Mulathamun Battalion", "asserted"),
      ("al-Mulathamun Battalion", "splinter_of", "al-Qaeda in the Islamic Maghreb", "asserted")}),
    ("Hezbollah's Radwan Force was deployed to southern Lebanon.",
     {("Radwan Force", "branch_of", "Hezbollah", "asserted"), ("Radwan Force", "operates_in", "Lebanon", "asserted")}),
    ("PJAK belongs to the KCK umbrella.", {("Free Life Party of Kurdistan", "branch_of", "Kurdistan Communities Union", "asserted")}),
    ("Jabhat al-Nusra formally severed its links to al-Qaeda in July 2016.",
     {("al-Nusrah Front", "allied_with", "al-Qaeda", "negated")}),
])
def test_more_organizational_constructions(text, expected):
    got = claims(text)
    if expected is None:  # a list after "organizations:", members discovered: four mergers into the new group
        assert len(got) == 4 and {p for _s, p, _o, _pol in got} == {"merged_into"} and {o for _s, _p, o, _pol in got} == {"URNG"}
    else:
        assert got == expected


def test_a_place_after_a_plural_role_noun_is_no_partner():
    got = claims("The Shining Path and the MRTA were rivals in Peru during the 1980s.")
    assert {(frozenset((s, o)), p) for s, p, o, _ in got} == {(frozenset(("Shining Path", "Tupac Amaru Revolutionary Movement")), "rival_of")}


@pytest.mark.skipif(not parser_available(), reason="the English spaCy model is not installed")
@pytest.mark.parametrize("text, expected", [
    # the antecedent of a relative clause is the copula's named subject
    ("Jamaat-ul-Ahrar is a faction that broke away from the Pakistani Taliban in 2014.",
     {("Jamaat-ul-Ahrar", "splinter_of", "Tehrik-e-Taliban Pakistan", "asserted")}),
    # a subject shared by two coordinated verb phrases
    ("The TTP and the Afghan Taliban are distinct organizations but maintain close ties.",
     {("Taliban", "allied_with", "Tehrik-e-Taliban Pakistan", "asserted")}),  # symmetric: stored once
    # "a faction loyal to X": no tie between X and a name earlier in the sentence
    ("Boko Haram split in 2016 when a faction loyal to Abu Musab al-Barnawi formed ISWAP.",
     {("Abu Musab al-Barnawi", "leads", "Islamic State West Africa Province", "asserted")}),
])
def test_constructions_read_from_the_parse(text, expected):
    assert claims(text, parser=True) == expected


def test_profile_leadership_line_names_the_leader():
    text = "ORGANIZATION: Foo Liberation Front (FLF)\nleadership and organization – Abu Bakr al-Baghdadi (aka Abu Dua); has a shura council\n"
    assert ("Abu Bakr al-Baghdadi", "leads", "Foo Liberation Front", "asserted") in claims(text)


@pytest.mark.skipif(not parser_available(), reason="the English spaCy model is not installed")
def test_tagger_proposes_unknown_organizations_with_the_parser():
    got = claims("Libya Dawn clashed with Operation Dignity forces near Tripoli.", parser=True)
    assert ("Libya Dawn", "fights", "Operation Dignity", "asserted") in got


def test_scores_on_the_sentence_sets():
    """Measured floors (not targets): F1 0.902 on the sentences the rules were written from, 0.871 on the
    test sentences never used to write rules or calibrate (end of session 3); a drop means a regression."""
    dev = score_sentences(ROOT / "tests" / "extract" / "fixtures" / "tie_sentences.jsonl")
    test = score_sentences(ROOT / "tests" / "gold" / "sentences" / "test.jsonl")
    assert dev["sentences"] >= 200 and dev["f1"] >= 0.83, dev
    assert test["sentences"] >= 40 and test["f1"] >= 0.70, test
    # the independent sets (other authors, styles and groups the rules were not written for): 0.556 and 0.510
    # at the end of session 3 (0.471 and 0.488 before any rule was written from their dev halves)
    fresh = score_sentences(ROOT / "tests" / "gold" / "sentences" / "fresh_test.jsonl")
    assert fresh["sentences"] == 100 and fresh["f1"] >= 0.50, fresh
    fresh2 = score_sentences(ROOT / "tests" / "gold" / "sentences" / "fresh2_test.jsonl")
    assert fresh2["sentences"] == 100 and fresh2["f1"] >= 0.46, fresh2


@pytest.mark.skipif(not parser_available(), reason="the English spaCy model is not installed")
def test_a_possessor_is_no_part_of_the_group_name_after_it():
    got = claims("Jabhat al-Nusra crushed Jamal Maarouf's Syrian Revolutionaries Front in 2014.", parser=parser_available())
    assert ("al-Nusrah Front", "fights", "Syrian Revolutionaries Front", "asserted") in got
    assert claims("The Lord's Resistance Army attacked Uganda.")  # a possessive inside a name stays


def test_a_pronounced_acronym_written_as_a_word_and_a_denied_disjunction():
    got = claims("The Muslim Brotherhood has denied funding or arming the Hasm movement.")
    assert ("Muslim Brotherhood", "finances", "Harakat Sawa'd Misr", "negated") in got
    assert ("Muslim Brotherhood", "supports", "Harakat Sawa'd Misr", "negated") in got


@pytest.mark.skipif(not parser_available(), reason="the English spaCy model is not installed")
def test_an_object_pronoun_is_not_the_subject_itself():
    got = claims("Ajnad al-Kavkaz, a North Caucasian faction in Syria, fought alongside HTS in Latakia but never joined it.",
                 parser=parser_available())
    assert ("Ajnad al-Kavkaz", "merged_into", "Hay'at Tahrir al-Sham", "negated") in got
    assert ("Ajnad al-Kavkaz", "allied_with", "Hay'at Tahrir al-Sham", "asserted") in got


def test_respectively_pairs_the_lists_in_order():
    got = claims("The KIA and the KNLA are the armed wings of the KIO and the KNU respectively.")
    assert ("Karen National Liberation Army", "branch_of", "Karen National Union", "asserted") in got
    assert not any(o == "Karen National Union" and s != "Karen National Liberation Army" for s, _p, o, _pol in got)


def test_founders_names_and_commands():
    got = claims("Guatemala's URNG was formed in 1982 by the EGP, the FAR, ORPA and the PGT.")
    assert len([c for c in got if c[1] == "merged_into" and c[2] == "URNG"]) == 4  # a merger needs two founders or more
    assert not [c for c in claims("Hamas was founded by the Muslim Brotherhood in 1987.") if c[1] == "merged_into"]
    assert ("Abdel Fattah al-Burhan", "leads", "Sudan", "asserted") in claims(
        "Abdel Fattah al-Burhan commands the Sudanese Armed Forces.")  # a name with an Arabic particle is a person


def test_a_reported_claim_and_its_denial_are_both_kept():
    got = claims("UN experts have reported that Rwanda provides troops and weapons to the M23, a charge Kigali has repeatedly denied.")
    assert {("Rwanda", "supports", "March 23 Movement", "asserted"), ("Rwanda", "supports", "March 23 Movement", "negated")} <= got
    got = claims("Islamabad says the Taliban give the TTP sanctuary, which the Taliban deny.")
    assert ("Taliban", "shelters", "Tehrik-e-Taliban Pakistan", "negated") in got
    assert not [c for c in claims("Hamas and Fatah signed a deal, which Egypt brokered.") if c[3] == "negated"]
