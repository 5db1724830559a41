"""Small real files of every ingest format, built in memory.

Used by the tests (fixtures) and by bench/ingest.py (a generated corpus); nothing
here is needed to ingest. The PDF writer is a minimal, valid PDF 1.4 writer
(Helvetica, one content stream per page) so tests need no PDF library to make one.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape


# ---- PDF -------------------------------------------------------------------------------------
def _pdf_string(s: str) -> bytes:
    raw = s.encode("latin-1", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_pdf(pages: Sequence[str | Sequence[str]], *, title: str | None = None, author: str | None = None,
             created: str | None = None, declared_count: int | None = None) -> bytes:
    """A valid PDF whose page i shows the given lines (a string is split on newlines).

    ``created`` is a PDF date ``D:YYYYMMDD``; ``declared_count`` lets a test make a
    page tree that lies about its size.
    """
    objs: list[bytes] = []  # object i+1

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pages_num = add(b"")  # placeholder, filled below
    kids: list[int] = []
    for page in pages:
        lines = page.split("\n") if isinstance(page, str) else list(page)
        ops = [b"BT", b"/F1 11 Tf", b"14 TL", b"72 770 Td"]
        for line in lines:
            ops.append(_pdf_string(line) + b" Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R "
                        b">> >> /Contents %d 0 R >>" % (pages_num, font, content)))
    count = len(kids) if declared_count is None else declared_count
    objs[pages_num - 1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % count
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_num)
    info_parts = []
    if title:
        info_parts.append(b"/Title " + _pdf_string(title))
    if author:
        info_parts.append(b"/Author " + _pdf_string(author))
    if created:
        info_parts.append(b"/CreationDate " + _pdf_string(created))
    info = add(b"<< " + b" ".join(info_parts) + b" >>") if info_parts else None
    return _serialize_pdf(objs, catalog, info, header=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")


def _serialize_pdf(objs: list[bytes], catalog: int, info: int | None = None, *, header: bytes = b"%PDF-1.4\n") -> bytes:
    """Numbered objects, the cross-reference table and the trailer."""
    out = io.BytesIO()
    out.write(header)
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % off for off in offsets))
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objs) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def make_many_pages_pdf(n_pages: int, text: str = "page") -> bytes:
    """A PDF with ``n_pages`` pages sharing one content stream (small file, huge page count)."""
    objs = [
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        None,  # pages
    ]
    stream = b"BT /F1 11 Tf 72 770 Td " + _pdf_string(text) + b" Tj ET"
    objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    content = len(objs)
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 1 0 R >> >> " \
           b"/Contents %d 0 R >>" % content
    first_page = len(objs) + 1
    objs.extend([page] * n_pages)
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (first_page + i) for i in range(n_pages)) + \
        b"] /Count %d >>" % n_pages
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    catalog = len(objs)
    return _serialize_pdf(objs, catalog)


def encrypt_pdf(data: bytes, password: str = "secret") -> bytes:
    """The same PDF encrypted with a user password (RC4, no extra dependency)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---- DOCX -------------------------------------------------------------------------------------
def make_docx(paragraphs: Sequence[str], *, tables: Sequence[Sequence[Sequence[str]]] = (), title: str | None = None,
              author: str | None = None) -> bytes:
    """A Word document: the paragraphs, then each table (rows of cells)."""
    import docx

    d = docx.Document()
    if title:
        d.core_properties.title = title
    if author:
        d.core_properties.author = author
    for p in paragraphs:
        d.add_paragraph(p)
    for rows in tables:
        t = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# ---- HTML, feeds --------------------------------------------------------------------------------
def make_html(title: str, paragraphs: Sequence[str], *, author: str | None = None, date: str | None = None,
              site: str | None = None, url: str | None = None, script: str = "") -> bytes:
    head = [f"<title>{escape(title)}</title>"]
    if author:
        head.append(f'<meta name="author" content="{escape(author)}">')
    if date:
        head.append(f'<meta property="article:published_time" content="{escape(date)}">')
    if site:
        head.append(f'<meta property="og:site_name" content="{escape(site)}">')
    if url:
        head.append(f'<link rel="canonical" href="{escape(url)}">')
    if script:
        head.append(f"<script>{script}</script><style>body {{ color: red }} /* {escape(script)} */</style>")
    body = "".join(f"<p>{escape(p)}</p>" + (f"<script>{script}</script>" if script else "") for p in paragraphs)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">{''.join(head)}</head><body>"
            f"<nav><a href=\"/\">Home</a> | <a href=\"/about\">About</a></nav><article><h1>{escape(title)}</h1>"
            f"{body}</article><footer>Footer text</footer></body></html>").encode()


def make_rss(title: str, items: Sequence[dict], *, link: str = "https://feeds.example.org/") -> bytes:
    """RSS 2.0: each item dict may hold title, link, guid, description, pubDate, author."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>'
             f"<link>{escape(link)}</link><description>test feed</description>"]
    for it in items:
        parts.append("<item>")
        for k in ("title", "link", "guid", "description", "pubDate", "author"):
            if it.get(k):
                parts.append(f"<{k}>{escape(it[k])}</{k}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def make_atom(title: str, entries: Sequence[dict]) -> bytes:
    parts = [f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(title)}'
             f"</title><id>urn:test:feed</id><updated>2024-01-01T00:00:00Z</updated>"]
    for e in entries:
        parts.append(f"<entry><title>{escape(e['title'])}</title><id>{escape(e['id'])}</id>"
                     f"<updated>{escape(e['updated'])}</updated><content type=\"html\">{escape(e['content'])}"
                     f"</content></entry>")
    parts.append("</feed>")
    return "".join(parts).encode()


# ---- Telegram, tables ------------------------------------------------------------------------------
def make_telegram(name: str, chat_id: int, messages: Sequence[dict], *, chat_type: str = "public_channel") -> bytes:
    """A Telegram Desktop ``result.json``; each message dict needs id, text (str or entity list), date."""
    msgs = []
    for m in messages:
        msg = {"id": m["id"], "type": m.get("type", "message"), "date": m.get("date", "2024-01-01T00:00:00"),
               "from": m.get("from", name), "from_id": m.get("from_id", f"channel{chat_id}"), "text": m["text"]}
        for k in ("forwarded_from", "reply_to_message_id", "author", "edited", "photo"):
            if k in m:
                msg[k] = m[k]
        text = m["text"]
        msg["text_entities"] = ([{"type": "plain", "text": text}] if isinstance(text, str) else
                                [x if isinstance(x, dict) else {"type": "plain", "text": x} for x in text])
        msgs.append(msg)
    return json.dumps({"name": name, "type": chat_type, "id": chat_id, "messages": msgs},
                      ensure_ascii=False, indent=1).encode()


def make_csv(rows: Sequence[dict], columns: Sequence[str] | None = None, delimiter: str = ",") -> bytes:
    import csv

    cols = list(columns or rows[0].keys())
    out = io.StringIO(newline="")
    w = csv.DictWriter(out, fieldnames=cols, delimiter=delimiter, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return out.getvalue().encode()


def make_jsonl(rows: Sequence[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


# ---- archives -------------------------------------------------------------------------------------
def make_zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def make_zip_bomb(uncompressed: int = 1024 * 1024 * 1024, member: str = "bomb.txt") -> bytes:
    """A small zip whose one member inflates to ``uncompressed`` bytes of zeros (streamed, low memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open(member, "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(uncompressed // len(chunk)):
                fh.write(chunk)
    return out.getvalue()
