"""The thin Typer layer over the library functions.

Each command group lives in its own module and registers itself on ``app``
when imported; ``main`` imports them all. Exit codes: 0 ok, 2 usage error,
3 some input skipped, 1 other failure.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import typer

from andiwali.errors import AndiwaliError

app = typer.Typer(
    name="andiwali",
    help="Evidence-backed, time-aware knowledge graphs of militant networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class State:
    kb: Path | str = Path("kb")
    actor: str = "cli"


state = State()


@app.callback()
def _global(
    kb: str = typer.Option("kb", "--kb", envvar="ANDIWALI_KB", help="Knowledge base directory (or a postgresql:// URL)."),
    actor: str = typer.Option("cli", "--as", envvar="ANDIWALI_USER", help="Who is acting (recorded in the audit log)."),
) -> None:
    state.kb = kb
    state.actor = actor


# command modules, imported in this order; each adds its commands to `app`
COMMAND_MODULES = ["core", "ingest", "docs", "entities", "analyze", "interop", "serve", "admin", "extract"]


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"andiwali.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"andiwali.cli.{name}":
                raise


def open_kb():
    from andiwali.store import KnowledgeBase
    from andiwali.store.config import locate

    return KnowledgeBase.open(locate(state.kb))


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def main() -> None:
    _load_commands()
    try:
        app()
    except AndiwaliError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
