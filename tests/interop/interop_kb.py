"""Helpers for the exchange tests: a small knowledge base with every kind of claim."""

from __future__ import annotations

from pathlib import Path

from andiwali.model import Alias, Claim, Document, Entity, Evidence, Source
from andiwali.store import KnowledgeBase, claim_to_dict

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"

DOC1 = (
    "Brief one. Since August 2021 the Taliban has sheltered al-Qaeda in Afghanistan. "
    "The TTP operates in Pakistan and fought the Pakistani state in 2022. "
    "According to Joe Biden, al-Qaeda no longer operates in Afghanistan. "
    "ISKP attacked Kabul in August 2021. The Taliban and ISKP are rivals."
)
DOC2 = (
    "Brief two. AQIS is a branch of al-Qaeda. Al-Qaeda funded the Taliban from 1996 to 2001. "
    "The group Ansar al-Test publishes on Telegram. =cmd|' /C calc'!A0 was posted there."
)


def quote_claim(doc: Document, phrase: str, **kw) -> Claim:
    start = doc.text.index(phrase)
    return Claim(evidence=[Evidence(doc.id, start, start + len(phrase), phrase)], **kw)


NAMES = ("Taliban", "al-Qaeda", "Tehrik-e-Taliban Pakistan", "Islamic State Khorasan Province", "Afghanistan",
         "Pakistan", "Kabul", "Joe Biden", "Telegram", "al-Qaeda in the Indian Subcontinent")


def build_rich_kb(path) -> KnowledgeBase:
    """A knowledge base with a few reference entities (not the whole gazetteer: tests stay small) and
    claims of every shape: dated and undated, negated and attributed, symmetric, with qualifiers,
    two pieces of evidence, reviewed, rejected, about a discovered entity with aliases in two scripts."""
    from andiwali.model.reference import bundled_gazetteer

    kb = KnowledgeBase.create(path, with_reference=False)
    g = bundled_gazetteer()
    for n in NAMES:
        kb.upsert_entity(g.by_name(n))

    def eid(name, kind=None):
        e = g.by_name(name, kind)
        assert e is not None, name
        return e.id

    src = Source("Test Monitor", reliability="B", credibility="2")
    d1 = Document(text=DOC1, key="briefs/one.txt", title="Brief one", published="2023-05-01", source=src)
    d2 = Document(text=DOC2, key="briefs/two.txt", title="Brief two", published="2022", url="https://example.org/b2",
                  source=Source("Other Desk"))
    kb.add_document(d1)
    kb.add_document(d2)
    new = Entity(kind="organization", name="Ansar al-Test", origin="discovered",
                 aliases=[Alias("AAT", acronym=True, source="brief two"),
                          Alias("أنصار الاختبار", lang="ar", script="Arab", source="brief two")],
                 attributes={"subtype": "media outlet"}, references=["brief two"])
    tal, aq, ttp, iskp = eid("Taliban"), eid("al-Qaeda"), eid("Tehrik-e-Taliban Pakistan"), \
        eid("Islamic State Khorasan Province")
    afg, pak, kabul = eid("Afghanistan"), eid("Pakistan"), eid("Kabul")
    c1 = [
        quote_claim(d1, "Since August 2021 the Taliban has sheltered al-Qaeda in Afghanistan.", subject=tal,
                    predicate="shelters", object=aq, valid_from="2021-08", reported_at="2023-05-01",
                    extractor="rules:shelter", confidence=0.9),
        quote_claim(d1, "The TTP operates in Pakistan", subject=ttp, predicate="operates_in", object=pak,
                    reported_at="2023-05-01", extractor="rules:geo", confidence=0.8),
        quote_claim(d1, "fought the Pakistani state in 2022", subject=ttp, predicate="fights", object=pak,
                    valid_from="2022", valid_to="2022", reported_at="2023-05-01", extractor="rules:fight",
                    confidence=0.7, modality="reported"),
        quote_claim(d1, "According to Joe Biden, al-Qaeda no longer operates in Afghanistan.", subject=aq,
                    predicate="operates_in", object=afg, polarity="negated", attributed_to=eid("Joe Biden"),
                    valid_from="2021-08", reported_at="2023-05-01", extractor="rules:geo", confidence=0.6),
        quote_claim(d1, "ISKP attacked Kabul in August 2021.", subject=iskp, predicate="attacks", object=kabul,
                    valid_from="2021-08", valid_to="2021-08", reported_at="2023-05-01", extractor="rules:attack",
                    confidence=0.85, qualifiers={"target": "airport", "killed": 170}),
        quote_claim(d1, "The Taliban and ISKP are rivals.", subject=iskp, predicate="rival_of", object=tal,
                    reported_at="2023-05-01", extractor="rules:rival", confidence=0.75),
    ]
    kb.save_extraction(d1.id, c1, entities=[])
    c2 = [
        quote_claim(d2, "AQIS is a branch of al-Qaeda.", subject=eid("al-Qaeda in the Indian Subcontinent"),
                    predicate="branch_of", object=aq, reported_at="2022", extractor="rules:branch", confidence=0.95),
        quote_claim(d2, "Al-Qaeda funded the Taliban from 1996 to 2001.", subject=aq, predicate="finances",
                    object=tal, valid_from="1996", valid_to="2001", reported_at="2022", extractor="rules:fin",
                    confidence=0.8),
        quote_claim(d2, "The group Ansar al-Test publishes on Telegram.", subject=new.id, predicate="uses_platform",
                    object=eid("Telegram"), reported_at="2022", extractor="rules:platform", confidence=0.65),
        quote_claim(d2, "=cmd|' /C calc'!A0 was posted there.", subject=new.id, predicate="endorses", object=tal,
                    reported_at="2022", extractor="rules:endorse", confidence=0.55),
    ]
    kb.save_extraction(d2.id, c2, entities=[new])
    # a claim with two pieces of evidence, a human review, and a rejected one
    both = Claim(subject=aq, predicate="allied_with", object=tal, reported_at="2022", extractor="rules:ally",
                 confidence=0.7, evidence=[
                     Evidence(d2.id, DOC2.index("Al-Qaeda funded"), DOC2.index("Al-Qaeda funded") + 15,
                              "Al-Qaeda funded"),
                     Evidence(d1.id, DOC1.index("the Taliban has sheltered"),
                              DOC1.index("the Taliban has sheltered") + 25, "the Taliban has sheltered"),
                 ])
    kb.add_claims([both])
    kb.review(c1[0].id, "accepted", actor="tester")
    kb.review(c2[3].id, "rejected", actor="tester")
    return kb


def claims_as_dicts(kb, status="all") -> dict[str, dict]:
    return {c.id: claim_to_dict(c) for c in kb.claims(status=status) if c.extractor != "reference"}


def entity_summary(kb) -> dict[str, tuple]:
    return {e.id: (e.kind, e.name, e.attributes.get("_status"),
                   tuple(sorted((a.name, a.lang, a.script, a.source, a.acronym) for a in e.aliases)))
            for e in kb.entities()}
