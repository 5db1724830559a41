"""CSV out (nodes, claims, aggregated ties) and CSV/XLSX in (hand-coded ties).

Export ``csv OUT_DIR`` writes three files any tool reads (networkx, igraph, R's
``graph_from_data_frame``, Gephi's spreadsheet import):

* ``nodes.csv``: ``id, label, kind, aliases, parent, start, end, origin, attributes``;
* ``edges.csv``: one row per claim (negated ones too: filter on ``polarity``), with
  ``source``/``target`` entity ids first, then the predicate, time, review and the
  first evidence (``doc_id``, ``quote``, offsets; more evidence in ``extra_evidence``);
* ``edges_aggregated.csv``: the analysis' graph view, one row per tie (symmetric
  predicates both ways, the second with ``mirror`` true), with its strength as ``weight``.

Import reads the spreadsheet an analyst keeps: one row per tie with a subject, a
predicate or free-text tie type (mapped through ``interop.tietypes``), an object,
and optionally dates, source, quote, kinds, polarity, confidence (see
docs/interop.md for the accepted column names). ``andiwali export csv`` output
imports back unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from andiwali.errors import AndiwaliError, InteropError
from andiwali.interop.base import (
    MAX_FIELD_CHARS,
    MAX_ROWS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    ExportFilter,
    decode_text,
    exporter,
    importer,
    read_input_bytes,
    select,
)
from andiwali.interop.graphview import graph_view
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
from andiwali.model import Document, Entity
from andiwali.model.ontology import ontology

NODE_COLUMNS = ["id", "label", "kind", "aliases", "parent", "start", "end", "origin", "attributes"]
EDGE_COLUMNS = [
    "source", "target", "predicate", "source_label", "target_label", "source_kind", "target_kind", "layer", "sign",
    "polarity", "modality", "attributed_to", "attributed_to_id", "valid_from", "valid_to", "reported_at", "undated", "confidence",
    "status", "extractor", "claim_id", "doc_id", "doc_title", "doc_source", "grade", "published", "quote",
    "evidence_start", "evidence_end", "extra_evidence", "qualifiers", "reviewed_by", "reviewed_at",
]
AGG_COLUMNS = [
    "source", "target", "predicate", "source_label", "target_label", "layer", "sign", "weight", "confidence",
    "n_claims", "n_reports", "n_sources", "grades", "valid_from", "valid_to", "undated", "contested", "mirror",
    "claims",
]
TEXT_COLUMNS = {"label", "aliases", "source_label", "target_label", "attributed_to", "doc_title", "doc_source",
                "quote", "extra_evidence", "qualifiers", "attributes", "reviewed_by"}
ALIAS_SEP = " | "
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(col: str, v: Any) -> Any:
    """CSV cell: text that a spreadsheet would run as a formula gets a leading apostrophe (stripped on import)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if col in TEXT_COLUMNS and isinstance(v, str) and v.startswith(_FORMULA):
        return "'" + v
    return v


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(columns)
            for r in rows:
                w.writerow([_cell(c, r.get(c)) for c in columns])
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InteropError(f"cannot write {path}: {exc.strerror or exc}", code="E504") from None


def node_row(e: Entity) -> dict:
    attrs = {k: v for k, v in e.attributes.items() if not str(k).startswith("_")}
    return {"id": e.id, "label": e.name, "kind": e.kind,
            "aliases": ALIAS_SEP.join(a.name for a in e.aliases if a.name != e.name),
            "parent": e.parent, "start": e.start, "end": e.end, "origin": e.origin,
            "attributes": json.dumps(attrs, ensure_ascii=False, sort_keys=True, default=str) if attrs else ""}


@exporter("csv", help="CSV directory: nodes.csv, edges.csv (one row per claim), edges_aggregated.csv",
          directory=True)
