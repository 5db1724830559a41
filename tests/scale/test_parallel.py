"""Parallel and distributed extraction give exactly the claims of one worker."""

from __future__ import annotations

import pytest

from andiwali.scale import extract_parallel, iter_extract
from andiwali.scale.synth import cooccurrence_extract
from andiwali.store import KnowledgeBase, claim_to_dict

STUB = "andiwali.scale.synth:cooccurrence_extract"
VOLATILE = ("reviewed_at",)


def _kb(path, gaz):
    kb = KnowledgeBase.create(path, with_reference=False)
    kb.load_reference(gaz)
    return kb


def _claims(kb) -> dict[str, dict]:
    out = {}
    for c in kb.claims(status="all"):
        d = claim_to_dict(c)
        for k in VOLATILE:
            d.pop(k)
        out[c.id] = d
    return out


def _mentions(kb) -> list:
    from sqlalchemy import text

    with kb.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(text("SELECT doc_id, entity_id, start_char, end_char, text FROM mentions")))


def _run(tmp_path, name, gaz, docs, **kw):
    kb = _kb(tmp_path / name, gaz)
    for d in docs:
        kb.add_document(d)
    summary = extract_parallel(None, kb, gazetteer=gaz, **kw)
    assert summary.failed == 0 and summary.extracted == len(docs)
    return kb, summary


def test_two_worker_processes_give_the_claims_of_one(tmp_path, synth_gazetteer, synth_docs):
    one, s1 = _run(tmp_path, "one", synth_gazetteer, synth_docs, workers=1, extractor=STUB)
    two, s2 = _run(tmp_path, "two", synth_gazetteer, synth_docs, workers=2, extractor=STUB, chunk_chars=4000)
    assert s1.claims > 50
    assert _claims(one) == _claims(two)
    assert _mentions(one) == _mentions(two)
    assert one.pending_documents() == two.pending_documents() == []


def test_dask_local_cluster_gives_the_claims_of_one(tmp_path, synth_gazetteer, synth_docs, dask_cluster):
    one, _ = _run(tmp_path, "one", synth_gazetteer, synth_docs, workers=1, extractor=STUB)
    dk, s = _run(tmp_path, "dask", synth_gazetteer, synth_docs, dask_address=dask_cluster.scheduler_address,
                 extractor=STUB, chunk_chars=4000)
    assert s.documents == len(synth_docs)
    assert _claims(one) == _claims(dk)
    assert _mentions(one) == _mentions(dk)


def test_iter_extract_keeps_input_order_and_reports_errors(synth_gazetteer, synth_docs):
    docs = synth_docs[:15]
    from andiwali.errors import ExtractError

    with pytest.raises(ExtractError):
        list(iter_extract(docs, synth_gazetteer, workers=2, extractor="andiwali.scale.synth:no_such_function"))
    outs = list(iter_extract(docs, synth_gazetteer, workers=2, extractor="andiwali.scale.synth:flaky_extract"))
    assert [o.doc_id for o in outs] == [d.id for d in docs]
    failed = [o for o in outs if o.error]
    assert failed and all(o.result is None and o.code == "E400" and "boom" in o.error for o in failed)
    assert all(o.result is not None for o in outs if not o.error)
    serial = [cooccurrence_extract(d, synth_gazetteer).claims for d in docs]
    par = [o.result.claims for o in iter_extract(docs, synth_gazetteer, workers=2, extractor=STUB, chunk_chars=2000)]
    assert [[c.id for c in cs] for cs in serial] == [[c.id for c in cs] for cs in par]


def test_workers_must_be_positive(synth_gazetteer):
    from andiwali.errors import ExtractError

    with pytest.raises(ExtractError):
        list(iter_extract([], synth_gazetteer, workers=0))


@pytest.fixture(scope="module")
def real_setup():
    extract = pytest.importorskip("andiwali.extract")
    if not hasattr(extract, "extract_document"):
        pytest.skip("andiwali.extract.extract_document is not there yet")
    from andiwali.scale.synth import synthetic_documents, synthetic_gazetteer

    gaz = synthetic_gazetteer(60)
    docs = list(synthetic_documents(4000, n_groups=60, doc_words=(100, 300), seed=17))
    return gaz, docs


def _real_run(tmp_path, name, gaz, docs, **kw):
    kb = KnowledgeBase.create(tmp_path / name, with_reference=False)
    kb.load_reference(gaz)
    for d in docs:
        kb.add_document(d)
    summary = extract_parallel(None, kb, gazetteer=gaz, chunk_chars=3000, **kw)
    assert summary.failed == 0, summary.errors[:3]
    return kb, summary


@pytest.mark.slow
def test_real_extractor_same_claims_with_two_workers_and_dask(tmp_path, real_setup, dask_cluster):
    gaz, docs = real_setup
    one, s1 = _real_run(tmp_path, "one", gaz, docs, workers=1)
    assert s1.claims > 20
    two, _ = _real_run(tmp_path, "two", gaz, docs, workers=2)
    dk, _ = _real_run(tmp_path, "dask", gaz, docs, dask_address=dask_cluster.scheduler_address)
    base = _claims(one)
    assert _claims(two) == base
    assert _claims(dk) == base
    assert _mentions(one) == _mentions(two) == _mentions(dk)
    assert {e.id for e in one.entities()} == {e.id for e in two.entities()} == {e.id for e in dk.entities()}
