"""Formats register here by name (a plain dict filled by a decorator).

A parser turns one file's bytes into documents: ``parse(data, ctx) -> list[Document]``.
Built-in formats use the same decorator a plug-in would. Parsers raise only
``IngestError``; ``run_parser`` turns anything else that escapes into one, so a
hostile file can never surface a third-party exception.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from andiwali.errors import IngestError
from andiwali.ingest.options import DEFAULT_OPTIONS, IngestOptions
from andiwali.model import Document, ModelError, Source

log = logging.getLogger(__name__)


@dataclass
class ParseContext:
    """What a parser knows about the file it reads."""

    key: str  # the document key of the file ("/abs/path" or "zip:/abs/a.zip!member")
    name: str  # display name (path as given, or archive!member)
    options: IngestOptions = DEFAULT_OPTIONS
    path: Path | None = None  # None for archive members
    file_source: Source | None = None  # a source named by the file itself (site name, feed title)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, reason)
    meta: dict[str, Any] = field(default_factory=dict)  # file-level metadata (title, author...) parsers may fill

    def warn(self, code: str, reason: str) -> None:
        if (code, reason) not in self.warnings:
            self.warnings.append((code, reason))

    def fail(self, reason: str, code: str = "E206") -> IngestError:
        return IngestError(reason, code=code, path=self.name)

    def check_records(self, n: int) -> None:
        if n > self.options.max_records:
            raise self.fail(f"more than {self.options.max_records} records (max_records)", "E211")


Parser = Callable[[bytes, ParseContext], list[Document]]


@dataclass(frozen=True)
class Format:
    name: str
    parse: Parser
    extensions: tuple[str, ...]
    help: str


FORMATS: dict[str, Format] = {}


def register(name: str, *, extensions: tuple[str, ...] = (), help: str = "") -> Callable[[Parser], Parser]:
    """Decorator: register ``parse(data, ctx)`` under ``name`` for the given extensions."""

    def deco(fn: Parser) -> Parser:
        FORMATS[name] = Format(name, fn, tuple(e.lower() for e in extensions), help or (fn.__doc__ or "").strip())
        return fn

    return deco


def format_for_extension(filename: str) -> str | None:
    low = filename.lower()
    best: tuple[int, str] | None = None
    for fmt in FORMATS.values():
        for ext in fmt.extensions:
            if low.endswith(ext) and (best is None or len(ext) > best[0]):
                best = (len(ext), fmt.name)
    return best[1] if best else None


def get_format(name: str) -> Format:
    load_builtin_formats()
    try:
        return FORMATS[name]
    except KeyError:
        raise IngestError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}", code="E213") from None


def run_parser(name: str, data: bytes, ctx: ParseContext) -> list[Document]:
    """Run a registered parser; only IngestError ever leaves."""
    fmt = get_format(name)
    try:
        return fmt.parse(data, ctx)
    except IngestError as exc:
        if exc.path is None:
            exc.path = ctx.name
        raise
    except RecursionError:
        raise ctx.fail(f"{name}: structure nested too deeply", "E209") from None
    except MemoryError:
        raise ctx.fail(f"{name}: ran out of memory parsing the file", "E211") from None
    except ModelError as exc:
        raise ctx.fail(f"{name}: bad metadata: {exc}") from None
    except Exception as exc:  # a third-party parser failed on hostile or broken input
        log.debug("parser %s failed on %s", name, ctx.name, exc_info=True)
        raise ctx.fail(f"{name}: cannot parse ({type(exc).__name__}: {str(exc)[:200]})") from None


_LOADED = False


def load_builtin_formats() -> None:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        import andiwali.ingest.formats  # noqa: F401  (registers the built-ins)
