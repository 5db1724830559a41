"""GEXF and GraphML in: a network drawn or kept in Gephi, yEd, igraph or R becomes claims.

Each edge is one claim: its tie type is the edge's ``predicate`` attribute, else its
GEXF ``kind``, else its ``label``/``type``/``relation`` attribute, mapped through the
tie-type table; the two nodes resolve by id (an andiwali export: entity ids) or by
label/name through the knowledge base. Time comes from the edge's ``valid_from``/
``valid_to`` attributes, else its GEXF ``start``/``end`` or spells (the hull). The
file is the claims' source; each edge's own text ("Taliban hosts al-Qaeda") is its
evidence (``ImportPlan.file_evidence``).

The XML is untrusted: it is parsed without a DTD, entities, network access or
huge-tree support; a file with a DOCTYPE is refused.
"""

from __future__ import annotations

import re
from typing import Any

from andiwali.errors import InteropError
from andiwali.interop.base import MAX_ROWS, importer, read_input_bytes
from andiwali.interop.importing import (
    ClaimDraft,
    ImportPlan,
    apply,
    clean_text,
    make_source,
    parse_confidence,
    parse_date,
)
from andiwali.interop.tietypes import map_tie
from andiwali.model.ontology import ontology

TIE_KEYS = ("predicate", "tie_type", "tie", "relation", "relationship", "type", "label", "kind")
ENTITY_ID = re.compile(r"^ent_[0-9a-f]{16}$")


