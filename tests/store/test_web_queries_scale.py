"""The web layer's paged, counted and index-ordered queries agree with the plain KnowledgeBase reads."""

from __future__ import annotations

from collections import Counter

from andiwali.model import Claim, Document, Entity
from andiwali.store import web_queries

DATES = [None, "2010", "2011-05", "2012-03-04", "2009"]


def _setup(kb):
    ents = [Entity(kind="organization", name=n) for n in ("Harakat Zorbal", "Qordun Front", "Jamaat Velsin",
                                                         "Liwa Osmar")]
    for e in ents:
        kb.upsert_entity(e)
    a = ents[0]
    preds = ["supports", "fights", "allied_with", "finances"]
    claims = []
    for n in range(40):
        other = ents[1 + n % 3]
        subj, obj = (a, other) if n % 3 else (other, a)
        start = DATES[n % len(DATES)]
        end = "2013" if n % 7 == 0 else None
        claims.append(Claim(subject=subj.id, predicate=preds[n % 4], object=obj.id, confidence=(n % 10) / 10,
                            valid_from=start, valid_to=end, polarity="negated" if n % 5 == 0 else "asserted",
                            reported_at="2014-01-0" + str(1 + n % 9)))
    claims.append(Claim(subject=ents[1].id, predicate="fights", object=ents[2].id, confidence=0.4))
    kb.add_claims(claims)
    for c in claims[:6]:
        kb.review(c.id, "rejected")
    return ents, claims


def test_entity_claims_page_matches_the_or_query(empty_kb):
    ents, _ = _setup(empty_kb)
    a = ents[0]
    for status in (None, "all", "pending", "rejected"):
        for limit, offset in ((5, 0), (5, 5), (7, 30), (100, 0)):
            want = [c.id for c in empty_kb.claims(entity=a.id, status=status, limit=limit, offset=offset)]
            got = [c.id for c in web_queries.entity_claims_page(empty_kb, a.id, status=status, limit=limit,
                                                                offset=offset)]
            assert got == want, (status, limit, offset)
    got = web_queries.entity_claims_page(empty_kb, a.id, predicate="fights", status="all", limit=100)
    assert [c.id for c in got] == [c.id for c in empty_kb.claims(entity=a.id, predicate="fights", status="all")]
    assert got and all(c.evidence == [] for c in got)


def test_entity_claim_summary_counts_everything_and_pages_each_predicate(empty_kb):
    ents, _ = _setup(empty_kb)
    a = ents[0]
    every = empty_kb.claims(entity=a.id, status="all")
    s = web_queries.entity_claim_summary(empty_kb, a.id, per_predicate=3)
    assert s["n_claims"] == len(every) == 40
    assert s["by_predicate"] == dict(sorted(Counter(c.predicate for c in every).items()))
    assert len(s["ids"]) == 3 * len(s["by_predicate"])
    for pred in s["by_predicate"]:
        first = [c.id for c in empty_kb.claims(entity=a.id, predicate=pred, status="all", limit=3)]
        assert [i for i in s["ids"] if i in set(first)] == first
    full = web_queries.entity_claim_summary(empty_kb, a.id, per_predicate=100)
    assert sorted(full["ids"]) == sorted(c.id for c in every)
    assert web_queries.entity_claim_summary(empty_kb, "ent_nobody") == {"n_claims": 0, "by_predicate": {}, "ids": []}


def test_related_claims_share_the_triple(empty_kb):
    ents, claims = _setup(empty_kb)
    c = claims[1]
    same = [x for x in empty_kb.claims(subject=c.subject, predicate=c.predicate, object=c.object, status="all")
            if x.id != c.id]
    total, rows = web_queries.related_claims(empty_kb, c.subject, c.predicate, c.object, exclude=c.id, limit=2)
    assert total == len(same) > 2
    assert [r["id"] for r in rows] == [x.id for x in same[:2]]
    assert set(rows[0]) == {"id", "polarity", "valid_from", "valid_to", "reported_at", "status", "confidence"}


def _timeline_reference(kb, entity=None, preds=None, date_from=None, date_to=None):
    rows = []
    for c in kb.claims(entity=entity, date_from=date_from, date_to=date_to):
        if preds is not None and c.predicate not in preds:
            continue
        start = c.valid_from or (c.reported_at if c.undated else None)
        end = c.valid_to or (c.reported_at if c.undated else None)
        if start or end:
            rows.append((start or end, c.id))
    return [i for _s, i in sorted(rows)]


