"""What every importer shares: the import plan, name resolution, stand-in documents, the write.

An importer parses its (untrusted) input into an ``ImportPlan``: entities to
create or extend, documents to add, and claim drafts whose evidence points into
documents. ``apply`` turns the plan into model objects (validating each), reports
what would change, and unless it is a dry run writes everything in one transaction.

Evidence whose document is neither in the knowledge base nor in the import gets a
*stand-in document*: a text holding the quotes at their original character offsets
(whitespace elsewhere), keyed ``import:<original document id>``, so every quote is
still cut from a stored text and the offsets survive the trip.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from andiwali.errors import AndiwaliError, InteropError
from andiwali.model import Alias, Claim, Document, Entity, Evidence, Source, check_date, ids, parse_grade
from andiwali.model.names import normalize_name
from andiwali.model.ontology import ontology

SPARSE_LIMIT = 2_000_000  # stand-in texts keep original offsets up to this length
CLAIM_ID_RE = re.compile(r"^clm_[0-9a-f]{16}$")
ENTITY_ID_RE = re.compile(r"^ent_[0-9a-f]{16}$")
DOC_ID_RE = re.compile(r"^doc_[0-9a-f]{16}$")
KIND_COMPAT = {
    "organization": ("organization", "state"),
    "state": ("state", "place", "organization"),
    "place": ("place", "state"),
    "person": ("person",),
    "platform": ("platform",),
}


@dataclass
class EvidenceDraft:
    doc_id: str | None  # a stored/imported document, an original id needing a stand-in, or None
    start: int | None
    end: int | None
    quote: str
    page: int | None = None
    doc: dict | None = None  # what is known of the original document: key, title, published, source, grade, url


@dataclass
class ClaimDraft:
    where: str
    fields: dict[str, Any]
    evidence: list[EvidenceDraft] = field(default_factory=list)
    claim_id: str | None = None  # keep this id (a round trip); None = compute it


@dataclass
class ImportReport:
    format: str
    path: str
    dry_run: bool = False
    source: str | None = None
    entities_created: list[dict] = field(default_factory=list)
    entities_matched: int = 0
    aliases_added: int = 0
    documents_added: int = 0
    claims_new: int = 0
    claims_existing: int = 0
    claim_ids: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    ignored_types: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "format": self.format, "path": self.path, "dry_run": self.dry_run, "source": self.source,
            "entities_created": self.entities_created, "entities_matched": self.entities_matched,
            "aliases_added": self.aliases_added, "documents_added": self.documents_added,
            "claims_new": self.claims_new, "claims_existing": self.claims_existing,
            "skipped": self.skipped, "unmapped": self.unmapped, "ignored_types": self.ignored_types,
            "warnings": self.warnings,
        }

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (f"{verb} {self.claims_new} new claims ({self.claims_existing} already present), "
                f"{len(self.entities_created)} new entities ({self.entities_matched} matched), "
                f"{self.aliases_added} aliases, {self.documents_added} documents; "
                f"{len(self.skipped)} skipped, {len(self.unmapped)} unmapped")


class ImportPlan:
    """Entities, documents and claim drafts parsed from one import file."""

    def __init__(self, kb, fmt: str, name: str, source: Source | None = None):
        self.kb = kb
        self.format = fmt
        self.name = name
        self.source = source
        self.new_entities: dict[str, Entity] = {}
        self.alias_additions: dict[str, list[Alias]] = {}
        self.documents: dict[str, Document] = {}
        self.claims: list[ClaimDraft] = []
        self.report = ImportReport(fmt, name, source=source.name if source else None)
        self._names: dict[str, list[str]] = {}  # normalized name -> new entity ids
        self.entity_status: dict[str, str] = {}  # new entity id -> curated | candidate (default: candidate)
        self.curated = False  # --curated: new entities are used for extraction at once
        self._kb_entity: dict[str, Entity | None] = {}
        self._matched: set[str] = set()

    # ---- bookkeeping -------------------------------------------------------------
    def skip(self, where: str, reason: str) -> None:
        if len(self.report.skipped) < 10_000:
            self.report.skipped.append({"where": where, "reason": reason})

    def unmapped(self, where: str, value: str) -> None:
        if len(self.report.unmapped) < 10_000:
            self.report.unmapped.append({"where": where, "value": value})

    def ignore_type(self, t: str) -> None:
        self.report.ignored_types[t] = self.report.ignored_types.get(t, 0) + 1

    # ---- entities ---------------------------------------------------------------
    def entity(self, eid: str | None) -> Entity | None:
        """An entity by id: new in this import, or stored (merged ones followed to their target)."""
        if not eid:
            return None
        if eid in self.new_entities:
            return self.new_entities[eid]
        if eid not in self._kb_entity:
            e = self.kb.entity(eid)
            seen = {eid}
            while e is not None and e.attributes.get("_merged_into") and e.attributes["_merged_into"] not in seen:
                seen.add(e.attributes["_merged_into"])
                e = self.kb.entity(e.attributes["_merged_into"])
            self._kb_entity[eid] = e
        return self._kb_entity[eid]

    def find(self, name: str, kinds: tuple[str, ...] | None = None) -> Entity | None:
        """A stored or newly imported entity named ``name`` (name or alias) of one of ``kinds``."""
        if not name or not normalize_name(name):
            return None
        cands = [self.new_entities[i] for i in self._names.get(normalize_name(name), [])]
        cands += self.kb.find_entities(name)
        if kinds:
            for k in kinds:  # in order of preference
                hits = [e for e in cands if e.kind == k]
                if hits:
                    exact = [e for e in hits if normalize_name(e.name) == normalize_name(name)]
                    return (exact or hits)[0]
            return None
        return cands[0] if cands else None

    def resolve(
        self,
        name: str,
        kind: str | None = None,
        *,
        allowed: tuple[str, ...] | None = None,
        entity_id: str | None = None,
        aliases: list[Alias] | None = None,
        create: bool = True,
        **entity_fields: Any,
    ) -> Entity | None:
        """Find the entity for ``name`` (id first, then name and aliases through the knowledge base),
        or create it (origin ``import``) with ``kind``, else the first ``allowed`` kind, else organization."""
        name = clean_text(name, 500).strip()
        if entity_id:
            e = self.entity(entity_id)
            if e is not None:
                self._note_match(e, aliases)
                return e
        if entity_id and not kind and name:  # an id names its kind: ids hash kind and name
            kind = next((k for k in ontology().entity_kinds if ids.entity_id(k, name) == entity_id), None)
        if kind:
            kinds = KIND_COMPAT.get(kind, (kind,))
        else:
            kinds = tuple(allowed) if allowed else None
        if allowed and kinds:
            kinds = tuple(k for k in kinds if k in allowed) or None
            if kinds is None:
                return None
        if not name:
            return None
        found = self.find(name, kinds)
        if found is None:
            for a in aliases or []:
                found = self.find(a.name, kinds)
                if found is not None:
                    break
        if found is not None:
            self._note_match(found, aliases)
            return found
        if not create:
            return None
        if not kind and self.find(name, None) is not None:
            return None  # the name is known as another kind: no homonym unless the input says its kind
        new_kind = kind or (_preferred_kind(allowed) if allowed else "organization")
        if allowed and new_kind not in allowed:
            return None
        try:
            e = Entity(kind=new_kind, name=name, aliases=_dedupe_aliases(name, aliases or []), origin="import",
                       id=entity_id if entity_id and ENTITY_ID_RE.match(entity_id) else "", **entity_fields)
        except AndiwaliError:
            return None
        except TypeError:
            return None
        if e.id in self.new_entities:
            return self.new_entities[e.id]
        if not e.references and self.source is not None:
            e.references = [self.source.name]
        stored = self.entity(e.id)  # same kind and name as a stored entity missed by the alias lookup
        if stored is not None:
            self._note_match(stored, aliases)
            return stored
        self.new_entities[e.id] = e
        for n in e.all_names():
            self._names.setdefault(normalize_name(n), []).append(e.id)
        self.report.entities_created.append({"id": e.id, "name": e.name, "kind": e.kind})
        return e

    def _note_match(self, e: Entity, aliases: list[Alias] | None) -> None:
        if e.id in self.new_entities:
            known = {normalize_name(n) for n in e.all_names()}
            for a in aliases or []:
                if normalize_name(a.name) not in known and a.name.strip():
                    e.aliases.append(a)
                    known.add(normalize_name(a.name))
            return
        if e.id not in self._matched:
            self._matched.add(e.id)
            self.report.entities_matched += 1
        if aliases:
            have = {n for n in e.all_names()} | {a.name for a in self.alias_additions.get(e.id, [])}
            for a in aliases:
                if a.name.strip() and a.name not in have:
                    self.alias_additions.setdefault(e.id, []).append(a)
                    have.add(a.name)

    # ---- documents -----------------------------------------------------------------
    def add_document(self, doc: Document) -> str:
        self.documents.setdefault(doc.id, doc)
        return doc.id

    def file_evidence(self, text: str) -> EvidenceDraft:
        """Evidence for a record that brings none: its own text, as a small document of the file's source,
        keyed by the file's name and the text (re-importing an edited file adds only what changed; all of
        one file count as one report in the analysis, through ``meta.original``)."""
        text = " ".join(clean_text(text, 2000).split())
        short = self.name.rsplit("/", 1)[-1]
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
        doc = Document(text=text, key=f"{self.format}:{short}#{digest}", title=f"{self.format} import {short}",
                       format=self.format, source=self.source,
                       meta={"original": f"{self.format}-file:{short}", "imported_from": self.name,
                             "note": "an imported record without evidence: its own text"})
        self.add_document(doc)
        return EvidenceDraft(doc.id, 0, len(text), text)


def _preferred_kind(allowed: tuple[str, ...] | frozenset[str]) -> str:
    for k in ("organization", "person", "state", "place", "platform"):
        if k in allowed:
            return k
    return "organization"


def _dedupe_aliases(name: str, aliases: list[Alias]) -> list[Alias]:
    seen = {name}
    out = []
    for a in aliases:
        if a.name and a.name.strip() and a.name not in seen:
            seen.add(a.name)
            out.append(a)
    return out


# ---- small parsers shared by the importers ---------------------------------------------
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: Any, limit: int = 100_000) -> str:
    """A string from untrusted input: no control characters, at most ``limit`` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    value = _CTRL.sub(" ", value)
    return value[:limit]


