"""STIX 2.1 export: the knowledge base as a bundle OpenCTI and MISP import without custom types.

Mapping (documented in docs/interop.md):

=============  ==========================================================================
andiwali       STIX 2.1
=============  ==========================================================================
organization   ``threat-actor`` (a group: the STIX type for "individuals, groups or
               organizations"; ``intrusion-set`` is a cyber notion)
person         ``identity`` with ``identity_class: individual`` (a named person is not
               necessarily a threat actor: officials and researchers are quoted too)
state          ``identity`` with ``identity_class: organization``, ``sectors:
               [government-national]``; plus a ``location`` (``country`` = ISO code) when
               the state is the place of a geographic claim
place          ``location`` (``country`` from the ISO code of the state it is part of,
               else a ``region`` from region-ov, else the place's name as region)
platform       ``infrastructure`` (a channel that serves the group's purpose)
claim          ``relationship``: attacks -> ``targets``, based_in / operates_in ->
               ``located-at`` (to a location), uses_platform -> ``uses``, everything
               else -> ``related-to``; the predicate in ``x_andiwali_predicate``
negated claim  ``note`` on the two entities (and on relationships of the same triple),
               never a relationship (a reader ignoring custom properties would take it
               as asserted)
attributed     the relationship plus a ``note`` whose ``authors`` is the speaker
document       ``report`` referencing the relationships, notes and entities it supports
=============  ==========================================================================

Every ``x_andiwali_*`` property is declared by one ``extension-definition``
(``toplevel-property-extension``), so validators and platforms know where they
come from. Ids are UUIDv5 of the andiwali ids and every timestamp comes from the
data, so exporting the same knowledge base twice gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import stix2

from andiwali.errors import InteropError
from andiwali.interop.base import ExportFilter, exporter, select, write_bytes_out
from andiwali.interop.importing import first_day, last_day
from andiwali.model import Claim, Entity
from andiwali.model.names import normalize_name
from andiwali.model.ontology import ontology

NAMESPACE = uuid.UUID("6b0f3a7e-2d5c-5b8e-9a41-7e1f3c2d9a10")  # andiwali's UUIDv5 namespace for STIX ids
EPOCH = "1970-01-01T00:00:00.000Z"  # ``created`` of objects whose creation time andiwali does not record
EXTENSION_NAME = "andiwali claim and entity properties"

RELATIONSHIP_TYPES = {"attacks": "targets", "based_in": "located-at", "operates_in": "located-at",
                      "uses_platform": "uses"}
GEO_PREDICATES = {"based_in", "operates_in", "controls"}

REGIONS = {
    "africa", "eastern-africa", "middle-africa", "northern-africa", "southern-africa", "western-africa",
    "americas", "caribbean", "central-america", "latin-america-caribbean", "northern-america", "south-america",
    "asia", "central-asia", "eastern-asia", "southern-asia", "south-eastern-asia", "western-asia",
    "europe", "eastern-europe", "northern-europe", "southern-europe", "western-europe", "antarctica",
    "oceania", "australia-new-zealand", "melanesia", "micronesia", "polynesia",
}
REGION_NAMES = {  # common names of supranational places -> region-ov
    "middle east": "western-asia", "levant": "western-asia", "arabian peninsula": "western-asia",
    "south asia": "southern-asia", "indian subcontinent": "southern-asia", "southeast asia": "south-eastern-asia",
    "south east asia": "south-eastern-asia", "east africa": "eastern-africa", "horn of africa": "eastern-africa",
    "west africa": "western-africa", "north africa": "northern-africa", "maghreb": "northern-africa",
    "islamic maghreb": "northern-africa", "central africa": "middle-africa", "sahel": "western-africa",
}

X_PROPERTIES = (
    "x_andiwali_entity_id", "x_andiwali_kind", "x_andiwali_aliases", "x_andiwali_parent", "x_andiwali_start",
    "x_andiwali_end", "x_andiwali_attributes", "x_andiwali_references", "x_andiwali_origin", "x_andiwali_entity_status",
    "x_andiwali_claim_id", "x_andiwali_predicate", "x_andiwali_layer", "x_andiwali_sign", "x_andiwali_polarity",
    "x_andiwali_modality", "x_andiwali_attributed_to", "x_andiwali_valid_from", "x_andiwali_valid_to",
    "x_andiwali_reported_at", "x_andiwali_confidence", "x_andiwali_status", "x_andiwali_reviewed_by",
    "x_andiwali_reviewed_at", "x_andiwali_extractor", "x_andiwali_qualifiers", "x_andiwali_evidence",
    "x_andiwali_source_ref", "x_andiwali_target_ref", "x_andiwali_companion_of", "x_andiwali_document",
    "x_andiwali_text",
)


def stix_id(stype: str, key: str) -> str:
    return f"{stype}--{uuid.uuid5(NAMESPACE, stype + ':' + key)}"


def ts_start(value: str) -> str:
    """A partial date -> the timestamp of its first instant."""
    return first_day(value) + "T00:00:00Z"


def ts_after(value: str) -> str:
    """A partial date -> the first instant after the period it covers (STIX stop_time is exclusive)."""
    d = date.fromisoformat(last_day(value)) + timedelta(days=1)
    return d.isoformat() + "T00:00:00Z"


def _ts(value: str | None) -> str | None:
    """A stored timestamp (ISO, maybe with offset) -> STIX timestamp, or None."""
    if not value:
        return None
    v = str(value)
    if len(v) in (4, 7, 10):
        return ts_start(v)
    v = v.replace("+00:00", "Z")
    return v if v.endswith("Z") else None


def _region(e: Entity) -> str:
    slug = normalize_name(e.name, drop_articles=False).replace(" ", "-") if e.name else "unknown"
    if slug in REGIONS:
        return slug
    for n in e.all_names():
        r = REGION_NAMES.get(normalize_name(n, drop_articles=False))
        if r:
            return r
    return slug or "unknown"


class _Builder:
    def __init__(self, sel, *, with_text: bool, author: str):
        self.sel = sel
        self.with_text = with_text
        self.onto = ontology()
        self.author = stix2.v21.Identity(
            id=stix_id("identity", "author:" + author), name=author, identity_class="system",
            description="The andiwali knowledge base this bundle was exported from.", created=EPOCH, modified=EPOCH,
        )
        self.ext = stix2.v21.ExtensionDefinition(
            id=stix_id("extension-definition", "andiwali-v1"), created_by_ref=self.author.id, created=EPOCH,
            modified=EPOCH, name=EXTENSION_NAME, version="1.0",
            description="andiwali's claim model (predicate, polarity, modality, attribution, valid time, evidence) "
                        "and entity details (kind, aliases with their sources, attributes) kept on standard objects.",
            schema="x_andiwali_* top-level properties, described in andiwali's docs/interop.md",
            extension_types=["toplevel-property-extension"], extension_properties=list(X_PROPERTIES),
        )
        self.ext_ref = {self.ext.id: {"extension_type": "toplevel-property-extension"}}
        self.objects: dict[str, Any] = {}
        self.entity_refs: dict[str, str] = {}  # entity id -> main STIX id
        self.location_refs: dict[str, str] = {}  # state id -> its location object
        self.iso = {normalize_name(e.name): e.attributes.get("iso") for e in sel.entities.values()
                    if e.kind == "state" and isinstance(e.attributes.get("iso"), str)}

    # ---- entities --------------------------------------------------------------
    def _x_entity(self, e: Entity) -> dict:
        x = {
            "x_andiwali_entity_id": e.id, "x_andiwali_kind": e.kind,
            "x_andiwali_aliases": [
                {k: v for k, v in {"name": a.name, "lang": a.lang, "script": a.script, "source": a.source,
                                   "acronym": a.acronym or None, "ambiguous": a.ambiguous or None}.items()
                 if v is not None}
                for a in e.aliases
            ],
            "x_andiwali_parent": e.parent, "x_andiwali_start": e.start, "x_andiwali_end": e.end,
            "x_andiwali_attributes": {k: v for k, v in e.attributes.items() if not str(k).startswith("_")},
            "x_andiwali_references": list(e.references), "x_andiwali_origin": e.origin,
            "x_andiwali_entity_status": e.attributes.get("_status"),
        }
        return {k: v for k, v in x.items() if v not in (None, [], {})}

    def entity(self, e: Entity) -> str:
        if e.id in self.entity_refs:
            return self.entity_refs[e.id]
        common = {"name": e.name, "created": EPOCH, "modified": EPOCH, "created_by_ref": self.author.id,
                  "extensions": self.ext_ref, "allow_custom": True, **self._x_entity(e)}
        names = [a.name for a in e.aliases if a.name != e.name]
        if e.kind == "organization":
            extra = {}
            if e.start:
                extra["first_seen"] = ts_start(e.start)
            if e.end:
                extra["last_seen"] = ts_after(e.end)
            if extra.get("first_seen") and extra.get("last_seen") and extra["last_seen"] <= extra["first_seen"]:
                extra.pop("last_seen")
            obj = stix2.v21.ThreatActor(id=stix_id("threat-actor", e.id), aliases=names or None, **extra, **common)
        elif e.kind == "person":
            obj = stix2.v21.Identity(id=stix_id("identity", e.id), identity_class="individual", **common)
        elif e.kind == "state":
            obj = stix2.v21.Identity(id=stix_id("identity", e.id), identity_class="organization",
                                     sectors=["government-national"], **common)
        elif e.kind == "place":
            obj = self._location(e, stix_id("location", e.id), common)
        elif e.kind == "platform":
            obj = stix2.v21.Infrastructure(id=stix_id("infrastructure", e.id), aliases=names or None, **common)
        else:  # pragma: no cover - the ontology has five kinds
            raise InteropError(f"no STIX mapping for entity kind {e.kind!r}", code="E503")
        self.objects[obj.id] = obj
        self.entity_refs[e.id] = obj.id
        return obj.id

    def _location(self, e: Entity, sid: str, common: dict):
        iso = e.attributes.get("iso")
        if not (isinstance(iso, str) and len(iso) == 2):
            part = e.attributes.get("part_of")
            iso = self.iso.get(normalize_name(part)) if isinstance(part, str) else None
        if isinstance(iso, str) and len(iso) == 2 and iso.isalpha():
            return stix2.v21.Location(id=sid, country=iso.upper(), **common)
        return stix2.v21.Location(id=sid, region=_region(e), **common)

    def place_ref(self, e: Entity) -> str:
        """The STIX object that stands for ``e`` as a place (a state's location object)."""
        if e.kind != "state":
            return self.entity(e)
        self.entity(e)
        if e.id not in self.location_refs:
            common = {"name": e.name, "created": EPOCH, "modified": EPOCH, "created_by_ref": self.author.id,
                      "extensions": self.ext_ref, "allow_custom": True, **self._x_entity(e)}
            obj = self._location(e, stix_id("location", e.id), common)
            self.objects[obj.id] = obj
            self.location_refs[e.id] = obj.id
        return self.location_refs[e.id]

    def ent(self, eid: str) -> Entity:
        e = self.sel.entities.get(eid)
        if e is None:  # a claim naming an entity that no longer exists: keep the claim, with a bare entity
            e = Entity(kind="organization", name=eid, origin="import", id=eid)
            self.sel.entities[eid] = e
        return e

    # ---- claims ----------------------------------------------------------------
    def _x_claim(self, c: Claim) -> dict:
        pred = self.onto.predicate(c.predicate)
        x = {
            "x_andiwali_claim_id": c.id, "x_andiwali_predicate": c.predicate, "x_andiwali_layer": pred.layer,
            "x_andiwali_sign": pred.sign, "x_andiwali_polarity": c.polarity, "x_andiwali_modality": c.modality,
            "x_andiwali_attributed_to": c.attributed_to, "x_andiwali_valid_from": c.valid_from,
            "x_andiwali_valid_to": c.valid_to, "x_andiwali_reported_at": c.reported_at,
            "x_andiwali_confidence": c.confidence, "x_andiwali_status": c.status,
            "x_andiwali_reviewed_by": c.reviewed_by, "x_andiwali_reviewed_at": c.reviewed_at,
            "x_andiwali_extractor": c.extractor, "x_andiwali_qualifiers": c.qualifiers or None,
            "x_andiwali_evidence": [
                {k: v for k, v in {"doc_id": e.doc_id, "start": e.start, "end": e.end, "quote": e.quote,
                                   "page": e.page}.items() if v is not None}
                for e in c.evidence
            ],
        }
        return {k: v for k, v in x.items() if v not in (None, [], {})}

    def _times(self, c: Claim) -> dict:
        out = {}
        if c.valid_from:
            out["start_time"] = ts_start(c.valid_from)
        if c.valid_to:
            out["stop_time"] = ts_after(c.valid_to)
        if "start_time" in out and "stop_time" in out and out["stop_time"] <= out["start_time"]:
            out.pop("stop_time")  # an inverted period stays exact in x_andiwali_valid_to
        return out

    def _modified(self, c: Claim) -> str:
        m = _ts(c.reviewed_at)
        return m if m and m > EPOCH else EPOCH

    def _description(self, c: Claim, speaker: str | None) -> str | None:
        quotes = "\n\n".join(" ".join(e.quote.split()) for e in c.evidence if e.quote.strip())
        if not quotes:
            return None
        return f"According to {speaker}: {quotes}" if speaker else quotes

    def claim(self, c: Claim, by_triple: dict) -> list[str]:
        """The STIX objects for one claim; returns their ids."""
        s, o = self.ent(c.subject), self.ent(c.object)
        speaker = self.ent(c.attributed_to) if c.attributed_to else None
        s_ref = self.entity(s)
        o_ref = self.place_ref(o) if c.predicate in GEO_PREDICATES else self.entity(o)
        rtype = RELATIONSHIP_TYPES.get(c.predicate, "related-to")
        if rtype == "located-at" and not o_ref.startswith("location--"):
            rtype = "related-to"
        speaker_ref = self.entity(speaker) if speaker else None
        x = self._x_claim(c)
        common = {"created": EPOCH, "modified": self._modified(c), "created_by_ref": self.author.id,
                  "extensions": self.ext_ref, "allow_custom": True,
                  "confidence": max(0, min(100, round(c.confidence * 100)))}
        out = []
        if c.polarity == "negated":
            neg = (f"{s.name} {c.predicate} {o.name} does not hold"
                   + (f" (according to {speaker.name})" if speaker else ""))
            refs = [s_ref, o_ref] + ([speaker_ref] if speaker_ref else []) + by_triple.get((c.subject, c.predicate,
                                                                                            c.object), [])
            note = stix2.v21.Note(
                id=stix_id("note", c.id), abstract=f"Negated claim: {neg}"[:1000],
                content=self._description(c, None) or neg, authors=[speaker.name] if speaker else None,
                object_refs=list(dict.fromkeys(refs)), x_andiwali_source_ref=s_ref, x_andiwali_target_ref=o_ref,
                **x, **common,
            )
            self.objects[note.id] = note
            return [note.id]
        rel = stix2.v21.Relationship(
            id=stix_id("relationship", c.id), relationship_type=rtype, source_ref=s_ref, target_ref=o_ref,
            description=self._description(c, speaker.name if speaker else None), **self._times(c), **x, **common,
        )
        self.objects[rel.id] = rel
        out.append(rel.id)
        if speaker:
            note = stix2.v21.Note(
                id=stix_id("note", "attribution:" + c.id), abstract=f"Attributed to {speaker.name}"[:1000],
                content=self._description(c, None) or f"{s.name} {c.predicate} {o.name}",
                authors=[speaker.name], object_refs=[rel.id, speaker_ref], x_andiwali_companion_of=c.id,
                created=EPOCH, modified=self._modified(c), created_by_ref=self.author.id, extensions=self.ext_ref,
                allow_custom=True,
            )
            self.objects[note.id] = note
            out.append(note.id)
        return out

    # ---- documents -------------------------------------------------------------
    def report(self, doc_id: str, refs: list[str]) -> None:
        d = self.sel.documents.get(doc_id)
        if d is None or not refs:
            return
        grade = (d.get("reliability") or "F") + (d.get("credibility") or "6")
        meta = {
            "id": d["id"], "key": d.get("doc_key"), "version": d.get("version"), "title": d.get("title"),
            "published": d.get("published"), "language": d.get("language"), "url": d.get("url"),
            "format": d.get("format"), "content_hash": d.get("content_hash"), "source": d.get("source"),
            "grade": grade if d.get("source") else None, "meta": d.get("meta") or None,
        }
        x: dict[str, Any] = {"x_andiwali_document": {k: v for k, v in meta.items() if v is not None}}
        if self.with_text and d.get("text") is not None:
            x["x_andiwali_text"] = d["text"]
        published = ts_start(d["published"]) if d.get("published") else (_ts(d.get("ingested_at")) or EPOCH)
        ext_refs = None
        if d.get("url"):
            ext_refs = [{"source_name": (d.get("source") or "document")[:200], "url": d["url"]}]
        rep = stix2.v21.Report(
            id=stix_id("report", doc_id), name=(d.get("title") or d.get("doc_key") or doc_id)[:1000],
            published=published, report_types=["threat-report"], object_refs=list(dict.fromkeys(refs)),
            external_references=ext_refs, created=EPOCH, modified=EPOCH, created_by_ref=self.author.id,
            extensions=self.ext_ref, allow_custom=True, **x,
        )
        self.objects[rep.id] = rep

    def build(self) -> stix2.v21.Bundle:
        sel = self.sel
        for eid in sorted(sel.entities):
            self.entity(sel.entities[eid])
        claims = sorted(sel.claims, key=lambda c: c.id)
        asserted_by_triple: dict[tuple, list[str]] = defaultdict(list)
        for c in claims:
            if c.polarity != "negated":
                asserted_by_triple[(c.subject, c.predicate, c.object)].append(stix_id("relationship", c.id))
        per_doc: dict[str, list[str]] = defaultdict(list)
        for c in claims:
            ids = self.claim(c, asserted_by_triple)
            ents = [self.entity_refs[c.subject], self.entity_refs[c.object]]
            for ev in c.evidence:
                per_doc[ev.doc_id].extend(ids + ents)
        for doc_id in sorted(per_doc):
            self.report(doc_id, per_doc[doc_id])
        objs = [self.author, self.ext] + [self.objects[k] for k in sorted(self.objects, key=_order)]
        digest = hashlib.sha256("\n".join(o.id for o in objs).encode()).hexdigest()
        return stix2.v21.Bundle(objects=objs, id=stix_id("bundle", digest), allow_custom=True)


_TYPE_ORDER = {t: i for i, t in enumerate(("threat-actor", "identity", "location", "infrastructure", "relationship",
                                           "note", "opinion", "report"))}


def _order(sid: str) -> tuple:
    t = sid.split("--", 1)[0]
    return (_TYPE_ORDER.get(t, 99), sid)


def build_bundle(kb, filt: ExportFilter | None = None, *, with_text: bool = True, author: str = "andiwali"):
    """The knowledge base (filtered) as a ``stix2`` Bundle."""
    sel = select(kb, filt or ExportFilter(), with_text=with_text)
    return _Builder(sel, with_text=with_text, author=author).build(), sel


_FIRST = {k: i for i, k in enumerate(("type", "spec_version", "id", "created_by_ref", "created", "modified", "name"))}


def _ordered(obj: dict) -> dict:
    """Properties in a fixed order: the usual first ones, the rest by name, custom ones last
    (stix2 keeps custom properties in a set's order, which changes from process to process)."""
    return {k: obj[k] for k in sorted(obj, key=lambda k: (k.startswith("x_"), _FIRST.get(k, len(_FIRST)), k))}


def serialize(bundle) -> str:
    """Stable, indented JSON (stix2's own pretty printer is quadratic in the bundle size)."""
    data = {"type": "bundle", "id": bundle.id,
            "objects": [_ordered(json.loads(o.serialize())) for o in bundle.objects]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def bundle_json(kb, filt: ExportFilter | None = None, *, with_text: bool = True, author: str = "andiwali") -> str:
    bundle, _sel = build_bundle(kb, filt, with_text=with_text, author=author)
    return serialize(bundle)


@exporter("stix", help="STIX 2.1 bundle (JSON) for OpenCTI, MISP and other platforms (`-` = stdout)",
          suffixes=(".json",))
def export_stix(kb, out, filt: ExportFilter, *, with_text: bool = True, author: str = "andiwali", **_options) -> dict:
    bundle, sel = build_bundle(kb, filt, with_text=with_text, author=author)
    data = serialize(bundle)
    write_bytes_out(out, data.encode("utf-8"))
    counts: dict[str, int] = defaultdict(int)
    for o in bundle.objects:
        counts[o.type] += 1
    return {"format": "stix", "out": str(out), "claims": len(sel.claims), "objects": dict(sorted(counts.items()))}
