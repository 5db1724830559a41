"""Property tests: spans stay inside the text, quotes are cut from it, arbitrary Unicode never crashes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from andiwali.extract import extract_document
from andiwali.model import Document

PIECES = ["The Taliban", " hosted ", "al-Qaeda", " in ", "Afghanistan", ". ", "ISKP", " attacked ", "Kabul",
          " and ", ", ", "\n", " no longer ", "said that ", "the group", " since 2019", "(TIP)", " its ", "“", "”"]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map("".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_spans_inside_text_and_quotes_cut_from_it(gaz, text):
    doc = Document(text=text, key="h")
    res = extract_document(doc, gaz, parser=False)
    n = len(text)
    for c in res.claims:
        for ev in c.evidence:
            assert 0 <= ev.start <= ev.end <= n
            assert text[ev.start : ev.end] == ev.quote
        sm, om = res.claim_mentions[c.id]
        for m in (sm, om):
            assert 0 <= m.start <= m.end <= n and text[m.start : m.end] == m.text
        assert 0.0 <= c.confidence <= 1.0
    for m in res.mentions:
        assert 0 <= m.start <= m.end <= n and text[m.start : m.end] == m.text
