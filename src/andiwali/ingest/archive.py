"""Zip containers with limits: member count, total size, compression ratio,
unsafe member names. Nothing is ever extracted to disk."""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from andiwali.errors import IngestError
from andiwali.ingest.options import MB, IngestOptions

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
RATIO_FLOOR = 1 * MB  # members smaller than this are never called bombs by ratio alone


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def unsafe_name(name: str) -> str | None:
    """Why a member name is unsafe (absolute path, traversal, drive, NUL), or None."""
    if "\x00" in name:
        return "contains a NUL character"
    norm = name.replace("\\", "/")
    if norm.startswith("/"):
        return "is an absolute path"
    if len(norm) >= 2 and norm[1] == ":":
        return "names a drive"
    if any(part == ".." for part in norm.split("/")):
        return "escapes the archive (path traversal)"
    return None


def open_zip(source: bytes | str, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise IngestError(f"{what} is a corrupt zip container ({type(exc).__name__})", code="E206") from None


def check_zip(zf: zipfile.ZipFile, options: IngestOptions, what: str = "archive") -> list[zipfile.ZipInfo]:
    """The members of a zip after the safety checks; raises E208 on a bomb, traversal or too many members."""
    infos = zf.infolist()
    if len(infos) > options.max_archive_members:
        raise IngestError(f"{what} holds {len(infos)} members (max_archive_members is "
                          f"{options.max_archive_members})", code="E208")
    total = 0
    for info in infos:
        why = unsafe_name(info.filename)
        if why:
            raise IngestError(f"{what} member {info.filename[:200]!r} {why}", code="E208")
        total += info.file_size
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > options.max_compression_ratio:
                raise IngestError(
                    f"{what} member {info.filename[:200]!r} expands {ratio:.0f}x to {info.file_size} bytes "
                    f"(zip bomb? max_compression_ratio is {options.max_compression_ratio})", code="E208")
    if total > options.max_archive_bytes:
        raise IngestError(f"{what} expands to {total} bytes (max_archive_bytes is {options.max_archive_bytes})",
                          code="E208")
    return infos


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, read in chunks and never more than ``limit`` (declared sizes can lie)."""
    if info.flag_bits & 0x1:
        raise IngestError("member is encrypted", code="E207")
    if info.file_size > limit:
        raise IngestError(f"member is {info.file_size} bytes (max_bytes is {limit})", code="E203")
    buf = bytearray()
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 * MB)
                if not chunk:
                    break
                buf += chunk
                if len(buf) > limit:
                    raise IngestError(f"member expands beyond {limit} bytes (max_bytes)", code="E208")
    except IngestError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise IngestError(f"member is corrupt ({type(exc).__name__}: {str(exc)[:120]})", code="E206") from None
    except Exception as exc:  # zlib.error, lzma.LZMAError, ...
        raise IngestError(f"member is corrupt ({type(exc).__name__})", code="E206") from None
    return bytes(buf)


@dataclass
class Member:
    name: str
    info: zipfile.ZipInfo


def iter_members(zf: zipfile.ZipFile, options: IngestOptions, what: str) -> Iterator[Member]:
    """Regular file members (directories and symlinks left out), after the safety checks."""
    for info in check_zip(zf, options, what):
        if info.is_dir():
            continue
        mode = info.external_attr >> 16
        if mode and stat.S_ISLNK(mode):
            continue
        yield Member(info.filename, info)


def is_docx_zip(zf: zipfile.ZipFile) -> bool:
    try:
        names = set(zf.namelist())
    except Exception:
        return False
    return "word/document.xml" in names
