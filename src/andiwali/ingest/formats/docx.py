"""Word .docx (python-docx): paragraphs and tables in document order.

The container is checked like any zip (members, expansion, ratio) before
python-docx reads it. Table rows become one line each, cells joined by " | ".
"""

from __future__ import annotations

import io

from andiwali.ingest.archive import check_zip, is_docx_zip, open_zip
from andiwali.ingest.formats.text import first_line
from andiwali.ingest.meta import parse_date
from andiwali.ingest.registry import ParseContext, register
from andiwali.model import Document

MAX_TABLE_NESTING = 8


def _table_lines(table, depth: int, out: list[str]) -> None:
    if depth > MAX_TABLE_NESTING:
        return
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat
                continue
            seen.add(id(cell._tc))
            inner: list[str] = []
            for item in cell.iter_inner_content():
                if hasattr(item, "rows"):
                    sub: list[str] = []
                    _table_lines(item, depth + 1, sub)
                    inner.extend(sub)
                else:
                    inner.append(item.text)
            cells.append(" ".join(" ".join(t.split()) for t in inner if t.strip()))
        line = " | ".join(cells).strip(" |")
        if line:
            out.append(line)


@register("docx", extensions=(".docx", ".docm"), help="Word documents: paragraphs and tables")
def parse_docx(data: bytes, ctx: ParseContext) -> list[Document]:
    import docx

    zf = open_zip(data, "DOCX")
    with zf:
        check_zip(zf, ctx.options, "DOCX container")
        if not is_docx_zip(zf):
            raise ctx.fail("zip container is not a Word document (no word/document.xml)", "E204")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ctx.fail(f"DOCX is corrupt ({type(exc).__name__}: {str(exc)[:160]})", "E206") from None
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            lines: list[str] = []
            _table_lines(item, 1, lines)
            if lines:
                blocks.append("\n".join(lines))
        else:
            t = item.text
            if t.strip():
                blocks.append(t.strip())
    text = "\n\n".join(blocks)
    if not text.strip():
        raise ctx.fail("the DOCX holds no text", "E210")
    meta: dict = {}
    title = None
    try:
        props = document.core_properties
        title = " ".join((props.title or "").split())[:300] or None
        if props.author:
            meta["author"] = " ".join(props.author.split())[:300]
        created = parse_date(props.created) if props.created else None
        if created:
            meta["created"] = created  # when the file was made, not when it was published
    except Exception:
        pass
    return [Document(text=text, key=ctx.key, title=title or first_line(text),
                     format="docx", meta=meta)]
