"""Telegram Desktop exports (``result.json``): one document per message.

Handles a single chat/channel export and a full-account export
(``chats.list``). Text entities (bold, links, mentions...) are flattened to
plain text; link targets go to ``meta["links"]`` and are never fetched. The
channel becomes the document's ``Source`` (kind "channel"); the key is
``telegram:<chat id>/<message id>``.
"""

from __future__ import annotations

from typing import Any

from andiwali.ingest.meta import parse_date
from andiwali.ingest.registry import ParseContext, register
from andiwali.ingest.safejson import DepthError, loads
from andiwali.ingest.textcodec import decode_text
from andiwali.model import Document, Source


def flatten_text(value: Any) -> tuple[str, list[str]]:
    """Telegram's ``text`` (a string or a list of strings and entity objects) -> (plain text, link targets)."""
    if isinstance(value, str):
        return value, []
    if not isinstance(value, list):
        return "", []
    parts: list[str] = []
    links: list[str] = []
    for item in value:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):
            t = item.get("text")
            parts.append(t if isinstance(t, str) else "")
            href = item.get("href")
            if isinstance(href, str) and href:
                links.append(href[:2000])
            elif item.get("type") in ("link", "text_link") and isinstance(t, str):
                links.append(t[:2000])
    return "".join(parts), links


def is_telegram_export(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    if isinstance(obj.get("messages"), list) and ("id" in obj or "name" in obj or "type" in obj):
        return True
    chats = obj.get("chats")
    return isinstance(chats, dict) and isinstance(chats.get("list"), list)


def _chats(obj: dict) -> list[dict]:
    if isinstance(obj.get("messages"), list):
        return [obj]
    out: list[dict] = []
    for group in ("chats", "left_chats"):
        g = obj.get(group)
        if isinstance(g, dict) and isinstance(g.get("list"), list):
            out.extend(c for c in g["list"] if isinstance(c, dict) and isinstance(c.get("messages"), list))
    return out


def _scalar(value: Any, limit: int = 300) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    s = " ".join(str(value).split())[:limit]
    return s or None


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= 100:
        return value.strip()
    return None


def messages_to_documents(obj: Any, ctx: ParseContext) -> list[Document]:
    chats = _chats(obj) if isinstance(obj, dict) else []
    if not chats:
        raise ctx.fail("not a Telegram export (no messages)", "E204")
    docs: list[Document] = []
    for chat in chats:
        chat_name = _scalar(chat.get("name")) or "unnamed chat"
        chat_id = _id(chat.get("id")) or chat_name
        chat_type = _scalar(chat.get("type"), 40)
        source = Source(name=chat_name, kind="channel")
        for msg in chat["messages"]:
            if not isinstance(msg, dict) or msg.get("type", "message") != "message":
                continue
            mid = _id(msg.get("id"))
            if mid is None:
                continue
            text, links = flatten_text(msg.get("text"))
            if not text.strip():
                continue  # media without caption, or an empty message
            meta: dict[str, Any] = {"channel": chat_name, "channel_id": chat_id, "message_id": mid}
            if chat_type:
                meta["chat_type"] = chat_type
            date_raw = _scalar(msg.get("date"), 40)
            if date_raw:
                meta["date"] = date_raw
            author = _scalar(msg.get("author")) or _scalar(msg.get("from"))
            if author:
                meta["author"] = author
            from_id = _scalar(msg.get("from_id"), 100)
            if from_id:
                meta["from_id"] = from_id
            fwd = _scalar(msg.get("forwarded_from"))
            if fwd:
                meta["forwarded_from"] = fwd
            reply = _id(msg.get("reply_to_message_id"))
            if reply:
                meta["reply_to"] = reply
            edited = _scalar(msg.get("edited"), 40)
            if edited:
                meta["edited"] = edited
            if links:
                meta["links"] = links[:100]
            published = parse_date(date_raw) or parse_date(_scalar(msg.get("date_unixtime"), 20))
            docs.append(Document(text=text, key=f"telegram:{chat_id}/{mid}", title=f"{chat_name} #{mid}",
                                 published=published, format="telegram",
                                 source=source, meta=meta))
            ctx.check_records(len(docs))
    if not docs:
        raise ctx.fail("the Telegram export holds no message with text", "E210")
    return docs


@register("telegram", extensions=("result.json",), help="Telegram Desktop export (result.json)")
def parse_telegram(data: bytes, ctx: ParseContext) -> list[Document]:
    text = decode_text(data, ctx)
    try:
        obj = loads(text.encode("utf-8"), ctx.options.max_json_depth)
    except DepthError as exc:
        raise ctx.fail(str(exc), "E209") from None
    except ValueError as exc:
        raise ctx.fail(f"invalid JSON ({str(exc)[:160]})", "E206") from None
    return messages_to_documents(obj, ctx)
