"""Paged, ordered and counted claim queries (what a web page over a million claims needs)."""

from __future__ import annotations

import pytest

from andiwali.errors import StoreError
from andiwali.model import Claim, Entity


def _setup(kb):
    ents = [Entity(kind="organization", name=n) for n in ("Harakat Zorbal", "Qordun Front", "Jamaat Velsin")]
    for e in ents:
        kb.upsert_entity(e)
    a, b, c = ents
    claims = [Claim(subject=a.id, predicate="supports", object=b.id, confidence=0.9),
              Claim(subject=b.id, predicate="supports", object=c.id, confidence=0.2),
              Claim(subject=a.id, predicate="fights", object=c.id, confidence=0.5),
              Claim(subject=c.id, predicate="finances", object=a.id, confidence=0.7)]
    kb.add_claims(claims)
    return ents, claims


def test_order_limit_and_count(empty_kb):
    (a, b, c), claims = _setup(empty_kb)
    page = empty_kb.claims(status="pending", order="-confidence", limit=2)
    assert [x.confidence for x in page] == [0.9, 0.7]
    assert [x.confidence for x in empty_kb.claims(order="confidence", limit=2, offset=1)] == [0.5, 0.7]
    assert empty_kb.count_claims(status="pending") == 4
    assert empty_kb.count_claims(entity=a.id) == 3 == len(empty_kb.claims(entity=a.id))
    assert empty_kb.count_claims(predicate="supports", limit=1) == 2
    with pytest.raises(StoreError):
        empty_kb.claims(order="random()")


def test_claim_counts_and_versions(empty_kb):
    (a, b, c), claims = _setup(empty_kb)
    empty_kb.review(claims[2].id, "rejected")
    assert empty_kb.claim_counts() == {a.id: 2, b.id: 2, c.id: 2}
    assert empty_kb.claim_counts([a.id, c.id]) == {a.id: 2, c.id: 2}
    assert empty_kb.claim_counts([a.id], include_rejected=True) == {a.id: 3}
    versions = empty_kb.claim_versions([x.id for x in claims])
    assert versions[claims[2].id] == 2 and versions[claims[0].id] == 1


def test_consistency_check_finds_partial_claim_sets_and_bad_spans(empty_kb):
    from andiwali.model import Document, Evidence

    (a, b, c), _ = _setup(empty_kb)
    doc = Document(text="Harakat Zorbal backed the Qordun Front.", key="p.txt")
    empty_kb.add_document(doc)
    assert empty_kb.consistency_check() == {"problems": [], "warnings": []}
    partial = Claim(subject=a.id, predicate="supports", object=b.id, extractor="rules:test",
                    evidence=[Evidence(doc.id, 0, 99, "a quote from elsewhere")])
    empty_kb.add_claims([partial])  # machine claims outside save_extraction: the document never finished
    result = empty_kb.consistency_check()
    assert any("never finished" in p for p in result["problems"])
    assert any("beyond" in p for p in result["problems"])
    assert any("differ" in w for w in result["warnings"])
