"""Core commands: init, claims, review, eval, summary."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import typer

from andiwali.cli import app, fail, open_kb, state
from andiwali.errors import AndiwaliError
from andiwali.model import Claim


@app.command()
def init(
    db: str = typer.Option(None, "--db", envvar="ANDIWALI_DB", help="A postgresql:// URL instead of the --kb directory."),
    no_reference: bool = typer.Option(False, "--no-reference", help="Do not load the bundled reference data."),
) -> None:
    """Create a knowledge base (or upgrade it) and load the bundled reference data."""
    from andiwali.store import KnowledgeBase
    from andiwali.store.config import locate

    location = db or locate(state.kb)
    kb = KnowledgeBase.create(location, with_reference=not no_reference)
    counts = kb.counts()
    typer.echo(
        f"knowledge base ready at {location} (schema v{kb.schema_version()}): "
        f"{counts['entities']} entities, {counts['claims']} claims"
    )
    kb.close()


def entity_ref(kb, eid: str | None, cache: dict) -> dict | None:
    if eid is None:
        return None
    if eid not in cache:
        e = kb.entity(eid)
        cache[eid] = {"id": eid, "name": e.name if e else eid, "kind": e.kind if e else None}
    return cache[eid]


def claim_json(kb, c: Claim, cache: dict, *, evidence: bool = True) -> dict:
    attr = entity_ref(kb, c.attributed_to, cache)
    out = {
        "id": c.id,
        "subject": entity_ref(kb, c.subject, cache),
        "predicate": c.predicate,
        "object": entity_ref(kb, c.object, cache),
        "polarity": c.polarity,
        "modality": c.modality,
        "attributed_to": attr["name"] if attr else None,
        "valid_from": c.valid_from,
        "valid_to": c.valid_to,
        "reported_at": c.reported_at,
        "undated": c.undated,
        "confidence": c.confidence,
        "extractor": c.extractor,
        "status": c.status,
        "qualifiers": c.qualifiers,
    }
    if evidence:
        out["evidence"] = [{"doc_id": e.doc_id, "start": e.start, "end": e.end, "quote": e.quote} for e in c.evidence]
    return out


def _resolve_one(kb, name: str | None, what: str) -> str | None:
    if not name:
        return None
    if name.startswith("ent_") and kb.entity(name):
        return name
    found = kb.find_entities(name)
    if not found:
        raise fail(f"no entity named {name!r} for {what}", 2)
    return found[0].id


@app.command()
def claims(
    subject: str = typer.Option(None, "--subject", help="Subject entity (name, alias or id)."),
    predicate: str = typer.Option(None, "--predicate"),
    object_: str = typer.Option(None, "--object", help="Object entity (name, alias or id)."),
    date_from: str = typer.Option(None, "--from", help="Keep claims valid on or after this date (YYYY[-MM[-DD]])."),
    date_to: str = typer.Option(None, "--to", help="Keep claims valid on or before this date."),
    status: str = typer.Option(None, "--status", help="pending|accepted|rejected|edited|all (default: all but rejected)."),
    min_confidence: float = typer.Option(None, "--min-confidence"),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
    limit: int = typer.Option(None, "--limit"),
) -> None:
    """List claims with filters."""
    from andiwali.model import ontology

    if predicate and predicate not in ontology().predicates:
        raise fail(f"unknown predicate {predicate!r}", 2)
    if status and status != "all" and status not in ontology().review_statuses:
        raise fail(f"unknown status {status!r}", 2)
    kb = open_kb()
    s = _resolve_one(kb, subject, "--subject")
    o = _resolve_one(kb, object_, "--object")
    found = kb.claims(subject=s, predicate=predicate, object=o, date_from=date_from, date_to=date_to,
                      status=status, min_confidence=min_confidence, limit=limit)
    cache: dict = {}
    rows = [claim_json(kb, c, cache) for c in found]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        when = f"{r['valid_from'] or '…'}..{r['valid_to'] or '…'}" if not r["undated"] else f"undated@{r['reported_at'] or '?'}"
        neg = " NOT" if r["polarity"] == "negated" else ""
        attr = f" [per {r['attributed_to']}]" if r["attributed_to"] else ""
        typer.echo(f"{r['id']}  {r['subject']['name']}{neg} {r['predicate']} {r['object']['name']}  {when}  "
                   f"{r['confidence']:.2f} {r['status']}{attr}")
    typer.echo(f"{len(rows)} claims", err=True)


@app.command()
def review(
    claim_id: str = typer.Argument(..., help="The claim id."),
    decision: str = typer.Argument(..., help="accept or reject."),
) -> None:
    """Accept or reject a claim (recorded in the audit log)."""
    statuses = {"accept": "accepted", "reject": "rejected", "accepted": "accepted", "rejected": "rejected"}
    if decision not in statuses:
        raise fail("decision must be accept or reject", 2)
    kb = open_kb()
    try:
        c = kb.review(claim_id, statuses[decision], actor=state.actor)
    except AndiwaliError as exc:
        raise fail(f"error: {exc}", 1) from None
    typer.echo(f"{c.id} {c.status} by {c.reviewed_by}")


@app.command("eval")
def eval_(
    gold: Path = typer.Argument(..., exists=True, dir_okay=False, help="Gold JSON Lines file."),
    docs_dir: Path = typer.Argument(None, help="Directory holding the gold's documents."),
    predictions: Path = typer.Option(None, "--predictions", help="Score these `extract --jsonl` lines instead of running extraction."),
    min_confidence: float = typer.Option(0.5, "--min-confidence"),
    backend: str = typer.Option("rules", "--backend"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Claim-level precision, recall and F1 against a gold file, with misses and extras."""
    from andiwali.evaluation import evaluate, read_predictions

    if docs_dir is None and predictions is None:
        raise fail("give DOCS_DIR or --predictions", 2)
    preds = read_predictions(predictions) if predictions else None
    report = evaluate(gold, docs_dir, predictions=preds, min_confidence=min_confidence, backend=backend)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    typer.echo(f"documents {report['documents']}  precision {report['precision']:.3f}  recall {report['recall']:.3f}  "
               f"F1 {report['f1']:.3f}  (tp {report['tp']}, fp {report['fp']}, fn {report['fn']}, duplicates {report['duplicates']})")
    for k in ("time", "attribution", "modality"):
        a = report[k]
        typer.echo(f"{k} accuracy: {a['accuracy'] if a['accuracy'] is not None else '-'} over {a['n']} matched")
    typer.echo("per predicate:")
    for p, r in report["per_predicate"].items():
        typer.echo(f"  {p:24s} P {r['precision']:.2f} R {r['recall']:.2f} F1 {r['f1']:.2f}  (tp {r['tp']} fp {r['fp']} fn {r['fn']})")
    for title, items in (("misses", report["misses"]), ("extras", report["extras"])):
        typer.echo(f"{title} ({len(items)}):")
        for m in items:
            s = m["subject"]["name"] if isinstance(m["subject"], dict) else m["subject"]
            o = m["object"]["name"] if isinstance(m["object"], dict) else m["object"]
            neg = " NOT" if m.get("polarity") == "negated" else ""
            typer.echo(f"  {m['doc']}: {s}{neg} {m['predicate']} {o}")