def export_csv(kb, out, filt: ExportFilter, **_options) -> dict:
    onto = ontology()
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InteropError(f"cannot create directory {out}: {exc.strerror or exc}", code="E504") from None
    sel = select(kb, filt, with_text=False)
    edges = []
    for c in sel.claims:
        s, o = sel.entities.get(c.subject), sel.entities.get(c.object)
        pred = onto.predicate(c.predicate)
        ev = c.evidence[0] if c.evidence else None
        d = sel.documents.get(ev.doc_id) if ev else None
        att = sel.entities.get(c.attributed_to) if c.attributed_to else None
        extra = [{"doc_id": e.doc_id, "start": e.start, "end": e.end, "quote": e.quote, "page": e.page}
                 for e in c.evidence[1:]]
        edges.append({
            "source": c.subject, "target": c.object, "predicate": c.predicate,
            "source_label": s.name if s else c.subject, "target_label": o.name if o else c.object,
            "source_kind": s.kind if s else "", "target_kind": o.kind if o else "",
            "layer": pred.layer, "sign": pred.sign, "polarity": c.polarity, "modality": c.modality,
            "attributed_to": att.name if att else (c.attributed_to or ""), "attributed_to_id": c.attributed_to,
            "valid_from": c.valid_from, "valid_to": c.valid_to, "reported_at": c.reported_at,
            "undated": c.undated, "confidence": c.confidence, "status": c.status, "extractor": c.extractor,
            "claim_id": c.id, "doc_id": ev.doc_id if ev else "", "doc_title": (d or {}).get("title"),
            "doc_source": (d or {}).get("source"),
            "grade": ((d.get("reliability") or "F") + (d.get("credibility") or "6")) if d and d.get("source") else "",
            "published": (d or {}).get("published"),
            "quote": ev.quote if ev else "", "evidence_start": ev.start if ev else "",
            "evidence_end": ev.end if ev else "",
            "extra_evidence": json.dumps(extra, ensure_ascii=False) if extra else "",
            "qualifiers": json.dumps(c.qualifiers, ensure_ascii=False, sort_keys=True) if c.qualifiers else "",
            "reviewed_by": c.reviewed_by, "reviewed_at": c.reviewed_at,
        })
    G, _data = graph_view(kb, filt, default_layers="all", default_actors_only=False)
    agg = []
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda t: (t[0], t[1], str(t[2]))):
        agg.append({
            "source": u, "target": v, "predicate": k, "source_label": G.nodes[u].get("name"),
            "target_label": G.nodes[v].get("name"), "layer": d.get("layer"), "sign": d.get("sign"),
            "weight": round(float(d.get("strength", 0.0)), 6), "confidence": d.get("confidence"),
            "n_claims": d.get("n_claims"), "n_reports": d.get("n_reports"), "n_sources": d.get("n_sources"),
            "grades": d.get("grades"), "valid_from": d.get("valid_from"), "valid_to": d.get("valid_to"),
            "undated": d.get("undated"), "contested": d.get("contested"), "mirror": d.get("mirror"),
            "claims": " ".join(d.get("claims", [])),
        })
    node_ids = {x for c in sel.claims for x in (c.subject, c.object)} | set(G.nodes)
    if filt.is_empty:
        node_ids |= set(sel.entities)
    nodes = []
    for nid in sorted(node_ids):
        e = sel.entities.get(nid) or kb.entity(nid)
        if e is not None:
            nodes.append(node_row(e))
        else:
            nodes.append({"id": nid, "label": G.nodes[nid].get("name", nid) if nid in G else nid})
    _write_csv(out / "nodes.csv", NODE_COLUMNS, nodes)
    _write_csv(out / "edges.csv", EDGE_COLUMNS, edges)
    _write_csv(out / "edges_aggregated.csv", AGG_COLUMNS, agg)
    return {"format": "csv", "out": str(out), "nodes": len(nodes), "claims": len(edges), "ties": len(agg)}


# ---- import -----------------------------------------------------------------------------
def fold_header(h: Any) -> str:
    return re.sub(r"[\s\-./]+", "_", str(h or "").strip().casefold()).strip("_")


