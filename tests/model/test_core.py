import pytest
from hypothesis import given
from hypothesis import strategies as st

from andiwali.model import Claim, Document, Entity, Evidence, ModelError, Source, parse_grade
from andiwali.model.ids import claim_id, content_hash, entity_id, make_id


def test_source_grade_defaults_to_f6_and_parses_admiralty_codes():
    assert Source("x").grade == "F6"
    assert parse_grade("b2") == ("B", "2")
    assert parse_grade(None) == ("F", "6")
    with pytest.raises(ModelError):
        parse_grade("G7")
    with pytest.raises(ModelError):
        Source("x", reliability="Z")


def test_document_is_immutable_and_hash_ignores_whitespace():
    d = Document(text="Al-Qaeda  operates\nin Afghanistan.", key="a.txt", published="2021-08")
    with pytest.raises(AttributeError):
        d.text = "other"  # type: ignore[misc]
    assert d.content_hash == content_hash("Al-Qaeda operates in Afghanistan.")
    assert d.id == Document(text=d.text, key="a.txt").id
    assert d.id != Document(text=d.text + "!", key="a.txt").id


def test_document_rejects_bad_dates():
    with pytest.raises(ModelError):
        Document(text="x", key="k", published="21 August 2021")


def test_entity_needs_known_kind_and_gets_deterministic_id():
    e = Entity(kind="organization", name="al-Qaeda")
    assert e.id == entity_id("organization", "Al Qa'ida")
    with pytest.raises(ModelError):
        Entity(kind="ghost", name="x")


def test_claim_validates_vocabulary_and_orders_symmetric_pairs():
    a, b = "ent_a", "ent_b"
    c1 = Claim(subject=b, predicate="allied_with", object=a)
    c2 = Claim(subject=a, predicate="allied_with", object=b)
    assert (c1.subject, c1.object) == (a, b) and c1.id == c2.id
    assert Claim(subject=b, predicate="shelters", object=a).id != Claim(subject=a, predicate="shelters", object=b).id
    with pytest.raises(ModelError):
        Claim(subject=a, predicate="shelters", object=b, polarity="maybe")
    with pytest.raises(ModelError):
        Claim(subject=a, predicate="shelters", object=b, confidence=1.5)
    with pytest.raises(ModelError):
        Claim(subject=a, predicate="shelters", object=b, valid_from="August 2021")


def test_claims_about_different_periods_never_merge():
    ev = [Evidence("doc_1", 0, 10, "0123456789")]
    c1 = Claim(subject="ent_a", predicate="shelters", object="ent_b", valid_to="2001", evidence=ev)
    c2 = Claim(subject="ent_a", predicate="shelters", object="ent_b", valid_from="2021-08", evidence=ev)
    assert c1.id != c2.id
    assert c1.undated is False and Claim(subject="ent_a", predicate="shelters", object="ent_b").undated


_text = st.text(max_size=30)


@given(_text, _text, st.integers(0, 10_000), st.integers(0, 10_000), st.sampled_from(["asserted", "negated"]),
       st.one_of(st.none(), st.sampled_from(["2001", "2021-08", "2021-08-15"])))
def test_claim_ids_are_deterministic_and_sensitive_to_every_part(s, o, start, length, pol, vf):
    args = ("doc_x", start, start + length, "ent_" + s, "supports", "ent_" + o, pol, None, vf, None)
    assert claim_id(*args) == claim_id(*args)
    other_pol = "negated" if pol == "asserted" else "asserted"
    assert claim_id(*args) != claim_id(*args[:6], other_pol, *args[7:])
    assert claim_id(*args) != claim_id(*args[:8], "1999", None)


@given(st.lists(st.text(max_size=20), max_size=5))
def test_make_id_is_stable(parts):
    assert make_id("x", *parts) == make_id("x", *parts)
    assert make_id("x", *parts).startswith("x_")
