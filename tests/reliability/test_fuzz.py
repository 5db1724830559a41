"""Hypothesis fuzzing of the extraction pipeline and of the store: only the project's own errors come out.

Bounded in ``make test`` (ANDIWALI_FUZZ_EXAMPLES, default 25 examples per property);
``make fuzz`` runs every ``-m fuzz`` test with thousands (scripts/fuzz.sh).
"""

from __future__ import annotations

import itertools
import os
import random
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from andiwali.errors import AndiwaliError, StoreError
from andiwali.model import Claim, Document, Entity, Evidence, Source

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("ANDIWALI_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

# any Unicode (NUL and the other controls included, surrogates excluded: Python text from files cannot hold them),
# mixed with group names so the extractor has something to chew on
NAMES = ["Taliban", "al-Qaeda", "TTP", "Islamic State", "Harakat Zorbal", "Qordun Front", "al-Shabaab", "ISKP"]
VERBS = [" sheltered ", " pledged allegiance to ", " did not support ", " split from ", " fought ", " in 2019 ", ". "]
unicode_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400)
piece = st.one_of(unicode_text, st.sampled_from(NAMES), st.sampled_from(VERBS),
                  st.sampled_from(["\u202e", "\u200f", "\ufeff", "\x00", "\r\n", "ـ", "ال", "۲۰۱۹", "\U0001f600"]))
hostile_text = st.lists(piece, max_size=20).map("".join)


@pytest.fixture(scope="module")
def gazetteer():
    import copy

    from andiwali.model.reference import bundled_gazetteer
    from andiwali.scale.synth import synthetic_gazetteer

    # a copy: the bundled gazetteer is cached and shared by every test in the session
    return synthetic_gazetteer(30, base=copy.deepcopy(bundled_gazetteer()))


def _check_result(doc: Document, result) -> None:
    n = len(doc.text)
    for c in result.claims:
        assert isinstance(c, Claim)
        for ev in c.evidence:
            assert 0 <= ev.start <= ev.end <= n and ev.quote == doc.text[ev.start:ev.end]
    for m in result.mentions:
        eid, s, e, t = m.as_tuple() if hasattr(m, "as_tuple") else m
        assert 0 <= s <= e <= n and t == doc.text[s:e]


@FUZZ
@given(text=hostile_text, published=st.one_of(st.none(), st.sampled_from(["2019", "2020-02", "2021-03-04"])))
def test_extraction_on_arbitrary_unicode_raises_only_own_errors(gazetteer, text, published):
    extract = pytest.importorskip("andiwali.extract").extract_document
    doc = Document(text=text, key="fuzz.txt", published=published)
    try:
        result = extract(doc, gazetteer)
    except AndiwaliError:
        return
    _check_result(doc, result)


@FUZZ
@given(texts=st.lists(hostile_text, min_size=1, max_size=6))
def test_parallel_machinery_on_arbitrary_unicode(gazetteer, texts):
    from andiwali.scale import iter_extract

    docs = [Document(text=t, key=f"f{i}.txt") for i, t in enumerate(texts)]
    outs = list(iter_extract(docs, gazetteer, extractor="andiwali.scale.synth:cooccurrence_extract"))
    assert [o.doc_id for o in outs] == [d.id for d in docs]
    for o in outs:
        assert o.error is None
        _check_result(o.document, o.result)


@pytest.fixture(scope="module")
def fuzz_kb(tmp_path_factory):
    from andiwali.store import KnowledgeBase

    kb = KnowledgeBase.create(tmp_path_factory.mktemp("fuzz") / "kb", with_reference=False)
    a, b = Entity(kind="organization", name="Harakat Zorbal"), Entity(kind="organization", name="Qordun Front")
    kb.upsert_entity(a)
    kb.upsert_entity(b)
    yield kb, a, b
    kb.close()


_KEYS = itertools.count()
json_value = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-2**53, 2**53), unicode_text),
                          lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(unicode_text, inner, max_size=4)),
                          max_leaves=10)


@FUZZ
@given(text=hostile_text, title=st.one_of(st.none(), unicode_text), key=unicode_text, meta=st.dictionaries(unicode_text, json_value, max_size=4),
       source=unicode_text, query=unicode_text, start=st.integers(0, 500), length=st.integers(0, 500))
def test_store_round_trip_of_arbitrary_documents_and_claims(fuzz_kb, text, title, key, meta, source, query, start, length):
    kb, a, b = fuzz_kb
    try:
        doc = Document(text=text, key=f"{key}#{next(_KEYS)}", title=title, meta=meta,
                       source=Source(source) if source.strip() else None)
    except AndiwaliError:
        return
    try:
        kb.add_document(doc)
    except StoreError as exc:
        assert exc.code == "E305"  # NUL somewhere: refused the same way on both backends
        return
    back = kb.load_document(doc.id)
    assert (back.text, back.key, back.title, back.meta) == (doc.text, doc.key, doc.title, doc.meta)
    s = min(start, len(text))
    e = min(s + length, len(text))
    claim = Claim(subject=a.id, predicate="allied_with", object=b.id, evidence=[Evidence(doc.id, s, e, text[s:e])],
                  extractor="rules:fuzz", confidence=0.5)
    kb.save_extraction(doc.id, [claim], mentions=[(a.id, s, e, text[s:e])])
    got = kb.claim(claim.id)
    assert got.evidence[0].quote == text[s:e] and got.id == claim.id
    try:
        kb.search_documents(query)
        kb.claims(date_from=query[:10] or None, predicate=query[:20] or None)
    except AndiwaliError:
        pass
    assert kb.consistency_check()["problems"] == []


@pytest.fixture(scope="module")
def good_kb_file(tmp_path_factory):
    from andiwali.scale.synth import cooccurrence_extract, synthetic_documents, synthetic_gazetteer
    from andiwali.store import KnowledgeBase

    path = tmp_path_factory.mktemp("good") / "kb"
    kb = KnowledgeBase.create(path, with_reference=False)
    gaz = synthetic_gazetteer(20)
    kb.load_reference(gaz)
    for d in synthetic_documents(3000, n_groups=20, seed=2):
        kb.add_document(d)
        r = cooccurrence_extract(d, gaz)
        kb.save_extraction(d.id, r.claims, mentions=r.mentions)
    with kb.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    kb.close()
    return path / "andiwali.db"


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 64), truncate=st.booleans())
def test_damaged_database_file_gives_own_errors(good_kb_file, tmp_path_factory, seed, flips, truncate):
    """Bit flips and truncation of the SQLite file: open, read and check raise only StoreError (or report problems)."""
    from andiwali.store import KnowledgeBase

    d = tmp_path_factory.mktemp("damaged")
    target = d / "andiwali.db"
    shutil.copyfile(good_kb_file, target)
    data = bytearray(target.read_bytes())
    rng = random.Random(seed)
    for _ in range(flips):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    if truncate:
        data = data[: rng.randrange(len(data))]
    target.write_bytes(bytes(data))
    try:
        kb = KnowledgeBase.open(d, upgrade=False)
    except StoreError:
        return
    try:
        kb.counts()
        kb.claims(limit=50)
        kb.search_documents("statement")
        kb.consistency_check()
    except AndiwaliError:  # E311 for a damaged file; a damaged value fails the model's own checks (E100)
        pass
    finally:
        kb.close()
