"""The typed core every stage speaks: Source, Document, Span, Alias, Entity,
Evidence, Claim. Plain dataclasses; validation happens at construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from andiwali.errors import AndiwaliError
from andiwali.model import ids
from andiwali.model.ontology import ontology

RELIABILITY = "ABCDEF"
CREDIBILITY = "123456"
DEFAULT_GRADE = "F6"
_DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class ModelError(AndiwaliError):
    code = "E100"


def check_date(value: str | None, what: str = "date") -> str | None:
    """A partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD (length = precision)."""
    if value is None or value == "":
        return None
    value = str(value)
    if not _DATE_RE.match(value):
        raise ModelError(f"{what} must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    return value


def date_precision(value: str | None) -> str | None:
    if not value:
        return None
    return {4: "year", 7: "month", 10: "day"}[len(value)]


def parse_grade(grade: str | None) -> tuple[str, str]:
    """'B2' -> ('B', '2'); None -> ('F', '6'). Admiralty code."""
    if not grade:
        return "F", "6"
    g = grade.strip().upper().replace("/", "")
    if len(g) != 2 or g[0] not in RELIABILITY or g[1] not in CREDIBILITY:
        raise ModelError(f"grade must be a reliability A-F and a credibility 1-6, like B2; got {grade!r}")
    return g[0], g[1]


@dataclass(frozen=True, slots=True)
class Source:
    """A publisher, channel or author, with its Admiralty grade."""

    name: str
    kind: str = "publisher"  # publisher | channel | author | dataset
    reliability: str = "F"
    credibility: str = "6"
    url: str | None = None

    def __post_init__(self) -> None:
        if self.reliability not in RELIABILITY:
            raise ModelError(f"source reliability must be one of A-F, got {self.reliability!r}")
        if self.credibility not in CREDIBILITY:
            raise ModelError(f"source credibility must be one of 1-6, got {self.credibility!r}")

    @property
    def id(self) -> str:
        return ids.source_id(self.name)

    @property
    def grade(self) -> str:
        return self.reliability + self.credibility


@dataclass(frozen=True, slots=True)
class Document:
    """Immutable text with its metadata. ``key`` locates it (path, URL, channel/message)."""

    text: str
    key: str
    title: str | None = None
    published: str | None = None  # partial ISO date
    language: str | None = None
    url: str | None = None
    format: str = "txt"
    source: Source | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "published", check_date(self.published, "published"))

    @property
    def content_hash(self) -> str:
        return ids.content_hash(self.text)

    @property
    def id(self) -> str:
        return ids.document_id(self.key, self.content_hash)


@dataclass(frozen=True, slots=True)
class Span:
    """A character span into a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ModelError(f"bad span {self.start}:{self.end}")

    def text(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Alias:
    name: str
    lang: str | None = None
    script: str | None = None
    source: str | None = None  # where the alias comes from ("UN list QDe.004", a document id, "human")
    acronym: bool = False
    ambiguous: bool = False  # collides with an ordinary word or another entity: needs context


@dataclass(slots=True)
class Entity:
    kind: str
    name: str
    aliases: list[Alias] = field(default_factory=list)
    parent: str | None = None  # entity id
    start: str | None = None
    end: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    origin: str = "reference"  # reference | discovered | human | import
    id: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ontology().entity_kinds:
            raise ModelError(f"unknown entity kind {self.kind!r} for {self.name!r}")
        if not self.name or not self.name.strip():
            raise ModelError("an entity needs a name")
        self.start = check_date(self.start, f"{self.name}: start")
        self.end = check_date(self.end, f"{self.name}: end")
        if not self.id:
            self.id = ids.entity_id(self.kind, self.name)

    def all_names(self) -> list[str]:
        return [self.name] + [a.name for a in self.aliases]


@dataclass(frozen=True, slots=True)
class Evidence:
    doc_id: str
    start: int
    end: int
    quote: str
    page: int | None = None

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ModelError(f"bad evidence span {self.start}:{self.end}")


@dataclass(slots=True)
class Claim:
    """A relationship claim (never a bare edge), as the ontology defines it."""

    subject: str  # entity id
    predicate: str
    object: str  # entity id
    polarity: str = "asserted"
    modality: str = "fact"
    attributed_to: str | None = None  # entity id
    valid_from: str | None = None
    valid_to: str | None = None
    reported_at: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    extractor: str = "human"  # "human", "reference", or "rules:<rule>", "llm:<model>"
    confidence: float = 1.0
    status: str = "pending"
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    qualifiers: dict[str, Any] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        onto = ontology()
        pred = onto.predicate(self.predicate)
        if self.polarity not in onto.polarities:
            raise ModelError(f"polarity must be one of {onto.polarities}, got {self.polarity!r}")
        if self.modality not in onto.modalities:
            raise ModelError(f"modality must be one of {onto.modalities}, got {self.modality!r}")
        if self.status not in onto.review_statuses:
            raise ModelError(f"status must be one of {onto.review_statuses}, got {self.status!r}")
        if not 0.0 <= float(self.confidence) <= 1.0:
            raise ModelError(f"confidence must be in [0, 1], got {self.confidence!r}")
        self.valid_from = check_date(self.valid_from, "valid_from")
        self.valid_to = check_date(self.valid_to, "valid_to")
        self.reported_at = check_date(self.reported_at, "reported_at")
        if pred.symmetric and self.object < self.subject:
            self.subject, self.object = self.object, self.subject
        if not self.id:
            self.id = self.compute_id()

    def compute_id(self) -> str:
        ev = self.evidence[0] if self.evidence else None
        return ids.claim_id(
            ev.doc_id if ev else None,
            ev.start if ev else None,
            ev.end if ev else None,
            self.subject,
            self.predicate,
            self.object,
            self.polarity,
            self.attributed_to,
            self.valid_from,
            self.valid_to,
            symmetric=ontology().predicate(self.predicate).symmetric,
        )

    @property
    def undated(self) -> bool:
        return self.valid_from is None and self.valid_to is None
