"""People named right after a leadership cue are discovered when the gazetteer lacks them."""

from andiwali.extract.people import cue_persons


def names(text, taken=()):
    return [n for _s, _e, n in cue_persons(text, list(taken))]


def test_cues_before_a_name():
    assert names("Lashkar-e-Islam, the Khyber militia led by Mangal Bagh, fought Ansar ul-Islam.") == ["Mangal Bagh"]
    assert names("The Badr Organization, headed by Hadi al-Amiri, began as an armed wing.") == ["Hadi al-Amiri"]
    assert names("the faction that split from ULFA under Paresh Baruah rejected the talks") == ["Paresh Baruah"]
    assert names("Iran executed its leader Abdolmalek Rigi in 2010.") == ["Abdolmalek Rigi"]


def test_no_person_without_two_capitalized_words_or_inside_a_known_name():
    assert names("The attack was led by the Taliban in March.") == []
    assert names("The group was founded by Hafiz in 1990.") == []
    assert names("led by Ahmed Jibril", taken=[(7, 19)]) == []
    assert names("the offensive was led by Popular Mobilization Forces units") == []  # a group noun: no person