# role -> accepted column names (folded); the first present wins
COLUMNS: dict[str, tuple[str, ...]] = {
    "subject": ("subject", "subject_name", "actor", "ego", "entity_1", "entity1", "party_a", "actor_1"),
    "subject_label": ("source_label", "subject_label", "source_name"),
    "predicate": ("predicate", "relation", "relationship", "relationship_type", "tie", "tie_type", "type",
                  "edge_type", "relation_type", "link", "link_type"),
    "object": ("object", "object_name", "alter", "entity_2", "entity2", "party_b", "actor_2"),
    "object_label": ("target_label", "object_label", "target_name"),
    "subject_kind": ("subject_kind", "source_kind", "from_kind", "kind_1", "subject_type", "actor_1_kind"),
    "object_kind": ("object_kind", "target_kind", "to_kind", "kind_2", "object_type", "actor_2_kind"),
    "kind": ("kind", "entity_kind"),
    "valid_from": ("valid_from", "from_date", "start", "start_date", "date_from", "since", "begin", "first", "from"),
    "valid_to": ("valid_to", "to_date", "end", "end_date", "date_to", "until", "last", "to"),
    "date": ("date", "when", "year"),
    "source": ("source", "doc_source", "reference", "document", "citation", "source_document", "source_name"),
    "quote": ("quote", "evidence", "excerpt", "text", "passage", "citation_text"),
    "polarity": ("polarity", "negated", "negation"),
    "modality": ("modality",),
    "confidence": ("confidence", "certainty", "score"),
    "attributed_to": ("attributed_to", "according_to", "said_by", "speaker", "claimed_by"),
    "attributed_to_id": ("attributed_to_id",),
    "status": ("status", "review_status"),
    "grade": ("grade", "source_grade", "admiralty", "reliability"),
    "url": ("url", "link_url", "source_url"),
    "published": ("published", "reported_at", "report_date", "publication_date"),
    "claim_id": ("claim_id",),
    "doc_id": ("doc_id",),
    "doc_title": ("doc_title", "title"),
    "evidence_start": ("evidence_start",),
    "evidence_end": ("evidence_end",),
    "extra_evidence": ("extra_evidence",),
    "extractor": ("extractor",),
    "qualifiers": ("qualifiers",),
    "note": ("note", "notes", "comment", "comments"),
    "reviewed_by": ("reviewed_by",),
    "reviewed_at": ("reviewed_at",),
}
NEGATIVE = {"negated", "negative", "no", "not", "false", "denied", "deny", "0", "n", "x"}
POSITIVE = {"asserted", "positive", "yes", "true", "1", "y", ""}


def map_columns(header: list[Any]) -> dict[str, int]:
    """Column roles -> indexes. An edge list with ``source``/``target`` (and no subject/object) takes them
    as the two entities; then the document source must be named ``doc_source``/``reference``/..."""
    folded = [fold_header(h) for h in header]
    pos = {}
    for i, h in enumerate(folded):
        pos.setdefault(h, i)
    edge_list = "target" in pos and not any(x in pos for x in COLUMNS["object"])
    roles: dict[str, int] = {}
    if edge_list:
        roles["object"] = pos["target"]
        if "source" in pos:
            roles["subject"] = pos["source"]
    elif "to" in pos and not any(x in pos for x in COLUMNS["object"]):  # a from/to edge list
        roles["object"] = pos["to"]
        if "from" in pos:
            roles["subject"] = pos["from"]
    used = set(roles.values())
    for role, names in COLUMNS.items():
        if role in roles:
            continue
        for n in names:
            if n in pos and pos[n] not in used and not (edge_list and n == "source"):
                roles[role] = pos[n]
                used.add(pos[n])
                break
    return roles


def _unformula(v: str) -> str:
    if len(v) > 1 and v[0] == "'" and v[1] in "=+-@\t\r":
        return v[1:]
    return v


def _cellstr(v: Any) -> str:
    """A cell as text: numbers that are whole (years) lose their .0; dates become ISO."""
    from datetime import date, datetime

    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime):
        return v.date().isoformat() if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return _unformula(clean_text(v, MAX_FIELD_CHARS).strip())


