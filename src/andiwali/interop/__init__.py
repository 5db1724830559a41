"""Exchange formats: STIX 2.1, GEXF, GraphML, CSV, XLSX and JSON Lines, in and out.

``export(kb, fmt, out, filt)`` and ``import_file(kb, fmt, path, ...)`` are what the
CLI (``andiwali export`` / ``andiwali import``) and the web app call. Formats
register themselves in ``EXPORTERS`` / ``IMPORTERS`` (see ``interop.base``).
"""

from __future__ import annotations

import importlib

from andiwali.errors import AndiwaliError, InteropError
from andiwali.interop.base import EXPORTERS, IMPORTERS, ExportFilter, Selection, select
from andiwali.interop.importing import ImportReport

_MODULES = ("jsonl", "stix", "stix_import", "graphml", "gexf", "tabular", "graph_import")


def _load() -> None:
    for m in _MODULES:
        importlib.import_module(f"andiwali.interop.{m}")


def export_formats() -> list[str]:
    _load()
    return sorted(EXPORTERS)


def import_formats() -> list[str]:
    _load()
    return sorted(IMPORTERS)


def export(kb, fmt: str, out, filt: ExportFilter | None = None, **options) -> dict:
    """Write the knowledge base (filtered) as ``fmt`` to ``out`` ("-" = stdout); returns a summary."""
    _load()
    if fmt not in EXPORTERS:
        raise InteropError(f"unknown export format {fmt!r}; known: {', '.join(sorted(EXPORTERS))}", code="E503")
    f = EXPORTERS[fmt]
    if f.directory and str(out) == "-":
        raise InteropError(f"{fmt} writes a directory of files: give a directory, not -", code="E503")
    return f.func(kb, out, filt or ExportFilter(), **options)


def export_bytes(kb, fmt: str, filt: ExportFilter | None = None, **options) -> tuple[bytes, str]:
    """An export as (bytes, file name) for a download: one file, or a zip of the csv directory."""
    import io
    import tempfile
    import zipfile
    from pathlib import Path

    _load()
    if fmt not in EXPORTERS:
        raise InteropError(f"unknown export format {fmt!r}; known: {', '.join(sorted(EXPORTERS))}", code="E503")
    f = EXPORTERS[fmt]
    with tempfile.TemporaryDirectory(prefix="andiwali-export-") as tmp:
        if f.directory:
            out = Path(tmp) / "export"
            export(kb, fmt, out, filt, **options)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for p in sorted(out.iterdir()):
                    zf.write(p, p.name)
            return buf.getvalue(), f"andiwali-{fmt}.zip"
        name = f"andiwali{(f.suffixes or ('.' + fmt,))[0]}"
        out = Path(tmp) / name
        export(kb, fmt, out, filt, **options)
        return out.read_bytes(), name


def import_file(kb, fmt: str, path, *, dry_run: bool = False, actor: str = "import", **options) -> ImportReport:
    """Read ``path`` ("-" = stdin) as ``fmt`` into the knowledge base (or only report, with ``dry_run``)."""
    _load()
    if fmt not in IMPORTERS:
        raise InteropError(f"unknown import format {fmt!r}; known: {', '.join(sorted(IMPORTERS))}", code="E503")
    try:
        return IMPORTERS[fmt].func(kb, path, dry_run=dry_run, actor=actor, **options)
    except (AndiwaliError, KeyboardInterrupt, MemoryError):
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        # a shape of untrusted input the importer did not foresee: report it, never a traceback
        raise InteropError(f"cannot import this file ({type(exc).__name__}: {str(exc)[:120]}); "
                           "please report it with the file", code="E501", path=str(path)[:300]) from exc


__all__ = [
    "EXPORTERS",
    "IMPORTERS",
    "ExportFilter",
    "ImportReport",
    "Selection",
    "export",
    "export_bytes",
    "export_formats",
    "import_file",
    "import_formats",
    "select",
]
