"""SIGKILL in the middle of a large ingest and of an extraction, at many points.

A child process ingests a directory of reports and extracts them. Faults:

* the child kills itself with SIGKILL right after its K-th SQL statement, which
  lands inside open transactions (between a document's rows, between a claim
  and its evidence, before a commit), for a series of K across both phases;
* the test kills the whole process group (the child and its extraction
  workers) with SIGKILL at moments during a ``workers=2`` extraction.

After every kill the knowledge base must pass its integrity check, hold only
whole documents (text identical to a clean run's) and whole claim sets (each
extracted document's claims and mentions identical to a clean run's, pending
documents without machine claims); the final re-run must finish the work with
nothing duplicated, equal to a clean run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import text

from andiwali.store import KnowledgeBase

N_DOCS = 90
STUB = "andiwali.scale.synth:cooccurrence_extract"

CHILD = textwrap.dedent('''
    import os, signal, sys
    from pathlib import Path
    from sqlalchemy import event
    from andiwali.ingest.options import IngestOptions
    from andiwali.ingest.pipeline import ingest_paths
    from andiwali.scale import extract_parallel
    from andiwali.store import KnowledgeBase

    def main():
        location, corpus, phase_file, kill_at, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        kb = KnowledgeBase.open(location)
        count = [0]

        def after(*_):
            count[0] += 1
            if kill_at and count[0] >= kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

        event.listen(kb.engine, "after_cursor_execute", after)
        Path(phase_file).write_text("ingest")
        ingest_paths(kb, [corpus], source="crash test", grade="C3", options=IngestOptions(detect_language=False))
        Path(phase_file).write_text("extract")
        extract_parallel(None, kb, extractor="{stub}", workers=workers, chunk_chars=3000)
        Path(phase_file).write_text("done")
        print(count[0])

    if __name__ == "__main__":
        main()
''').replace("{stub}", STUB)


def _corpus(tmp_path: Path) -> Path:
    from andiwali.scale.synth import synthetic_documents

    d = tmp_path / "corpus"
    d.mkdir()
    for i, doc in enumerate(synthetic_documents(N_DOCS * 300, n_groups=60, doc_words=(80, 160), seed=21)):
        if i == N_DOCS:
            break
        (d / f"report{i:04d}.txt").write_text(doc.text, encoding="utf-8")
    return d


def _run(location, corpus, tmp_path, kill_at=0, workers=1, wait=True):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    cmd = [sys.executable, str(script), location, str(corpus), str(tmp_path / "phase"), str(kill_at), str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    if not wait:
        return proc
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def _state(kb: KnowledgeBase) -> dict:
    """Per document: text, whether extracted, its claims (fields without timestamps) and mentions."""
    out: dict[str, dict] = {}
    with kb.engine.connect() as conn:
        for did, key, t, ext in conn.execute(text("SELECT id, doc_key, text, extracted_at FROM documents")):
            out[did] = {"key": key, "text": t, "extracted": ext is not None, "claims": set(), "mentions": set()}
        for row in conn.execute(text(
                "SELECT c.doc_id, c.id, c.subject_id, c.predicate, c.object_id, c.polarity, c.confidence, c.status, "
                "e.start_char, e.end_char, e.quote FROM claims c JOIN evidence e ON e.claim_id = c.id "
                "WHERE c.doc_id IS NOT NULL")):
            out[row[0]]["claims"].add(tuple(row[1:]))
        for row in conn.execute(text("SELECT doc_id, entity_id, start_char, end_char, text FROM mentions")):
            out[row[0]]["mentions"].add(tuple(row[1:]))
    return out


def _check_whole(kb: KnowledgeBase, reference: dict, where: str) -> dict:
    assert kb.integrity_check() == "ok", where
    assert kb.consistency_check()["problems"] == [], where
    state = _state(kb)
    assert set(state) <= set(reference), f"{where}: documents a clean run never makes"
    for did, got in state.items():
        want = reference[did]
        assert got["text"] == want["text"] and got["key"] == want["key"], f"{where}: partial document {did}"
        if got["extracted"]:
            assert got["claims"] == want["claims"], f"{where}: claim set of {did} differs from a clean run"
            assert got["mentions"] == want["mentions"], f"{where}: mentions of {did} differ from a clean run"
        else:
            assert got["claims"] == set() and got["mentions"] == set(), f"{where}: claims of unextracted {did}"
    with kb.engine.connect() as conn:
        n_claims = conn.execute(text("SELECT count(*) FROM claims")).scalar()
        n_distinct = conn.execute(text("SELECT count(DISTINCT subject_id || predicate || object_id || doc_id) FROM claims")).scalar()
    assert n_claims >= n_distinct
    return state


def _setup(kb_location, tmp_path, synth_gazetteer):
    corpus = _corpus(tmp_path)
    ref_dir = tmp_path / "reference"
    from andiwali.ingest.options import IngestOptions
    from andiwali.ingest.pipeline import ingest_paths
    from andiwali.scale import extract_parallel

    ref = KnowledgeBase.create(ref_dir, with_reference=False)
    ref.load_reference(synth_gazetteer)
    ingest_paths(ref, [corpus], source="crash test", grade="C3", options=IngestOptions(detect_language=False))
    extract_parallel(None, ref, extractor=STUB)
    reference = _state(ref)
    ref.close()
    assert len(reference) == N_DOCS and sum(len(v["claims"]) for v in reference.values()) > 100

    kb = KnowledgeBase.create(kb_location, with_reference=False)
    kb.load_reference(synth_gazetteer)
    kb.close()
    return kb_location, corpus, reference


def test_sigkill_inside_transactions_leaves_whole_documents_and_claim_sets(kb_location, tmp_path, synth_gazetteer):
    location, corpus, reference = _setup(kb_location, tmp_path, synth_gazetteer)
    kills = {"ingest": 0, "extract": 0}
    # kill points (statements after start); each run resumes where the last one died
    for i, k in enumerate([25, 90, 240, 160, 500, 300, 800, 450, 1100, 600, 1500]):
        rc, out, err = _run(location, corpus, tmp_path, kill_at=k)
        if rc == 0:
            break  # the work finished before this kill point
        assert rc == -signal.SIGKILL, err[-2000:]
        kills[(tmp_path / "phase").read_text()] += 1
        kb = KnowledgeBase.open(location)
        try:
            _check_whole(kb, reference, f"kill {i} at statement {k}")
        finally:
            kb.close()
    assert kills["ingest"] >= 2 and kills["extract"] >= 2, kills
    print(f"faults injected: {kills}")
    rc, out, err = _run(location, corpus, tmp_path)
    assert rc == 0, err[-2000:]
    kb = KnowledgeBase.open(location)
    try:
        final = _check_whole(kb, reference, "after the re-run")
        assert final == reference  # everything done, nothing duplicated
        assert kb.pending_documents() == []
    finally:
        kb.close()


def test_sigkill_of_a_parallel_extraction_process_group(tmp_path, synth_gazetteer):
    """SQLite only: the statement-level kills cover PostgreSQL."""
    location, corpus, reference = _setup(str(tmp_path / "kb"), tmp_path, synth_gazetteer)
    kb = KnowledgeBase.open(location)
    from andiwali.ingest.options import IngestOptions
    from andiwali.ingest.pipeline import ingest_paths

    ingest_paths(kb, [corpus], source="crash test", grade="C3", options=IngestOptions(detect_language=False))
    total = len(kb.pending_documents())
    kb.close()
    for fraction in (0.2, 0.6):
        proc = _run(location, corpus, tmp_path, workers=2, wait=False)
        kb = KnowledgeBase.open(location)
        try:
            deadline = time.monotonic() + 120
            while True:
                done = total - len(kb.pending_documents())
                if done >= fraction * total or proc.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
            _check_whole(kb, reference, f"group kill at {fraction:.0%}")
        finally:
            kb.close()
    rc, out, err = _run(location, corpus, tmp_path, workers=2)
    assert rc == 0, err[-2000:]
    kb = KnowledgeBase.open(location)
    try:
        assert _check_whole(kb, reference, "after the re-run") == reference
    finally:
        kb.close()
