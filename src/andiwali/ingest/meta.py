"""Metadata helpers: dates, language detection, sidecar ``<file>.meta.yaml``."""

from __future__ import annotations

import email.utils
import re
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from andiwali.errors import IngestError
from andiwali.model import parse_grade

# ---- dates -------------------------------------------------------------------------
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ]\S*)?\s*$")
_ISO_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
_DMY = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")


def _valid(y: int, m: int | None, d: int | None) -> str | None:
    if not 1000 <= y <= 2999:
        return None
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        date(y, m, d)
    except ValueError:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def parse_date(value: Any) -> str | None:
    """A date-ish value -> 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', or None when unparseable.

    Accepts ISO strings (with or without time), RFC 2822 (feeds, e-mail), PDF
    ``D:YYYYMMDD`` dates, unix timestamps, ``date``/``datetime`` and time tuples.
    Never guesses: ``03/04/2021`` is ambiguous and gives None.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time.struct_time) or (isinstance(value, tuple) and len(value) >= 3):
        try:
            return _valid(int(value[0]), int(value[1]), int(value[2]))
        except (TypeError, ValueError):
            return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            if 0 < value < 1e11:
                return datetime.fromtimestamp(value, UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
        return None
    s = str(value).strip()[:100]
    if not s:
        return None
    m = _ISO.match(s)
    if m:
        y, mo, d = m.groups()
        return _valid(int(y), int(mo) if mo else None, int(d) if d else None)
    m = _PDF_DATE.match(s)
    if m:
        y, mo, d = m.groups()
        return _valid(int(y), int(mo) if mo else None, int(d) if d and mo else None)
    if s.isdigit() and 9 <= len(s) <= 10:
        return parse_date(int(s))
    try:
        dt = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError, OverflowError):
        dt = None
    if dt is not None:
        return _valid(dt.year, dt.month, dt.day)
    return None


def date_from_filename(name: str) -> str | None:
    """A leading YYYY-MM-DD in a file name (2023-05-01-brief.txt) -> that date."""
    m = _ISO_PREFIX.match(Path(name).name)
    return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


# ---- language ------------------------------------------------------------------------
# lingua has no Pashto model: Pashto text comes out as Persian or Urdu (or None).
LANGUAGES = ("en", "ar", "fa", "ur", "fr", "ru", "de", "es", "tr", "id")
_detector = None
_detector_lock = threading.Lock()


def _build_detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*langs).with_minimum_relative_distance(0.05).build()


def detector():
    """The language detector, built once on first use (restricted: ~100 MB instead of 1.4 GB)."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                _detector = _build_detector()
    return _detector


_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


SAMPLE_CHARS = 400


def _enough_letters(chunk: str) -> bool:
    return len(_LETTERS.findall(chunk[:200])) >= 12


def detect_language(text: str, sample: int = SAMPLE_CHARS) -> str | None:
    """ISO 639-1 code of ``text`` among LANGUAGES, or None when too short or unsure."""
    return detect_languages([text], sample)[0]


def detect_languages(texts: list[str], sample: int = SAMPLE_CHARS) -> list[str | None]:
    """``detect_language`` for many texts at once (lingua runs them in parallel)."""
    chunks = [t[:sample] for t in texts]
    todo = [i for i, c in enumerate(chunks) if _enough_letters(c)]
    out: list[str | None] = [None] * len(texts)
    if not todo:
        return out
    det = detector()
    if len(todo) == 1:
        found = [det.detect_language_of(chunks[todo[0]])]
    else:
        found = det.detect_languages_in_parallel_of([chunks[i] for i in todo])
    for i, lang in zip(todo, found, strict=True):
        out[i] = lang.iso_code_639_1.name.lower() if lang is not None else None
    return out


# ---- sidecar ---------------------------------------------------------------------------
SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_FIELDS = ("title", "published", "source", "grade", "url", "language")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def load_sidecar(path: Path, max_bytes: int) -> dict[str, Any]:
    """Read ``<file>.meta.yaml`` beside ``path`` (empty dict when absent). Raises E212 when invalid."""
    side = sidecar_path(path)
    if not side.is_file():
        return {}
    try:
        if side.stat().st_size > max_bytes:
            raise IngestError(f"sidecar {side} is larger than {max_bytes} bytes", code="E212")
        raw = side.read_bytes()
    except OSError as exc:
        raise IngestError(f"sidecar {side} is not readable ({exc.strerror})", code="E212") from None
    return parse_sidecar(raw, str(side))


def parse_sidecar(raw: bytes, shown: str) -> dict[str, Any]:
    """Validate sidecar YAML: a mapping of SIDECAR_FIELDS. Raises E212 naming the problem."""
    import yaml

    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
        raise IngestError(f"sidecar {shown} is not readable YAML ({type(exc).__name__})", code="E212") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise IngestError(f"sidecar {shown} must be a mapping of {', '.join(SIDECAR_FIELDS)}", code="E212")
    unknown = sorted(str(k) for k in data if k not in SIDECAR_FIELDS)
    if unknown:
        raise IngestError(f"sidecar {shown}: unknown field(s) {', '.join(unknown)}; "
                          f"known: {', '.join(SIDECAR_FIELDS)}", code="E212")
    out: dict[str, Any] = {}
    for k, v in data.items():
        if v is None:
            continue
        if k == "published":
            d = parse_date(v)
            if d is None:
                raise IngestError(f"sidecar {shown}: published must be a date like 2024-03-01, got {v!r}", code="E212")
            out[k] = d
        elif k == "grade":
            try:
                r, c = parse_grade(str(v))
            except Exception as exc:
                raise IngestError(f"sidecar {shown}: {exc}", code="E212") from None
            out[k] = r + c
        elif k == "language":
            out[k] = str(v).strip().lower()[:16]
        else:
            if not isinstance(v, str | int | float):
                raise IngestError(f"sidecar {shown}: {k} must be a string", code="E212")
            out[k] = " ".join(str(v).split())[:2000]
    return out
