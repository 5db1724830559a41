"""Choose a format: content first (magic numbers, markup, JSON), extension second."""

from __future__ import annotations

import re

from andiwali.ingest.archive import is_docx_zip, is_zip, open_zip
from andiwali.ingest.registry import ParseContext, format_for_extension, load_builtin_formats
from andiwali.ingest.textcodec import binary_kind

ARCHIVE = "zip"  # not a parser: archives are walked by the pipeline
_FEED = re.compile(rb"<(rss|feed|rdf:rdf)[\s>]")
_HTML = re.compile(rb"<(!doctype\s+html|html|head|body|article|div|p|title|meta)[\s>/]")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _text_head(data: bytes) -> bytes:
    head = data[:65536]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            if bom != b"\xef\xbb\xbf":  # UTF-16: drop the NULs to look at ASCII markers
                head = head.replace(b"\x00", b"")
            break
    return head.lstrip()


def sniff_format(data: bytes, name: str, ctx: ParseContext) -> str:
    """The format name for ``data`` (``"zip"`` for an archive). Raises E204 for known binary formats."""
    load_builtin_formats()
    by_ext = format_for_extension(name)
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if is_zip(head):
        zf = open_zip(data, "zip container")
        with zf:
            return "docx" if is_docx_zip(zf) else ARCHIVE
    what = binary_kind(head)
    if what:
        raise ctx.fail(f"binary file ({what})", "E204")
    text = _text_head(data)
    low = text[:4096].lower()
    if text[:1] in (b"{", b"["):
        if by_ext in ("jsonl", "telegram", "json", "csv"):
            return by_ext if by_ext != "csv" else "json"
        return "json"
    if text[:1] == b"<":
        if _FEED.search(low):
            return "rss"
        if _HTML.search(low):
            return "html"
        return by_ext or "html"
    return by_ext or "txt"
