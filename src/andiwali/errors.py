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
    "E300": "the knowledge base could not be opened or written",
    "E301": "no knowledge base here: run `andiwali init` first",
    "E302": "the knowledge base schema is newer than this andiwali",
    "E303": "a concurrent change won: reload and retry",
    "E304": "not found",
    "E400": "extraction failed",
    "E500": "import or export failed",
}