def test_timeline_rows_match_the_claims_sorted_in_python(empty_kb):
    ents, _ = _setup(empty_kb)
    a = ents[0]
    assert [r["id"] for r in web_queries.timeline_rows(empty_kb)] == _timeline_reference(empty_kb)
    assert [r["id"] for r in web_queries.timeline_rows(empty_kb, entity=a.id)] == _timeline_reference(empty_kb, a.id)
    assert ([r["id"] for r in web_queries.timeline_rows(empty_kb, entity=a.id, limit=4)]
            == _timeline_reference(empty_kb, a.id)[:4])
    got = web_queries.timeline_rows(empty_kb, entity=a.id, predicates=["fights"], date_from="2011", date_to="2012")
    assert [r["id"] for r in got] == _timeline_reference(empty_kb, a.id, {"fights"}, "2011", "2012")
    assert web_queries.timeline_rows(empty_kb, predicates=[]) == []


def test_document_page_filters_pages_and_ranks_in_the_database(empty_kb):
    from andiwali.model import Source

    src = Source(name="monitor a", reliability="B", credibility="2")
    docs = []
    for n in range(8):
        text = " ".join(["Zorbal"] * (1 + n % 4) + ["statement", f"word{n}", "filler"] * 5)
        docs.append(Document(text=text, key=f"r{n}.txt", title=f"Report {n}", published=f"201{n}-01-01",
                             source=src if n % 2 else None))
        empty_kb.add_document(docs[-1])
    plain = [d["id"] for d in empty_kb.documents()]
    assert [d["id"] for d in web_queries.document_page(empty_kb, limit=3, offset=2)] == plain[2:5]
    assert {d["id"] for d in web_queries.document_page(empty_kb, source="monitor a")} == {d.id for d in docs[1::2]}
    dated = web_queries.document_page(empty_kb, date_from="2013", date_to="2015-06")
    assert {d["published"][:4] for d in dated} == {"2013", "2014", "2015"}
    ranked = [d["id"] for d in empty_kb.search_documents("Zorbal statement", limit=50)]
    page = [d["id"] for d in web_queries.document_page(empty_kb, q="Zorbal statement")]
    assert sorted(page) == sorted(ranked) and len(page) == 8
    assert page[0] in {docs[3].id, docs[7].id}  # the most mentions per word rank first
    assert [d["id"] for d in web_queries.document_page(empty_kb, q="Zorbal statement", limit=2, offset=1)] == page[1:3]
    assert [d["id"] for d in web_queries.document_page(empty_kb, q="word3")] == [docs[3].id]
    assert {d["id"] for d in web_queries.document_page(empty_kb, q="Zorbal", source="monitor a")} == {
        d.id for d in docs[1::2]}
    # more matches than the cap: the newest `rank_cap` matches are ranked
    capped = [d["id"] for d in web_queries.document_page(empty_kb, q="Zorbal", rank_cap=3)]
    assert len(capped) == 3 and set(capped) <= set(plain)
    assert web_queries.document_page(empty_kb, q="   ") == web_queries.document_page(empty_kb)
    assert web_queries.document_page(empty_kb, q="nowhere") == []
    assert "text" not in web_queries.document_page(empty_kb, q="Zorbal")[0]


def test_cached_counts_follow_every_commit(empty_kb, tmp_path):
    from andiwali.store import KnowledgeBase

    ents, claims = _setup(empty_kb)
    calls = []

    def count():
        calls.append(1)
        return empty_kb.count_claims(status="pending")

    first = web_queries.cached_until_change(empty_kb, "n", count)
    assert web_queries.cached_until_change(empty_kb, "n", count) == first
    assert web_queries.pending_page(empty_kb, limit=1)[0] == first
    empty_kb.review(claims[10].id, "accepted")  # a commit through this knowledge base's pool
    assert web_queries.cached_until_change(empty_kb, "n", count) == first - 1
    assert web_queries.pending_page(empty_kb, limit=1)[0] == first - 1
    other = KnowledgeBase.open(empty_kb.location)  # another writer (the CLI, another server)
    try:
        other.review(claims[11].id, "accepted")
    finally:
        other.close()
    assert web_queries.cached_until_change(empty_kb, "n", count) == first - 2
    assert web_queries.pending_page(empty_kb, limit=1)[0] == first - 2
    if empty_kb.dialect == "sqlite":
        assert len(calls) == 3
