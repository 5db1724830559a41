"""The graph view: claims -> a signed, directed, multi-layer networkx graph.

``build_graph`` returns a ``networkx.MultiDiGraph``:

* nodes are entity ids with ``name`` and ``kind`` (and ``subtype``, ``ideology``,
  ``region``, ``parent``, ``network`` when known; ``network`` is the root of the
  entity's parent chain, the "parent network" partition);
* one edge per tie (subject, predicate, object) with key = predicate, holding every
  claim that counts in the view (``claims``, a list of claim ids) and the tie's
  ``layer``, ``sign``, ``strength`` (= ``weight``; see ``analysis.strength``),
  ``confidence`` (max), ``n_claims``, ``n_reports`` (independent reports),
  ``n_sources``, ``grades``, ``valid_from``/``valid_to`` (the claims' hull; ""
  = open), ``undated`` (every claim counted is undated, placed at its reported_at),
  ``n_attributed``, ``contested`` and ``contested_by`` (negated claims of the same
  triple whose time overlaps);
* a symmetric predicate (allied_with, trades_with, kinship_with, rival_of,
  negotiates_with) gives two edges, u->v and v->u, the second with ``mirror=True``
  (so directed metrics see the tie both ways; undirected metrics collapse them).

Which claims count: status not rejected (``status="all"``), or only reviewed ones
(``"accepted"``: accepted or edited), or one review status; polarity asserted (negated
claims only flag ties as contested); modality not hypothetical; confidence >=
``min_confidence``; and valid time overlapping the window (``at`` = the whole period
of a partial date, or ``date_from``..``date_to``). An undated claim counts at its
reported_at; a claim with no time at all counts only when there is no window.

By default the view is the one centrality, brokerage and communities use: actor
nodes (organization, person, state) over the cooperation and organizational layers.
Pass ``layers="all"`` (or a list) and ``actors_only=False`` for other views.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager

import networkx as nx

from andiwali.analysis import strength as st
from andiwali.analysis.records import (
    ACTOR_KINDS,
    ClaimRecord,
    DocInfo,
    EntityInfo,
    as_claim_record,
    entity_map,
)
from andiwali.analysis.timeutil import (
    OPEN_END,
    AnalysisError,
    claim_interval,
    date_end,
    date_start,
    overlaps,
    window,
)
from andiwali.model import Claim, Entity
from andiwali.model.ontology import ontology

DEFAULT_LAYERS: tuple[str, ...] = ("cooperation", "organizational")
COOPERATIVE_LAYERS: tuple[str, ...] = ("cooperation", "organizational", "financial", "personal")
STATUS_CHOICES = ("all", "all-but-rejected", "accepted", "pending", "edited", "reviewed")
NODE_ATTRIBUTES = ("subtype", "ideology", "region")


def parse_layers(layers: str | Sequence[str] | None, default: Sequence[str] = DEFAULT_LAYERS) -> tuple[str, ...]:
    """``None`` -> default; ``"all"`` -> every layer; ``"a,b"`` or a list -> those (checked)."""
    known = tuple(ontology().layers)
    if layers is None or layers == "" or layers == []:
        return tuple(default)
    if isinstance(layers, str):
        layers = [x.strip() for x in layers.split(",") if x.strip()]
    if "all" in layers:
        return known
    bad = [x for x in layers if x not in known]
    if bad:
        raise AnalysisError(f"unknown layer(s) {', '.join(bad)}; known: {', '.join(known)}", code="E602")
    return tuple(dict.fromkeys(layers))


def status_ok(status: str) -> frozenset[str] | None:
    """The review statuses a status filter keeps (rejected is never kept)."""
    if status in ("all", "all-but-rejected", None):
        return frozenset({"pending", "accepted", "edited"})
    if status in ("accepted", "reviewed"):
        return frozenset({"accepted", "edited"})
    if status in ("pending", "edited"):
        return frozenset({status})
    raise AnalysisError(f"status must be one of {', '.join(STATUS_CHOICES)}, got {status!r}", code="E603")


def _resolver(entities: dict[str, EntityInfo]):
    """Follow ``_merged_into`` so claims about a merged entity land on its target."""
    cache: dict[str, str] = {}

    def resolve(eid: str) -> str:
        r = cache.get(eid)
        if r is not None:
            return r
        seen = {eid}
        cur = eid
        while True:
            info = entities.get(cur)
            nxt = info.attributes.get("_merged_into") if info is not None and info.attributes else None
            if not nxt or nxt in seen:
                break
            seen.add(nxt)
            cur = nxt
        cache[eid] = cur
        return cur

    return resolve


def network_root(eid: str, entities: Mapping[str, EntityInfo]) -> str:
    seen = {eid}
    cur = eid
    while True:
        info = entities.get(cur)
        if info is None or not info.parent or info.parent in seen or info.parent not in entities:
            return cur
        seen.add(info.parent)
        cur = info.parent


def node_attrs(eid: str, entities: Mapping[str, EntityInfo]) -> dict:
    info = entities.get(eid)
    if info is None:
        return {"name": eid, "kind": "unknown"}
    out = {"name": info.name, "kind": info.kind}
    attrs = info.attributes or {}
    for k in NODE_ATTRIBUTES:
        v = attrs.get(k)
        if isinstance(v, str) and v:
            out[k] = v
    if info.parent:
        out["parent"] = info.parent
    out["network"] = network_root(eid, entities)
    return out



def doc_info(d: str, docs: dict, cache: dict) -> tuple:
    """(report key, grade factor, grade sum, source) of document d, cached: a document without a record
    counts with the no-document grade."""
    dinfo = cache.get(d)
    if dinfo is None:
        info = docs.get(d)
        if info is None:
            grade = st.NO_DOCUMENT_GRADE
            dinfo = ("doc:" + d, st.grade_factor(*grade), grade[0] + grade[1], None)
        else:
            dinfo = (info.key or "doc:" + d, st.grade_factor(info.reliability, info.credibility),
                     info.reliability + info.credibility, info.source)
        cache[d] = dinfo
    return dinfo

class _Tie:
    __slots__ = ("claims", "intervals", "conf", "reports", "sources", "grades", "vf", "vt", "n_undated",
                 "n_attributed", "quote")

    def __init__(self) -> None:
        self.claims: list[str] = []
        self.intervals: list = []
        self.conf = 0.0
        self.reports: dict[str, float] = {}
        self.sources: set[str] = set()
        self.grades: set[str] = set()
        self.vf: str | None = None  # None = not seen yet; "" = open
        self.vt: str | None = None
        self.n_undated = 0
        self.n_attributed = 0
        self.quote = None


@contextmanager
def paused_gc():
    """Building millions of small objects that all stay alive: the cyclic collector only slows that down."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def no_gc(fn):
    """Run ``fn`` with the cyclic collector paused (see ``paused_gc``): on a large graph every pass of the
    collector walks millions of live objects, which can cost more than the analysis itself."""

    @functools.wraps(fn)
    def wrapper(*args, **kw):
        with paused_gc():
            return fn(*args, **kw)

    return wrapper


