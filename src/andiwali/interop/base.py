"""The exchange registry, the export filter and safe input/output helpers.

Exporters and importers register by name in plain dicts filled by decorators
(``@exporter("stix")``, ``@importer("csv")``); the CLI and the web app look them
up there, so built-in formats and any later plug-in are handled alike.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from andiwali.errors import AndiwaliError, InteropError
from andiwali.model import Claim, Entity
from andiwali.model.ontology import ontology

# ---- limits for untrusted input ------------------------------------------------
MAX_IMPORT_BYTES = 100 * 1024 * 1024  # whole file (override with --max-bytes)
MAX_ROWS = 1_000_000  # CSV/XLSX rows, JSONL lines, STIX objects
MAX_LINE_BYTES = 4 * 1024 * 1024  # one JSONL line
MAX_FIELD_CHARS = 100_000  # one CSV/XLSX cell or one STIX text property
MAX_XLSX_UNCOMPRESSED = 400 * 1024 * 1024  # sum of the zip members of an .xlsx
MAX_XLSX_RATIO = 200  # uncompressed/compressed size of one member (zip bombs)

# ---- status filter (the analysis' words, plus "rejected" for claim-level exports) --
STATUS_CHOICES = ("all-but-rejected", "all", "accepted", "reviewed", "pending", "edited", "rejected")


def status_set(status: str | None, *, claim_level: bool) -> frozenset[str]:
    """The review statuses a ``--status`` value keeps.

    ``all-but-rejected`` (default) keeps pending, accepted and edited claims;
    ``accepted``/``reviewed`` keep accepted and edited ones (as the analysis does);
    ``pending``/``edited``/``rejected`` keep that one status; ``all`` keeps every
    claim in claim-level exports (jsonl, stix, csv edges.csv) and all but rejected
    ones in graph exports (the graph never holds a rejected claim).
    """
    s = status or "all-but-rejected"
    if s == "all":
        return frozenset(ontology().review_statuses) if claim_level else frozenset({"pending", "accepted", "edited"})
    if s == "all-but-rejected":
        return frozenset({"pending", "accepted", "edited"})
    if s in ("accepted", "reviewed"):
        return frozenset({"accepted", "edited"})
    if s in ("pending", "edited"):
        return frozenset({s})
    if s == "rejected":
        if not claim_level:
            raise InteropError("rejected claims never enter a graph export; use jsonl, stix or csv", code="E503")
        return frozenset({"rejected"})
    raise InteropError(f"--status must be one of {', '.join(STATUS_CHOICES)}, got {status!r}", code="E503")


@dataclass(frozen=True)
class ExportFilter:
    """The analysis filters: ``at`` or ``date_from``/``date_to``, ``layers``, ``status``, ``min_confidence``.

    ``layers`` None means the format's default (every layer, except GraphML which
    defaults to the analysis' metrics view); ``actors_only`` None likewise.
    """

    at: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    layers: tuple[str, ...] | None = None
    status: str | None = None
    min_confidence: float | None = None
    actors_only: bool | None = None

    @classmethod
    def make(cls, *, at=None, date_from=None, date_to=None, layers=None, status=None, min_confidence=None,
             actors_only=None) -> ExportFilter:
        """Build and check a filter from user input (layers as "a,b" or a list; "all" = every layer)."""
        if isinstance(layers, str):
            layers = [x.strip() for x in layers.split(",") if x.strip()]
        if layers:
            known = tuple(ontology().layers)
            if "all" in layers:
                layers = known
            bad = [x for x in layers if x not in known]
            if bad:
                raise InteropError(f"unknown layer(s) {', '.join(bad)}; known: all, {', '.join(known)}", code="E503")
            layers = tuple(dict.fromkeys(layers))
        else:
            layers = None
        if min_confidence is not None:
            try:
                min_confidence = float(min_confidence)
            except (TypeError, ValueError):
                raise InteropError(f"--min-confidence must be a number in [0, 1], got {min_confidence!r}",
                                   code="E503") from None
            if not 0.0 <= min_confidence <= 1.0:
                raise InteropError(f"--min-confidence must be in [0, 1], got {min_confidence}", code="E503")
        f = cls(at or None, date_from or None, date_to or None, layers, status or None, min_confidence, actors_only)
        f.window()  # checks the dates
        status_set(f.status, claim_level=True)
        return f

    def window(self):
        """The time window as an analysis interval, or None."""
        from andiwali.analysis.timeutil import window

        try:
            return window(self.at, self.date_from, self.date_to)
        except AndiwaliError as exc:
            raise InteropError(str(exc).split(": ", 1)[-1], code="E503") from None

    @property
    def is_empty(self) -> bool:
        return not (self.at or self.date_from or self.date_to or self.layers or self.status or
                    self.min_confidence is not None or self.actors_only)

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in {
            "at": self.at, "from": self.date_from, "to": self.date_to,
            "layers": ",".join(self.layers) if self.layers else None, "status": self.status,
            "min_confidence": self.min_confidence,
        }.items() if v is not None}

    def graph_kwargs(self, *, default_layers: str | tuple[str, ...] = "all", default_actors_only: bool = False) -> dict:
        """Keywords for ``andiwali.analysis.graph.build_graph``."""
        status_set(self.status, claim_level=False)
        status = self.status or "all"
        if status == "all-but-rejected":
            status = "all"
        return {
            "at": self.at, "date_from": self.date_from, "date_to": self.date_to,
            "layers": self.layers if self.layers else default_layers,
            "min_confidence": self.min_confidence, "status": status,
            "actors_only": default_actors_only if self.actors_only is None else self.actors_only,
        }


@dataclass
class Selection:
    """What a claim-level export writes: claims, the entities they name, their documents."""

    claims: list[Claim]
    entities: dict[str, Entity]
    documents: dict[str, dict]  # doc id -> KnowledgeBase.document() row (with text)
    filter: ExportFilter = field(default_factory=ExportFilter)


def claim_passes(c: Claim, f: ExportFilter, statuses: frozenset[str], win, layers: set[str] | None) -> bool:
    from andiwali.analysis.timeutil import claim_interval, overlaps

    if c.status not in statuses:
        return False
    if f.min_confidence is not None and c.confidence < f.min_confidence:
        return False
    if layers is not None and ontology().layer_of(c.predicate) not in layers:
        return False
    if win is not None:
        iv, _undated = claim_interval(c.valid_from, c.valid_to, c.reported_at)
        if iv is None or not overlaps(iv, win):
            return False
    return True


def select(kb, f: ExportFilter, *, with_text: bool = True, all_entities: bool | None = None) -> Selection:
    """The claims matching ``f`` (claim-level semantics: negated claims included), their entities and documents.

    With no filter at all every entity of the knowledge base is included (so no
    alias is lost); otherwise only the entities the selected claims name.
    """
    statuses = status_set(f.status, claim_level=True)
    win = f.window()
    layers = set(f.layers) if f.layers else None
    kb_status = "all" if "rejected" in statuses else None
    claims = [c for c in kb.claims(status=kb_status) if claim_passes(c, f, statuses, win, layers)]
    if f.actors_only:
        from andiwali.analysis.records import ACTOR_KINDS

        kinds = {e.id: e.kind for e in kb.entities(include_merged=True)}
        claims = [c for c in claims if kinds.get(c.subject) in ACTOR_KINDS and kinds.get(c.object) in ACTOR_KINDS]
    if all_entities is None:
        all_entities = f.is_empty
    entities: dict[str, Entity] = {}
    if all_entities:
        entities = {e.id: e for e in kb.entities()}
    wanted = {x for c in claims for x in (c.subject, c.object, c.attributed_to) if x}
    missing = wanted - set(entities)
    if missing:
        if len(missing) > 200:
            every = {e.id: e for e in kb.entities(include_merged=True)}
            entities.update({i: every[i] for i in missing if i in every})
        else:
            for i in sorted(missing):
                e = kb.entity(i)
                if e is not None:
                    entities[i] = e
    documents: dict[str, dict] = {}
    for c in claims:
        for ev in c.evidence:
            if ev.doc_id not in documents:
                d = kb.document(ev.doc_id)
                if d is not None:
                    if not with_text:
                        d.pop("text", None)
                    documents[ev.doc_id] = d
    return Selection(claims, entities, documents, f)


# ---- the registry ------------------------------------------------------------------
@dataclass(frozen=True)
class Format:
    name: str
    func: Callable[..., dict]
    help: str
    directory: bool = False  # the output is a directory (csv)
    suffixes: tuple[str, ...] = ()


EXPORTERS: dict[str, Format] = {}
IMPORTERS: dict[str, Format] = {}


def exporter(name: str, *, help: str, directory: bool = False, suffixes: tuple[str, ...] = ()):
    """Register ``func(kb, out, filt, **options) -> summary dict`` as the exporter ``name``."""

    def deco(func):
        EXPORTERS[name] = Format(name, func, help, directory, suffixes)
        return func

    return deco


def importer(name: str, *, help: str, suffixes: tuple[str, ...] = ()):
    """Register ``func(kb, path, **options) -> ImportReport`` as the importer ``name``."""

    def deco(func):
        IMPORTERS[name] = Format(name, func, help, False, suffixes)
        return func

    return deco


# ---- output ----------------------------------------------------------------------
@contextmanager
def open_text_out(out: str | Path) -> Iterator[IO[str]]:
    """A text stream for ``out`` ("-" = stdout), written atomically for files (tmp then rename)."""
    if str(out) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(out)
    tmp = path.with_name(path.name + ".part")
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(tmp, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InteropError(f"cannot write {path}: {exc.strerror or exc}", code="E504") from None
    try:
        with fh:
            yield fh
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_out(out: str | Path, data: bytes) -> None:
    if str(out) == "-":
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise InteropError(f"cannot write {path}: {exc.strerror or exc}", code="E504") from None


# ---- input -----------------------------------------------------------------------
def read_input_bytes(path: str | Path | bytes, *, max_bytes: int | None = None) -> tuple[bytes, str]:
    """The bytes of an import file ("-" = stdin) and a display name; capped at ``max_bytes``."""
    limit = MAX_IMPORT_BYTES if max_bytes is None else int(max_bytes)
    if isinstance(path, (bytes, bytearray)):
        data, name = bytes(path), "<bytes>"
    elif str(path) == "-":
        data = sys.stdin.buffer.read(limit + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
        name = "<stdin>"
    else:
        p = Path(path)
        name = str(p)
        try:
            size = p.stat().st_size
            if not p.is_file():
                raise InteropError("not a regular file", code="E501", path=name)
            if size > limit:
                raise InteropError(f"file has {size} bytes, above the limit of {limit} (--max-bytes)", code="E502",
                                   path=name)
            with open(p, "rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise InteropError(f"cannot read: {exc.strerror or exc}", code="E501", path=name) from None
    if len(data) > limit:
        raise InteropError(f"input is above the limit of {limit} bytes (--max-bytes)", code="E502", path=name)
    return data, name


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InteropError("not valid UTF-16 text", code="E501", path=name) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InteropError(f"not valid UTF-8 text (byte {exc.start})", code="E501", path=name) from None
    if "\x00" in text:
        raise InteropError("text contains NUL characters: a binary file?", code="E501", path=name)
    return text