class _Sheet:
    """Rows of one table -> an import plan."""

    def __init__(self, plan: ImportPlan, header: list[Any], default_grade: str | None):
        self.plan = plan
        self.roles = map_columns(header)
        self.default_grade = default_grade
        self.docs: dict[str, dict] = {}  # source -> {"lines": [...], "pos": int, "grade", "url", "published"}
        missing = [r for r in ("subject", "predicate", "object") if r not in self.roles]
        if missing:
            raise InteropError(
                "no column for " + ", ".join(missing) + " (header: " + ", ".join(str(h)[:40] for h in header[:30])
                + "); see docs/interop.md for the accepted column names", code="E501", path=plan.name)

    def get(self, row: list[Any], role: str) -> str:
        i = self.roles.get(role)
        if i is None or i >= len(row):
            return ""
        return _cellstr(row[i])

    def _kind(self, row, role: str) -> str | None:
        k = (self.get(row, role) or self.get(row, "kind")).strip().casefold()
        if not k:
            return None
        if k not in ontology().entity_kinds:
            raise InteropError(f"unknown entity kind {k[:40]!r} (use organization, person, state, place, platform)")
        return k

    def _entity(self, row, role: str, kind: str | None, allowed) -> Entity | None:
        val = self.get(row, role)
        label = self.get(row, role + "_label")
        if re.match(r"^ent_[0-9a-f]{16}$", val):
            e = self.plan.entity(val)
            if e is not None:
                return e if not allowed or e.kind in allowed else None
            if label:
                return self.plan.resolve(label, kind, allowed=None if kind else tuple(allowed), entity_id=val)
            return None
        return self.plan.resolve(label or val, kind, allowed=None if kind else tuple(allowed))

    def row(self, n: int, row: list[Any]) -> None:
        plan = self.plan
        where = f"row {n}"
        if not any(_cellstr(x) for x in row):
            return
        tie = self.get(row, "predicate")
        subj, obj = self.get(row, "subject"), self.get(row, "object")
        if not subj or not obj:
            plan.skip(where, "no subject or no object")
            return
        mapped = map_tie(tie)
        if not mapped:
            plan.unmapped(where, tie or "(empty)")
            return
        try:
            skind = self._kind(row, "subject_kind")
            okind = self._kind(row, "object_kind")
            chosen, last = None, None
            for m in mapped:
                pred = ontology().predicate(m.predicate)
                sr, orole = ("object", "subject") if m.reverse else ("subject", "object")
                sk, ok = (okind, skind) if m.reverse else (skind, okind)
                if sk and sk not in pred.subject_kinds or ok and ok not in pred.object_kinds:
                    last = f"{m.predicate} does not allow {sk or '?'} -> {ok or '?'}"
                    continue
                s = self._entity(row, sr, sk, pred.subject_kinds)
                o = self._entity(row, orole, ok, pred.object_kinds)
                if s is None or o is None or not pred.allows(s.kind, o.kind):
                    last = f"{m.predicate}: the subject or object is not of an allowed kind" if s is None or o is None \
                        else f"{m.predicate} does not allow {s.kind} {s.name!r} -> {o.kind} {o.name!r}"
                    continue
                chosen = (m, s, o)
                break
            if chosen is None:
                plan.skip(where, last or f"cannot map {tie!r}")
                return
            m, s, o = chosen
            vf = parse_date(self.get(row, "valid_from"), "valid_from")
            vt = parse_date(self.get(row, "valid_to"), "valid_to")
            one = parse_date(self.get(row, "date"), "date")
            if one and not vf and not vt:
                vf = vt = one
            pol_raw = self.get(row, "polarity").casefold()
            if pol_raw in NEGATIVE:
                polarity = "negated"
            elif pol_raw in POSITIVE:
                polarity = m.polarity or "asserted"
            else:
                raise InteropError(f"polarity must be asserted or negated, got {pol_raw[:40]!r}")
            att_name = self.get(row, "attributed_to")
            att_id = self.get(row, "attributed_to_id")
            speaker = plan.resolve(att_name, None, allowed=("organization", "person", "state"),
                                   entity_id=att_id or None) if att_name else None
            published = parse_date(self.get(row, "published"), "published")
            quals = {}
            if self.get(row, "qualifiers"):
                try:
                    q = json.loads(self.get(row, "qualifiers"))
                    quals = q if isinstance(q, dict) else {}
                except (ValueError, RecursionError):
                    raise InteropError("qualifiers is not a JSON object") from None
            if self.get(row, "note"):
                quals["note"] = self.get(row, "note")[:2000]
            if tie and tie != m.predicate:
                quals.setdefault("tie_type", tie[:200])
            fields = {
                "subject": s.id, "predicate": m.predicate, "object": o.id, "polarity": polarity,
                "modality": self.get(row, "modality") or "fact",
                "attributed_to": speaker.id if speaker else None, "valid_from": vf, "valid_to": vt,
                "reported_at": published, "extractor": self.get(row, "extractor") or "human",
                "confidence": parse_confidence(self.get(row, "confidence"), default=1.0),
                "status": self.get(row, "status") or "pending",
                "reviewed_by": self.get(row, "reviewed_by") or None,
                "reviewed_at": self.get(row, "reviewed_at") or None, "qualifiers": quals,
            }
            evidence = self._evidence(row, s, m.predicate, o, tie, published)
        except InteropError as exc:
            plan.skip(where, str(exc).split(": ", 1)[-1])
            return
        cid = self.get(row, "claim_id") or None
        plan.claims.append(ClaimDraft(where, fields, evidence, claim_id=cid))

    def _evidence(self, row, s: Entity, pred: str, o: Entity, tie: str, published: str | None) -> list[EvidenceDraft]:
        quote = self.get(row, "quote")
        source = self.get(row, "source")
        doc_id = self.get(row, "doc_id")
        out = []
        if doc_id and quote:
            st, en = self.get(row, "evidence_start"), self.get(row, "evidence_end")
            start = int(st) if st.isdigit() else None
            end = int(en) if en.isdigit() else None
            info = {"title": self.get(row, "doc_title"), "source": source, "grade": self.get(row, "grade") or None,
                    "published": published, "url": self.get(row, "url")}
            out.append(EvidenceDraft(doc_id, start, end, quote, doc={k: v for k, v in info.items() if v}))
            extra = self.get(row, "extra_evidence")
            if extra:
                try:
                    items = json.loads(extra)
                except (ValueError, RecursionError):
                    raise InteropError("extra_evidence is not JSON") from None
                for ev in items if isinstance(items, list) else []:
                    if isinstance(ev, dict) and isinstance(ev.get("quote"), str) and isinstance(ev.get("doc_id"), str):
                        ok = all(isinstance(ev.get(k), int) and not isinstance(ev.get(k), bool)
                                 for k in ("start", "end"))
                        out.append(EvidenceDraft(ev["doc_id"], ev["start"] if ok else None, ev["end"] if ok else None,
                                                 clean_text(ev["quote"]),
                                                 ev.get("page") if isinstance(ev.get("page"), int) else None))
            return out
        # a hand-coded row: its quote (or the row itself) becomes a small document of its source (see finish)
        row_text = f"{self.get(row, 'subject_label') or self.get(row, 'subject')} {tie or pred} " \
            f"{self.get(row, 'object_label') or self.get(row, 'object')}"
        text = " ".join((quote or row_text).split())
        key = source or ""
        d = self.docs.setdefault(key, {"texts": {}, "grade": None, "url": None, "published": None, "title": None})
        d["grade"] = d["grade"] or self.get(row, "grade") or None
        d["url"] = d["url"] or self.get(row, "url") or None
        d["published"] = d["published"] or published
        d["title"] = d["title"] or self.get(row, "doc_title") or None
        d["texts"].setdefault(text, published)
        return [EvidenceDraft(f"sheet:{key}\x1f{text}", 0, len(text), text)]

    def finish(self) -> None:
        """One small document per distinct quote of a source, keyed by source and text (so re-importing an
        edited sheet adds only the rows that changed), all of one source counted as one report by the
        analysis (``meta.original``, the independence key)."""
        plan = self.plan
        name = plan.name.rsplit("/", 1)[-1]
        ids = {}
        for key, d in self.docs.items():
            try:
                src = make_source(key, d["grade"] or self.default_grade, kind="publisher") if key else plan.source
            except AndiwaliError as exc:
                plan.report.warnings.append(f"source {key!r}: {str(exc).split(': ', 1)[-1]}; graded F6")
                src = make_source(key, None, kind="publisher")
            group = f"sheet-source:{key}" if key else f"sheet-file:{name}"
            for text, pub in d["texts"].items():
                digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
                doc = Document(text=text, key=f"sheet:{key or name + ' (no source)'}#{digest}",
                               title=d["title"] or key or f"{name} (rows without a source)",
                               published=pub or d["published"], url=d["url"], format=plan.format, source=src,
                               meta={"original": group, "imported_from": plan.name,
                                     "note": "a hand-coded tie's quote (or the row itself)"})
                plan.add_document(doc)
                ids[f"sheet:{key}\x1f{text}"] = doc.id
        for c in plan.claims:
            for ev in c.evidence:
                if ev.doc_id in ids:
                    ev.doc_id = ids[ev.doc_id]


