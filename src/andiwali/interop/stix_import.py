"""STIX 2.1 import: bundles from OpenCTI, MISP or andiwali itself -> entities and claims.

The input is untrusted: it is parsed as plain JSON (never handed to a library that
might fetch references), every object is checked before use, and anything that
cannot be mapped is counted and reported, never guessed.

* An andiwali bundle (objects carrying ``x_andiwali_*`` properties) comes back
  exactly: the same entity ids, aliases with their sources, claim ids, valid times,
  evidence spans and quotes, and the documents themselves when the bundle carries
  their text (``x_andiwali_text``).
* A foreign bundle's author is the Source; each mapped relationship is its own
  small document keyed by its STIX id (so the next export of the same platform
  adds no duplicates), and one more document keeps the bundle's context (reports,
  notes, opinions) as text. ``threat-actor`` and ``intrusion-set`` become organizations (a
  threat actor with ``resource_level: individual`` or OpenCTI's
  ``Threat-Actor-Individual`` type, a person); ``identity`` a person (individual)
  or an organization/state; ``location`` a state (a country) or a place;
  ``infrastructure`` and ``tool`` a platform. Relationship types map through the
  tie-type table (``targets`` -> attacks, ``located-at`` -> based_in, ``uses`` ->
  uses_platform, ``part-of`` -> branch_of/member_of ...); ``related-to`` has no
  meaning to map and is reported as unmapped. An ``opinion`` that disagrees with
  a relationship adds the negated claim. Notes, reports and groupings are kept as
  text of the bundle document.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from andiwali.errors import AndiwaliError, InteropError
from andiwali.interop.base import MAX_FIELD_CHARS, MAX_ROWS, decode_text, importer, read_input_bytes
from andiwali.interop.importing import (
    ClaimDraft,
    EvidenceDraft,
    ImportPlan,
    apply,
    clean_text,
    make_source,
    parse_confidence,
    parse_date,
)
from andiwali.interop.tietypes import map_tie
from andiwali.model import Alias, Document, Entity
from andiwali.model.ontology import ontology

ENTITY_TYPES = {"threat-actor", "intrusion-set", "identity", "location", "infrastructure", "tool"}
EAGER_TYPES = {"threat-actor", "intrusion-set"}  # become entities even when no relationship names them
CONTEXT_TYPES = {"report", "grouping", "note", "opinion"}
ACTOR_KINDS = ("organization", "person", "state")
OPENCTI_FROM_START = "1970-01-01"
OPENCTI_UNTIL_END_YEAR = 5000  # OpenCTI writes 5138-11-16 for "no stop time"


def _s(obj: dict, key: str, limit: int = MAX_FIELD_CHARS) -> str:
    v = obj.get(key)
    return clean_text(v, limit).strip() if isinstance(v, str) else ""


def _list_of_str(v: Any, limit: int = 500) -> list[str]:
    if not isinstance(v, list):
        return []
    return [clean_text(x, 500).strip() for x in v[:limit] if isinstance(x, str) and x.strip()]


def _opencti_type(obj: dict) -> str:
    t = obj.get("x_opencti_type")
    if isinstance(t, str):
        return t
    ext = obj.get("extensions")
    if isinstance(ext, dict):
        for v in ext.values():
            if isinstance(v, dict) and isinstance(v.get("type"), str):
                return v["type"]
    return ""


def _stix_date(v: Any, what: str) -> str | None:
    """A STIX timestamp -> a day; OpenCTI's 'no start'/'no stop' sentinels -> None."""
    if not isinstance(v, str) or not v.strip():
        return None
    d = parse_date(v[:10], what)
    if d is None:
        return None
    if d <= OPENCTI_FROM_START or int(d[:4]) >= OPENCTI_UNTIL_END_YEAR:
        return None
    return d


