"""Files, directories and archives -> documents -> the knowledge base.

One file's documents are written in one transaction, so the knowledge base
never holds half a file. A bad file becomes a report entry (path, code,
reason) and the batch goes on.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from andiwali.errors import AndiwaliError, IngestError
from andiwali.ingest import archive as zips
from andiwali.ingest.meta import SIDECAR_SUFFIX, detect_languages, load_sidecar, parse_sidecar
from andiwali.ingest.options import DEFAULT_OPTIONS, IngestOptions
from andiwali.ingest.registry import ParseContext, get_format, run_parser
from andiwali.ingest.sniff import ARCHIVE, sniff_format
from andiwali.model import Document, ModelError, Source, parse_grade

# left out when walking directories and archives (Telegram exports ship their media beside result.json)
MEDIA_EXTENSIONS = frozenset(
    ".jpg .jpeg .png .gif .webp .bmp .tif .tiff .heic .svg .ico .mp4 .mov .m4v .webm .mkv .avi .mp3 .m4a .ogg "
    ".oga .opus .wav .flac .tgs .webm .css .js .woff .woff2 .ttf".split()
)

KB_FILE = "andiwali.db"
Progress = Callable[[int, int, str], None]


# ---- report ------------------------------------------------------------------------------
@dataclass
class FileResult:
    """What happened to one file (or archive member)."""

    path: str
    status: str  # ingested | unchanged | skipped
    format: str | None = None
    documents: Counter = field(default_factory=Counter)  # new / unchanged / version / duplicate
    code: str | None = None
    reason: str | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "status": self.status, "format": self.format,
                             "documents": dict(self.documents)}
        if self.code:
            d["code"], d["reason"] = self.code, self.reason
        if self.warnings:
            d["warnings"] = [{"code": c, "reason": r} for c, r in self.warnings]
        return d


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # media files left out of directory walks

    @property
    def documents(self) -> Counter:
        total: Counter = Counter()
        for f in self.files:
            total.update(f.documents)
        return total

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def problems(self) -> list[dict[str, str]]:
        """One entry per bad file (level error) and per warning: {path, code, reason, level}."""
        out = []
        for f in self.files:
            if f.status == "skipped":
                out.append({"path": f.path, "code": f.code or "E200", "reason": f.reason or "", "level": "error"})
            for code, reason in f.warnings:
                out.append({"path": f.path, "code": code, "reason": reason, "level": "warning"})
        return out

    @property
    def exit_code(self) -> int:
        return 3 if self.skipped else 0

    def summary(self) -> dict[str, int]:
        docs = self.documents
        status = Counter(f.status for f in self.files)
        return {
            "files": len(self.files),
            "files_ingested": status["ingested"],
            "files_unchanged": status["unchanged"],
            "files_skipped": status["skipped"],
            "ignored": len(self.ignored),
            "new": docs["new"],
            "unchanged": docs["unchanged"],
            "versions": docs["version"],
            "duplicates": docs["duplicate"],
            "warnings": sum(len(f.warnings) for f in self.files),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "files": [f.to_dict() for f in self.files],
                "problems": self.problems, "ignored": self.ignored}


# ---- inputs --------------------------------------------------------------------------------
@dataclass
class _Input:
    name: str  # shown to the user
    key: str  # document key of the file
    path: Path | None
    read: Callable[[], bytes]
    sidecar: Callable[[], dict[str, Any]]


def _read_file(path: Path, limit: int) -> bytes:
    """A regular file's bytes, refused by size before reading (E203) and never more than ``limit``.

    Opened non-blocking and checked with fstat, so a FIFO or device never blocks the batch.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise IngestError(f"cannot read file ({exc.strerror or type(exc).__name__})", code="E201") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise IngestError("not a regular file", code="E201")
        if st.st_size > limit:
            raise IngestError(f"file is {st.st_size} bytes (max_bytes is {limit})", code="E203")
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise IngestError(f"cannot read file ({exc.strerror or type(exc).__name__})", code="E201") from None
    if len(data) > limit:
        raise IngestError(f"file grew beyond {limit} bytes while being read (max_bytes)", code="E203")
    return data


def _file_key(path: Path) -> str:
    return str(path.resolve())


