"""`andiwali ingest PATH...`: files, directories and zip archives into the knowledge base."""

from __future__ import annotations

import json
import re
import sys

import typer

from andiwali.cli import app, open_kb

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)


def safe_display(value: object, limit: int = 300) -> str:
    """A string made safe for a terminal: control, escape and bidi-override characters shown as '?'."""
    s = _UNSAFE.sub("?", str(value)).replace("\n", " ")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def parse_size(value: str) -> int:
    """'50MB', '200k', '1048576' -> bytes."""
    m = _SIZE.match(value or "")
    if not m:
        raise typer.BadParameter(f"expected a size like 50MB or 1048576, got {value!r}")
    number, unit = float(m.group(1)), (m.group(2) or "b").lower()
    mult = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit[0]]
    size = int(number * mult)
    if size <= 0:
        raise typer.BadParameter("the size must be positive")
    return size


def _format_names() -> list[str]:
    from andiwali.ingest import FORMATS

    return sorted(FORMATS)


@app.command("ingest")
def ingest(
    paths: list[str] = typer.Argument(..., metavar="PATH...", help="Files, directories (walked recursively) and .zip archives."),
    source: str | None = typer.Option(None, "--source", help="Source (publisher) of documents that do not name "
                                      "their own (a sidecar .meta.yaml, a Telegram channel or a source column win)."),
    grade: str | None = typer.Option(None, "--grade", help="Admiralty grade of the source, like B2 (default F6)."),
    format: str = typer.Option("auto", "--format", help="auto (sniff content, then extension) or one of: "
                               "txt, md, html, pdf, docx, telegram, rss, csv, jsonl, json."),
    text_column: str | None = typer.Option(None, "--text-column", help="CSV/JSONL text column "
                                           "(default: text, message, content, body)."),
    date_column: str | None = typer.Option(None, "--date-column", help="CSV/JSONL date column "
                                           "(default: date, published, created_at)."),
    source_column: str | None = typer.Option(None, "--source-column", help="CSV/JSONL source column "
                                             "(default: source, channel, author)."),
    title_column: str | None = typer.Option(None, "--title-column", help="CSV/JSONL title column "
                                            "(default: title, subject, headline)."),
    id_column: str | None = typer.Option(None, "--id-column", help="CSV/JSONL record id column "
                                         "(default: id, message_id, post_id, guid)."),
    max_bytes: str = typer.Option("50MB", "--max-bytes", help="Refuse files larger than this (e.g. 50MB, 200k)."),
    max_pages: int = typer.Option(5000, "--max-pages", min=1, help="Refuse PDFs with more pages than this."),
    no_language: bool = typer.Option(False, "--no-language", help="Do not detect languages."),
    json_out: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
) -> None:
    """Ingest documents. Exit 0 when every file was ingested or unchanged, 3 when some were skipped."""
    from andiwali.errors import IngestError
    from andiwali.ingest import IngestOptions
    from andiwali.model import ModelError, parse_grade

    try:
        parse_grade(grade)
    except ModelError as exc:
        raise typer.BadParameter(str(exc).split(": ", 1)[-1], param_hint="--grade") from None
    if format != "auto" and format not in _format_names():
        raise typer.BadParameter(f"unknown format {format!r}; one of auto, {', '.join(_format_names())}",
                                 param_hint="--format")
    options = IngestOptions(
        format=format, max_bytes=parse_size(max_bytes), max_pdf_pages=max_pages, text_column=text_column,
        date_column=date_column, source_column=source_column, title_column=title_column, id_column=id_column,
        detect_language=not no_language,
    )
    kb = open_kb()
    try:
        report = _run(kb, paths, source, grade, options, show_progress=len(paths) > 1 or not _single_file(paths))
    except IngestError as exc:  # a usage problem found late (unknown format name)
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        kb.close()
    for p in report.problems:
        label = "skipped" if p["level"] == "error" else "warning"
        typer.echo(f"{label}: {safe_display(p['path'])}: {p['code']}: {safe_display(p['reason'])}", err=True)
    if json_out:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        s = report.summary()
        typer.echo(
            f"{s['files']} file(s): {s['new']} new document(s), {s['unchanged']} unchanged, "
            f"{s['versions']} new version(s), {s['duplicates']} duplicate(s); {s['files_skipped']} file(s) skipped"
            + (f", {s['warnings']} warning(s)" if s["warnings"] else "")
            + (f", {s['ignored']} media file(s) ignored" if s["ignored"] else "")
        )
    raise typer.Exit(report.exit_code)


def _single_file(paths: list[str]) -> bool:
    from pathlib import Path

    return len(paths) == 1 and Path(paths[0]).is_file()


def _run(kb, paths, source, grade, options, *, show_progress: bool):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from andiwali.ingest import ingest_paths

    console = Console(stderr=True)
    if not (show_progress and console.is_terminal):
        return ingest_paths(kb, paths, source=source, grade=grade, options=options)
    with Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.fields[name]}", markup=False), console=console, transient=True) as bar:
        task = bar.add_task("ingest", total=None, name="")

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, name=safe_display(name, 60))

        return ingest_paths(kb, paths, source=source, grade=grade, options=options, progress=progress)