class _Bundle:
    def __init__(self, plan: ImportPlan, objects: list[dict]):
        self.plan = plan
        self.objects = objects
        self.by_id = {o["id"]: o for o in objects}
        self.entities: dict[str, Entity | None] = {}  # STIX id -> resolved entity
        self.lines: list[str] = []
        self.pos = 0
        self.evidence_of: dict[str, tuple[int, int, str]] = {}
        self.reported: dict[str, str] = {}  # STIX id -> earliest published date of a report naming it
        self.own = any(isinstance(o.get("x_andiwali_claim_id"), str) or isinstance(o.get("x_andiwali_entity_id"), str)
                       for o in objects)

    # ---- text of the bundle document -------------------------------------------------
    def add_line(self, text: str) -> tuple[int, int]:
        text = " ".join(text.split())
        if self.lines:
            self.pos += 1  # the newline
        start = self.pos
        self.lines.append(text)
        self.pos += len(text)
        return start, self.pos

    # ---- entities ---------------------------------------------------------------------
    def kind_of(self, obj: dict) -> str | None:
        t = obj["type"]
        xk = obj.get("x_andiwali_kind")
        if isinstance(xk, str) and xk in ontology().entity_kinds:
            return xk
        if t == "intrusion-set":
            return "organization"
        if t == "threat-actor":
            octi = _opencti_type(obj).lower()
            if obj.get("resource_level") == "individual" or octi == "threat-actor-individual":
                return "person"
            return "organization"
        if t == "identity":
            cls = obj.get("identity_class")
            if cls == "individual" or _opencti_type(obj).lower() == "individual":
                return "person"
            if cls in ("organization", "group", None):
                sectors = _list_of_str(obj.get("sectors"))
                if any(s.startswith("government") for s in sectors):
                    return "state"
                return "organization"
            return None  # class (a sector), system, unknown: not an entity of the ontology
        if t == "location":
            octi = _opencti_type(obj).lower() or str(obj.get("x_opencti_location_type") or "").lower()
            if octi == "country":
                return "state"
            if octi in ("region", "city", "position", "administrative-area"):
                return "place"
            if obj.get("country") and not any(obj.get(k) for k in ("city", "administrative_area", "street_address",
                                                                   "latitude", "region")):
                return "state"
            return "place"
        if t in ("infrastructure", "tool"):
            return "platform"
        return None

    def aliases_of(self, obj: dict, source: str) -> list[Alias]:
        out: list[Alias] = []
        detailed = obj.get("x_andiwali_aliases")
        if isinstance(detailed, list):
            for a in detailed[:2000]:
                if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip():
                    out.append(Alias(
                        name=clean_text(a["name"], 500).strip(),
                        lang=clean_text(a.get("lang"), 20) or None if isinstance(a.get("lang"), str) else None,
                        script=clean_text(a.get("script"), 20) or None if isinstance(a.get("script"), str) else None,
                        source=clean_text(a.get("source"), 500) or None if isinstance(a.get("source"), str) else None,
                        acronym=a.get("acronym") is True, ambiguous=a.get("ambiguous") is True,
                    ))
            return out
        names = _list_of_str(obj.get("aliases")) + _list_of_str(obj.get("x_opencti_aliases")) + \
            _list_of_str(obj.get("x_mitre_aliases"))
        return [Alias(name=n, source=source) for n in dict.fromkeys(names)]

    def entity(self, sid: Any, allowed: tuple[str, ...] | frozenset | None = None) -> Entity | None:
        """The entity a STIX object stands for (resolved or created), or None."""
        if not isinstance(sid, str):
            return None
        key = (sid, tuple(sorted(allowed)) if allowed else None)
        if key in self.entities:
            return self.entities[key]
        obj = self.by_id.get(sid)
        e = None
        if obj is not None and obj["type"] in ENTITY_TYPES:
            e = self._resolve(obj, allowed)
        self.entities[key] = e
        return e

    def _resolve(self, obj: dict, allowed) -> Entity | None:
        kind = self.kind_of(obj)
        name = _s(obj, "name", 500)
        if kind is None or not name:
            return None
        eid = obj.get("x_andiwali_entity_id") if isinstance(obj.get("x_andiwali_entity_id"), str) else None
        fields: dict[str, Any] = {}
        if eid:
            try:
                fields["start"] = parse_date(obj.get("x_andiwali_start"), "start")
                fields["end"] = parse_date(obj.get("x_andiwali_end"), "end")
            except InteropError:
                pass
            attrs = obj.get("x_andiwali_attributes")
            if isinstance(attrs, dict) and len(json.dumps(attrs, default=str)) < 50_000:
                fields["attributes"] = attrs
            refs = _list_of_str(obj.get("x_andiwali_references"))
            if refs:
                fields["references"] = refs
            parent = obj.get("x_andiwali_parent")
            if isinstance(parent, str) and parent.startswith("ent_") and len(parent) < 40:
                fields["parent"] = parent
        else:
            refs = [f"STIX {obj['id']}"]
            for r in obj.get("external_references") or []:
                if isinstance(r, dict) and isinstance(r.get("source_name"), str):
                    ext = r.get("external_id") if isinstance(r.get("external_id"), str) else ""
                    refs.append(clean_text(f"{r['source_name']} {ext}".strip(), 300))
            fields["references"] = refs[:50]
            if obj["type"] in ("threat-actor", "intrusion-set"):
                try:
                    fields["start"] = _stix_date(obj.get("first_seen"), "first_seen")
                except InteropError:
                    pass
        aliases = self.aliases_of(obj, self.plan.source.name if self.plan.source else "STIX import")
        try:
            e = self.plan.resolve(name, kind, allowed=tuple(allowed) if allowed else None, entity_id=eid,
                                  aliases=aliases, **fields)
        except AndiwaliError:
            return None
        st = obj.get("x_andiwali_entity_status")
        if e is not None and eid and e.id in self.plan.new_entities and st in ("curated", "candidate"):
            self.plan.entity_status[e.id] = st
        return e

    # ---- claims -----------------------------------------------------------------------
    def own_claim(self, obj: dict, src_ref: Any, tgt_ref: Any) -> None:
        """A relationship or note carrying x_andiwali_* claim properties."""
        plan = self.plan
        where = obj["id"]
        pred_name = obj.get("x_andiwali_predicate")
        try:
            pred = ontology().predicate(str(pred_name))
        except AndiwaliError:
            plan.unmapped(where, str(pred_name)[:100])
            return
        s = self.entity(src_ref, pred.subject_kinds)
        o = self.entity(tgt_ref, pred.object_kinds)
        if s is None or o is None:
            plan.skip(where, "its source or target is not an entity of an allowed kind in the bundle")
            return
        att = obj.get("x_andiwali_attributed_to")
        speaker = None
        if isinstance(att, str):
            speaker = plan.entity(att) or self._entity_by_x_id(att)
        try:
            ev = []
            for e in obj.get("x_andiwali_evidence") or []:
                if not isinstance(e, dict) or not isinstance(e.get("quote"), str):
                    continue
                start, end = e.get("start"), e.get("end")
                ok = all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end))
                page = e.get("page") if isinstance(e.get("page"), int) and not isinstance(e.get("page"), bool) \
                    else None
                doc_id = clean_text(e.get("doc_id"), 200) if isinstance(e.get("doc_id"), str) else None
                ev.append(EvidenceDraft(doc_id=doc_id or None, start=start if ok else None, end=end if ok else None,
                                        quote=clean_text(e["quote"]), page=page,
                                        doc=self.doc_info.get(doc_id) if doc_id else None))
            fields = {
                "subject": s.id, "predicate": pred.name, "object": o.id,
                "polarity": obj.get("x_andiwali_polarity") or "asserted",
                "modality": obj.get("x_andiwali_modality") or "fact",
                "attributed_to": speaker.id if speaker else None,
                "valid_from": parse_date(obj.get("x_andiwali_valid_from"), "valid_from"),
                "valid_to": parse_date(obj.get("x_andiwali_valid_to"), "valid_to"),
                "reported_at": parse_date(obj.get("x_andiwali_reported_at"), "reported_at"),
                "extractor": clean_text(obj.get("x_andiwali_extractor"), 200) or "import:stix",
                "confidence": parse_confidence(obj.get("x_andiwali_confidence"),
                                               default=(obj.get("confidence") or 50) / 100
                                               if isinstance(obj.get("confidence"), int) else 0.5),
                "status": obj.get("x_andiwali_status") or "pending",
                "reviewed_by": clean_text(obj.get("x_andiwali_reviewed_by"), 200) or None,
                "reviewed_at": clean_text(obj.get("x_andiwali_reviewed_at"), 40) or None,
                "qualifiers": obj.get("x_andiwali_qualifiers") if isinstance(obj.get("x_andiwali_qualifiers"),
                                                                             dict) else {},
            }
        except (InteropError, TypeError) as exc:
            plan.skip(where, str(exc).split(": ", 1)[-1])
            return
        cid = obj.get("x_andiwali_claim_id") if isinstance(obj.get("x_andiwali_claim_id"), str) else None
        if not ev:
            desc = _s(obj, "description") or _s(obj, "content")
            if desc:
                start, end = self.add_line(desc)
                ev = [EvidenceDraft(self.bundle_doc_key, start, end, self.lines[-1])]
        plan.claims.append(ClaimDraft(where, fields, ev, claim_id=cid))

    def _entity_by_x_id(self, eid: str) -> Entity | None:
        for o in self.objects:
            if o.get("x_andiwali_entity_id") == eid and o["type"] in ENTITY_TYPES:
                return self.entity(o["id"])
        return None

    def foreign_relationship(self, obj: dict) -> tuple[str, str, str] | None:
        plan = self.plan
        where = obj["id"]
        rtype = _s(obj, "relationship_type", 200)
        mapped = map_tie(rtype)
        if not mapped:
            plan.unmapped(where, rtype or "(no relationship_type)")
            return None
        src, tgt = obj.get("source_ref"), obj.get("target_ref")
        if not isinstance(src, str) or not isinstance(tgt, str) or src not in self.by_id or tgt not in self.by_id:
            plan.skip(where, "source_ref or target_ref is not in the bundle")
            return None
        chosen = None
        for m in mapped:
            pred = ontology().predicate(m.predicate)
            a, b = (tgt, src) if m.reverse else (src, tgt)
            s = self.entity(a, pred.subject_kinds)
            o = self.entity(b, pred.object_kinds)
            if s is not None and o is not None and pred.allows(s.kind, o.kind):
                chosen = (m, s, o)
                break
        if chosen is None:
            plan.skip(where, f"{rtype}: no predicate fits {self.by_id[src]['type']} -> {self.by_id[tgt]['type']}")
            return None
        m, s, o = chosen
        try:
            vf = _stix_date(obj.get("start_time"), "start_time")
            vt = _stix_date(obj.get("stop_time"), "stop_time")
            conf = obj.get("confidence")
            confidence = parse_confidence(conf, scale100=True) if isinstance(conf, int) and not isinstance(conf, bool) \
                else 0.5
            reported = self.reported.get(obj["id"]) or _stix_date(obj.get("created"), "created")
        except InteropError as exc:
            plan.skip(where, str(exc).split(": ", 1)[-1])
            return None
        if vt and vf and vt < vf:
            vt = None
        desc = _s(obj, "description")
        text = desc or f"{self._name(src)} {rtype} {self._name(tgt)}"
        ev = self.object_document(obj["id"], text, f"{self._name(src)} {rtype} {self._name(tgt)}", reported)
        fields = {"subject": s.id, "predicate": m.predicate, "object": o.id, "polarity": m.polarity or "asserted",
                  "modality": "fact", "valid_from": vf, "valid_to": vt, "reported_at": reported,
                  "extractor": "import:stix", "confidence": confidence, "status": "pending",
                  "qualifiers": {"stix_id": obj["id"], "stix_relationship_type": rtype}}
        plan.claims.append(ClaimDraft(where, fields, [ev]))
        return obj["id"], s.id, o.id

    def object_document(self, key: str, text: str, title: str, published: str | None) -> EvidenceDraft:
        """A foreign relationship (or opinion) is its own small document, keyed by its STIX id: the same
        object in next week's export of the same platform is the same document, so the claim is not
        counted twice; its text is also a line of the bundle document, for context."""
        self.add_line(text)
        text = " ".join(text.split())
        doc = Document(text=text, key=f"stix:{key}", title=title[:1000], published=published, format="stix",
                       source=self.plan.source, meta={"stix_id": key, "imported_from": self.plan.name})
        self.plan.add_document(doc)
        return EvidenceDraft(doc.id, 0, len(text), text)

    def _name(self, sid: str) -> str:
        o = self.by_id.get(sid) or {}
        return _s(o, "name", 500) or sid

    def foreign_opinion(self, obj: dict, claims_by_rel: dict[str, ClaimDraft]) -> None:
        op = obj.get("opinion")
        if op not in ("disagree", "strongly-disagree"):
            return
        for ref in _list_of_str(obj.get("object_refs")):
            base = claims_by_rel.get(ref)
            if base is None:
                continue
            authors = _list_of_str(obj.get("authors"))
            creator = self.by_id.get(obj.get("created_by_ref")) if isinstance(obj.get("created_by_ref"), str) else None
            who = authors[0] if authors else (_s(creator, "name", 500) if creator else "")
            speaker = self.plan.resolve(who, None, allowed=ACTOR_KINDS, create=False) if who else None
            expl = _s(obj, "explanation")
            text = f"Opinion ({op})" + (f" by {who}" if who else "") + ": " + (expl or "the relationship does not hold")
            try:
                published = _stix_date(obj.get("created"), "created")
            except InteropError:
                published = None
            ev = self.object_document(f"{obj['id']}/{ref}", text, f"Opinion ({op}) on {ref}", published)
            fields = dict(base.fields) | {"polarity": "negated", "attributed_to": speaker.id if speaker else None,
                                          "qualifiers": {"stix_id": obj["id"], "opinion": op}}
            self.plan.claims.append(ClaimDraft(obj["id"], fields, [ev]))

    # ---- the whole bundle -------------------------------------------------------------
    def run(self, bundle_id: str | None) -> None:
        plan = self.plan
        self.bundle_doc_key = "stix-bundle"
        self.doc_info: dict[str, dict] = {}
        counts = Counter(o["type"] for o in self.objects)
        # reports: documents (own bundles) and publication dates
        for o in self.objects:
            if o["type"] not in ("report", "grouping"):
                continue
            pub = None
            try:
                pub = _stix_date(o.get("published") or o.get("created"), "published")
            except InteropError:
                pass
            for ref in _list_of_str(o.get("object_refs"), 1_000_000):
                if pub and (ref not in self.reported or pub < self.reported[ref]):
                    self.reported[ref] = pub
            xd = o.get("x_andiwali_document")
            if isinstance(xd, dict) and isinstance(xd.get("id"), str):
                self.doc_info[xd["id"]] = {k: v for k, v in xd.items() if isinstance(v, (str, int))}
                self._own_document(o, xd)
            elif not self.own:
                title = _s(o, "name", 1000)
                self.add_line(f"{o['type'].capitalize()}: {title}" + (f" ({pub})" if pub else ""))
                desc = _s(o, "description")
                if desc:
                    self.add_line(desc)
        # claims
        claims_by_rel: dict[str, ClaimDraft] = {}
        for o in self.objects:
            t = o["type"]
            if t == "relationship":
                if isinstance(o.get("x_andiwali_claim_id"), str):
                    self.own_claim(o, o.get("source_ref"), o.get("target_ref"))
                else:
                    n = len(plan.claims)
                    if self.foreign_relationship(o) is not None:
                        claims_by_rel[o["id"]] = plan.claims[n]
            elif t == "note" and isinstance(o.get("x_andiwali_claim_id"), str):
                self.own_claim(o, o.get("x_andiwali_source_ref"), o.get("x_andiwali_target_ref"))
        for o in self.objects:
            t = o["type"]
            if t == "opinion" and not self.own:
                self.foreign_opinion(o, claims_by_rel)
            elif t == "note" and not isinstance(o.get("x_andiwali_claim_id"), str) \
                    and not isinstance(o.get("x_andiwali_companion_of"), str):
                authors = ", ".join(_list_of_str(o.get("authors")))
                body = " ".join(x for x in (_s(o, "abstract"), _s(o, "content")) if x)
                if body:
                    self.add_line("Note" + (f" by {authors}" if authors else "") + ": " + body)
        # entities nobody links to
        for o in self.objects:
            if o["type"] in EAGER_TYPES or isinstance(o.get("x_andiwali_entity_id"), str):
                self.entity(o["id"])
        for t, n in counts.items():
            if t not in ENTITY_TYPES | CONTEXT_TYPES | {"relationship", "extension-definition"}:
                plan.report.ignored_types[t] = n
        # the bundle document
        if self.lines:
            text = "\n".join(self.lines)
            name = plan.name.rsplit("/", 1)[-1]
            doc = Document(text=text, key=f"stix:{bundle_id or name}", title=f"STIX bundle {name}", format="stix",
                           source=plan.source, meta={"bundle_id": bundle_id, "imported_from": plan.name,
                                                     "object_types": dict(sorted(counts.items()))})
            plan.add_document(doc)
            for d in plan.claims:
                for ev in d.evidence:
                    if ev.doc_id == self.bundle_doc_key:
                        ev.doc_id = doc.id
        for d in plan.claims:
            d.evidence = [ev for ev in d.evidence if ev.doc_id != self.bundle_doc_key]

    def _own_document(self, rep: dict, xd: dict) -> None:
        text = rep.get("x_andiwali_text")
        if not isinstance(text, str):
            return
        try:
            src = None
            if isinstance(xd.get("source"), str) and xd["source"].strip():
                src = make_source(xd["source"], xd.get("grade") if isinstance(xd.get("grade"), str) else None,
                                  kind="publisher")
            meta = xd.get("meta") if isinstance(xd.get("meta"), dict) else {}
            doc = Document(
                text=text, key=clean_text(xd.get("key"), 2000) or xd["id"], title=_str_or_none(xd.get("title")),
                published=parse_date(xd.get("published"), "published"), language=_str_or_none(xd.get("language")),
                url=_str_or_none(xd.get("url")), format=_str_or_none(xd.get("format")) or "txt", source=src,
                meta=meta,
            )
        except AndiwaliError as exc:
            self.plan.skip(rep["id"], f"document not rebuilt: {str(exc).split(': ', 1)[-1]}")
            return
        if doc.id != xd["id"]:
            self.plan.report.warnings.append(f"{rep['id']}: the document text does not hash to {xd['id']}; "
                                             "its evidence goes to a stand-in document")
            return
        self.plan.add_document(doc)


