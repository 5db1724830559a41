"""Operations: backup, restore, migrate, check (see docs/operations.md)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from andiwali.cli import app, fail, state


def _location() -> str:
    from andiwali.store.config import locate

    return locate(state.kb)


@app.command()
def backup(
    out: Path = typer.Argument(..., help="Backup file to write (a SQLite file, or a pg_dump archive for PostgreSQL)."),
) -> None:
    """Write a consistent backup of the knowledge base, safe while others write to it."""
    from andiwali.store import KnowledgeBase
    from andiwali.store.backup import backup as do_backup

    kb = KnowledgeBase.open(_location(), upgrade=False)
    try:
        info = do_backup(kb, out)
    finally:
        kb.close()
    typer.echo(f"backup of {info['backend']} knowledge base (schema v{info['schema']}) written to {info['path']} "
               f"({info['bytes']} bytes)")


@app.command()
def restore(
    src: Path = typer.Argument(..., exists=True, dir_okay=False, help="A file written by `andiwali backup`."),
    force: bool = typer.Option(False, "--force", help="Replace a knowledge base already at the location."),
) -> None:
    """Restore a backup into the --kb location (a SQLite backup may also go into a postgresql:// URL)."""
    from andiwali.store.backup import restore as do_restore

    location = _location()
    info = do_restore(src, location, force=force)
    c = info["counts"]
    typer.echo(f"restored {src} into {location} (schema v{info['schema']}): {c['documents']} documents, "
               f"{c['entities']} entities, {c['claims']} claims")


@app.command()
def migrate(
    to: int = typer.Option(None, "--to", help="Stop at this schema version (default: the latest)."),
) -> None:
    """Bring the knowledge base schema up to date (each step in its own transaction)."""
    from andiwali.store import KnowledgeBase
    from andiwali.store.migrations import LATEST
    from andiwali.store.migrations import migrate as do_migrate

    kb = KnowledgeBase.open(_location(), upgrade=False)
    try:
        before = kb.schema_version()
        applied = do_migrate(kb.engine, target=to)
        after = kb.schema_version()
    finally:
        kb.close()
    if applied:
        typer.echo(f"schema v{before} -> v{after}: applied {', '.join(map(str, applied))}")
    else:
        typer.echo(f"schema v{after} is up to date (latest v{LATEST})")


@app.command()
def check(as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")) -> None:
    """Check the knowledge base: integrity, foreign keys, evidence spans, whole claim sets. Exit 1 on problems."""
    from andiwali.store import KnowledgeBase

    kb = KnowledgeBase.open(_location(), upgrade=False)
    try:
        result = kb.consistency_check()
        result["schema"] = kb.schema_version()
        result["counts"] = kb.counts()
    finally:
        kb.close()
    if as_json:
        typer.echo(json.dumps(result, indent=1))
    else:
        for p in result["problems"]:
            typer.echo(f"problem: {p}")
        for w in result["warnings"]:
            typer.echo(f"warning: {w}")
        c = result["counts"]
        typer.echo(f"schema v{result['schema']}, {c['documents']} documents, {c['claims']} claims: "
                   + ("ok" if not result["problems"] else f"{len(result['problems'])} problems"))
    if result["problems"]:
        raise fail("the knowledge base has problems (see above)", 1)
