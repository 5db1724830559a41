"""Bytes -> text: UTF-8 first; broken UTF-8 with replacement (and a warning);
charset-normalizer for other encodings; binary refused."""

from __future__ import annotations

import codecs
import re

from andiwali.ingest.registry import ParseContext

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

# magic numbers of common binary formats: (prefix, what)
BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
    (b"\x1f\x8b", "gzip archive (unpack it first)"),
    (b"BZh", "bzip2 archive (unpack it first)"),
    (b"\xfd7zXZ", "xz archive (unpack it first)"),
    (b"7z\xbc\xaf", "7-Zip archive (unpack it first)"),
    (b"Rar!", "RAR archive (unpack it first)"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office file (.doc/.xls): save it as .docx"),
    (b"%!PS", "PostScript"),
    (b"{\\rtf", "RTF document: save it as .docx or .txt"),
)


def binary_kind(head: bytes) -> str | None:
    """Name a known binary format from the first bytes, or None."""
    for magic, what in BINARY_MAGIC:
        if head.startswith(magic):
            if magic == b"MZ" and len(head) > 2 and head[2:3].isascii() and head[:64].isascii():
                continue  # "MZ..." plain text
            if magic == b"ID3" and head[:64].isascii():
                continue
            if magic == b"BZh" and not head[3:4].isdigit():
                continue
            return what
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "MP4/MOV media"
    return None


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes, ctx: ParseContext, *, keep_bom: bool = False) -> str:
    """Decode a text file. Raises E204 for binary content; warns E205 on replacement."""
    if data.startswith(codecs.BOM_UTF8):
        body = data if keep_bom else data[3:]
        return _utf8(body, ctx)
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _legacy(data[len(bom) :], enc, ctx)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        _check_not_binary(text, ctx)
        return text
    what = binary_kind(data[:64])
    if what:
        raise ctx.fail(f"binary file ({what})", "E204")
    utf16 = _looks_utf16(data)
    if utf16:
        return _legacy(data, utf16, ctx)
    if b"\x00" in data[:8192]:
        raise ctx.fail("binary file (contains NUL bytes)", "E204")
    if _UTF8_MULTIBYTE.search(data):
        # mostly UTF-8 with broken bytes: keep it, say so
        return _utf8(data, ctx)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ctx.fail("binary file or unknown text encoding", "E204")
    enc = best.encoding
    if enc in ("ascii", "utf_8"):
        return _utf8(data, ctx)
    return _legacy(data, enc, ctx)


def _utf8(data: bytes, ctx: ParseContext) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        ctx.warn("E205", f"not valid UTF-8 (first bad byte at offset {exc.start}): decoded with replacement characters")
    _check_not_binary(text, ctx)
    return text


def _legacy(data: bytes, enc: str, ctx: ParseContext) -> str:
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        try:
            text = data.decode(enc, errors="replace")
        except LookupError:
            text = data.decode("utf-8", errors="replace")
            enc = "utf-8"
        ctx.warn("E205", f"not valid {enc}: decoded with replacement characters")
    ctx.meta["encoding"] = codecs.lookup(enc).name
    _check_not_binary(text, ctx)
    return text


def _check_not_binary(text: str, ctx: ParseContext) -> None:
    sample = text[:8192]
    if not sample:
        return
    controls = len(_CONTROL.findall(sample))
    bad = controls + sample.count("\ufffd")
    if "\x00" in sample or bad / len(sample) > 0.1:
        raise ctx.fail("binary file (too many control or undecodable characters)", "E204")