def _head(path: Path, n: int = 8) -> bytes:
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return b""  # never open a FIFO or a device: reading it could block forever
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def _is_archive(path: Path) -> bool:
    if not zips.is_zip(_head(path)):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            return not zips.is_docx_zip(zf)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False


def _walk(path: Path) -> Iterator[tuple[Path, bool]]:
    """Files under a directory, sorted, hidden names and sidecars left out; (path, is_media)."""
    for root, dirs, files in os.walk(path, followlinks=False):
        if KB_FILE in files:  # a knowledge base directory: never ingest the database itself
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if f.startswith(".") or f.endswith(SIDECAR_SUFFIX):
                continue
            p = Path(root) / f
            yield p, p.suffix.lower() in MEDIA_EXTENSIONS


def _disk_input(path: Path, name: str, options: IngestOptions) -> _Input:
    return _Input(name=name, key=_file_key(path), path=path, read=lambda: _read_file(path, options.max_bytes),
                  sidecar=lambda: load_sidecar(path, options.max_sidecar_bytes))


def _archive_inputs(path: Path, name: str, options: IngestOptions) -> Iterator[_Input | FileResult | str]:
    """Members of a zip archive as inputs; an unsafe archive yields one skipped result."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield FileResult(name, "skipped", code="E201", reason=f"cannot read archive ({exc.strerror})")
        return
    if size > options.max_archive_bytes:
        yield FileResult(name, "skipped", format=ARCHIVE, code="E203",
                         reason=f"archive is {size} bytes (max_archive_bytes is {options.max_archive_bytes})")
        return
    try:
        zf = zips.open_zip(str(path), "archive")
    except IngestError as exc:
        yield FileResult(name, "skipped", format=ARCHIVE, code=exc.code, reason=_reason(exc))
        return
    with zf:
        try:
            members = list(zips.iter_members(zf, options, "archive"))
        except IngestError as exc:
            yield FileResult(name, "skipped", format=ARCHIVE, code=exc.code, reason=_reason(exc))
            return
        by_name = {m.name: m for m in members}
        akey = _file_key(path)
        for m in members:
            base = m.name.rsplit("/", 1)[-1]
            if m.name.endswith(SIDECAR_SUFFIX) or base.startswith(".") or "__MACOSX/" in m.name:
                continue
            mname = f"{name}!{m.name}"
            if Path(base).suffix.lower() in MEDIA_EXTENSIONS:
                yield mname
                continue
            side = by_name.get(m.name + SIDECAR_SUFFIX)

            def read(m=m) -> bytes:
                return zips.read_member(zf, m.info, options.max_bytes)

            def sidecar(side=side, mname=mname) -> dict[str, Any]:
                if side is None:
                    return {}
                raw = zips.read_member(zf, side.info, options.max_sidecar_bytes)
                return parse_sidecar(raw, mname + SIDECAR_SUFFIX)

            yield _Input(name=mname, key=f"zip:{akey}!{m.name}", path=None, read=read, sidecar=sidecar)


def _reason(exc: AndiwaliError) -> str:
    return str(exc.args[0]) if exc.args else str(exc)


# ---- parsing ----------------------------------------------------------------------------------
_SURROGATE = re.compile("[\x00\ud800-\udfff]")


def _fix_str(s: str) -> str:
    """NUL and unpaired surrogates (JSON escapes such as "\\u0000", "\\ud800") cannot be stored on every
    backend: each becomes U+FFFD, so offsets into the text do not move."""
    if _SURROGATE.search(s):
        s = s.replace("\x00", "\ufffd")
        return s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return s


def _fix(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return _fix_str(value)
    if depth > 8:
        return None
    if isinstance(value, dict):
        return {_fix_str(str(k)): _fix(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_fix(v, depth + 1) for v in value]
    return value


def _finalize(docs: list[Document], ctx: ParseContext, sidecar: dict[str, Any], source: str | None,
              grade: str | None, options: IngestOptions) -> list[Document]:
    """Apply sidecar, --source/--grade, file-level metadata and language detection."""
    r, c = parse_grade(sidecar.get("grade") or grade)
    single = len(docs) == 1
    out = []
    for doc in docs:
        if sidecar.get("source"):
            src: Source | None = Source(name=sidecar["source"], kind="publisher")
        elif doc.source is not None:  # the record names its own source (channel, source column)
            src = doc.source
        elif source:
            src = Source(name=source, kind="publisher")
        else:
            src = ctx.file_source
        if src is not None:
            src = replace(src, reliability=r, credibility=c)
        text = doc.text
        if _SURROGATE.search(text):
            text = _fix_str(text)
            ctx.warn("E205", "text held NUL or unpaired UTF-16 surrogate characters: replaced with U+FFFD")
        meta = _fix({**ctx.meta, **doc.meta})
        if src is not None and _SURROGATE.search(src.name):
            src = replace(src, name=_fix_str(src.name))
        if ctx.warnings:
            meta["warnings"] = [code for code, _ in ctx.warnings]
        language = sidecar.get("language") or doc.language
        title = (sidecar.get("title") if single else None) or doc.title
        out.append(replace(
            doc,
            text=text,
            key=_fix_str(doc.key),
            title=_fix_str(title) if title else None,
            published=(sidecar.get("published") if single else None) or doc.published or sidecar.get("published"),
            url=_fix(sidecar.get("url") if single else None) or _fix(doc.url),
            language=language,
            source=src,
            meta=meta,
        ))
    if options.detect_language:
        todo = [i for i, d in enumerate(out) if d.language is None]
        if todo:
            found = detect_languages([out[i].text for i in todo])
            for i, lang in zip(todo, found, strict=True):
                if lang:
                    out[i] = replace(out[i], language=lang)
    return out


def _parse(data: bytes, ctx: ParseContext) -> tuple[str, list[Document]]:
    if not data:
        raise ctx.fail("file is empty", "E202")
    fmt = ctx.options.format
    if fmt in (None, "", "auto"):
        fmt = sniff_format(data, ctx.name, ctx)
    else:
        get_format(fmt)
    if fmt == ARCHIVE:
        raise ctx.fail("nested archive not expanded: unzip it first", "E208")
    docs = run_parser(fmt, data, ctx)
    if not docs:
        raise ctx.fail("no text could be extracted", "E210")
    ctx.check_records(len(docs))
    return fmt, docs


def read_bytes(
    data: bytes,
    name: str,
    *,
    key: str | None = None,
    options: IngestOptions | None = None,
    source: str | None = None,
    grade: str | None = None,
    sidecar: dict[str, Any] | None = None,
    warnings: list[tuple[str, str]] | None = None,
) -> list[Document]:
    """Parse one file's bytes (``name`` guides sniffing; ``key`` defaults to ``name``). Raises IngestError."""
    options = options or DEFAULT_OPTIONS
    ctx = ParseContext(key=key or name, name=name, options=options)
    if len(data) > options.max_bytes:
        raise ctx.fail(f"file is {len(data)} bytes (max_bytes is {options.max_bytes})", "E203")
    _, docs = _parse(data, ctx)
    try:
        docs = _finalize(docs, ctx, sidecar or {}, source, grade, options)
    except ModelError as exc:
        raise ctx.fail(str(exc), "E206") from None
    if warnings is not None:
        warnings.extend(ctx.warnings)
    return docs


