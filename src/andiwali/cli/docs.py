"""`andiwali docs`: list, show and search the documents of a knowledge base."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from andiwali.cli import app, fail, open_kb
from andiwali.cli.ingest import safe_display

docs_app = typer.Typer(help="List (--json), show and search documents.", no_args_is_help=False)
app.add_typer(docs_app, name="docs")


def doc_summary(d: dict[str, Any]) -> dict[str, Any]:
    """The listing fields of one document row from KnowledgeBase.documents()."""
    grade = (d.get("reliability") or "") + (d.get("credibility") or "") if d.get("source") else None
    return {
        "id": d["id"],
        "title": d.get("title"),
        "source": d.get("source"),
        "grade": grade or None,
        "format": d.get("format"),
        "language": d.get("language"),
        "published": d.get("published"),
        "n_chars": d.get("n_chars"),
        "version": d.get("version"),
        "key": d.get("doc_key"),
        "duplicate_of": d.get("duplicate_of"),
    }


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        typer.echo("no documents")
        return
    for r in rows:
        typer.echo(
            f"{r['id']}  v{r['version']}  {r['format'] or '-':8} {r['language'] or '--':3} {r['published'] or '-':10} "
            f"{r['n_chars']:>8}  {safe_display(r['source'] or '-', 30):30}  {safe_display(r['title'] or '', 80)}"
        )


def _resolve(kb, doc_id: str) -> dict[str, Any]:
    d = kb.document(doc_id)
    if d is not None:
        return d
    matches = [r["id"] for r in kb.documents() if r["id"].startswith(doc_id)] if len(doc_id) >= 6 else []
    if len(matches) == 1:
        return kb.document(matches[0])
    if len(matches) > 1:
        raise fail(f"{doc_id!r} matches {len(matches)} documents: give more of the id", 2)
    raise fail(f"no document {safe_display(doc_id)}", 1)


@docs_app.callback(invoke_without_command=True)
def docs(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print a JSON list of all documents."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most this many documents."),
) -> None:
    """List documents (id, title, source, format, language, published, n_chars, version)."""
    if ctx.invoked_subcommand is not None:
        return
    kb = open_kb()
    try:
        rows = [doc_summary(d) for d in kb.documents(limit=limit)]
    finally:
        kb.close()
    if json_out:
        _print_json(rows)
    else:
        _table(rows)


@docs_app.command("show")
def show(
    doc_id: str = typer.Argument(..., help="Document id (or a unique prefix of at least 6 characters)."),
    text: bool = typer.Option(False, "--text", help="Print the text exactly as stored, nothing else."),
    json_out: bool = typer.Option(False, "--json", help="Print metadata (and text) as JSON."),
) -> None:
    """Show a document's metadata, or with --text its text exactly as stored."""
    kb = open_kb()
    try:
        d = _resolve(kb, doc_id)
    finally:
        kb.close()
    if text:
        out = sys.stdout
        out.flush()
        out.buffer.write(d["text"].encode("utf-8", "replace"))
        out.buffer.flush()
        return
    info = doc_summary(d) | {
        "url": d.get("url"), "content_hash": d.get("content_hash"), "ingested_at": d.get("ingested_at"),
        "extracted_at": d.get("extracted_at"), "meta": d.get("meta") or {},
    }
    if json_out:
        _print_json(info | {"text": d["text"]})
        return
    for k, v in info.items():
        if k == "meta":
            continue
        typer.echo(f"{k:13} {safe_display(v if v is not None else '-')}")
    meta = info["meta"]
    if meta.get("pages"):
        meta = {**meta, "pages": f"{len(meta['pages'])} page spans"}
    for k, v in meta.items():
        typer.echo(f"meta.{safe_display(k, 40):8} {safe_display(json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)}")


@docs_app.command("search")
def search(
    query: str = typer.Argument(..., help="Words to find in titles and text."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many results."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON list."),
) -> None:
    """Full-text search over document titles and text."""
    kb = open_kb()
    try:
        rows = [doc_summary(d) for d in kb.search_documents(query, limit=limit)] if query.strip() else []
    finally:
        kb.close()
    if json_out:
        _print_json(rows)
    else:
        _table(rows)
