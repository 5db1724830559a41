"""Resource limits (issue 10 item 6): a 200 MB file, a zip bomb, a 10,000-level nested
JSON and a PDF with 50,000 pages are refused within a memory bound checked here.

Memory is measured, never time: tracemalloc for the Python heap, or the peak RSS
of a child process for the PDF (tracemalloc would make pypdf too slow).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import tracemalloc
import zipfile

import pytest

from andiwali.errors import IngestError
from andiwali.ingest import IngestOptions, ingest_paths, makers, read_bytes, read_documents

MB = 1024 * 1024


class heap_peak:
    """Context manager: the peak of traced Python allocations inside the block, in bytes."""

    def __enter__(self):
        tracemalloc.start()
        tracemalloc.reset_peak()
        return self

    def __exit__(self, *exc):
        self.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def test_200mb_file_is_refused_by_size_without_being_read(empty_kb, tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.seek(200 * MB - 1)
        fh.write(b"\n")
    before = empty_kb.counts()
    with heap_peak() as m:
        report = ingest_paths(empty_kb, [p])
    assert [(f.code, "max_bytes" in f.reason) for f in report.skipped] == [("E203", True)]
    assert m.peak < 5 * MB
    assert empty_kb.counts() == before


def test_zip_bomb_is_refused_by_ratio(empty_kb, tmp_path):
    z = tmp_path / "bomb.zip"
    z.write_bytes(makers.make_zip_bomb(128 * MB))  # ~130 KB on disk, 1000x
    with heap_peak() as m:
        report = ingest_paths(empty_kb, [z])
    (bad,) = report.skipped
    assert bad.code == "E208" and "zip bomb" in bad.reason
    assert m.peak < 10 * MB
    assert empty_kb.counts()["documents"] == 0


def _forge_sizes(data: bytes, fake: int) -> bytes:
    """Rewrite the declared uncompressed size of every member (local and central headers)."""
    buf = bytearray(data)
    i = 0
    while (i := buf.find(b"PK\x03\x04", i)) != -1:
        struct.pack_into("<I", buf, i + 22, fake)
        i += 4
    i = 0
    while (i := buf.find(b"PK\x01\x02", i)) != -1:
        struct.pack_into("<I", buf, i + 24, fake)
        i += 4
    return bytes(buf)


def test_zip_bomb_lying_about_its_size_is_bounded(empty_kb, tmp_path):
    raw = makers.make_zip({"a.txt": b"A" * (64 * MB)})
    z = tmp_path / "liar.zip"
    z.write_bytes(_forge_sizes(raw, 1000))
    with zipfile.ZipFile(z) as zf:
        assert zf.infolist()[0].file_size == 1000
    with heap_peak() as m:
        report = ingest_paths(empty_kb, [z])
    # either refused (CRC mismatch) or cut at the declared size: never 64 MB in memory
    assert m.peak < 16 * MB
    assert all(f.code in ("E206", "E208") for f in report.skipped)
    for d in empty_kb.documents():
        assert d["n_chars"] <= 1000


@pytest.mark.parametrize("name,wrap", [
    ("nested.json", lambda inner: b'{"messages": ' + inner + b"}"),
    ("result.json", lambda inner: b'{"name": "c", "id": 1, "messages": [{"id": 1, "text": ' + inner + b"}]}"),
    ("nested.jsonl", lambda inner: b'{"text": "ok"}\n{"text": ' + inner + b"}\n"),
])
def test_10000_level_nested_json_is_refused_without_recursion(name, wrap):
    data = wrap(b"[" * 10_000 + b"]" * 10_000)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # a recursive parser would fail long before 10,000 levels
    try:
        with heap_peak() as m:
            with pytest.raises(IngestError) as ei:
                read_bytes(data, name)
    finally:
        sys.setrecursionlimit(limit)
    assert ei.value.code == "E209"
    assert m.peak < 5 * MB


def test_nested_json_within_the_limit_is_parsed():
    depth = 20
    obj = {"text": "deep post"}
    for _ in range(depth):
        obj = {"inner": obj, "text": "outer post"}
    (doc,) = read_bytes(json.dumps([obj]).encode(), "posts.json")
    assert doc.text == "outer post"


_PDF_CHILD = r"""
import resource, sys
from andiwali.ingest import IngestOptions, makers, read_bytes
from andiwali.errors import IngestError
data = makers.make_many_pages_pdf(50_000)
if sys.argv[1] == "lying":
    data = data.replace(b"/Count 50000", b"/Count 1    ")
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_bytes(data, "many.pdf", options=IngestOptions(detect_language=False))
    print("ACCEPTED")
except IngestError as exc:
    print(exc.code)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) * 1024)
"""


@pytest.mark.parametrize("variant", ["honest", "lying"])
def test_pdf_with_50000_pages_is_refused_within_a_memory_bound(variant):
    out = subprocess.run([sys.executable, "-c", _PDF_CHILD, variant], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    code, grown = out.stdout.split()
    assert code == "E211"
    assert int(grown) < 300 * MB


def test_page_limit_option(tmp_path):
    p = tmp_path / "three.pdf"
    p.write_bytes(makers.make_pdf(["one", "two", "three"]))
    with pytest.raises(IngestError) as ei:
        list(read_documents(p, options=IngestOptions(max_pdf_pages=2)))
    assert ei.value.code == "E211"
    assert len(list(read_documents(p, options=IngestOptions(max_pdf_pages=3)))) == 1


def test_record_limit(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_bytes(makers.make_csv([{"text": f"row {i} text"} for i in range(20)]))
    with pytest.raises(IngestError) as ei:
        list(read_documents(p, options=IngestOptions(max_records=10)))
    assert ei.value.code == "E211"
