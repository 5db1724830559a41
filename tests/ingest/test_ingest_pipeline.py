"""Batches into a knowledge base: no-op re-ingest, versions, duplicates, archives, one transaction per file."""

from __future__ import annotations

import shutil

from andiwali.ingest import ingest_paths, makers


def _docs_by_key(kb):
    return {d["doc_key"]: d for d in kb.documents()}


def test_corpus_ingests_every_format(empty_kb, corpus):
    report = ingest_paths(empty_kb, [corpus["brief.txt"].parent])
    assert report.exit_code == 0, report.problems
    formats = {d["format"] for d in empty_kb.documents()}
    assert formats == {"txt", "md", "html", "pdf", "docx", "telegram", "rss", "csv", "jsonl"}
    s = report.summary()
    assert s["files"] == len(corpus) and s["files_skipped"] == 0
    assert s["new"] + s["duplicates"] == empty_kb.counts()["documents"]
    assert empty_kb.integrity_check() == "ok"


def test_reingest_unchanged_is_a_noop(empty_kb, corpus):
    root = corpus["brief.txt"].parent
    ingest_paths(empty_kb, [root])
    before = empty_kb.counts()
    again = ingest_paths(empty_kb, [root])
    assert empty_kb.counts() == before
    s = again.summary()
    assert s["new"] == s["versions"] == s["duplicates"] == 0
    assert s["files_unchanged"] == len(corpus)


def test_changed_file_becomes_a_new_version(empty_kb, tmp_path):
    p = tmp_path / "brief.txt"
    p.write_text("First text of the brief about the group.")
    r1 = ingest_paths(empty_kb, [p])
    p.write_text("Second text of the brief about the group, revised.")
    r2 = ingest_paths(empty_kb, [p])
    assert r1.summary()["new"] == 1 and r2.summary()["versions"] == 1
    docs = [d for d in empty_kb.documents() if d["doc_key"] == str(p.resolve())]
    assert sorted(d["version"] for d in docs) == [1, 2]


def test_telegram_forwarded_copies_are_linked_not_duplicated(empty_kb, corpus):
    report = ingest_paths(empty_kb, [corpus["result.json"]])
    assert report.summary()["duplicates"] == 1
    docs = _docs_by_key(empty_kb)
    original = docs["telegram:1234567890/4"]
    copy = docs["telegram:1234567890/5"]
    assert original["duplicate_of"] is None
    assert copy["duplicate_of"] == original["id"]
    assert empty_kb.pending_documents().count(copy["id"]) == 0  # never extracted twice


def test_same_text_in_another_channel_is_linked(empty_kb, tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    b.mkdir()
    text = "Copied statement about the attack on the convoy, shared across channels."
    (a / "result.json").write_bytes(makers.make_telegram("Chan A", 1, [{"id": 10, "text": text}]))
    (b / "result.json").write_bytes(makers.make_telegram("Chan B", 2, [{"id": 20, "text": "  " + text + "\n"}]))
    ingest_paths(empty_kb, [a, b])
    docs = _docs_by_key(empty_kb)
    assert docs["telegram:2/20"]["duplicate_of"] == docs["telegram:1/10"]["id"]
    assert docs["telegram:2/20"]["source"] == "Chan B"


def test_zip_members_are_keyed_by_archive_and_member(empty_kb, tmp_path, corpus):
    z = tmp_path / "bundle.zip"
    z.write_bytes(makers.make_zip({
        "docs/brief.txt": corpus["brief.txt"].read_bytes(),
        "docs/report.pdf": corpus["report.pdf"].read_bytes(),
        "docs/report.pdf.meta.yaml": b"source: Zip Source\ngrade: A1\n",
        "media/photo.jpg": b"\xff\xd8\xff\xe0 not really",
    }))
    report = ingest_paths(empty_kb, [z])
    assert report.exit_code == 0, report.problems
    docs = _docs_by_key(empty_kb)
    key = f"zip:{z.resolve()}!docs/report.pdf"
    assert key in docs and f"zip:{z.resolve()}!docs/brief.txt" in docs
    assert docs[key]["source"] == "Zip Source" and docs[key]["reliability"] == "A"
    assert report.ignored == [f"{z}!media/photo.jpg"]


def test_directory_walk_ignores_media_hidden_and_sidecars(empty_kb, tmp_path, corpus):
    root = tmp_path / "export"
    (root / "photos").mkdir(parents=True)
    shutil.copy(corpus["result.json"], root / "result.json")
    (root / "photos" / "photo_1.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (root / ".hidden.txt").write_text("hidden")
    (root / "result.json.meta.yaml").write_text("grade: B3\n")
    report = ingest_paths(empty_kb, [root])
    assert report.exit_code == 0
    assert [f.path for f in report.files] == [str(root / "result.json")]
    assert len(report.ignored) == 1
    assert {d["reliability"] + d["credibility"] for d in empty_kb.documents()} == {"B3"}


def test_one_transaction_per_file(empty_kb, corpus, monkeypatch):
    real = empty_kb.add_document
    calls = {"n": 0}

    def flaky(doc, conn=None):
        if doc.format == "telegram":
            calls["n"] += 1
            if calls["n"] == 3:
                raise RuntimeError("disk full (simulated)")
        return real(doc, conn)

    monkeypatch.setattr(empty_kb, "add_document", flaky)
    report = ingest_paths(empty_kb, [corpus["result.json"], corpus["brief.txt"]])
    assert report.exit_code == 3
    (bad,) = report.skipped
    assert bad.code == "E300" and "disk full" in bad.reason
    formats = [d["format"] for d in empty_kb.documents()]
    assert "telegram" not in formats and formats == ["txt"]
    assert empty_kb.integrity_check() == "ok"


def test_progress_is_reported(empty_kb, corpus):
    seen = []
    ingest_paths(empty_kb, [corpus["brief.txt"], corpus["notes.md"]], progress=lambda d, t, n: seen.append((d, t)))
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_grade_and_source_reach_the_store(empty_kb, corpus):
    ingest_paths(empty_kb, [corpus["brief.txt"]], source="Analyst Desk", grade="B2")
    (d,) = empty_kb.documents()
    assert d["source"] == "Analyst Desk" and (d["reliability"], d["credibility"]) == ("B", "2")


def test_kb_directory_is_never_ingested(empty_kb, tmp_path):
    root = tmp_path
    (root / "a.txt").write_text("A text file beside the knowledge base directory.")
    report = ingest_paths(empty_kb, [root])
    assert [f.path for f in report.files] == [str(root / "a.txt")]
