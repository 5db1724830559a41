"""An ingest+extract writer and web-style reviewers on one knowledge base at once, on both backends.

No reviewer or writer may fail with anything but the project's own "changed
concurrently" error (E303); every successful review must be in the audit log
and no two reviews may succeed from the same claim version (a lost update).
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

N_REVIEWERS = 3
REVIEWS_EACH = 40
WRITER_DOCS = 24
HOT_DOCS = 3


def writer(location: str, corpus_dir: str, hot_ids: list[str], out: str) -> None:
    """Ingest files one by one and extract each; between files, re-save the hot documents' claims."""
    from andiwali.ingest.pipeline import ingest_paths
    from andiwali.scale.synth import cooccurrence_extract
    from andiwali.store import KnowledgeBase

    kb = KnowledgeBase.open(location)
    gaz = kb.gazetteer()
    errors: list[str] = []
    rounds = 0
    try:
        for i, path in enumerate(sorted(Path(corpus_dir).glob("*.txt"))):
            report = ingest_paths(kb, [path], source="writer test", grade="C3")
            for f in report.files:
                if f.status == "skipped":
                    errors.append(f"ingest {f.path}: {f.code} {f.reason}")
                for did in f.doc_ids:
                    r = cooccurrence_extract(kb.load_document(did), gaz)
                    kb.save_extraction(did, r.claims, mentions=r.mentions)
            # a re-extraction of the hot documents with other confidences: bumps pending claims' versions
            for did in hot_ids:
                r = cooccurrence_extract(kb.load_document(did), gaz)
                for c in r.claims:
                    c.confidence = 0.3 + 0.1 * (i % 5)
                kb.save_extraction(did, r.claims, mentions=r.mentions)
            rounds += 1
    except Exception as exc:  # noqa: BLE001 - reported to the test
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        kb.close()
    Path(out).write_text(json.dumps({"errors": errors, "rounds": rounds}))


def reviewer(location: str, name: str, claim_ids: list[str], seed: int, out: str) -> None:
    from andiwali.errors import StoreError
    from andiwali.store import KnowledgeBase

    rng = random.Random(seed)
    kb = KnowledgeBase.open(location)
    ok: list[tuple[str, int, str]] = []
    conflicts = 0
    errors: list[str] = []
    try:
        for _ in range(REVIEWS_EACH):
            cid = rng.choice(claim_ids)
            v = kb.claim_version(cid)
            kb.claim(cid)  # what a web page would show
            time.sleep(rng.random() * 0.005)
            status = rng.choice(["accepted", "rejected", "edited"])
            try:
                kb.review(cid, status, actor=name, expected_version=v)
                ok.append((cid, v, status))
            except StoreError as exc:
                if exc.code == "E303":
                    conflicts += 1
                else:
                    errors.append(str(exc))
            except Exception as exc:  # noqa: BLE001 - "database is locked" would land here
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        kb.close()
    Path(out).write_text(json.dumps({"ok": ok, "conflicts": conflicts, "errors": errors}))


@pytest.fixture
def location(backend, tmp_path, request):
    if backend == "sqlite":
        return str(tmp_path / "kb")
    return request.getfixturevalue("pg_url")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request):
    return request.param


def test_ingest_and_reviews_at_once_lose_nothing(location, tmp_path, synth_gazetteer):
    from andiwali.scale.synth import cooccurrence_extract, synthetic_documents
    from andiwali.store import KnowledgeBase

    kb = KnowledgeBase.create(location, with_reference=False)
    kb.load_reference(synth_gazetteer)
    gaz = kb.gazetteer()
    docs = list(synthetic_documents(WRITER_DOCS * 250 + 3000, n_groups=60, doc_words=(150, 350), seed=5))
    hot, rest = docs[:HOT_DOCS], docs[HOT_DOCS:HOT_DOCS + WRITER_DOCS]
    hot_claims: list[str] = []
    for d in hot:
        kb.add_document(d)
        r = cooccurrence_extract(d, gaz)
        kb.save_extraction(d.id, r.claims, mentions=r.mentions)
        hot_claims += [c.id for c in r.claims]
    assert len(hot_claims) >= 10
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, d in enumerate(rest):
        (corpus / f"r{i:03d}.txt").write_text(d.text, encoding="utf-8")
    kb.close()

    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=writer, args=(location, str(corpus), [d.id for d in hot], str(tmp_path / "w.json")))]
    for n in range(N_REVIEWERS):
        procs.append(ctx.Process(target=reviewer, args=(location, f"analyst{n}", hot_claims, n, str(tmp_path / f"r{n}.json"))))
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
        assert p.exitcode == 0, f"{p.name} exit code {p.exitcode}"

    w = json.loads((tmp_path / "w.json").read_text())
    assert w["errors"] == [] and w["rounds"] == WRITER_DOCS
    results = [json.loads((tmp_path / f"r{n}.json").read_text()) for n in range(N_REVIEWERS)]
    assert [r["errors"] for r in results] == [[]] * N_REVIEWERS
    successes = [(cid, v, st, f"analyst{n}") for n, r in enumerate(results) for cid, v, st in r["ok"]]
    assert successes, "no review succeeded"
    print(f"reviews: {len(successes)} succeeded, {sum(r['conflicts'] for r in results)} refused with E303; "
          f"writer rounds {w['rounds']}")
    # no lost update: each claim version was reviewed successfully at most once
    assert len({(cid, v) for cid, v, _, _ in successes}) == len(successes)

    kb = KnowledgeBase.open(location)
    try:
        with kb.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT object_id, actor, action, after FROM audit WHERE action LIKE 'review:%' ORDER BY id")).all()
        audited = Counter((oid, actor, action.split(":", 1)[1]) for oid, actor, action, _ in rows)
        assert audited == Counter((cid, actor, st) for cid, _, st, actor in successes)
        last: dict[str, str] = {}
        for oid, _, _, after in rows:
            last[oid] = json.loads(after)["status"]
        for cid, status in last.items():
            assert kb.claim(cid).status == status
        # the writer's work is whole: every document extracted, nothing broken
        assert kb.pending_documents() == []
        assert kb.counts()["documents"] == HOT_DOCS + WRITER_DOCS
        assert kb.consistency_check()["problems"] == []
    finally:
        kb.close()
