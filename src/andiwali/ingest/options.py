"""Ingest settings as a table (datasette's SETTINGS): name, default, help.

``IngestOptions`` is built from these defaults; the CLI exposes the common
ones as flags, and every setting is documented in docs/ingest.md (a test
checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("format", "auto", "Force one format (txt, md, html, pdf, docx, telegram, rss, csv, jsonl, json) "
            "instead of sniffing content then extension."),
    Setting("max_bytes", 50 * MB, "Largest file (or archive member) read; larger ones are refused (E203) "
            "without being read."),
    Setting("max_archive_members", 10_000, "Most members a .zip archive (or a DOCX container) may hold (E208)."),
    Setting("max_archive_bytes", 512 * MB, "Most uncompressed bytes a .zip archive may expand to, in total (E208)."),
    Setting("max_compression_ratio", 100, "Highest uncompressed/compressed ratio of a member larger than 1 MB "
            "before the archive counts as a zip bomb (E208)."),
    Setting("max_json_depth", 64, "Deepest nesting of arrays/objects accepted in JSON and JSON Lines (E209); "
            "checked without recursion before parsing."),
    Setting("max_pdf_pages", 5_000, "Most pages a PDF may declare (E211)."),
    Setting("max_records", 1_000_000, "Most documents one file may yield (messages, feed items, rows) (E211)."),
    Setting("max_sidecar_bytes", 64 * 1024, "Largest <file>.meta.yaml sidecar accepted (E212)."),
    Setting("text_column", None, "CSV/JSONL column holding the text (default: text, message, content, body)."),
    Setting("date_column", None, "CSV/JSONL column holding the date (default: date, published, created_at)."),
    Setting("source_column", None, "CSV/JSONL column naming the source (default: source, channel, author)."),
    Setting("title_column", None, "CSV/JSONL column holding a title (default: title, subject, headline)."),
    Setting("id_column", None, "CSV/JSONL column holding a stable record id (default: id, message_id, post_id, "
            "guid); without one, rows are keyed by their number."),
    Setting("detect_language", True, "Detect each document's language (lingua, restricted to a few languages) "
            "unless a sidecar gives it."),
)


@dataclass(frozen=True)
class IngestOptions:
    """Every ingest setting; build with ``IngestOptions(max_bytes=...)`` or ``IngestOptions.from_dict``."""

    format: str = "auto"
    max_bytes: int = 50 * MB
    max_archive_members: int = 10_000
    max_archive_bytes: int = 512 * MB
    max_compression_ratio: int = 100
    max_json_depth: int = 64
    max_pdf_pages: int = 5_000
    max_records: int = 1_000_000
    max_sidecar_bytes: int = 64 * 1024
    text_column: str | None = None
    date_column: str | None = None
    source_column: str | None = None
    title_column: str | None = None
    id_column: str | None = None
    detect_language: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> IngestOptions:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown ingest settings: {', '.join(sorted(unknown))}")
        return cls(**values)


DEFAULT_OPTIONS = IngestOptions()