def strongest_ties(kb, claims: list[Claim], n: int = 10) -> list[dict]:
    """Ties ranked by independent documents and confidence (v0; the analysis module refines it)."""
    try:
        from andiwali.analysis import strongest_ties as analysis_strongest  # type: ignore[attr-defined]

        return analysis_strongest(kb, n=n)
    except (ImportError, AttributeError, TypeError):
        pass
    ties: dict[tuple, list[Claim]] = defaultdict(list)
    for c in claims:
        if c.polarity == "asserted" and c.extractor != "reference" and c.evidence:
            ties[(c.subject, c.predicate, c.object)].append(c)
    ranked = sorted(
        ties.items(),
        key=lambda kv: (-len({e.doc_id for c in kv[1] for e in c.evidence}), -max(c.confidence for c in kv[1]), kv[0]),
    )
    cache: dict = {}
    out = []
    for (s, p, o), cs in ranked[:n]:
        best = max(cs, key=lambda c: c.confidence)
        out.append({
            "subject": entity_ref(kb, s, cache)["name"], "predicate": p, "object": entity_ref(kb, o, cache)["name"],
            "documents": len({e.doc_id for c in cs for e in c.evidence}), "claims": len(cs), "quote": best.evidence[0].quote,
        })
    return out


@app.command()
def summary(as_json: bool = typer.Option(False, "--json")) -> None:
    """Entities, claims per predicate, and the strongest ties with a quote each."""
    kb = open_kb()
    counts = kb.counts()
    all_claims = kb.claims()
    per_pred = Counter(c.predicate for c in all_claims if c.extractor != "reference")
    kinds = Counter(e.kind for e in kb.entities())
    ties = strongest_ties(kb, all_claims)
    data = {
        "documents": counts["documents"],
        "entities": dict(kinds),
        "claims": {"total": len(all_claims), "extracted": sum(per_pred.values()), "per_predicate": dict(per_pred.most_common())},
        "strongest_ties": ties,
    }
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    typer.echo(f"Knowledge base {state.kb}: {counts['documents']} documents, "
               f"{sum(kinds.values())} entities ({', '.join(f'{v} {k}' for k, v in kinds.most_common())}), "
               f"{len(all_claims)} claims ({sum(per_pred.values())} extracted from documents)")
    typer.echo("\nClaims per predicate:")
    for p, v in per_pred.most_common():
        typer.echo(f"  {p:24s} {v}")
    typer.echo("\nStrongest ties:")
    for t in ties:
        quote = " ".join(t["quote"].split())
        if len(quote) > 160:
            quote = quote[:157] + "..."
        typer.echo(f"  {t['subject']} {t['predicate']} {t['object']}  ({t['documents']} documents)\n      \"{quote}\"")
