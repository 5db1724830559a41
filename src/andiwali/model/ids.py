"""Deterministic ids: a hash of normalized parts (FollowTheMoney's make_entity_id).

Re-running a step with the same inputs gives the same ids, so the store
updates rows instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import unicodedata

from andiwali.model.names import normalize_name

_SEP = "\x1f"


def make_id(prefix: str, *parts: object) -> str:
    """``prefix`` + 16 hex chars of SHA-1 over the parts (None becomes '')."""
    norm = [unicodedata.normalize("NFC", "" if p is None else str(p)) for p in parts]
    digest = hashlib.sha1(_SEP.join(norm).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}_{digest}"


def entity_id(kind: str, name: str) -> str:
    return make_id("ent", kind, normalize_name(name))


def source_id(name: str) -> str:
    return make_id("src", normalize_name(name, drop_articles=False))


def content_hash(text: str) -> str:
    """Hash of the normalized text (NFC, whitespace collapsed) for dedupe."""
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def document_id(key: str, chash: str) -> str:
    return make_id("doc", key, chash)


def claim_id(
    doc_id: str | None,
    start: int | None,
    end: int | None,
    subject_id: str,
    predicate: str,
    object_id: str,
    polarity: str,
    attributed_to: str | None,
    valid_from: str | None,
    valid_to: str | None,
    symmetric: bool = False,
) -> str:
    """The claim id of the ontology: document, span, triple, polarity, attribution, valid time."""
    if symmetric and object_id < subject_id:
        subject_id, object_id = object_id, subject_id
    return make_id("clm", doc_id, start, end, subject_id, predicate, object_id, polarity, attributed_to, valid_from, valid_to)
