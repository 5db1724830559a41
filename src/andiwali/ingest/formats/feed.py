"""RSS and Atom files (feedparser, given bytes: it never fetches anything).

One document per item: its text is the item's content (or summary) as plain
text, else its title. The feed's title names the Source.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import Any

from andiwali.ingest.htmltext import html_to_text
from andiwali.ingest.meta import parse_date
from andiwali.ingest.registry import ParseContext, register
from andiwali.model import Document, Source

logging.getLogger("feedparser").setLevel(logging.CRITICAL)


def _s(value: Any, limit: int = 500) -> str | None:
    if value is None or not isinstance(value, str):
        return None
    s = " ".join(value.split())[:limit]
    return s or None


def _http(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _body(entry: Any) -> str:
    best = ""
    for c in entry.get("content") or []:
        value = c.get("value") if isinstance(c, dict) else None
        if isinstance(value, str) and len(value) > len(best):
            best = value
    if not best:
        best = entry.get("summary") or entry.get("description") or ""
    return html_to_text(best) if isinstance(best, str) else ""


@register("rss", extensions=(".rss", ".atom", ".xml"), help="RSS/Atom feeds: one document per item")
def parse_feed(data: bytes, ctx: ParseContext) -> list[Document]:
    import feedparser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
        except (UnicodeError, ValueError, LookupError) as exc:
            raise ctx.fail(f"not a readable feed ({type(exc).__name__})", "E206") from None
        return _documents(parsed, ctx)


def _documents(parsed: Any, ctx: ParseContext) -> list[Document]:
    feed = parsed.get("feed") or {}
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            exc = parsed.get("bozo_exception")
            raise ctx.fail(f"not a readable feed ({type(exc).__name__ if exc else 'parse error'})", "E206")
        raise ctx.fail("the feed has no items", "E210")
    ctx.check_records(len(entries))
    feed_title = _s(feed.get("title"), 200)
    if feed_title:
        ctx.file_source = Source(name=feed_title, kind="publisher", url=_http(_s(feed.get("link"), 2000)))
    docs: list[Document] = []
    for i, entry in enumerate(entries):
        title = _s(entry.get("title"))
        text = _body(entry) or (title or "")
        if not text.strip():
            continue
        link = _http(_s(entry.get("link"), 2000))
        guid = _s(entry.get("id"), 1000)
        item_key = guid or link
        key = f"rss:{item_key}" if item_key else f"{ctx.key}#item{i + 1}"
        published = None
        for field in ("published_parsed", "updated_parsed", "created_parsed"):
            published = parse_date(entry.get(field))
            if published:
                break
        meta: dict[str, Any] = {"feed": feed_title} if feed_title else {}
        author = _s(entry.get("author"), 300)
        if author:
            meta["author"] = author
        if guid:
            meta["guid"] = guid
        tags = [t.get("term") for t in entry.get("tags") or [] if isinstance(t, dict) and isinstance(t.get("term"), str)]
        if tags:
            meta["tags"] = [" ".join(t.split())[:100] for t in tags[:50]]
        docs.append(Document(text=text, key=key, title=title, published=published, url=link, format="rss", meta=meta))
    if not docs:
        raise ctx.fail("no feed item has text", "E210")
    return docs
