"""Claim-level evaluation against gold files (the format of ``shared/ontology.md``).

A predicted claim is correct when subject, predicate, object and polarity
match a gold claim (symmetric predicates in either order); names match
through the gazetteer's aliases. Gold claims marked ``optional`` neither add
to recall nor count against precision. Time, attribution and modality
(where gold gives it) are scored separately over the matched claims.

Predicted claims are deduplicated on (subject, predicate, object, polarity,
attribution, time); a further prediction of a relation already matched is a
duplicate (the same tie stated in another sentence), reported but not counted
as an error.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from andiwali.errors import AndiwaliError
from andiwali.model.names import normalize_name
from andiwali.model.ontology import ontology
from andiwali.model.reference import Gazetteer, bundled_gazetteer


class EvalError(AndiwaliError):
    code = "E600"


def read_gold(path: str | Path) -> list[dict]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{n}: not JSON: {exc}") from None
        if "doc" not in rec or "claims" not in rec:
            raise EvalError(f"{path}:{n}: a gold record needs 'doc' and 'claims'")
        out.append(rec)
    return out


_STATE_BODY = re.compile(r"(?i)^(?:the\s+)?(.+?)(?:['’]s)?\s+(?:government|regime|administration|junta|authorities|"
                         r"(?:armed|security|military|defen[cs]e)\s+forces|forces|troops|army|military|navy|air\s+force)$")


class NameKeys:
    """Maps names (gold) and predicted entities to comparable keys through the gazetteer."""

    def __init__(self, gaz: Gazetteer):
        self.gaz = gaz

    def key(self, name: str | None) -> str | None:
        if name is None:
            return None
        ent = self.gaz.by_name(name)
        if ent is not None:
            return ent.id
        m = _STATE_BODY.match(name.strip())
        if m:
            # "the Colombian government", "Philippine armed forces": the ontology's state names its government
            # and forces too
            st = self.gaz.by_name(m.group(1), "state")
            if st is not None:
                return st.id
        return "name:" + normalize_name(name)

    def key_entity(self, ent: dict | str | None) -> str | None:
        if ent is None:
            return None
        if isinstance(ent, str):
            return self.key(ent)
        eid = ent.get("id")
        if eid and eid in self.gaz.entities:
            return eid
        return self.key(ent.get("name"))


def triple_key(keys: NameKeys, s: Any, p: str, o: Any, pol: str, by_entity: bool) -> tuple:
    """The comparable key of a claim: gold names (by_entity False) or predicted entities through ``keys``,
    symmetric predicates in one order."""
    ks = keys.key_entity(s) if by_entity else keys.key(s)
    ko = keys.key_entity(o) if by_entity else keys.key(o)
    if p in ontology().predicates and ontology().predicates[p].symmetric and (ko or "") < (ks or ""):
        ks, ko = ko, ks
    return (ks, p, ko, pol)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Report:
    overall: Counts = field(default_factory=Counts)
    per_predicate: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    time: Counter = field(default_factory=Counter)
    attribution: Counter = field(default_factory=Counter)
    modality: Counter = field(default_factory=Counter)
    misses: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)
    duplicates: int = 0
    matched: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        def acc(c: Counter) -> dict:
            n = c["right"] + c["wrong"]
            return {"accuracy": round(c["right"] / n, 4) if n else None, "n": n}

        return {
            **self.overall.prf(),
            "per_predicate": {p: c.prf() for p, c in sorted(self.per_predicate.items())},
            "time": acc(self.time),
            "attribution": acc(self.attribution),
            "modality": acc(self.modality),
            "duplicates": self.duplicates,
            "misses": self.misses,
            "extras": self.extras,
        }


def _gold_time(g: dict) -> tuple:
    return (g.get("valid_from"), g.get("valid_to"))


def score_document(report: Report, doc: str, gold_claims: list[dict], predicted: list[dict], keys: NameKeys) -> None:
    """Score one document's predictions (contract-style dicts) against its gold claims."""
    # dedupe predictions on the full identity
    seen: set[tuple] = set()
    preds: list[tuple[tuple, dict]] = []
    for p in predicted:
        t = triple_key(keys, p["subject"], p["predicate"], p["object"], p.get("polarity", "asserted"), True)
        ident = (t, keys.key(p.get("attributed_to")), p.get("valid_from"), p.get("valid_to"))
        if ident in seen:
            continue
        seen.add(ident)
        preds.append((t, p))
    golds = [(triple_key(keys, g["subject"], g["predicate"], g["object"], g.get("polarity", "asserted"), False), g) for g in gold_claims]
    used_pred: set[int] = set()
    matched_keys: set[tuple] = set()
    optional_keys = {t for t, g in golds if g.get("optional")}
    # required gold first, best time/attribution agreement first
    for t, g in sorted(golds, key=lambda tg: bool(tg[1].get("optional"))):
        cands = [i for i, (pt, _) in enumerate(preds) if pt == t and i not in used_pred]
        if not cands:
            if not g.get("optional"):
                report.overall.fn += 1
                report.per_predicate[g["predicate"]].fn += 1
                report.misses.append({"doc": doc, **g})
            continue

        def agreement(i: int, g: dict = g) -> int:
            p = preds[i][1]
            return int((p.get("valid_from"), p.get("valid_to")) == _gold_time(g)) + int(
                keys.key(p.get("attributed_to")) == keys.key(g.get("attributed_to"))
            )

        best = max(cands, key=agreement)
        used_pred.add(best)
        matched_keys.add(t)
        p = preds[best][1]
        if g.get("optional"):
            continue
        report.overall.tp += 1
        report.per_predicate[g["predicate"]].tp += 1
        report.time["right" if (p.get("valid_from"), p.get("valid_to")) == _gold_time(g) else "wrong"] += 1
        same_attr = keys.key(p.get("attributed_to")) == keys.key(g.get("attributed_to"))
        report.attribution["right" if same_attr else "wrong"] += 1
        if g.get("modality"):
            report.modality["right" if p.get("modality", "fact") == g["modality"] else "wrong"] += 1
        report.matched.append({"doc": doc, "gold": g, "predicted": p})
    for i, (t, p) in enumerate(preds):
        if i in used_pred:
            continue
        if t in matched_keys or t in optional_keys:
            report.duplicates += 1
            continue
        report.overall.fp += 1
        report.per_predicate[p["predicate"]].fp += 1
        report.extras.append({"doc": doc, **p})


