"""Single-sentence ties between groups: alliances, rivalries, splinters, mergers (sentences written by us)."""

import pytest

from andiwali.extract import extract_document
from andiwali.model import Document
from andiwali.model.reference import bundled_gazetteer


def triples(sentence: str, min_confidence: float = 0.5) -> set[tuple[str, str, str, str]]:
    gaz = bundled_gazetteer()
    res = extract_document(Document(text=sentence, key="s.txt"), gaz)
    ents = dict(gaz.entities) | {e.id: e for e in res.entities}
    return {(ents[c.subject].name, c.predicate, ents[c.object].name, c.polarity)
            for c in res.claims if c.confidence >= min_confidence}


@pytest.mark.parametrize("sentence, expected", [
    ("Boko Haram and Ansaru fought alongside each other in northeastern Nigeria.",
     ("Ansaru", "allied_with", "Boko Haram", "asserted")),
    ("The Haqqani Network has long been an ally of the Taliban.",
     ("Haqqani Network", "allied_with", "Taliban", "asserted")),
    ("Al-Shabaab is not allied with ISIS.", ("al-Shabaab", "allied_with", "Islamic State", "negated")),
    ("Al-Qaeda denied any links with the Islamic State.", ("al-Qaeda", "allied_with", "Islamic State", "negated")),
    ("The Taliban refused to cut ties with al-Qaeda.", ("Taliban", "allied_with", "al-Qaeda", "asserted")),
    ("Jamaat-ul-Ahrar is a splinter group of the TTP.",
     ("Jamaat-ul-Ahrar", "splinter_of", "Tehrik-e-Taliban Pakistan", "asserted")),
    ("Ahrar al-Sham never merged with Hay'at Tahrir al-Sham.",
     ("Ahrar al-Sham", "merged_into", "Hay'at Tahrir al-Sham", "negated")),
])
def test_single_sentence_ties(sentence, expected):
    got = triples(sentence)
    s, p, o, pol = expected
    assert (s, p, o, pol) in got or (p in {"allied_with", "rival_of"} and (o, p, s, pol) in got), got


def test_alliance_with_a_country_list_is_not_an_alliance():
    got = triples("ISIS has branches and networks in Austria, Brazil, Canada and Italy.", 0.0)
    assert not any(p == "allied_with" for _, p, _, _ in got)
