"""Tables of posts: CSV/TSV, JSON Lines, and JSON arrays of objects.

Columns are found by name (case-insensitive): the options ``text_column``,
``date_column``, ``source_column``, ``title_column``, ``id_column`` or the
defaults below. Each row with text becomes a document keyed
``<file key>#<id>`` (or ``#row<n>`` without an id column). Plain ``.json``
files are routed here or to the Telegram parser by their shape.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from andiwali.ingest.meta import parse_date
from andiwali.ingest.registry import ParseContext, register
from andiwali.ingest.safejson import DepthError, loads, max_depth
from andiwali.ingest.textcodec import decode_text
from andiwali.model import Document, Source

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "message", "content", "body"),
    "date": ("date", "published", "created_at"),
    "source": ("source", "channel", "author"),
    "title": ("title", "subject", "headline"),
    "id": ("id", "message_id", "post_id", "guid"),
    "url": ("url", "link"),
}
_SOURCE_KIND = {"channel": "channel", "author": "author"}
MAX_EXTRA_FIELDS = 20


def resolve_columns(columns: list[str], ctx: ParseContext) -> dict[str, str | None]:
    """Map roles (text, date, source, title, id, url) to the file's column names."""
    lower: dict[str, str] = {}
    for c in columns:
        lower.setdefault(c.strip().lower(), c)
    chosen: dict[str, str | None] = {}
    for role, defaults in DEFAULT_COLUMNS.items():
        explicit = getattr(ctx.options, f"{role}_column", None)
        if explicit:
            found = lower.get(explicit.strip().lower())
            if found is None:
                shown = ", ".join(columns[:30]) or "none"
                raise ctx.fail(f"no column named {explicit!r} (--{role}-column); columns: {shown}", "E210")
            chosen[role] = found
        else:
            chosen[role] = next((lower[d] for d in defaults if d in lower), None)
    if chosen["text"] is None:
        shown = ", ".join(columns[:30]) or "none"
        raise ctx.fail(f"no text column (looked for {', '.join(DEFAULT_COLUMNS['text'])}; "
                       f"use --text-column); columns: {shown}", "E210")
    return chosen


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # Telegram-style text entities
        from andiwali.ingest.formats.telegram import flatten_text

        return flatten_text(value)[0]
    if isinstance(value, bool | int | float):
        return str(value)
    return ""


def _short(value: Any, limit: int) -> str | None:
    s = " ".join(_value_text(value).split())[:limit]
    return s or None


def records_to_documents(rows: list[tuple[int, dict[str, Any]]], cols: dict[str, str | None], fmt: str,
                         ctx: ParseContext) -> list[Document]:
    docs: list[Document] = []
    roles = {v for v in cols.values() if v}
    for n, row in rows:
        text = _value_text(row.get(cols["text"]))
        if not text.strip():
            continue
        rid = _short(row.get(cols["id"]), 200) if cols["id"] else None
        key = f"{ctx.key}#{rid}" if rid else f"{ctx.key}#row{n}"
        meta: dict[str, Any] = {"row": n}
        source = None
        if cols["source"]:
            name = _short(row.get(cols["source"]), 200)
            if name:
                source = Source(name=name, kind=_SOURCE_KIND.get(cols["source"].strip().lower(), "publisher"))
                meta["source_column"] = name
        date_raw = row.get(cols["date"]) if cols["date"] else None
        published = parse_date(date_raw if isinstance(date_raw, str | int | float) else None)
        if date_raw not in (None, "") and isinstance(date_raw, str | int | float):
            meta["date"] = str(date_raw)[:60]
        title = _short(row.get(cols["title"]), 300) if cols["title"] else None
        url = _short(row.get(cols["url"]), 2000) if cols["url"] else None
        if url and not url.lower().startswith(("http://", "https://")):
            url = None
        if rid:
            meta["id"] = rid
        extra = 0
        for k, v in row.items():
            if k in roles or extra >= MAX_EXTRA_FIELDS or not isinstance(k, str):
                continue
            s = _short(v, 300)
            if s:
                meta.setdefault("fields", {})[k[:60]] = s
                extra += 1
        docs.append(Document(text=text, key=key, title=title, published=published, url=url, format=fmt,
                             source=source, meta=meta))
        ctx.check_records(len(docs))
    if not docs:
        raise ctx.fail(f"no row has text in column {cols['text']!r}", "E210")
    return docs