def build_graph(
    claims: Iterable[Claim | ClaimRecord],
    entities: Iterable[Entity | EntityInfo] | Mapping[str, Entity | EntityInfo],
    *,
    at: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    layers: str | Sequence[str] | None = None,
    min_confidence: float | None = None,
    status: str = "all",
    actors_only: bool = True,
    doc_grades: Mapping[str, DocInfo] | None = None,
    predicates: Iterable[str] | None = None,
    keep_isolates: Iterable[str] = (),
) -> nx.MultiDiGraph:
    """Claims -> the graph view (see the module docstring). ``claims`` may be a stream."""
    with paused_gc():
        return _build_graph(claims, entities, at=at, date_from=date_from, date_to=date_to, layers=layers,
                            min_confidence=min_confidence, status=status, actors_only=actors_only,
                            doc_grades=doc_grades, predicates=predicates, keep_isolates=keep_isolates)


def _build_graph(claims, entities, *, at, date_from, date_to, layers, min_confidence, status, actors_only,
                 doc_grades, predicates, keep_isolates) -> nx.MultiDiGraph:
    view = _View(entities, at=at, date_from=date_from, date_to=date_to, layers=layers,
                 min_confidence=min_confidence, status=status, actors_only=actors_only, doc_grades=doc_grades,
                 predicates=predicates)
    ties, negs, stats = view.aggregate(claims)
    return view.assemble(ties, negs, stats, keep_isolates)


