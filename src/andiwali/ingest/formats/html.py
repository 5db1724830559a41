"""HTML pages: trafilatura's main text with title, author, date, site and URL.

No script or style text reaches the document (trafilatura drops them; the
fallback cleaner kills them). URLs are recorded, never fetched.
"""

from __future__ import annotations

import logging

from andiwali.ingest.htmltext import html_to_text
from andiwali.ingest.meta import parse_date
from andiwali.ingest.registry import ParseContext, register
from andiwali.ingest.textcodec import decode_text
from andiwali.model import Document, Source

for _name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def _clean(value: object, limit: int = 500) -> str | None:
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s[:limit] or None


@register("html", extensions=(".html", ".htm", ".xhtml", ".shtml"), help="Web pages: main text and metadata")
def parse_html(data: bytes, ctx: ParseContext) -> list[Document]:
    import trafilatura

    markup = decode_text(data, ctx)
    try:
        result = trafilatura.bare_extraction(
            markup, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
            include_links=False, include_formatting=False, deduplicate=False,
        )
    except RecursionError:
        raise
    except Exception:  # trafilatura trips on some broken markup: fall back to the plain cleaner
        result = None
    text = (getattr(result, "text", None) or "") if result is not None else ""
    if len(text.strip()) < 20:
        fallback = html_to_text(markup)
        if len(fallback.strip()) > len(text.strip()):
            text = fallback
    text = text.strip()
    if not text:
        raise ctx.fail("no visible text in the HTML page", "E210")
    title = _clean(getattr(result, "title", None)) if result is not None else None
    author = _clean(getattr(result, "author", None)) if result is not None else None
    site = _clean(getattr(result, "sitename", None), 200) if result is not None else None
    url = _clean(getattr(result, "url", None), 2000) if result is not None else None
    if url and not url.lower().startswith(("http://", "https://")):
        url = None  # recorded only when it is a web address; never fetched either way
    published = parse_date(getattr(result, "date", None)) if result is not None else None
    meta: dict = {}
    if author:
        meta["author"] = author
    if site:
        meta["site"] = site
        ctx.file_source = Source(name=site, kind="publisher")
    desc = _clean(getattr(result, "description", None), 1000) if result is not None else None
    if desc:
        meta["description"] = desc
    return [Document(text=text, key=ctx.key, title=title, published=published, url=url, format="html", meta=meta)]
