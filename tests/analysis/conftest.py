"""A toy knowledge base: the Taliban's dependency reversal in miniature, written by hand.

Before August 2021 al-Qaeda, AQIS, TTP and TIP support the Taliban; after it the
Taliban shelters them, trades with al-Qaeda and fights ISKP (and, from 2023,
Pakistan). Document ``copy`` is a duplicate of ``before`` (same text, another key);
``statement`` carries a negated, attributed claim that contradicts ``after``; one claim
is rejected, one hypothetical, one has no time at all, and one comes in a hostile
quote that a report must escape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from andiwali.model import Claim, Document, Entity, Evidence, Source

BEFORE = (
    "Al-Qaeda supported the Taliban insurgency. AQIS backed the Taliban. The TTP aided the Taliban. "
    "TIP fighters helped the Taliban. The Taliban fought the Afghan government. "
    "The Taliban fought the United States. Pakistan backed the Taliban. "
    "Zawahiri led al-Qaeda. Abu Khalil served al-Qaeda and AQIS. Siraj led the Haqqani Network and sat in the Taliban. "
    "The Haqqani Network was allied with al-Qaeda. Al-Qaeda posted on Telegram."
)
AFTER = (
    "The Taliban sheltered al-Qaeda. The Taliban hosted the TTP. The Taliban hosted TIP. "
    "The Taliban controls Afghanistan. The Taliban and al-Qaeda share revenue. ISKP fought the Taliban. "
    "The Taliban fought ISKP. ISKP and the Taliban are rivals. Al-Qaeda is allied with the Taliban. "
    "Al-Qaeda operates in Afghanistan. The Taliban clashed with Pakistan. Al-Qaeda funds the Taliban. "
    "<script>alert('x')</script> AQIS trained the TTP."
)
STATEMENT = "Officials said al-Qaeda no longer operates in Afghanistan. The Taliban is not allied with al-Qaeda."


@dataclass
class Toy:
    kb: object
    ids: dict[str, str] = field(default_factory=dict)
    docs: dict[str, str] = field(default_factory=dict)
    claims: dict[str, str] = field(default_factory=dict)  # label -> claim id


def _ev(doc_id: str, text: str, phrase: str) -> Evidence:
    start = text.index(phrase)
    return Evidence(doc_id=doc_id, start=start, end=start + len(phrase), quote=phrase)


def build_toy(kb) -> Toy:
    toy = Toy(kb)
    ents = [
        Entity("organization", "Taliban", attributes={"region": "South Asia", "ideology": "deobandi"}),
        Entity("organization", "al-Qaeda", attributes={"region": "global", "ideology": "salafi-jihadist"}),
        Entity("organization", "TTP", attributes={"region": "South Asia", "ideology": "deobandi"}),
        Entity("organization", "TIP", attributes={"region": "Central Asia", "ideology": "salafi-jihadist"}),
        Entity("organization", "ISKP", attributes={"region": "South Asia", "ideology": "salafi-jihadist"}),
        Entity("organization", "Haqqani Network", attributes={"region": "South Asia", "ideology": "deobandi"}),
        Entity("state", "Afghan government"),
        Entity("state", "United States"),
        Entity("state", "Pakistan"),
        Entity("state", "Afghanistan"),
        Entity("person", "Ayman al-Zawahiri"),
        Entity("person", "Abu Khalil"),
        Entity("person", "Sirajuddin Haqqani"),
        Entity("platform", "Telegram"),
    ]
    for e in ents:
        toy.ids[e.name] = e.id
    aqis = Entity("organization", "AQIS", parent=toy.ids["al-Qaeda"],
                  attributes={"region": "South Asia", "ideology": "salafi-jihadist"})
    ents.append(aqis)
    toy.ids["AQIS"] = aqis.id
    for e in ents:
        kb.upsert_entity(e, actor="test")
    docs = {
        "before": Document(BEFORE, "toy/before.txt", title="Before", published="2020-05-01",
                           source=Source("Analyst Review", reliability="B", credibility="2")),
        "copy": Document(BEFORE, "toy/copy.txt", title="Copy", published="2020-06-01",
                         source=Source("Aggregator", kind="channel", reliability="F", credibility="6")),
        "after": Document(AFTER, "toy/after.txt", title="After", published="2024-01",
                          source=Source("Field Monitor", reliability="C", credibility="3")),
        "statement": Document(STATEMENT, "toy/statement.txt", title="Statement", published="2024-01",
                              source=Source("Press Office", reliability="D", credibility="4")),
    }
    texts = {"before": BEFORE, "copy": BEFORE, "after": AFTER, "statement": STATEMENT}
    for k, d in docs.items():
        kb.add_document(d)
        toy.docs[k] = d.id
    i = toy.ids

    def C(label, s, p, o, doc, phrase, **kw):
        d = toy.docs[doc]
        kw.setdefault("reported_at", docs[doc].published)
        c = Claim(subject=i[s], predicate=p, object=i[o], evidence=[_ev(d, texts[doc], phrase)],
                  extractor="rules:test", confidence=kw.pop("confidence", 0.9), **kw)
        toy.claims[label] = c.id
        return c

    claims = [
        C("aq_supports", "al-Qaeda", "supports", "Taliban", "before", "Al-Qaeda supported the Taliban insurgency",
          valid_from="2002", valid_to="2021-07"),
        C("aq_supports_copy", "al-Qaeda", "supports", "Taliban", "copy", "Al-Qaeda supported the Taliban insurgency",
          valid_from="2002", valid_to="2021-07"),
        C("aqis_supports", "AQIS", "supports", "Taliban", "before", "AQIS backed the Taliban",
          valid_from="2015", valid_to="2021-07"),
        C("ttp_supports", "TTP", "supports", "Taliban", "before", "The TTP aided the Taliban",
          valid_from="2010", valid_to="2021-07"),
        C("tip_supports", "TIP", "supports", "Taliban", "before", "TIP fighters helped the Taliban",
          valid_from="2012", valid_to="2020"),
        C("fights_gov", "Taliban", "fights", "Afghan government", "before", "The Taliban fought the Afghan government",
          valid_from="2004", valid_to="2021-08"),
        C("fights_us", "Taliban", "fights", "United States", "before", "The Taliban fought the United States",
          valid_to="2021-08"),
        C("pak_supports", "Pakistan", "supports", "Taliban", "before", "Pakistan backed the Taliban",
          valid_from="2001", valid_to="2021-07", confidence=0.6, modality="alleged"),
        C("zawahiri_leads", "Ayman al-Zawahiri", "leads", "al-Qaeda", "before", "Zawahiri led al-Qaeda",
          valid_from="2011-06", valid_to="2022-07"),
        C("khalil_aq", "Abu Khalil", "member_of", "al-Qaeda", "before", "Abu Khalil served al-Qaeda and AQIS"),
        C("khalil_aqis", "Abu Khalil", "member_of", "AQIS", "before", "Abu Khalil served al-Qaeda and AQIS"),
        C("siraj_leads", "Sirajuddin Haqqani", "leads", "Haqqani Network", "before",
          "Siraj led the Haqqani Network and sat in the Taliban"),
        C("siraj_member", "Sirajuddin Haqqani", "member_of", "Taliban", "before",
          "Siraj led the Haqqani Network and sat in the Taliban"),
        C("hn_allied", "Haqqani Network", "allied_with", "al-Qaeda", "before",
          "The Haqqani Network was allied with al-Qaeda"),
        C("aq_telegram", "al-Qaeda", "uses_platform", "Telegram", "before", "Al-Qaeda posted on Telegram"),
        C("shelters_aq", "Taliban", "shelters", "al-Qaeda", "after", "The Taliban sheltered al-Qaeda", valid_from="2021-08"),
        C("shelters_ttp", "Taliban", "shelters", "TTP", "after", "The Taliban hosted the TTP", valid_from="2021-08"),
        C("shelters_tip", "Taliban", "shelters", "TIP", "after", "The Taliban hosted TIP", valid_from="2021-09"),
        C("controls", "Taliban", "controls", "Afghanistan", "after", "The Taliban controls Afghanistan",
          valid_from="2021-08"),
        C("trades", "Taliban", "trades_with", "al-Qaeda", "after", "The Taliban and al-Qaeda share revenue",
          valid_from="2021-08"),
        C("iskp_fights", "ISKP", "fights", "Taliban", "after", "ISKP fought the Taliban", valid_from="2021"),
        C("taliban_fights_iskp", "Taliban", "fights", "ISKP", "after", "The Taliban fought ISKP", valid_from="2021"),
        C("rivals", "ISKP", "rival_of", "Taliban", "after", "ISKP and the Taliban are rivals"),
        C("allied", "al-Qaeda", "allied_with", "Taliban", "after", "Al-Qaeda is allied with the Taliban"),
        C("aq_in_afg", "al-Qaeda", "operates_in", "Afghanistan", "after", "Al-Qaeda operates in Afghanistan"),
        C("fights_pak", "Taliban", "fights", "Pakistan", "after", "The Taliban clashed with Pakistan",
          valid_from="2023"),
        C("aq_funds_hyp", "al-Qaeda", "finances", "Taliban", "after", "Al-Qaeda funds the Taliban",
          modality="hypothetical"),
        C("aqis_trains_ttp", "AQIS", "trains", "TTP", "after", "<script>alert('x')</script> AQIS trained the TTP",
          valid_from="2022"),
        C("aq_not_in_afg", "al-Qaeda", "operates_in", "Afghanistan", "statement",
          "al-Qaeda no longer operates in Afghanistan", polarity="negated", attributed_to=i["United States"]),
        C("not_allied", "Taliban", "allied_with", "al-Qaeda", "statement", "The Taliban is not allied with al-Qaeda",
          polarity="negated"),
        C("rejected", "ISKP", "supports", "al-Qaeda", "after", "ISKP fought the Taliban"),
    ]
    # one claim with no time at all and no document (hand-entered)
    timeless = Claim(subject=i["Haqqani Network"], predicate="supports", object=i["TTP"], extractor="human",
                     confidence=1.0)
    toy.claims["timeless"] = timeless.id
    claims.append(timeless)
    kb.add_claims(claims, actor="test")
    kb.review(toy.claims["rejected"], "rejected", actor="test")
    kb.review(toy.claims["shelters_aq"], "accepted", actor="test")
    return toy


@pytest.fixture
def toy(empty_kb) -> Toy:
    return build_toy(empty_kb)


@pytest.fixture
def toy_data(toy):
    from andiwali.analysis import load

    return load(toy.kb)