def _read_input(inp: _Input, options: IngestOptions, source: str | None, grade: str | None
                ) -> tuple[str, list[Document], ParseContext]:
    ctx = ParseContext(key=inp.key, name=inp.name, options=options, path=inp.path)
    try:
        data = inp.read()
        sidecar = inp.sidecar()
        fmt, docs = _parse(data, ctx)
        del data
        docs = _finalize(docs, ctx, sidecar, source, grade, options)
    except IngestError as exc:
        exc.path = inp.name
        raise
    except ModelError as exc:
        raise IngestError(str(exc), code="E206", path=inp.name) from None
    return fmt, docs, ctx


def read_documents(
    path: str | os.PathLike,
    *,
    options: IngestOptions | None = None,
    source: str | None = None,
    grade: str | None = None,
) -> Iterator[Document]:
    """The documents of one file (a zip archive: of each member in turn). Raises IngestError on a bad file.

    Sidecar metadata, ``source`` and ``grade`` are applied as ``ingest_paths`` does.
    """
    options = options or DEFAULT_OPTIONS
    if source is not None or grade is not None:
        parse_grade(grade)
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise IngestError("file not found", code="E201", path=name)
    if p.is_dir():
        raise IngestError("is a directory: use ingest_paths to walk it", code="E201", path=name)
    if options.format in (None, "", "auto") and _is_archive(p):
        for item in _archive_inputs(p, name, options):
            if isinstance(item, FileResult):
                raise IngestError(item.reason or "bad archive", code=item.code or "E208", path=item.path)
            if isinstance(item, str):
                continue
            yield from _read_input(item, options, source, grade)[1]
        return
    yield from _read_input(_disk_input(p, name, options), options, source, grade)[1]