def _run_rows(plan: ImportPlan, rows, grade: str | None) -> None:
    header = None
    sheet = None
    n = 0
    for n, row in enumerate(rows, 1):
        if n > MAX_ROWS + 1:
            raise InteropError(f"more than {MAX_ROWS} rows", code="E502", path=plan.name)
        row = list(row)
        if sheet is None:
            if not any(_cellstr(x) for x in row):
                continue
            header = row
            sheet = _Sheet(plan, header, grade)
            continue
        sheet.row(n, row)
    if sheet is None:
        raise InteropError("no header row (the first non-empty row must name the columns)", code="E501",
                           path=plan.name)
    sheet.finish()


def _plan(kb, fmt: str, name: str, source: str | None, grade: str | None) -> ImportPlan:
    short = name.rsplit("/", 1)[-1]
    return ImportPlan(kb, fmt, name, make_source(source or f"{fmt} import {short}", grade, kind="dataset"))


@importer("csv", help="CSV of hand-coded ties (subject, tie type, object, dates, source, quote ...), "
          "or an `export csv` edges.csv", suffixes=(".csv", ".tsv"))
def import_csv(kb, path, *, dry_run: bool = False, actor: str = "import", source: str | None = None,
               grade: str | None = None, max_bytes: int | None = None, **_options):
    p = Path(path) if not isinstance(path, (bytes, bytearray)) and str(path) != "-" else None
    if p is not None and p.is_dir():
        p = p / "edges.csv"  # an `export csv` directory
        path = p
    data, name = read_input_bytes(path, max_bytes=max_bytes)
    text = decode_text(data, name)
    if not text.strip():
        raise InteropError("file is empty", code="E501", path=name)
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t|")
        delim = dialect.delimiter
    except csv.Error:
        delim = ","
    plan = _plan(kb, "csv", name, source, grade)
    try:
        _run_rows(plan, _bounded_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False)), grade)
    except csv.Error as exc:
        raise InteropError(f"not a readable CSV file: {exc}", code="E501", path=name) from None
    return apply(plan, actor=actor, dry_run=dry_run, curated=bool(_options.get("curated")))


