"""Hostile and broken input: each bad file gets one report line (path, code, reason),
the batch goes on, and the knowledge base is unchanged by the bad files."""

from __future__ import annotations

import os
import socket
import zipfile
from pathlib import Path

import pytest

from andiwali.errors import IngestError
from andiwali.ingest import IngestOptions, ingest_paths, makers, read_bytes

GOOD_PDF = makers.make_pdf(["A perfectly fine page of text about the council."])


def _nested_json(levels: int) -> bytes:
    return b'{"messages": ' + b"[" * levels + b"]" * levels + b"}"


def _traversal_zip() -> bytes:
    return makers.make_zip({"ok.txt": b"fine text", "../../etc/evil.txt": b"escaped"})


def _absolute_zip() -> bytes:
    return makers.make_zip({"/etc/cron.d/evil": b"escaped"})


def _many_members_zip(n: int) -> bytes:
    return makers.make_zip({f"m{i}.txt": b"x" for i in range(n)}, compression=zipfile.ZIP_STORED)


def _billion_laughs() -> bytes:
    ents = "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    return (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol">{ents}]><rss version="2.0"><channel>'
            f"<title>T</title><item><title>x</title><description>&j;</description></item></channel></rss>").encode()


# name -> (bytes, expected code); every one is skipped
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "E202"),
    "blank.txt": (b"  \n\t \n", "E202"),
    "random.bin": (bytes(range(256)) * 64, "E204"),
    "program.txt": (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "E204"),
    "image.png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "E204"),
    "truncated.pdf": (GOOD_PDF[: len(GOOD_PDF) // 2], "E206"),
    "header_only.pdf": (b"%PDF-1.7\n%%EOF\n", "E206"),
    "encrypted.pdf": (makers.encrypt_pdf(GOOD_PDF), "E207"),
    "bomb.zip": (makers.make_zip_bomb(16 * 1024 * 1024), "E208"),
    "traversal.zip": (_traversal_zip(), "E208"),
    "absolute.zip": (_absolute_zip(), "E208"),
    "corrupt.zip": (b"PK\x03\x04" + b"\x00" * 50, "E206"),
    "nested.json": (_nested_json(10_000), "E209"),
    "nested.jsonl": (b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b"}\n", "E209"),
    "bad.json": (b'{"messages": [', "E206"),
    "only_script.html": (b"<html><head><script>" + b"var a = 1;" * 1000 + b"</script></head><body></body></html>",
                         "E210"),
    "notafeed.rss": (b"<rss><channel><title>x</title></channel></rss>", "E210"),
    "broken.docx": (makers.make_zip({"word/document.xml": b"<not xml"}), "E206"),
    "nocolumn.csv": (b"a,b\n1,2\n", "E210"),
    "legacy.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "E204"),
    "deep.html": (b"<html><body>" + b"<div>" * 20000 + b"text deep inside" + b"</div>" * 20000 + b"</body></html>",
                  "E210"),
    "deep.pdf": (GOOD_PDF.replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 612 792] /Junk " + b"[" * 20000
                                  + b"]" * 20000), "E206"),
}


def _write(root: Path, files: dict[str, tuple[bytes, str]]) -> None:
    for name, (data, _) in files.items():
        (root / name).write_bytes(data)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_skipped_with_its_code_and_kb_is_unchanged(empty_kb, tmp_path, name):
    data, code = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = empty_kb.counts()
    report = ingest_paths(empty_kb, [path])
    assert report.exit_code == 3
    (problem,) = [p for p in report.problems if p["level"] == "error"]
    assert problem["path"] == str(path)
    assert problem["code"] == code, problem
    assert problem["reason"]
    assert empty_kb.counts() == before
    assert empty_kb.integrity_check() == "ok"


def test_batch_goes_on_past_every_bad_file(empty_kb, tmp_path):
    _write(tmp_path, BAD_FILES)
    (tmp_path / "good.txt").write_text("One good document in a batch full of hostile files.")
    before = empty_kb.counts()
    report = ingest_paths(empty_kb, [tmp_path])
    skipped = {Path(f.path).name: f.code for f in report.skipped}
    # media extensions are left out of directory walks (Telegram exports ship photos)
    assert skipped == {n: c for n, (_, c) in BAD_FILES.items() if n != "image.png"}
    assert report.ignored == [str(tmp_path / "image.png")]
    after = empty_kb.counts()
    assert after["documents"] == before["documents"] + 1
    (doc,) = empty_kb.documents()
    assert doc["title"].startswith("One good document")
    assert empty_kb.integrity_check() == "ok"


def test_invalid_utf8_is_ingested_with_replacement_and_a_warning(empty_kb, tmp_path):
    p = tmp_path / "broken.txt"
    p.write_bytes("Le communiqué du groupe ".encode() + b"\xff\xfe\xc3" + b" annonce une nouvelle phase.")
    report = ingest_paths(empty_kb, [p])
    assert report.exit_code == 0
    (w,) = report.problems
    assert w["level"] == "warning" and w["code"] == "E205" and w["path"] == str(p)
    (d,) = empty_kb.documents()
    text = empty_kb.document(d["id"])["text"]
    assert "\ufffd" in text and "communiqué" in text and "nouvelle phase" in text
    assert d["meta"]["warnings"] == ["E205"]


def test_lone_surrogates_in_json_are_replaced(empty_kb, tmp_path):
    p = tmp_path / "result.json"
    p.write_bytes(b'{"name": "C\\ud800", "id": 5, "messages": [{"id": 1, "type": "message", '
                  b'"text": "bad \\udc00 surrogate in a message"}]}')
    report = ingest_paths(empty_kb, [p])
    assert report.exit_code == 0
    assert [x["code"] for x in report.problems] == ["E205"]
    (d,) = empty_kb.documents()
    assert empty_kb.document(d["id"])["text"] == "bad \ufffd surrogate in a message"