# ---- ingest ----------------------------------------------------------------------------------
def _store(kb: Any, docs: list[Document], result: FileResult) -> None:
    """All of one file's documents in one write transaction (re-run whole on a transient conflict)."""

    def write(conn: Any) -> list[Any]:
        return [kb.add_document(doc, conn) for doc in docs]

    if hasattr(kb, "write"):
        stored = kb.write(write, what=f"storing {len(docs)} document(s) of {result.path!r}")
    else:
        with kb.transaction() as conn:
            stored = write(conn)
    for res in stored:
        result.documents[res.status] += 1
        result.doc_ids.append(res.doc_id)


def _expand(paths: Iterable[str | os.PathLike], options: IngestOptions
            ) -> Iterator[tuple[Path, str] | FileResult | str]:
    """Top-level work items: (path, name) for files, FileResult for missing paths, str for ignored media."""
    for given in paths:
        p = Path(given)
        name = str(given)
        if not p.exists() and not p.is_symlink():
            yield FileResult(name, "skipped", code="E201", reason="file not found")
        elif p.is_dir():
            for f, media in _walk(p):
                if media:
                    yield str(f)
                else:
                    yield f, str(f)
        else:
            yield p, name


def ingest_paths(
    kb: Any,
    paths: Iterable[str | os.PathLike],
    *,
    source: str | None = None,
    grade: str | None = None,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files, directories (recursively) and zip archives into ``kb``; bad files are reported, not fatal.

    ``grade`` is checked first (ModelError on a bad one: a usage error). ``progress(done, total, name)``
    is called once before the first file (done = 0) and after each top-level file.
    """
    options = options or DEFAULT_OPTIONS
    parse_grade(grade)
    if options.format not in (None, "", "auto"):
        get_format(options.format)
    report = IngestReport()
    items = list(_expand(paths, options))
    total = sum(1 for i in items if isinstance(i, tuple))
    done = 0
    if progress is not None:
        progress(0, total, "")

    def one(inp: _Input) -> None:
        try:
            fmt, docs, ctx = _read_input(inp, options, source, grade)
        except IngestError as exc:
            report.files.append(FileResult(inp.name, "skipped", code=exc.code, reason=_reason(exc)))
            return
        result = FileResult(inp.name, "ingested", format=fmt, warnings=list(ctx.warnings))
        try:
            _store(kb, docs, result)
        except AndiwaliError as exc:
            report.files.append(FileResult(inp.name, "skipped", format=fmt, code=exc.code, reason=_reason(exc),
                                           warnings=result.warnings))
            return
        except Exception as exc:  # the database refused (locked, full): report, keep going
            report.files.append(FileResult(inp.name, "skipped", format=fmt, code="E300",
                                           reason=f"could not store ({type(exc).__name__}: {str(exc)[:200]})",
                                           warnings=result.warnings))
            return
        if result.documents and set(result.documents) == {"unchanged"}:
            result.status = "unchanged"
        report.files.append(result)

    for item in items:
        if isinstance(item, FileResult):
            report.files.append(item)
            continue
        if isinstance(item, str):
            report.ignored.append(item)
            continue
        path, name = item
        if options.format in (None, "", "auto") and _is_archive(path):
            for sub in _archive_inputs(path, name, options):
                if isinstance(sub, FileResult):
                    report.files.append(sub)
                elif isinstance(sub, str):
                    report.ignored.append(sub)
                else:
                    one(sub)
        else:
            one(_disk_input(path, name, options))
        done += 1
        if progress is not None:
            progress(done, total, name)
    return report
