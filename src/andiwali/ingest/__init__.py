"""Ingest: files, directories and zip archives -> Documents -> the knowledge base.

Public entry points:

- ``read_documents(path, options=...)``: one file's documents (raises IngestError).
- ``read_bytes(data, name, ...)``: the same from bytes in memory (uploads, tests).
- ``ingest_paths(kb, paths, source=..., grade=..., options=..., progress=...)``: a batch,
  one transaction per file, bad files reported in the returned ``IngestReport``.

Formats register by name in ``FORMATS`` via ``@register`` (see registry.py).
"""

from andiwali.ingest.options import DEFAULT_OPTIONS, SETTINGS, IngestOptions
from andiwali.ingest.pipeline import FileResult, IngestReport, ingest_paths, read_bytes, read_documents
from andiwali.ingest.registry import FORMATS, ParseContext, load_builtin_formats, register

load_builtin_formats()

__all__ = [
    "DEFAULT_OPTIONS",
    "FORMATS",
    "SETTINGS",
    "FileResult",
    "IngestOptions",
    "IngestReport",
    "ParseContext",
    "ingest_paths",
    "read_bytes",
    "read_documents",
    "register",
]