@register("csv", extensions=(".csv", ".tsv"), help="CSV/TSV of posts (--text-column and friends)")
def parse_csv(data: bytes, ctx: ParseContext) -> list[Document]:
    text = decode_text(data, ctx)
    if not text.strip():
        raise ctx.fail("file holds only whitespace", "E202")
    csv.field_size_limit(max(ctx.options.max_bytes, 131072))
    sample = text[:16384]
    if ctx.name.lower().endswith(".tsv"):
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ctx.fail("the CSV has no header row", "E210") from None
    except csv.Error as exc:
        raise ctx.fail(f"invalid CSV ({exc})", "E206") from None
    header = [h.strip() for h in header]
    cols = resolve_columns(header, ctx)
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for n, values in enumerate(reader, start=1):
            if not values:
                continue
            rows.append((n, dict(zip(header, values, strict=False))))
            ctx.check_records(len(rows))
    except csv.Error as exc:
        raise ctx.fail(f"invalid CSV at row {len(rows) + 1} ({exc})", "E206") from None
    return records_to_documents(rows, cols, "csv", ctx)


def _jsonl_rows(text: str, ctx: ParseContext) -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    bad: list[int] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            bad.append(n)
            continue
        if isinstance(obj, dict):
            rows.append((n, obj))
            ctx.check_records(len(rows))
        else:
            bad.append(n)
    if bad:
        if not rows:
            raise ctx.fail(f"no line is a JSON object (first bad line {bad[0]})", "E206")
        shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
        ctx.warn("E206", f"{len(bad)} line(s) skipped, not JSON objects: {shown}")
    return rows


def _columns_of(rows: list[tuple[int, dict[str, Any]]]) -> list[str]:
    seen: dict[str, None] = {}
    for _, row in rows[:1000]:
        for k in row:
            if isinstance(k, str):
                seen.setdefault(k, None)
    return list(seen)


def _check_depth(raw: bytes, ctx: ParseContext) -> None:
    depth = max_depth(raw)
    if depth > ctx.options.max_json_depth:
        raise ctx.fail(f"JSON nested {depth} levels deep (max_json_depth is {ctx.options.max_json_depth})", "E209")


@register("jsonl", extensions=(".jsonl", ".ndjson"), help="JSON Lines of posts, one object per line")
def parse_jsonl(data: bytes, ctx: ParseContext) -> list[Document]:
    text = decode_text(data, ctx)
    _check_depth(text.encode("utf-8", "surrogatepass"), ctx)
    rows = _jsonl_rows(text, ctx)
    return records_to_documents(rows, resolve_columns(_columns_of(rows), ctx), "jsonl", ctx)


@register("json", extensions=(".json",), help="JSON: a Telegram export or an array of posts (routed by shape)")
def parse_json(data: bytes, ctx: ParseContext) -> list[Document]:
    from andiwali.ingest.formats.telegram import is_telegram_export, messages_to_documents

    text = decode_text(data, ctx)
    try:
        obj = loads(text, ctx.options.max_json_depth)
    except DepthError as exc:
        raise ctx.fail(str(exc), "E209") from None
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several values: JSON Lines
            rows = _jsonl_rows(text, ctx)
            return records_to_documents(rows, resolve_columns(_columns_of(rows), ctx), "jsonl", ctx)
        raise ctx.fail(f"invalid JSON ({str(exc)[:160]})", "E206") from None
    if is_telegram_export(obj):
        return messages_to_documents(obj, ctx)
    if isinstance(obj, dict):
        for k in ("posts", "items", "data", "records"):
            if isinstance(obj.get(k), list):
                obj = obj[k]
                break
    if isinstance(obj, list) and obj and all(isinstance(o, dict) for o in obj[:1000]):
        rows = [(n, o) for n, o in enumerate(obj, start=1) if isinstance(o, dict)]
        ctx.check_records(len(rows))
        return records_to_documents(rows, resolve_columns(_columns_of(rows), ctx), "json", ctx)
    raise ctx.fail("JSON is neither a Telegram export nor a list of posts", "E204")