def parse_date(value: Any, what: str = "date") -> str | None:
    """A partial ISO date from user input: YYYY, YYYY-MM, YYYY-MM-DD, an ISO timestamp, a date/datetime
    object or a year number; None for empty. Raises InteropError on anything else."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        raise InteropError(f"{what}: not a date: {value!r}", code="E501")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1 <= int(value) <= 9999:
            return f"{int(value):04d}"
        raise InteropError(f"{what}: not a date: {value!r}", code="E501")
    s = str(value).strip()
    if not s:
        return None
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$", s)
    if not m:
        m2 = re.match(r"^(\d{4})/(\d{1,2})(?:/(\d{1,2}))?$", s)
        if not m2:
            raise InteropError(f"{what}: not a date (use YYYY, YYYY-MM or YYYY-MM-DD): {s[:40]!r}", code="E501")
        m = m2
    y, mo, d = m.group(1), m.group(2), m.group(3)
    out = y if mo is None else f"{y}-{int(mo):02d}" if d is None else f"{y}-{int(mo):02d}-{int(d):02d}"
    try:
        out = check_date(out, what)
        if d is not None:
            date(int(y), int(mo), int(d))
    except (AndiwaliError, ValueError):
        raise InteropError(f"{what}: not a valid date: {s[:40]!r}", code="E501") from None
    return out


def last_day(value: str) -> str:
    """The last calendar day a partial date covers, as YYYY-MM-DD."""
    if len(value) == 4:
        return value + "-12-31"
    if len(value) == 7:
        y, m = int(value[:4]), int(value[5:7])
        return f"{value}-{calendar.monthrange(y, m)[1]:02d}"
    return value


def first_day(value: str) -> str:
    if len(value) == 4:
        return value + "-01-01"
    if len(value) == 7:
        return value + "-01"
    return value


def parse_confidence(value: Any, *, scale100: bool = False, default: float = 1.0) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise InteropError(f"confidence is not a number: {value!r}", code="E501")
    try:
        x = float(str(value).strip().rstrip("%")) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        raise InteropError(f"confidence is not a number: {str(value)[:40]!r}", code="E501") from None
    if x != x:  # NaN
        raise InteropError("confidence is not a number: NaN", code="E501")
    if scale100 or (isinstance(value, str) and value.strip().endswith("%")) or x > 1.0:
        x = x / 100.0
    if not 0.0 <= x <= 1.0:
        raise InteropError(f"confidence must be in [0, 1] (or 0-100): {value!r}", code="E501")
    return round(x, 6)


def make_source(name: str | None, grade: str | None = None, kind: str = "dataset", url: str | None = None) -> Source:
    r, c = parse_grade(grade) if grade else ("F", "6")
    return Source(name=clean_text(name or "import", 300).strip() or "import", kind=kind, reliability=r,
                  credibility=c, url=url)


# ---- stand-in documents -------------------------------------------------------------
def _standin(orig_id: str, evs: list[EvidenceDraft], plan: ImportPlan) -> tuple[Document, list[tuple[int, int]]]:
    """A document holding the quotes of ``evs`` (at their offsets where possible)."""
    spans = []
    sparse_ok = all(e.start is not None and e.end is not None and e.end - e.start == len(e.quote) for e in evs)
    total = max((e.end or 0) for e in evs) if evs else 0
    if sparse_ok and total <= SPARSE_LIMIT:
        buf = [" "] * total
        used = bytearray(total)
        tail: list[str] = []
        pos = total
        for e in evs:
            s = e.start
            ok = all(not used[s + i] or buf[s + i] == ch for i, ch in enumerate(e.quote))
            if ok:
                for i, ch in enumerate(e.quote):
                    buf[s + i] = ch
                    used[s + i] = 1
                spans.append((s, e.end))
            else:
                pos += 2
                tail.append("\n\n" + e.quote)
                spans.append((pos, pos + len(e.quote)))
                pos += len(e.quote)
        text = "".join(buf) + "".join(tail)
    else:
        parts, pos = [], 0
        for e in evs:
            if parts:
                parts.append("\n\n")
                pos += 2
            parts.append(e.quote)
            spans.append((pos, pos + len(e.quote)))
            pos += len(e.quote)
        text = "".join(parts)
    info = next((e.doc for e in evs if e.doc), None) or {}
    src = plan.source
    if info.get("source"):
        try:
            src = make_source(info["source"], info.get("grade"), kind=str(info.get("source_kind") or "publisher"))
        except AndiwaliError:
            src = make_source(info["source"], None, kind="publisher")
    try:
        published = parse_date(info.get("published"), "published")
    except InteropError:
        published = None
    meta = {"standin_for": orig_id, "imported_from": plan.name, "import_format": plan.format,
            "note": "stand-in: holds only the quoted passages of the original document"}
    if info.get("key"):
        meta["original_key"] = clean_text(info["key"], 2000)
    doc = Document(
        text=text, key=f"import:{orig_id}", title=clean_text(info.get("title"), 1000) or f"quotes from {orig_id}",
        published=published, language=clean_text(info.get("language"), 20) or None,
        url=clean_text(info.get("url"), 2000) or None, format="import", source=src, meta=meta,
    )
    return doc, spans


def _honest_id(d: ClaimDraft) -> str | None:
    """The draft's claim id, kept only when it is the id its own content hashes to (with one of its
    original evidence spans): an import can keep identities but never forge one onto another claim."""
    if not d.claim_id or not CLAIM_ID_RE.match(d.claim_id):
        return None
    f = d.fields
    try:
        sym = ontology().predicate(f["predicate"]).symmetric
    except AndiwaliError:
        return None
    spans = [(e.doc_id, e.start, e.end) for e in d.evidence] or [(None, None, None)]
    for doc_id, start, end in spans:
        expect = ids.claim_id(doc_id, start, end, f["subject"], f["predicate"], f["object"], f.get("polarity", "asserted"),
                              f.get("attributed_to"), f.get("valid_from"), f.get("valid_to"), symmetric=sym)
        if expect == d.claim_id:
            return d.claim_id
    return None


# ---- turning a plan into writes ---------------------------------------------------------
def apply(plan: ImportPlan, *, actor: str = "import", dry_run: bool = False, curated: bool = False) -> ImportReport:
    """Validate the plan's drafts into claims and write it all in one transaction (unless ``dry_run``).

    New entities are ``candidate`` (not used by extraction until curated) unless ``curated``, or
    unless an andiwali bundle says what they were."""
    plan.curated = plan.curated or curated
    if not dry_run:
        require_any(plan)
    from andiwali.store.interop import existing_claim_ids, existing_document_ids, mark_extracted

    kb = plan.kb
    rep = plan.report
    rep.dry_run = dry_run
    texts: dict[str, str | None] = {d.id: d.text for d in plan.documents.values()}
    wanted_docs = {e.doc_id for d in plan.claims for e in d.evidence if e.doc_id and e.doc_id not in texts}
    stored_docs = existing_document_ids(kb, wanted_docs)

    def doc_text(doc_id: str) -> str | None:
        if doc_id not in texts:
            if doc_id in stored_docs:
                d = kb.document(doc_id)
                texts[doc_id] = d["text"] if d else None
            else:
                texts[doc_id] = None
        return texts[doc_id]

    # 1. which evidence needs a stand-in document
    needs: dict[str, list[EvidenceDraft]] = {}
    for d in plan.claims:
        for e in d.evidence:
            t = doc_text(e.doc_id) if e.doc_id else None
            if t is not None and e.start is not None and e.end is not None and 0 <= e.start <= e.end <= len(t) \
                    and t[e.start:e.end] == e.quote:
                continue
            if t is not None and e.start is None:
                i = t.find(e.quote) if e.quote else -1
                if i >= 0:
                    e.start, e.end = i, i + len(e.quote)
                    continue
            needs.setdefault(e.doc_id or "?", []).append(e)
    remap: dict[int, tuple[str, int, int]] = {}
    for orig, evs in needs.items():
        doc, spans = _standin(orig, evs, plan)
        plan.add_document(doc)
        texts[doc.id] = doc.text
        for e, (s, t) in zip(evs, spans, strict=True):
            remap[id(e)] = (doc.id, s, t)

    # 2. claims
    claims: dict[str, Claim] = {}
    for d in plan.claims:
        evidence = []
        for e in d.evidence:
            did, s, t = remap.get(id(e), (e.doc_id, e.start, e.end))
            try:
                evidence.append(Evidence(doc_id=did, start=int(s), end=int(t), quote=e.quote, page=e.page))
            except (AndiwaliError, TypeError, ValueError) as exc:
                plan.skip(d.where, f"bad evidence: {exc}")
        try:
            c = Claim(evidence=evidence, id=_honest_id(d) or "", **d.fields)
        except (AndiwaliError, TypeError, ValueError) as exc:
            plan.skip(d.where, str(exc))
            continue
        if c.id in claims:  # the same claim twice: keep one, with all the evidence
            have = claims[c.id]
            for ev in c.evidence:
                if ev not in have.evidence:
                    have.evidence.append(ev)
            continue
        claims[c.id] = c
    existing = existing_claim_ids(kb, claims)
    rep.claims_existing = len(existing)
    rep.claims_new = len(claims) - len(existing)
    rep.claim_ids = list(claims)
    rep.aliases_added = sum(len(v) for v in plan.alias_additions.values())
    used_docs = {ev.doc_id for c in claims.values() for ev in c.evidence}
    docs = [doc for doc in plan.documents.values() if doc.id in used_docs or doc.format != "import"]
    present = existing_document_ids(kb, [doc.id for doc in docs])
    new_docs = [doc for doc in docs if doc.id not in present]
    rep.documents_added = len(new_docs)
    if not claims and not plan.new_entities and not plan.alias_additions:
        if rep.skipped or rep.unmapped or rep.ignored_types:
            rep.warnings.append("nothing in the file could be imported")
    if dry_run:
        return rep

    # 3. write, in one transaction
    with kb.transaction() as conn:
        for e in plan.new_entities.values():
            status = "curated" if plan.curated else plan.entity_status.get(e.id, "candidate")
            kb.upsert_entity(e, actor=actor, conn=conn, status=status)
        for eid, aliases in plan.alias_additions.items():
            stored = plan.entity(eid)
            if stored is None:
                continue
            kb.upsert_entity(Entity(kind=stored.kind, name=stored.name, aliases=aliases, origin="import", id=stored.id,
                                    references=stored.references), actor=actor, conn=conn)
        for doc in docs:
            kb.add_document(doc, conn)
        kb.add_claims(claims.values(), actor=actor, conn=conn)
        mark_extracted(conn, [d.id for d in new_docs])
    return rep


def require_any(plan: ImportPlan) -> None:
    """Raise E505 when a non-empty input gave nothing at all to import."""
    if not plan.claims and not plan.new_entities and not plan.alias_additions and not plan.report.entities_matched:
        detail = "; ".join([f"{s['where']}: {s['reason']}" for s in plan.report.skipped[:3]]
                           + [f"{u['where']}: unmapped {u['value']!r}" for u in plan.report.unmapped[:3]])
        raise InteropError("nothing in the file could be imported" + (f" ({detail})" if detail else ""),
                           code="E505", path=plan.name)