class _View:
    """The settings of one graph view: which claims count (``passes``), their ties (``aggregate``), the graph
    (``assemble``). ``snapshots`` uses the parts to filter the claims once for many windows."""

    def __init__(self, entities, *, at=None, date_from=None, date_to=None, layers=None, min_confidence=None,
                 status="all", actors_only=True, doc_grades=None, predicates=None) -> None:
        onto = ontology()
        self.ents = ents = entities if isinstance(entities, dict) and all(
            isinstance(v, EntityInfo) for v in entities.values()) else entity_map(entities)
        self.resolve = _resolver(ents)
        self.win = window(at, date_from, date_to)
        self.layer_set = set(parse_layers(layers))
        preds = {p.name: p for p in onto.predicates.values() if p.layer in self.layer_set}
        if predicates is not None:
            wanted = set(predicates)
            preds = {k: v for k, v in preds.items() if k in wanted}
        self.preds = preds
        self.keep_status = status_ok(status)
        self.status = status
        self.min_confidence = min_confidence
        self.actors_only = actors_only
        self.docs = doc_grades or {}
        self.doc_cache: dict[str, tuple] = {}  # doc id -> (report key, grade factor, grade, source)

    def actor_ids(self) -> frozenset[str]:
        ids = getattr(self, "_actor_ids", None)
        if ids is None:
            ids = self._actor_ids = frozenset(e for e, info in self.ents.items() if info.kind in ACTOR_KINDS)
        return ids

    def kind_ok(self, eid: str) -> bool:
        if not self.actors_only:
            return True
        info = self.ents.get(eid)
        return info is not None and info.kind in ACTOR_KINDS

    def passes(self, c: ClaimRecord) -> bool:
        """Whether an asserted claim counts in this view whatever the window (status, predicate, modality,
        confidence, kinds)."""
        if c.predicate not in self.preds or c.status not in self.keep_status or c.modality == "hypothetical":
            return False
        if self.min_confidence is not None and c.confidence < self.min_confidence:
            return False
        if not self.actors_only:
            return True
        actors = self.actor_ids()
        return self.resolve(c.subject) in actors and self.resolve(c.object) in actors

    def report_weights(self, c: ClaimRecord) -> tuple[tuple[str, float], ...]:
        """(report key, weight) for each of an asserted claim's documents, as ``aggregate`` counts them."""
        cf = c.confidence * st.MODALITY.get(c.modality, 1.0) * (st.ATTRIBUTED if c.attributed_to else 1.0)
        if not c.doc_ids:
            grade = st.REFERENCE_GRADE if c.extractor == "reference" else st.NO_DOCUMENT_GRADE
            return (("claim:" + c.id, cf * st.grade_factor(*grade)),)
        return tuple((dinfo[0], cf * dinfo[1]) for dinfo in (doc_info(d, self.docs, self.doc_cache) for d in c.doc_ids))

    def aggregate(self, claims) -> tuple[dict, dict, dict]:
        """(ties, negated claims by triple, counts) over the claims."""
        preds, keep_status, min_confidence = self.preds, self.keep_status, self.min_confidence
        resolve, win, docs, doc_cache = self.resolve, self.win, self.docs, self.doc_cache
        modality_factor, attributed_factor = st.MODALITY, st.ATTRIBUTED
        ties: dict[tuple[str, str, str], _Tie] = {}
        negs: dict[tuple[str, str, str], list] = {}
        actors = self.actor_ids() if self.actors_only else None
        seen = used = negated = outside = timeless = filtered = 0
        for raw in claims:
            c = raw if isinstance(raw, ClaimRecord) else as_claim_record(raw)
            seen += 1
            if c.predicate not in preds or c.status not in keep_status or c.modality == "hypothetical":
                filtered += 1
                continue
            if min_confidence is not None and c.confidence < min_confidence:
                filtered += 1
                continue
            s, o = resolve(c.subject), resolve(c.object)
            if actors is not None and (s not in actors or o not in actors):
                filtered += 1
                continue
            iv, undated = claim_interval(c.valid_from, c.valid_to, c.reported_at)
            if win is not None:
                if iv is None:
                    timeless += 1
                    continue
                if not (iv[0] <= win[1] and win[0] <= iv[1]):
                    outside += 1
                    continue
            key = (s, c.predicate, o)
            if c.polarity != "asserted":
                negated += 1
                negs.setdefault(key, []).append((c.id, iv))
                continue
            used += 1
            t = ties.get(key)
            if t is None:
                t = ties[key] = _Tie()
            t.claims.append(c.id)
            t.intervals.append(iv)
            if c.confidence > t.conf:
                t.conf = c.confidence
            if undated:
                t.n_undated += 1
            if c.attributed_to:
                t.n_attributed += 1
            vf = "" if undated else (c.valid_from or "")
            vt = "" if undated else (c.valid_to or "")
            if undated and c.reported_at:
                vf = vt = c.reported_at
            t.vf = vf if t.vf is None else min(t.vf, vf, key=date_start)
            t.vt = vt if t.vt is None else ("" if "" in (t.vt, vt) else max(t.vt, vt, key=date_end))
            cf = c.confidence * modality_factor.get(c.modality, 1.0) * (attributed_factor if c.attributed_to else 1.0)
            if c.doc_ids:
                for d in c.doc_ids:
                    rk, gf, gs, src = doc_info(d, docs, doc_cache)
                    w = cf * gf
                    if w > t.reports.get(rk, -1.0):
                        t.reports[rk] = w
                    t.grades.add(gs)
                    if src:
                        t.sources.add(src)
            else:
                grade = st.REFERENCE_GRADE if c.extractor == "reference" else st.NO_DOCUMENT_GRADE
                t.reports["claim:" + c.id] = cf * st.grade_factor(*grade)
                t.grades.add(grade[0] + grade[1])
                t.sources.add(c.extractor if c.extractor in ("reference", "human") else "no document")
            if t.quote is None and c.quotes:
                t.quote = c.quotes[0]
        stats = {"seen": seen, "used": used, "negated": negated, "outside_window": outside, "timeless": timeless,
                 "filtered": filtered}
        return ties, negs, stats

    def assemble(self, ties: dict, negs: dict, stats: dict, keep_isolates: Iterable[str] = ()) -> nx.MultiDiGraph:
        preds, layer_set, win, ents, resolve, kind_ok = (self.preds, self.layer_set, self.win, self.ents,
                                                         self.resolve, self.kind_ok)
        status, min_confidence, actors_only = self.status, self.min_confidence, self.actors_only
        G = nx.MultiDiGraph()
        G.graph.update({
            "layers": ",".join(sorted(layer_set)),
            "window_from": (win[0] if win else ""),
            "window_to": (win[1] if win and win[1] != OPEN_END else ""),
            "status": status,
            "min_confidence": -1.0 if min_confidence is None else float(min_confidence),
            "actors_only": actors_only,
            "claims_seen": stats["seen"],
            "claims_used": stats["used"],
            "claims_negated": stats["negated"],
            "claims_outside_window": stats["outside_window"],
            "claims_timeless_skipped": stats["timeless"],
        })
        for eid in keep_isolates:
            eid = resolve(eid)
            if kind_ok(eid):
                G.add_node(eid, **node_attrs(eid, ents))
        for (s, p, o), t in ties.items():
            pred = preds[p]
            for node in (s, o):
                if node not in G:
                    G.add_node(node, **node_attrs(node, ents))
            contested_by = []
            for nid, niv in negs.get((s, p, o), ()):
                if niv is None or any(iv is None or overlaps(iv, niv) for iv in t.intervals):
                    contested_by.append(nid)
            strength = st.combine(t.reports.values())
            attrs = {
                "predicate": p,
                "layer": pred.layer,
                "sign": pred.sign,
                "symmetric": pred.symmetric,
                "mirror": False,
                "claims": t.claims,
                "n_claims": len(t.claims),
                "strength": strength,
                "weight": strength,
                "confidence": t.conf,
                "n_reports": len(t.reports),
                "n_sources": len(t.sources),
                "grades": " ".join(sorted(t.grades)),
                "valid_from": t.vf or "",
                "valid_to": t.vt or "",
                "undated": t.n_undated == len(t.claims),
                "n_undated": t.n_undated,
                "n_attributed": t.n_attributed,
                "contested": bool(contested_by),
                "contested_by": contested_by,
            }
            if t.quote is not None:
                attrs["quote_doc"], attrs["quote_start"], attrs["quote_end"], attrs["quote"] = t.quote
            G.add_edge(s, o, key=p, **attrs)
            if pred.symmetric and s != o:
                G.add_edge(o, s, key=p, **(attrs | {"mirror": True}))
        return G




