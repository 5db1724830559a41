"""Uploads: each file parsed by the ingest pipeline (as `andiwali ingest` does) and stored in one transaction.

A file is keyed ``upload:<safe name>``, so uploading the same file again is a no-op and
a changed file becomes a new version. Zip archives go through ``ingest_paths`` (its
archive checks: zip bombs, path traversal, member limits) from a private temporary folder.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from andiwali.errors import AndiwaliError

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name without folders, control characters or a leading dot (never a path)."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem = _SAFE.sub("_", base).strip("._") or "upload"
    return stem[:120]


def _options(max_bytes: int):
    from andiwali.ingest import IngestOptions

    return IngestOptions(max_bytes=max_bytes)


def _one(kb, name: str, data: bytes, *, source: str | None, grade: str | None, max_bytes: int) -> dict[str, Any]:
    from andiwali.ingest import read_bytes
    from andiwali.ingest.archive import is_zip

    if is_zip(data[:8]):
        return _archive(kb, name, data, source=source, grade=grade, max_bytes=max_bytes)
    warnings: list[tuple[str, str]] = []
    docs = read_bytes(data, name, key=f"upload:{name}", options=_options(max_bytes), source=source, grade=grade,
                      warnings=warnings)
    status: Counter = Counter()
    ids = []
    with kb.transaction() as conn:
        for doc in docs:
            res = kb.add_document(doc, conn)
            status[res.status] += 1
            ids.append(res.doc_id)
    out: dict[str, Any] = {"documents": len(docs), "status": ", ".join(f"{k} {v}" for k, v in sorted(status.items())),
                           "doc_ids": ids[:50]}
    if warnings:
        out["warnings"] = [f"{c}: {r}" for c, r in warnings][:20]
    return out


def _archive(kb, name: str, data: bytes, *, source, grade, max_bytes) -> dict[str, Any]:
    from andiwali.ingest import ingest_paths

    tmp = Path(tempfile.mkdtemp(prefix="andiwali-upload-"))
    try:
        path = tmp / name
        path.write_bytes(data)
        report = ingest_paths(kb, [path], source=source, grade=grade, options=_options(max_bytes))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ids = [i for f in report.files for i in f.doc_ids]
    out: dict[str, Any] = {"documents": sum(report.documents.values()), "doc_ids": ids[:50],
                           "status": ", ".join(f"{k} {v}" for k, v in sorted(report.documents.items()))}
    problems = [f"{p['code']}: {p['reason']}" for p in report.problems if p["level"] == "error"]
    if problems:
        out["error"] = "; ".join(problems)[:500]
    return out


def ingest_uploads(kb, files: list[tuple[str, bytes]], *, source: str | None, grade: str | None,
                   max_bytes: int) -> dict[str, Any]:
    """One result row per uploaded file: documents added, or the error with its code."""
    from andiwali.model import parse_grade

    source = source.strip()[:200] if source and source.strip() else None
    grade = grade.strip().upper() if grade and grade.strip() else None
    try:
        parse_grade(grade)
    except AndiwaliError as exc:
        return {"files": [{"file": n, "error": str(exc)} for n, _ in files], "documents": 0}
    rows, total = [], 0
    for name, data in files:
        try:
            res = _one(kb, name, data, source=source, grade=grade, max_bytes=max_bytes)
            total += res.get("documents", 0)
            rows.append({"file": name} | res)
        except AndiwaliError as exc:
            rows.append({"file": name, "error": str(exc)})
    return {"files": rows, "documents": total}