MAX_CSV_CELL = 131072


def _bounded_rows(rows):
    """Refuse oversized cells ourselves: csv.field_size_limit is process-global and others may raise it."""
    for row in rows:
        if any(len(cell) > MAX_CSV_CELL for cell in row):
            raise csv.Error(f"field larger than field limit ({MAX_CSV_CELL})")
        yield row


def _check_zip(data: bytes, name: str) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise InteropError("not an .xlsx file (not a zip archive)", code="E501", path=name) from None
    if len(infos) > 10_000:
        raise InteropError("the .xlsx archive has too many members", code="E502", path=name)
    total = 0
    for i in infos:
        total += i.file_size
        if i.file_size > 1_000_000 and i.file_size > MAX_XLSX_RATIO * max(i.compress_size, 1):
            raise InteropError(f"member {i.filename[:80]!r} expands {i.file_size // max(i.compress_size, 1)}x: "
                               "a zip bomb?", code="E502", path=name)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise InteropError(f"the .xlsx expands to {total} bytes, above {MAX_XLSX_UNCOMPRESSED}", code="E502",
                           path=name)


@importer("xlsx", help="Excel workbook of hand-coded ties (first sheet with a subject/object header, or --sheet)",
          suffixes=(".xlsx", ".xlsm"))
def import_xlsx(kb, path, *, dry_run: bool = False, actor: str = "import", source: str | None = None,
                grade: str | None = None, max_bytes: int | None = None, sheet: str | None = None, **_options):
    data, name = read_input_bytes(path, max_bytes=max_bytes)
    _check_zip(data, name)
    import warnings

    import openpyxl

    plan = _plan(kb, "xlsx", name, source, grade)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if sheet is not None:
                if sheet not in wb.sheetnames:
                    raise InteropError(f"no sheet {sheet!r}; sheets: {', '.join(wb.sheetnames)}", code="E503",
                                       path=name)
                ws = wb[sheet]
            else:
                ws = None
                for cand in wb.worksheets:
                    for row in cand.iter_rows(min_row=1, max_row=20, values_only=True):
                        if any(_cellstr(x) for x in row):
                            roles = map_columns(list(row))
                            if all(r in roles for r in ("subject", "predicate", "object")):
                                ws = cand
                            break
                    if ws is not None:
                        break
                if ws is None:
                    ws = wb.worksheets[0] if wb.worksheets else None
                if ws is None:
                    raise InteropError("the workbook has no sheet", code="E501", path=name)
            _run_rows(plan, ws.iter_rows(values_only=True), grade)
        finally:
            wb.close()
    except InteropError:
        raise
    except Exception as exc:  # openpyxl and its XML parser raise many types on broken files
        raise InteropError(f"not a readable .xlsx workbook: {type(exc).__name__}: {str(exc)[:120]}", code="E501",
                           path=name) from None
    return apply(plan, actor=actor, dry_run=dry_run, curated=bool(_options.get("curated")))
