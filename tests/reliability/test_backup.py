"""Backups taken while a writer is active restore to exactly what was committed; restore is guarded."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from andiwali.errors import StoreError
from andiwali.store import KnowledgeBase
from andiwali.store.backup import backup, restore, snapshot


def writer(location: str, stop: str, done: str) -> None:
    """Add documents with their claims (one transaction each) until the stop file appears."""
    from andiwali.scale.synth import cooccurrence_extract, synthetic_documents

    kb = KnowledgeBase.open(location)
    gaz = kb.gazetteer()
    n = 0
    for doc in synthetic_documents(10_000_000, n_groups=60, doc_words=(60, 200), seed=3, key_prefix="live"):
        if Path(stop).exists():
            break
        kb.add_document(doc)
        r = cooccurrence_extract(doc, gaz)
        kb.save_extraction(doc.id, r.claims, mentions=r.mentions)
        n += 1
    kb.close()
    Path(done).write_text(str(n))


def _columns_index(kb, table, column) -> int:
    from andiwali.store.backup import _columns

    return _columns(kb, table).index(column)


def _populated(location, gaz) -> KnowledgeBase:
    from andiwali.scale.synth import cooccurrence_extract, synthetic_documents

    kb = KnowledgeBase.create(location, with_reference=False)
    kb.load_reference(gaz)
    for doc in synthetic_documents(4000, n_groups=60, doc_words=(80, 200), seed=9):
        kb.add_document(doc)
        r = cooccurrence_extract(doc, gaz)
        kb.save_extraction(doc.id, r.claims, mentions=r.mentions)
    first = kb.claims()[0]
    kb.review(first.id, "accepted", actor="alice")
    return kb


def test_backup_of_a_quiet_kb_restores_row_for_row(kb_location, new_location, synth_gazetteer, tmp_path):
    kb = _populated(kb_location, synth_gazetteer)
    info = backup(kb, tmp_path / "kb.backup")
    assert info["bytes"] > 0
    target = new_location()
    restore(tmp_path / "kb.backup", target)
    restored = KnowledgeBase.open(target)
    try:
        assert snapshot(restored) == snapshot(kb)
        assert restored.search_documents("statement") == kb.search_documents("statement")
        assert restored.consistency_check()["problems"] == []
    finally:
        restored.close()
        kb.close()


def test_backup_while_a_writer_is_active_is_a_consistent_snapshot(kb_location, new_location, synth_gazetteer, tmp_path):
    kb = _populated(kb_location, synth_gazetteer)
    base_docs = kb.counts()["documents"]
    stop, done = tmp_path / "stop", tmp_path / "done"
    proc = multiprocessing.get_context("spawn").Process(target=writer, args=(kb_location, str(stop), str(done)))
    proc.start()
    try:
        deadline = time.monotonic() + 60
        while kb.counts()["documents"] < base_docs + 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        backups = []
        for i in range(3):  # several backups while the writer goes on
            backups.append(backup(kb, tmp_path / f"live{i}.backup")["path"])
            time.sleep(0.1)
    finally:
        stop.write_text("stop")
        proc.join(120)
    assert proc.exitcode == 0 and int(done.read_text()) > 5
    final = snapshot(kb)
    final_sets = {t: set(rows) for t, rows in final.items()}
    extracted_at = _columns_index(kb, "documents", "extracted_at")
    for path in backups:
        target = new_location()
        restore(path, target)
        restored = KnowledgeBase.open(target)
        try:
            assert restored.integrity_check() == "ok"
            assert restored.consistency_check()["problems"] == []
            snap = snapshot(restored)
            for table, rows in snap.items():
                if table == "documents":  # the writer sets extracted_at after storing a document
                    rows = [r[:extracted_at] + r[extracted_at + 1:] for r in rows]
                    want = {r[:extracted_at] + r[extracted_at + 1:] for r in final_sets[table]}
                else:
                    want = final_sets[table]
                assert set(rows) <= want, f"{table} holds rows the original never had"
            # whole claim sets: an extracted document has every claim it has in the end, a pending one none
            pending = set(restored.pending_documents())
            assert len(pending) <= 1
            for d in restored.documents():
                got = {c.id for c in restored.claims(doc_id=d["id"], status="all")}
                if d["id"] in pending:
                    assert got == set()
                else:
                    assert got == {c.id for c in kb.claims(doc_id=d["id"], status="all")}
        finally:
            restored.close()
    kb.close()


def test_restore_refuses_to_overwrite_without_force(kb_location, synth_gazetteer, tmp_path):
    kb = _populated(kb_location, synth_gazetteer)
    backup(kb, tmp_path / "b")
    before = snapshot(kb)
    kb.add_document(__import__("andiwali.model", fromlist=["Document"]).Document(text="later text", key="later.txt"))
    with pytest.raises(StoreError) as err:
        restore(tmp_path / "b", kb_location)
    assert err.value.code == "E308"
    kb.close()
    restore(tmp_path / "b", kb_location, force=True)
    again = KnowledgeBase.open(kb_location)
    try:
        assert snapshot(again) == before
    finally:
        again.close()


def test_restore_rejects_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01not a backup at all")
    with pytest.raises(StoreError) as err:
        restore(junk, tmp_path / "kb")
    assert err.value.code == "E310"


@pytest.mark.postgres
def test_sqlite_backup_restores_into_postgresql(tmp_path, synth_gazetteer, pg_url):
    kb = _populated(tmp_path / "kb", synth_gazetteer)
    backup(kb, tmp_path / "kb.backup")
    restore(tmp_path / "kb.backup", pg_url)
    pg = KnowledgeBase.open(pg_url)
    try:
        assert pg.dialect == "postgresql"
        assert snapshot(pg) == snapshot(kb)
        assert [d["id"] for d in pg.search_documents("statement")] != []
        pg.review(pg.claims()[1].id, "rejected", actor="bob")  # sequences continue after the copied ids
        assert pg.audit_log(limit=1)[0]["actor"] == "bob"
    finally:
        pg.close()
        kb.close()


def test_cli_backup_and_restore(tmp_path, synth_gazetteer):
    import andiwali.cli.admin  # noqa: F401 - registers the commands
    from andiwali.cli import app

    kb = _populated(tmp_path / "kb", synth_gazetteer)
    runner = CliRunner()
    res = runner.invoke(app, ["--kb", str(tmp_path / "kb"), "backup", str(tmp_path / "out.db")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--kb", str(tmp_path / "copy"), "restore", str(tmp_path / "out.db")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--kb", str(tmp_path / "copy"), "restore", str(tmp_path / "out.db")])
    assert res.exit_code != 0 and "E308" in str(res.exception or res.output)
    res = runner.invoke(app, ["--kb", str(tmp_path / "copy"), "check"])
    assert res.exit_code == 0 and "ok" in res.output
    res = runner.invoke(app, ["--kb", str(tmp_path / "copy"), "migrate"])
    assert res.exit_code == 0 and "up to date" in res.output
    copy = KnowledgeBase.open(tmp_path / "copy")
    assert snapshot(copy) == snapshot(kb)
    copy.close()
    kb.close()