def claims_as_records(result: Any, gaz: Gazetteer) -> list[dict]:
    """ExtractionResult claims -> contract-style dicts for scoring."""
    ents = dict(gaz.entities)
    for e in getattr(result, "entities", []) or []:
        ents.setdefault(e.id, e)

    def ent(eid: str) -> dict:
        e = ents.get(eid)
        return {"id": eid, "name": e.name if e else eid, "kind": e.kind if e else None}

    out = []
    for c in result.claims:
        attr = ents.get(c.attributed_to) if c.attributed_to else None
        out.append({
            "subject": ent(c.subject), "predicate": c.predicate, "object": ent(c.object), "polarity": c.polarity,
            "modality": c.modality, "attributed_to": (attr.name if attr else c.attributed_to),
            "valid_from": c.valid_from, "valid_to": c.valid_to, "confidence": c.confidence,
            "evidence": {"start": c.evidence[0].start, "end": c.evidence[0].end, "quote": c.evidence[0].quote} if c.evidence else None,
        })
    return out


def evaluate(
    gold_path: str | Path,
    docs_dir: str | Path | None = None,
    *,
    predictions: dict[str, list[dict]] | None = None,
    min_confidence: float = 0.5,
    backend: str = "rules",
    gazetteer: Gazetteer | None = None,
) -> dict:
    """Score extraction on the gold file's documents (read from ``docs_dir``) or on given predictions."""
    gaz = gazetteer or bundled_gazetteer()
    keys = NameKeys(gaz)
    report = Report()
    gold = read_gold(gold_path)
    for rec in gold:
        doc_name = rec["doc"]
        if predictions is not None:
            preds = predictions.get(doc_name, [])
        else:
            if docs_dir is None:
                raise EvalError("give a documents directory or predictions")
            path = Path(docs_dir) / doc_name
            if not path.exists():
                raise EvalError(f"gold names {doc_name} but {path} does not exist")
            from andiwali.extract import extract_document
            from andiwali.model import Document

            doc = Document(text=path.read_text(encoding="utf-8"), key=str(path), title=path.stem)
            result = extract_document(doc, gaz, backend=backend)
            preds = claims_as_records(result, gaz)
        preds = [p for p in preds if p.get("confidence", 1.0) >= min_confidence]
        score_document(report, doc_name, rec["claims"], preds, keys)
    out = report.as_dict()
    out["documents"] = len(gold)
    return out


