"""Exchange commands: ``export FORMAT OUT`` and ``import FORMAT IN`` (thin layer over andiwali.interop)."""

from __future__ import annotations

import json

import typer

from andiwali.cli import app, fail, open_kb, state
from andiwali.errors import AndiwaliError

EXPORT_FORMATS = "stix, gexf, graphml, csv, jsonl"
IMPORT_FORMATS = "stix, csv, xlsx, jsonl, gexf, graphml"


@app.command("export")
def export_cmd(
    fmt: str = typer.Argument(..., metavar="FORMAT", help=f"One of: {EXPORT_FORMATS}."),
    out: str = typer.Argument(..., metavar="OUT", help="Output file (`-` = stdout), or a directory for csv."),
    at: str = typer.Option(None, "--at", help="Only what holds at this date (YYYY[-MM[-DD]], its whole period)."),
    date_from: str = typer.Option(None, "--from", help="Only what holds on or after this date."),
    date_to: str = typer.Option(None, "--to", help="Only what holds on or before this date."),
    layers: str = typer.Option(None, "--layers", help="Comma-separated layers, or `all` (default: all; graphml: "
                               "cooperation,organizational as the metrics)."),
    status: str = typer.Option(None, "--status", help="all-but-rejected (default), all, accepted, reviewed, "
                               "pending, edited, rejected."),
    min_confidence: float = typer.Option(None, "--min-confidence", help="Only claims at least this confident."),
    actors_only: bool = typer.Option(None, "--actors-only/--all-kinds", help="Only organizations, people and "
                                     "states (default: graphml yes, the others no)."),
    no_text: bool = typer.Option(False, "--no-text", help="stix: leave document texts out of the report objects."),
    author: str = typer.Option("andiwali", "--author", help="stix: the name of the identity that creates the bundle."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (on stderr when OUT is -)."),
) -> None:
    """Write the knowledge base as STIX 2.1, GEXF, GraphML, CSV or JSON Lines, with the analysis filters."""
    from andiwali.interop import ExportFilter, export, export_formats

    if fmt not in export_formats():
        raise fail(f"unknown export format {fmt!r}; known: {', '.join(export_formats())}", 2)
    try:
        filt = ExportFilter.make(at=at, date_from=date_from, date_to=date_to, layers=layers, status=status,
                                 min_confidence=min_confidence, actors_only=actors_only)
    except AndiwaliError as exc:
        raise fail(f"error: {exc}", 2) from None
    kb = open_kb()
    try:
        summary = export(kb, fmt, out, filt, with_text=not no_text, author=author)
    except AndiwaliError as exc:
        raise fail(f"error: {exc}", 2 if exc.code == "E503" else 1) from None
    finally:
        kb.close()
    to_err = out == "-"
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False), err=to_err)
    else:
        parts = ", ".join(f"{k} {v}" for k, v in summary.items() if k not in ("format", "out"))
        typer.echo(f"exported {fmt} to {out}: {parts}", err=True)


@app.command("import")
def import_cmd(
    fmt: str = typer.Argument(..., metavar="FORMAT", help=f"One of: {IMPORT_FORMATS}."),
    path: str = typer.Argument(..., metavar="IN", help="Input file (`-` = stdin; csv also takes an export directory)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would be imported (and unmapped rows); "
                                 "write nothing."),
    source: str = typer.Option(None, "--source", help="Name of the source the imported claims come from."),
    grade: str = typer.Option(None, "--grade", help="Admiralty grade of that source, like B2 (default F6)."),
    sheet: str = typer.Option(None, "--sheet", help="xlsx: the sheet to read (default: the first with a "
                              "subject/tie/object header)."),
    max_bytes: int = typer.Option(None, "--max-bytes", help="Refuse inputs larger than this (default 100 MB)."),
    curated: bool = typer.Option(False, "--curated", help="New entities are curated at once (used by extraction); "
                                 "default: candidates to review."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
) -> None:
    """Read STIX 2.1, CSV, XLSX, JSON Lines, GEXF or GraphML into the knowledge base (each input is untrusted)."""
    from andiwali.interop import import_file, import_formats

    if fmt not in import_formats():
        raise fail(f"unknown import format {fmt!r}; known: {', '.join(import_formats())}", 2)
    kb = open_kb()
    try:
        rep = import_file(kb, fmt, path, dry_run=dry_run, actor=state.actor, source=source, grade=grade,
                          sheet=sheet, max_bytes=max_bytes, curated=curated)
    except AndiwaliError as exc:
        raise fail(f"error: {exc}", 2 if exc.code == "E503" else 1) from None
    finally:
        kb.close()
    if as_json:
        typer.echo(json.dumps(rep.to_dict(), ensure_ascii=False, indent=1))
    else:
        typer.echo(rep.summary())
        for u in rep.unmapped[:200]:
            typer.echo(f"  unmapped {u['where']}: {u['value']!r}")
        for s in rep.skipped[:200]:
            typer.echo(f"  skipped {s['where']}: {s['reason']}")
        for t, n in rep.ignored_types.items():
            typer.echo(f"  ignored {n} {t} object(s)")
        for w in rep.warnings:
            typer.echo(f"  warning: {w}")
        if len(rep.unmapped) > 200 or len(rep.skipped) > 200:
            typer.echo("  (more: use --json)")
    if (rep.skipped or rep.unmapped) and not dry_run:
        raise typer.Exit(3)