def _str_or_none(v: Any) -> str | None:
    return clean_text(v, 2000) or None if isinstance(v, str) else None


def parse_bundle(text: str, name: str) -> tuple[list[dict], str | None, list[tuple[str, str]]]:
    """(objects, bundle id, problems) from untrusted JSON; raises InteropError when it is no STIX at all."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise InteropError("JSON nested too deeply", code="E501", path=name) from None
    except ValueError as exc:
        raise InteropError(f"not valid JSON: {str(exc)[:100]}", code="E501", path=name) from None
    bundle_id = None
    if isinstance(data, dict) and data.get("type") == "bundle":
        bundle_id = data.get("id") if isinstance(data.get("id"), str) else None
        raw = data.get("objects", [])
    elif isinstance(data, list):
        raw = data
    elif isinstance(data, dict) and isinstance(data.get("type"), str) and isinstance(data.get("id"), str):
        raw = [data]
    else:
        raise InteropError("not a STIX bundle (expected an object with \"type\": \"bundle\")", code="E501", path=name)
    if not isinstance(raw, list):
        raise InteropError("the bundle's \"objects\" is not a list", code="E501", path=name)
    if len(raw) > MAX_ROWS:
        raise InteropError(f"more than {MAX_ROWS} objects", code="E502", path=name)
    objects, problems, seen = [], [], set()
    for i, o in enumerate(raw):
        if not isinstance(o, dict) or not isinstance(o.get("type"), str) or not isinstance(o.get("id"), str):
            problems.append((f"objects[{i}]", "not a STIX object (needs a type and an id)"))
            continue
        if not o["id"].startswith(o["type"] + "--") or len(o["id"]) > 200:
            problems.append((f"objects[{i}]", f"id {o['id'][:80]!r} does not match type {o['type'][:40]!r}"))
            continue
        if o["id"] in seen:
            problems.append((o["id"], "duplicate id: the first one is kept"))
            continue
        seen.add(o["id"])
        objects.append(o)
    if raw and not objects:
        raise InteropError("no STIX object in the file (each needs a type and an id)", code="E501", path=name)
    return objects, (clean_text(bundle_id, 200) if bundle_id else None), problems


@importer("stix", help="STIX 2.1 bundle (OpenCTI, MISP, or an andiwali export)", suffixes=(".json",))
def import_stix(kb, path, *, dry_run: bool = False, actor: str = "import", source: str | None = None,
                grade: str | None = None, max_bytes: int | None = None, **_options):
    data, name = read_input_bytes(path, max_bytes=max_bytes)
    text = decode_text(data, name)
    if not text.strip():
        raise InteropError("file is empty", code="E501", path=name)
    objects, bundle_id, problems = parse_bundle(text, name)
    by_id = {o["id"]: o for o in objects}
    if source is None:  # the bundle's author, when one identity created everything
        creators = {o.get("created_by_ref") for o in objects
                    if isinstance(o.get("created_by_ref"), str)
                    and o["type"] not in ("identity", "marking-definition", "extension-definition")}
        if len(creators) == 1:
            c = by_id.get(next(iter(creators)))
            if isinstance(c, dict) and isinstance(c.get("name"), str) and c["name"].strip():
                source = c["name"]
    short = name.rsplit("/", 1)[-1]
    plan = ImportPlan(kb, "stix", name, make_source(source or f"STIX bundle {short}", grade))
    for where, why in problems:
        plan.skip(where, why)
    _Bundle(plan, objects).run(bundle_id)
    return apply(plan, actor=actor, dry_run=dry_run, curated=bool(_options.get("curated")))
