"""PDF (pypdf): text page by page; ``meta["pages"]`` holds each page's [start, end)
character span in the text so evidence can cite the page."""

from __future__ import annotations

import io
import logging
import warnings

from andiwali.ingest.formats.text import first_line
from andiwali.ingest.meta import parse_date
from andiwali.ingest.registry import ParseContext, register
from andiwali.model import Document

logging.getLogger("pypdf").setLevel(logging.CRITICAL)

PAGE_SEPARATOR = "\n\n"


def _declared_pages(reader) -> int | None:
    try:
        count = reader.trailer["/Root"]["/Pages"]["/Count"]
        return int(count)
    except Exception:
        return None


def _count_pages(reader, limit: int) -> int:
    """Leaves of the page tree, walked without recursion; stops once past ``limit``.

    Cheaper than pypdf's flattening (which copies inherited attributes), so a
    page tree that lies about its /Count is refused before it costs much.
    """
    from pypdf.generic import IndirectObject

    root = reader.trailer["/Root"]["/Pages"]
    stack = [root]
    seen: set[int] = set()
    leaves = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        kids = node.get("/Kids") if hasattr(node, "get") else None
        if kids is None:
            leaves += 1
            if leaves > limit:
                return leaves
            continue
        kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
        if len(kids) + leaves > limit * 4 + 1000:
            return limit + 1  # a /Kids array this long cannot fit under the limit
        stack.extend(reversed(list(kids)))
    return leaves


def _info(reader) -> dict:
    try:
        info = reader.metadata or {}
        return {k: str(v) for k, v in info.items() if isinstance(k, str) and v is not None}
    except Exception:
        return {}


def page_of(meta: dict, offset: int) -> int | None:
    """1-based page number holding character ``offset`` of a PDF document's text."""
    for i, (start, end) in enumerate(meta.get("pages") or []):
        if start <= offset < end or (offset == end and start == end):
            return i + 1
    return None


@register("pdf", extensions=(".pdf",), help="PDF: text per page, page spans kept")
def parse_pdf(data: bytes, ctx: ParseContext) -> list[Document]:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise ctx.fail("not a PDF (no %PDF- header)", "E206")
    if b"%%EOF" not in data[-2048:]:
        raise ctx.fail("PDF is truncated (no %%EOF marker at the end)", "E206")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
        except Exception as exc:
            raise ctx.fail(f"PDF is corrupt ({type(exc).__name__}: {str(exc)[:160]})", "E206") from None
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:
                raise ctx.fail(f"PDF is encrypted ({type(exc).__name__})", "E207") from None
            if not opened:
                raise ctx.fail("PDF is encrypted and needs a password", "E207")
        limit = ctx.options.max_pdf_pages
        declared = _declared_pages(reader)
        if declared is not None and declared > limit:
            raise ctx.fail(f"PDF declares {declared} pages (max_pdf_pages is {limit})", "E211")
        try:
            counted = _count_pages(reader, limit)
        except Exception as exc:
            raise ctx.fail(f"PDF page tree is corrupt ({type(exc).__name__})", "E206") from None
        if counted > limit:
            raise ctx.fail(f"PDF has more than {limit} pages (max_pdf_pages)", "E211")
        try:
            pages = reader.pages
            n = len(pages)
        except Exception as exc:
            raise ctx.fail(f"PDF page tree is corrupt ({type(exc).__name__})", "E206") from None
        if n > limit:
            raise ctx.fail(f"PDF has {n} pages (max_pdf_pages is {limit})", "E211")
        parts: list[str] = []
        spans: list[list[int]] = []
        failed: list[int] = []
        pos = 0
        for i in range(n):
            try:
                t = pages[i].extract_text() or ""
            except Exception:
                t = ""
                failed.append(i + 1)
            t = t.replace("\x00", "")
            if i:
                parts.append(PAGE_SEPARATOR)
                pos += len(PAGE_SEPARATOR)
            parts.append(t)
            spans.append([pos, pos + len(t)])
            pos += len(t)
        info = _info(reader)
    text = "".join(parts)
    if failed and len(failed) == n:
        raise ctx.fail("no page of the PDF could be read", "E206")
    if failed:
        shown = ", ".join(map(str, failed[:10])) + (" ..." if len(failed) > 10 else "")
        ctx.warn("E206", f"text of page(s) {shown} could not be extracted")
    if not text.strip():
        raise ctx.fail("the PDF holds no text (scanned images? run OCR first)", "E210")
    meta: dict = {"pages": spans, "n_pages": n}
    if info.get("/Author"):
        meta["author"] = " ".join(info["/Author"].split())[:300]
    title = " ".join(info.get("/Title", "").split())[:300] or first_line(text) or None
    published = parse_date(info.get("/CreationDate"))
    return [Document(text=text, key=ctx.key, title=title, published=published, format="pdf", meta=meta)]