@no_gc
def two_mode_graph(claims, entities, **kw) -> nx.MultiDiGraph:
    """Actors and the places/platforms they are tied to (operates_in, based_in, controls, uses_platform).

    Node attribute ``bipartite``: 0 for actors (subjects), 1 for places, states as
    places, and platforms (objects). A state that is also a subject keeps 0.
    """
    kw = dict(kw)
    kw.setdefault("layers", ("geographic", "communication"))
    kw["actors_only"] = False
    kw["predicates"] = ("operates_in", "based_in", "controls", "uses_platform")
    G = build_graph(claims, entities, **kw)
    for u, _v in G.edges():
        G.nodes[u]["bipartite"] = 0
    for _n, d in G.nodes(data=True):
        d.setdefault("bipartite", 1)
    return G


@no_gc
def simple_digraph(G: nx.MultiDiGraph, *, signs: Iterable[int] | None = None, claims: bool = True) -> nx.DiGraph:
    """Collapse parallel edges (one per predicate) into one u->v edge.

    ``weight`` = sum of the ties' strengths, ``sign`` = the sign of the strength-weighted
    sum of the ties' signs (0 when they cancel), ``predicates`` and ``claims`` the union.
    ``signs`` keeps only ties of those signs (e.g. ``(1,)`` for the cooperative view).
    ``claims=False`` leaves the claim lists out (``claims`` is empty): the measures that only need the weights
    (PageRank, betweenness) then do not copy a million claim ids.
    """
    with_claims = claims
    keep = None if signs is None else set(signs)
    D = nx.DiGraph()
    D.graph.update(G.graph)
    D.add_nodes_from(G.nodes(data=True))
    acc: dict[tuple, dict] = {}  # (u, v) -> attributes, in the order the edges come (same adjacency order)
    for u, v, d in G.edges(data=True):
        if keep is not None and d["sign"] not in keep:
            continue
        e = acc.get((u, v))
        if e is not None:
            e["weight"] += d["strength"]
            e["signed"] += d["sign"] * d["strength"]
            e["predicates"].append(d["predicate"])
            if with_claims:
                e["claims"].extend(d["claims"])
            e["contested"] = e["contested"] or d["contested"]
        else:
            acc[(u, v)] = {"weight": d["strength"], "signed": d["sign"] * d["strength"],
                           "predicates": [d["predicate"]], "claims": list(d["claims"]) if with_claims else [],
                           "contested": d["contested"]}
    for e in acc.values():
        e["sign"] = 1 if e["signed"] > 1e-12 else (-1 if e["signed"] < -1e-12 else 0)
    D.add_edges_from((u, v, e) for (u, v), e in acc.items())
    return D


