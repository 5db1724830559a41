"""Plain text and Markdown: the text exactly as decoded (offsets into the file's content)."""

from __future__ import annotations

import re
from pathlib import PurePath

from andiwali.ingest.meta import date_from_filename
from andiwali.ingest.registry import ParseContext, register
from andiwali.ingest.textcodec import decode_text
from andiwali.model import Document

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def first_line(text: str, limit: int = 160) -> str | None:
    for line in text.splitlines():
        line = line.strip().lstrip("\ufeff").strip()
        if line:
            return line if len(line) <= limit else None
    return None


def _stem(name: str) -> str:
    base = name.rsplit("!", 1)[-1]
    return PurePath(base).stem


def _read(data: bytes, ctx: ParseContext, fmt: str) -> list[Document]:
    text = decode_text(data, ctx, keep_bom=True)
    if not text.strip():
        raise ctx.fail("file holds only whitespace", "E202")
    title = None
    if fmt == "md":
        for line in text.splitlines()[:50]:
            m = _MD_HEADING.match(line)
            if m:
                title = m.group(1).strip()
                break
    title = title or first_line(text) or _stem(ctx.name)
    return [Document(text=text, key=ctx.key, title=title, format=fmt, published=date_from_filename(_stem(ctx.name)))]


@register("txt", extensions=(".txt", ".text"), help="Plain text (UTF-8, or another encoding detected)")
def parse_txt(data: bytes, ctx: ParseContext) -> list[Document]:
    return _read(data, ctx, "txt")


@register("md", extensions=(".md", ".markdown"), help="Markdown, kept as written")
def parse_md(data: bytes, ctx: ParseContext) -> list[Document]:
    return _read(data, ctx, "md")
