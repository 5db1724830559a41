"""Hypothesis feeds random and mutated bytes to every parser: only IngestError comes out.

Bounded (about 50 examples per parser and strategy) so it stays part of the normal
run; set ANDIWALI_FUZZ_EXAMPLES for a longer run (`make fuzz`).
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from andiwali.errors import IngestError
from andiwali.ingest import FORMATS, IngestOptions, makers, read_bytes
from andiwali.model import Document
from andiwali.store.kb import check_storable

EXAMPLES = int(os.environ.get("ANDIWALI_FUZZ_EXAMPLES", "50"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SEEDS: dict[str, bytes] = {
    "txt": "Plain text about the group.\nSecond line é.\n".encode(),
    "md": b"# Title\n\nSome *markdown* text.\n",
    "html": makers.make_html("T", ["A paragraph of visible text about the group and its leaders."],
                             script="alert(1)"),
    "pdf": makers.make_pdf(["Page one text.", "Page two text."], title="T"),
    "docx": makers.make_docx(["Para one.", "Para two."], tables=[[["a", "b"], ["c", "d"]]]),
    "telegram": makers.make_telegram("C", 1, [{"id": 1, "text": ["x ", {"type": "bold", "text": "y"}]},
                                              {"id": 2, "text": "z", "forwarded_from": "F"}]),
    "rss": makers.make_rss("F", [{"title": "i", "guid": "g", "description": "<p>body</p>",
                                  "pubDate": "Mon, 06 May 2024 10:00:00 GMT"}]),
    "csv": makers.make_csv([{"id": "1", "text": "row text", "date": "2024-01-01", "source": "S"}]),
    "jsonl": makers.make_jsonl([{"text": "line one", "date": "2024-01-01"}, {"text": "line two"}]),
    "json": json.dumps([{"text": "post", "date": "2024-01-01"}]).encode(),
}
OPTIONS = {name: IngestOptions(format=name, detect_language=False, max_bytes=1024 * 1024) for name in FORMATS}
AUTO = IngestOptions(detect_language=False, max_bytes=1024 * 1024)


def test_every_format_has_a_seed():
    assert set(SEEDS) == set(FORMATS)


def _check(data: bytes, options: IngestOptions, name: str = "fuzz.bin") -> None:
    try:
        docs = read_bytes(data, name, options=options)
    except IngestError as exc:
        assert exc.code.startswith("E2"), exc
        return
    for d in docs:
        assert isinstance(d, Document) and isinstance(d.text, str) and d.text
        for value, what in ((d.text, "text"), (d.key, "key"), (d.title, "title"), (d.url, "url"),
                            (json.dumps(d.meta, ensure_ascii=False), "meta"), (d.source and d.source.name, "source")):
            check_storable(value, what)  # no NUL, no unpaired surrogate: the store would refuse the file


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i: i + draw(st.integers(1, 64))]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=32))
        else:
            data[i:i] = data[i: i + draw(st.integers(1, 64))]
    return bytes(data)


@pytest.mark.parametrize("fmt", sorted(SEEDS))
@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes_never_escape_as_other_errors(fmt, data):
    _check(data, OPTIONS[fmt])


@pytest.mark.parametrize("fmt", sorted(SEEDS))
@FUZZ
@given(data=st.data())
def test_mutated_files_never_escape_as_other_errors(fmt, data):
    _check(data.draw(mutated(SEEDS[fmt])), OPTIONS[fmt])
    _check(data.draw(mutated(SEEDS[fmt])), AUTO, f"fuzz.{fmt}")


@FUZZ
@given(data=st.binary(max_size=4096), ext=st.sampled_from(["txt", "html", "pdf", "docx", "json", "csv", "rss", "bin"]))
def test_sniffing_random_bytes_never_escapes(data, ext):
    _check(data, AUTO, f"fuzz.{ext}")


@FUZZ
@given(text=st.text(max_size=500))
def test_arbitrary_unicode_text_files(text):
    _check(text.encode("utf-8", "surrogatepass"), AUTO, "fuzz.txt")
    _check(json.dumps({"name": text, "id": 1, "messages": [{"id": 1, "text": text}]}).encode(), AUTO, "result.json")
    _check(json.dumps([{"text": text, "date": text, "source": text}]).encode(), AUTO, "posts.json")