def test_html_full_of_script_keeps_only_visible_text(tmp_path):
    payloads = ["SECRET_A()", "eval(atob('SECRET_B'))", "</p>SECRET_C"]
    body = "".join(f"<script>{p}</script><p>Visible paragraph {i} about the group and its leadership.</p>"
                   f"<style>.x{{content:'SECRET_D'}}</style><noscript>SECRET_E</noscript>"
                   f"<img src=x onerror=\"SECRET_F()\"><svg><script>SECRET_G</script></svg>"
                   for i, p in enumerate(payloads * 30))
    html = f"<!doctype html><html><head><script>SECRET_H</script></head><body>{body}</body></html>".encode()
    (doc,) = read_bytes(html, "page.html")
    assert "Visible paragraph 0 about the group" in doc.text
    for secret in "ABCDEFGH":
        assert f"SECRET_{secret}" not in doc.text


def test_size_limit(empty_kb, tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"word " * 3000)
    report = ingest_paths(empty_kb, [p], options=IngestOptions(max_bytes=10_000))
    assert [f.code for f in report.skipped] == ["E203"]
    assert empty_kb.counts()["documents"] == 0


def test_zip_total_size_limit(tmp_path, empty_kb):
    z = tmp_path / "big.zip"
    z.write_bytes(makers.make_zip({f"f{i}.txt": os.urandom(40_000).hex().encode() for i in range(5)}))
    report = ingest_paths(empty_kb, [z], options=IngestOptions(max_archive_bytes=300_000))
    assert [f.code for f in report.skipped] == ["E208"]
    assert "max_archive_bytes" in report.skipped[0].reason


def test_too_many_members(tmp_path, empty_kb):
    z = tmp_path / "many.zip"
    z.write_bytes(_many_members_zip(60))
    report = ingest_paths(empty_kb, [z], options=IngestOptions(max_archive_members=50))
    assert [(f.code, "max_archive_members" in f.reason) for f in report.skipped] == [("E208", True)]
    assert empty_kb.counts()["documents"] == 0


def test_docx_container_bomb_is_refused():
    data = makers.make_zip({"word/document.xml": b"<w:document/>" + b" " * (5 * 1024 * 1024),
                            "[Content_Types].xml": b"<Types/>"})
    with pytest.raises(IngestError) as ei:
        read_bytes(data, "bomb.docx")
    assert ei.value.code == "E208"


def test_bad_member_in_good_archive_skips_only_that_member(empty_kb, tmp_path):
    z = tmp_path / "mixed.zip"
    z.write_bytes(makers.make_zip({"good.txt": b"A good member of the archive with text.",
                                   "bad.pdf": GOOD_PDF[:100], "inner.zip": makers.make_zip({"x.txt": b"x"})}))
    report = ingest_paths(empty_kb, [z])
    assert {f.path.split("!")[1]: f.code for f in report.skipped} == {"bad.pdf": "E206", "inner.zip": "E208"}
    assert empty_kb.counts()["documents"] == 1


def test_not_a_regular_file_and_missing_file(empty_kb, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    report = ingest_paths(empty_kb, [fifo, tmp_path / "missing.txt"])
    assert [(Path(f.path).name, f.code) for f in report.skipped] == [("pipe.txt", "E201"), ("missing.txt", "E201")]


def test_billion_laughs_feed_is_bounded():
    try:
        docs = read_bytes(_billion_laughs(), "lol.rss")
    except IngestError:
        return
    assert sum(len(d.text) for d in docs) < 10_000


def test_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xml = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]><rss version="2.0">'
           f"<channel><title>T</title><item><title>x</title><description>a &xxe; b</description></item>"
           f"</channel></rss>").encode()
    for d in read_bytes(xml, "x.rss"):
        assert "TOP-SECRET" not in d.text


def test_bad_sidecar_skips_the_file(empty_kb, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Some text that would otherwise be fine to ingest.")
    (tmp_path / "a.txt.meta.yaml").write_text("grade: Z9\n")
    report = ingest_paths(empty_kb, [p])
    assert [f.code for f in report.skipped] == ["E212"]
    (tmp_path / "a.txt.meta.yaml").write_text("colour: red\n")
    report = ingest_paths(empty_kb, [p])
    assert [f.code for f in report.skipped] == ["E212"] and "colour" in report.skipped[0].reason
    assert empty_kb.counts()["documents"] == 0


def test_no_url_in_a_document_is_ever_fetched(empty_kb, corpus, monkeypatch):
    attempts = []

    def refuse(self, address, *a, **k):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or [])
    report = ingest_paths(empty_kb, [corpus["brief.txt"].parent])
    assert report.exit_code == 0
    assert attempts == []


def test_nul_characters_are_replaced_not_stored(empty_kb, tmp_path):
    p = tmp_path / "posts.jsonl"
    p.write_bytes(b'{"text": "nul \\u0000 inside", "source": "S\\u0000"}\n')
    t = tmp_path / "late_nul.txt"
    t.write_bytes(b"x" * 9000 + b"\x00" + b" tail text after a NUL byte")
    report = ingest_paths(empty_kb, [p, t])
    assert report.exit_code == 0, report.problems
    assert [x["code"] for x in report.problems] == ["E205", "E205"]
    texts = sorted(empty_kb.document(d["id"])["text"] for d in empty_kb.documents())
    assert texts[0] == "nul \ufffd inside"
    assert texts[1][9000] == "\ufffd" and len(texts[1]) == 9000 + 1 + len(" tail text after a NUL byte")