def read_predictions(path: str | Path) -> dict[str, list[dict]]:
    """Contract JSON lines (``extract --jsonl``) grouped by document file name."""
    out: dict[str, list[dict]] = defaultdict(list)
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[Path(rec["doc"]).name].append(rec)
    return out


def score_sentences(path: str | Path, *, min_confidence: float = 0.5, verbose: bool = False,
                    gazetteer: Gazetteer | None = None) -> dict:
    """Precision/recall of the rules backend on single-sentence gold (one JSON object per line).

    Each line: ``{"text": "...", "claims": [[subject, predicate, object, polarity], ...]}``; an empty list
    means the sentence states no tie; a fifth element ``"optional"`` marks a claim that is right when
    predicted but not required. Gold and predicted claims are compared as :func:`evaluate` compares them
    (:class:`NameKeys`: names through the gazetteer's aliases, symmetric predicates in either order).
    With ``verbose`` every miss and extra is printed.
    """
    from andiwali.extract import extract_document
    from andiwali.model import Document
    from andiwali.model.reference import bundled_gazetteer

    gaz = gazetteer or bundled_gazetteer()
    keys = NameKeys(gaz)
    tp = fp = fn = 0
    per: dict[tuple[str, str], int] = {}
    p = Path(path)
    lines = [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
    for i, item in enumerate(lines):
        res = extract_document(Document(text=item["text"], key=f"{p.name}#{i}"), gaz)
        ents = res.entity_names(gaz)
        pred = [(triple_key(keys, {"id": c.subject, "name": ents[c.subject].name}, c.predicate,
                            {"id": c.object, "name": ents[c.object].name}, c.polarity, True),
                 ents[c.subject].name, ents[c.object].name)
                for c in res.claims if c.confidence >= min_confidence]
        used: set[int] = set()
        for claim in sorted(item["claims"], key=len):
            s, pr, o, pol = claim[:4]
            optional = claim[4:] == ["optional"]
            want = triple_key(keys, s, pr, o, pol, False)
            hit = next((j for j, (k, _s, _o) in enumerate(pred) if j not in used and k == want), None)
            if hit is not None:
                used.add(hit)
                if not optional:
                    tp += 1
                    per[(pr, "tp")] = per.get((pr, "tp"), 0) + 1
            elif not optional:
                fn += 1
                per[(pr, "fn")] = per.get((pr, "fn"), 0) + 1
                if verbose:
                    print(f"MISS  [{i}] {s} {pr} {o} {pol}\n      {item['text']}")
        for j, (k, sname, oname) in enumerate(pred):
            if j not in used:
                fp += 1
                per[(k[1], "fp")] = per.get((k[1], "fp"), 0) + 1
                if verbose:
                    print(f"EXTRA [{i}] {sname} {k[1]} {oname} {k[3]}\n      {item['text']}")
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    preds = sorted({k for k, _ in per})
    return {"sentences": len(lines), "tp": tp, "fp": fp, "fn": fn, "precision": round(prec, 3),
            "recall": round(rec, 3), "f1": round(f1, 3),
            "per_predicate": {k: {t: per.get((k, t), 0) for t in ("tp", "fp", "fn")} for k in preds}}
