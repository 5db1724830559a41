"""The project's own errors. Each has a code and says what went wrong.

Parsers, the store and the extractors raise only these (or subclasses) for
bad input, so callers can report a file and move on.
"""

from __future__ import annotations


class AndiwaliError(Exception):
    """Base error: ``code`` is a stable identifier such as ``E012``."""

    code = "E000"

    def __init__(self, message: str, *, code: str | None = None, path: str | None = None):
        super().__init__(message)
        if code:
            self.code = code
        self.path = path

    def __str__(self) -> str:
        msg = super().__str__()
        return f"{self.code}: {msg}" + (f": {self.path}" if self.path else "")


class IngestError(AndiwaliError):
    """A file could not be turned into documents (E2xx codes)."""

    code = "E200"


class StoreError(AndiwaliError):
    code = "E300"


class ExtractError(AndiwaliError):
    code = "E400"


class ReferenceDataError(AndiwaliError):
    code = "E102"


class InteropError(AndiwaliError):
    code = "E500"


# The error table: code -> meaning and what to do. Documented in docs/errors.md.
ERRORS: dict[str, str] = {
    "E000": "unexpected error",
    "E101": "the ontology file is invalid: fix the named entry",
    "E102": "the reference data is invalid: fix the named entry",
    "E200": "the file could not be ingested",
    "E201": "file not found or not readable",
    "E202": "file is empty",
    "E203": "file is larger than the configured limit (--max-bytes)",
    "E204": "file is binary or of an unknown format",
    "E205": "file is not valid UTF-8: decoded with replacement characters",
    "E206": "file is corrupt or truncated",
    "E207": "file is encrypted",
    "E208": "archive is unsafe (zip bomb, path traversal, too many members)",
    "E209": "structure nested too deeply",
    "E210": "no text could be extracted",
    "E211": "file exceeds a configured limit (pages, records): raise the limit if the file is trusted",
    "E212": "the sidecar <file>.meta.yaml is invalid: fix or remove it",
    "E213": "unknown format name: see `andiwali ingest --help` for the list",
    "E300": "the knowledge base could not be opened or written",
    "E301": "no knowledge base here: run `andiwali init` first",
    "E302": "the knowledge base schema is newer than this andiwali",
    "E303": "a concurrent change won: reload and retry",
    "E304": "not found",
    "E305": "a write breaks a rule of the knowledge base (unknown entity or document, duplicate key)",
    "E306": "the database stayed busy: retry later or check for a stuck writer",
    "E307": "a schema migration failed and was rolled back: the knowledge base is unchanged",
    "E308": "restore target already holds a knowledge base: pass --force to replace it",
    "E309": "a config file (andiwali.toml, <kb>/config.toml) is invalid: fix it",
    "E310": "backup or restore failed",
    "E311": "the knowledge base file is damaged: restore the latest backup (`andiwali restore`)",
    "E400": "extraction failed",
    "E500": "import or export failed",
    "E501": "import file is malformed for its format (not valid JSON, CSV, XLSX or STIX): fix or re-export it",
    "E502": "import file is larger than the limit (--max-bytes) or has too many rows/objects",
    "E503": "unknown export/import format or bad option value: see `andiwali export --help`",
    "E504": "the export output could not be written: check the path",
    "E505": "nothing in the import file could be mapped: check the columns or object types",
    "E600": "analysis input is invalid",
    "E601": "a date is not YYYY, YYYY-MM or YYYY-MM-DD, or --at was combined with --from/--to",
    "E602": "unknown layer: see docs/analysis.md for the layers",
    "E603": "unknown status filter: use accepted or all",
    "E604": "no entity by that name: check `andiwali entities`",
    "E605": "unknown community method: use leiden or louvain",
    "E606": "a tie to remove is written A->B, A->B:predicate or A--B",
    "E700": "web team mode: the user, role or session is not valid",
    "E701": "a web password needs at least 8 characters",
}