@no_gc
def undirected(G: nx.MultiDiGraph | nx.DiGraph, *, signs: Iterable[int] | None = None) -> nx.Graph:
    """One undirected edge per pair; weight = sum of the strengths of the ties between them (mirrors once)."""
    keep = None if signs is None else set(signs)
    U = nx.Graph()
    U.graph.update(G.graph)
    U.add_nodes_from(G.nodes(data=True))
    multi = G.is_multigraph()
    edges = G.edges(keys=True, data=True) if multi else ((u, v, None, d) for u, v, d in G.edges(data=True))
    acc: dict[tuple, dict] = {}  # pair in the orientation first seen -> attributes (same adjacency order)
    for u, v, _k, d in edges:
        if d.get("mirror"):
            continue
        sign = d.get("sign", 1)
        if keep is not None and sign not in keep:
            continue
        w = d.get("strength", d.get("weight", 1.0))
        e = acc.get((u, v))
        if e is None:
            e = acc.get((v, u))
        if e is not None:
            e["weight"] += w
            e["signed"] += sign * w
        else:
            acc[(u, v)] = {"weight": w, "signed": sign * w}
    U.add_edges_from((u, v, e) for (u, v), e in acc.items())
    return U


@no_gc
def flatten_for_export(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all scalars (GraphML, GEXF): lists become space-separated strings."""
    H = nx.MultiDiGraph()
    H.graph.update({k: v for k, v in G.graph.items() if isinstance(v, (str, int, float, bool))})
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: v for k, v in d.items() if v is not None})
    for u, v, k, d in G.edges(keys=True, data=True):
        out = {}
        for a, val in d.items():
            if isinstance(val, (list, tuple, set)):
                out[a] = " ".join(str(x) for x in val)
            elif val is not None:
                out[a] = val
        H.add_edge(u, v, key=k, **out)
    return H


@no_gc
def graph_from_kb(kb, **kw) -> nx.MultiDiGraph:
    """``build_graph`` over a knowledge base's claims, entities and document grades (same keywords)."""
    from andiwali.analysis.data import load

    data = load(kb, status=kw.get("status", "all"), with_quotes=kw.pop("with_quotes", False))
    return data.graph(**kw)