def _parse_xml(data: bytes, name: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InteropError(f"not well-formed XML: {str(exc)[:120]}", code="E501", path=name) from None
    except ValueError as exc:
        raise InteropError(f"not XML: {str(exc)[:120]}", code="E501", path=name) from None
    if root is None:
        raise InteropError("empty XML document", code="E501", path=name)
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InteropError("XML with a DOCTYPE is not accepted (entities and DTDs are a risk)", code="E501",
                           path=name)
    return root


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _descendants(el, name: str):
    return [c for c in el.iter() if _local(c.tag) == name]


def _date(v: Any, what: str) -> str | None:
    """A GEXF/GraphML time value: an ISO date or timestamp; a whole number 1000-9999 as a year."""
    if v is None:
        return None
    s = str(v).strip()
    if not s or s in ("None", "-inf", "inf", "+inf"):
        return None
    if re.match(r"^\d{4}(\.0+)?$", s):
        return s[:4]
    return parse_date(s[:19] if "T" in s else s[:10], what)


class _Edges:
    def __init__(self, plan: ImportPlan):
        self.plan = plan
        self.lines: list[str] = []

    def add(self, where: str, s_id: str, s_name: str, s_kind: str | None, tie: str, o_id: str, o_name: str,
            o_kind: str | None, attrs: dict[str, str]) -> None:
        plan = self.plan
        if str(attrs.get("mirror", "")).lower() == "true":
            return  # the second direction of a symmetric tie: the first one stands for both
        mapped = map_tie(tie)
        if not mapped:
            plan.unmapped(where, tie or "(no tie type)")
            return
        try:
            vf = _date(attrs.get("valid_from") or attrs.get("start"), "valid_from")
            vt = _date(attrs.get("valid_to") or attrs.get("end"), "valid_to")
            reported = None
            if str(attrs.get("undated", "")).lower() == "true":  # an andiwali tie placed at its reported_at
                reported, vf, vt = vf or vt, None, None
            conf = parse_confidence(attrs.get("confidence"), default=1.0)
            polarity = str(attrs.get("polarity") or "").strip().lower()
        except InteropError as exc:
            plan.skip(where, str(exc).split(": ", 1)[-1])
            return
        kinds = ontology().entity_kinds
        s_kind = s_kind if s_kind in kinds else None
        o_kind = o_kind if o_kind in kinds else None
        last = None
        for m in mapped:
            pred = ontology().predicate(m.predicate)
            (ai, an, ak), (bi, bn, bk) = ((o_id, o_name, o_kind), (s_id, s_name, s_kind)) if m.reverse else \
                ((s_id, s_name, s_kind), (o_id, o_name, o_kind))
            s = self._entity(ai, an, ak, pred.subject_kinds)
            o = self._entity(bi, bn, bk, pred.object_kinds)
            if s is None or o is None or not pred.allows(s.kind, o.kind):
                last = f"{m.predicate}: no entity of an allowed kind for {an!r} or {bn!r}"
                continue
            text = " ".join(f"{s_name} {tie} {o_name}".split())
            ev = plan.file_evidence(text)
            fields = {"subject": s.id, "predicate": m.predicate, "object": o.id,
                      "polarity": "negated" if polarity == "negated" else (m.polarity or "asserted"),
                      "modality": "fact", "valid_from": vf, "valid_to": vt, "reported_at": reported,
                      "extractor": f"import:{plan.format}",
                      "confidence": conf, "status": "pending",
                      "qualifiers": {"tie_type": tie[:200]} if tie != m.predicate else {}}
            plan.claims.append(ClaimDraft(where, fields, [ev]))
            return
        plan.skip(where, last or f"cannot map {tie!r}")

    def _entity(self, nid: str, name: str, kind: str | None, allowed):
        eid = nid if ENTITY_ID.match(nid or "") else None
        return self.plan.resolve(name or nid, kind, allowed=None if kind else tuple(allowed), entity_id=eid)


def _gexf(root, plan: ImportPlan, edges: _Edges) -> None:
    graph = next(iter(_children(root, "graph")), None)
    if graph is None:
        raise InteropError("no <graph> element: not GEXF", code="E501", path=plan.name)
    titles: dict[tuple[str, str], str] = {}
    for attrs in _children(graph, "attributes"):
        cls = attrs.get("class") or "node"
        for a in _children(attrs, "attribute"):
            titles[(cls, a.get("id") or "")] = (a.get("title") or a.get("id") or "").strip().lower()

    def values(el, cls: str) -> dict[str, str]:
        out = {}
        for av in _descendants(el, "attvalue"):
            key = av.get("for") or av.get("id") or ""
            out[titles.get((cls, key), key.lower())] = clean_text(av.get("value"), 2000)
        return out

    nodes: dict[str, tuple[str, str | None]] = {}
    for i, n in enumerate(_descendants(graph, "node")):
        if i > MAX_ROWS:
            raise InteropError(f"more than {MAX_ROWS} nodes", code="E502", path=plan.name)
        nid = clean_text(n.get("id"), 200)
        v = values(n, "node")
        nodes[nid] = (clean_text(n.get("label") or v.get("name") or v.get("label") or nid, 500), v.get("kind"))
    for i, e in enumerate(_descendants(graph, "edge")):
        if i > MAX_ROWS:
            raise InteropError(f"more than {MAX_ROWS} edges", code="E502", path=plan.name)
        v = values(e, "edge")
        src, tgt = clean_text(e.get("source"), 200), clean_text(e.get("target"), 200)
        where = f"edge {clean_text(e.get('id'), 200) or i + 1}"
        if src not in nodes or tgt not in nodes:
            plan.skip(where, "source or target is not a node of the graph")
            continue
        tie = v.get("predicate") or e.get("kind") or e.get("label") or next(
            (v[k] for k in TIE_KEYS if v.get(k)), "")
        spells = [(s.get("start"), s.get("end")) for s in _descendants(e, "spell")]
        if not v.get("valid_from") and not v.get("valid_to"):
            starts = [x for x, _ in spells if x] + ([e.get("start")] if e.get("start") else [])
            ends = [x for _, x in spells if x] + ([e.get("end")] if e.get("end") else [])
            open_end = any(x is None for _, x in spells) if spells else not e.get("end")
            v["start"] = min(starts) if starts else None
            v["end"] = None if open_end or not ends else max(ends)
        (sn, sk), (on, ok) = nodes[src], nodes[tgt]
        edges.add(where, src, sn, sk, clean_text(tie, 200).strip(), tgt, on, ok, v)


def _graphml(root, plan: ImportPlan, edges: _Edges) -> None:
    keys: dict[str, str] = {}
    for k in _children(root, "key"):
        keys[k.get("id") or ""] = (k.get("attr.name") or k.get("id") or "").strip().lower()
    graph = next(iter(_children(root, "graph")), None)
    if graph is None:
        raise InteropError("no <graph> element: not GraphML", code="E501", path=plan.name)

    def values(el) -> dict[str, str]:
        return {keys.get(d.get("key") or "", (d.get("key") or "").lower()): clean_text(d.text, 2000)
                for d in _children(el, "data")}

    nodes: dict[str, tuple[str, str | None]] = {}
    for i, n in enumerate(_children(graph, "node")):
        if i > MAX_ROWS:
            raise InteropError(f"more than {MAX_ROWS} nodes", code="E502", path=plan.name)
        nid = clean_text(n.get("id"), 200)
        v = values(n)
        nodes[nid] = (clean_text(v.get("name") or v.get("label") or nid, 500), v.get("kind"))
    for i, e in enumerate(_children(graph, "edge")):
        if i > MAX_ROWS:
            raise InteropError(f"more than {MAX_ROWS} edges", code="E502", path=plan.name)
        v = values(e)
        src, tgt = clean_text(e.get("source"), 200), clean_text(e.get("target"), 200)
        where = f"edge {clean_text(e.get('id'), 200) or i + 1}"
        if src not in nodes or tgt not in nodes:
            plan.skip(where, "source or target is not a node of the graph")
            continue
        tie = next((v[k] for k in TIE_KEYS if v.get(k)), "") or clean_text(e.get("id"), 200)
        (sn, sk), (on, ok) = nodes[src], nodes[tgt]
        edges.add(where, src, sn, sk, tie.strip(), tgt, on, ok, v)


def _import(kb, path, fmt: str, reader, *, dry_run, actor, source, grade, max_bytes, curated=False):
    data, name = read_input_bytes(path, max_bytes=max_bytes)
    if not data.strip():
        raise InteropError("file is empty", code="E501", path=name)
    root = _parse_xml(data, name)
    if _local(root.tag) != fmt:
        raise InteropError(f"the root element is <{_local(root.tag)[:40]}>, not <{fmt}>", code="E501", path=name)
    short = name.rsplit("/", 1)[-1]
    plan = ImportPlan(kb, fmt, name, make_source(source or f"{fmt} import {short}", grade))
    reader(root, plan, _Edges(plan))
    return apply(plan, actor=actor, dry_run=dry_run, curated=curated)


@importer("gexf", help="GEXF (Gephi) network: one claim per edge, tie type from predicate/kind/label",
          suffixes=(".gexf",))
def import_gexf(kb, path, *, dry_run: bool = False, actor: str = "import", source: str | None = None,
                grade: str | None = None, max_bytes: int | None = None, **_options):
    return _import(kb, path, "gexf", _gexf, dry_run=dry_run, actor=actor, source=source, grade=grade,
                   max_bytes=max_bytes, curated=bool(_options.get("curated")))


@importer("graphml", help="GraphML network: one claim per edge, tie type from a predicate/label/type attribute",
          suffixes=(".graphml",))
def import_graphml(kb, path, *, dry_run: bool = False, actor: str = "import", source: str | None = None,
                   grade: str | None = None, max_bytes: int | None = None, **_options):
    return _import(kb, path, "graphml", _graphml, dry_run=dry_run, actor=actor, source=source, grade=grade,
                   max_bytes=max_bytes, curated=bool(_options.get("curated")))
