"""`andiwali entities`: list, show (and resolve, merge, unmerge from the resolution module)."""

from __future__ import annotations

import json

import typer

from andiwali.cli import app, fail, open_kb

entities_app = typer.Typer(help="Entities: list, show, resolve, merge.", no_args_is_help=False, invoke_without_command=True)
app.add_typer(entities_app, name="entities")


def entity_json(e) -> dict:
    return {
        "id": e.id,
        "name": e.name,
        "kind": e.kind,
        "aliases": [{"name": a.name, "lang": a.lang, "script": a.script, "source": a.source} for a in e.aliases],
        "parent": e.parent,
        "start": e.start,
        "end": e.end,
        "origin": e.origin,
        "status": e.attributes.get("_status"),
        "attributes": {k: v for k, v in e.attributes.items() if not k.startswith("_")},
        "references": e.references,
    }


def _print_list(kind: str | None, as_json: bool) -> None:
    kb = open_kb()
    ents = kb.entities(kind)
    if as_json:
        typer.echo(json.dumps([{"id": e.id, "name": e.name, "kind": e.kind, "origin": e.origin,
                                "aliases": [a.name for a in e.aliases]} for e in ents], ensure_ascii=False, indent=1))
        return
    for e in ents:
        typer.echo(f"{e.id}  {e.kind:12s} {e.name}" + (f"  ({e.origin})" if e.origin != "reference" else ""))
    typer.echo(f"{len(ents)} entities", err=True)


@entities_app.callback()
def entities_main(
    ctx: typer.Context,
    kind: str = typer.Option(None, "--kind", help="organization|person|state|place|platform"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List entities (with no subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    _print_list(kind, as_json)


@entities_app.command("list")
def list_(
    kind: str = typer.Option(None, "--kind"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List entities."""
    _print_list(kind, as_json)


@entities_app.command()
def show(name: str = typer.Argument(..., help="Name, alias or id."), as_json: bool = typer.Option(False, "--json")) -> None:
    """One entity: names and aliases with their sources, and its claims."""
    kb = open_kb()
    ent = kb.entity(name) if name.startswith("ent_") else None
    if ent is None:
        found = kb.find_entities(name)
        if not found:
            raise fail(f"no entity named {name!r}", 1)
        ent = found[0]
    from andiwali.cli.core import claim_json

    cache: dict = {}
    claims = [claim_json(kb, c, cache) for c in kb.claims(entity=ent.id)]
    data = entity_json(ent) | {"claims": claims}
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    typer.echo(f"{ent.name}  [{ent.kind}]  {ent.id}  origin: {ent.origin}")
    if ent.start or ent.end:
        typer.echo(f"  active: {ent.start or '?'} .. {ent.end or ''}")
    if ent.parent:
        p = kb.entity(ent.parent)
        typer.echo(f"  parent: {p.name if p else ent.parent}")
    typer.echo("  aliases:")
    for a in ent.aliases:
        extra = ", ".join(x for x in (a.lang, a.script) if x)
        typer.echo(f"    {a.name}" + (f" ({extra})" if extra else "") + f"  — source: {a.source or 'unknown'}")
    for k, v in data["attributes"].items():
        typer.echo(f"  {k}: {v}")
    if ent.references:
        typer.echo("  references: " + "; ".join(ent.references))
    typer.echo(f"  claims ({len(claims)}):")
    for c in claims:
        neg = " NOT" if c["polarity"] == "negated" else ""
        typer.echo(f"    {c['subject']['name']}{neg} {c['predicate']} {c['object']['name']}  "
                   f"{c['valid_from'] or ''}..{c['valid_to'] or ''}  {c['status']}  {c['extractor']}")


# ---- resolution and the judgement ledger (GAZETTEER) -------------------------------


def _resolution_source():
    """The knowledge base at --kb (default ./kb) when there is one, else the bundled reference data."""
    from pathlib import Path

    from andiwali.cli import state
    from andiwali.store.kb import DB_FILE

    loc = str(state.kb)
    if loc.startswith(("postgres", "sqlite:")) or (Path(loc) / DB_FILE).exists():
        return open_kb()
    return None


def _entity_arg(kb, name: str):
    """An entity of the knowledge base by id or exact name/alias; fails when unknown or ambiguous."""
    if name.startswith("ent_"):
        ent = kb.entity(name)
        if ent is None:
            raise fail(f"no entity {name}", 1)
        return ent
    from andiwali.resolve import resolve_name

    res = resolve_name(name, kb)
    exact = [c for c in res.candidates if c.exact and c.score >= 0.95]
    if len(exact) == 1:
        return exact[0].entity
    if not exact:
        hint = "; ".join(f"{c.entity.name} ({c.entity.id}, {c.score:.2f})" for c in res.candidates[:3])
        raise fail(f"no entity named {name!r}" + (f"; did you mean: {hint}" if hint else ""), 1)
    raise fail(f"{name!r} names several entities: " + "; ".join(f"{c.entity.name} ({c.entity.id})" for c in exact) +
               " — give an id", 1)


@entities_app.command()
def resolve(
    names: list[str] = typer.Argument(..., help="Names to resolve."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per name, one per line."),
    kind: str = typer.Option(None, "--kind", help="Only entities of this kind."),
    limit: int = typer.Option(5, "--limit", help="Candidates per name."),
    historical: bool = typer.Option(False, "--historical",
                                    help="Do not follow a former name (succeeded_by, merged_into) to the current group."),
) -> None:
    """Resolve names to entities: candidates with scores and the alias that matched.

    A former name ("GSPC", "al-Nusrah Front") resolves to the group's current identity; the path is
    printed (JSON: "via") and the candidates still list the historical entity. Uses the knowledge base
    given by --kb (or ./kb) and the bundled reference data when there is none.
    """
    from andiwali.resolve import resolver_for

    source = _resolution_source()
    resolver = resolver_for(source)
    for name in names:
        res = resolver.resolve(name, kind=kind, limit=limit, current=not historical)
        if as_json:
            typer.echo(json.dumps(res.to_dict(), ensure_ascii=False))
            continue
        head = f"{res.entity.name} [{res.entity.kind}] {res.entity.id}" if res.entity else "no entity"
        if res.via:
            head += "  (" + " -> ".join(f"{v['name']} {v['predicate']}" for v in res.via) + f" {res.entity.name})"
        typer.echo(f"{name}: {head}")
        for c in res.candidates:
            typer.echo(f"    {c.score:.2f}  {c.entity.name} ({c.entity.kind}, {c.entity.id})  via {c.matched_alias!r}")


@entities_app.command()
def merge(
    a: str = typer.Argument(..., help="The entity to merge (name, alias or id)."),
    b: str = typer.Argument(..., help="The entity it is the same as (name, alias or id)."),
    why: str = typer.Option(..., "--why", help="Why they are the same (recorded in the ledger)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Judge A the same as B: A is merged into B. Reversible with `entities unmerge A`."""
    from andiwali.cli import state
    from andiwali.store import ledger

    kb = open_kb()
    ea, eb = _entity_arg(kb, a), _entity_arg(kb, b)
    j = ledger.merge(kb, ea.id, eb.id, actor=state.actor, reason=why)
    if as_json:
        typer.echo(json.dumps(j.to_dict(), ensure_ascii=False))
    else:
        typer.echo(f"judgement #{j.id}: {ea.name} ({ea.id}) is the same as {eb.name} ({eb.id}); merged by {j.actor}")


@entities_app.command()
def unmerge(
    a: str = typer.Argument(..., help="The merged entity (its id, or a name it had)."),
    why: str = typer.Option(None, "--why", help="Why the merge is undone."),
    not_same: bool = typer.Option(False, "--not-same", help="Also record that they are not the same."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Undo a merge: the entity stands on its own again (the judgement stays in the ledger, marked undone)."""
    from andiwali.cli import state
    from andiwali.store import ledger

    kb = open_kb()
    if a.startswith("ent_"):
        ent = kb.entity(a)
    else:
        ent = None
        for e in kb.entities(include_merged=True):
            if e.attributes.get("_merged_into") and any(
                n == a or n.lower() == a.lower() for n in e.all_names()
            ):
                ent = e
                break
    if ent is None:
        raise fail(f"no merged entity {a!r} (give the merged entity's id; see `entities judgements`)", 1)
    j = ledger.unmerge(kb, ent.id, actor=state.actor, reason=why)
    out = [j]
    if not_same:
        out.append(ledger.judge(kb, j.a_id, j.b_id, "not_same", actor=state.actor, reason=why))
    if as_json:
        for x in out:
            typer.echo(json.dumps(x.to_dict(), ensure_ascii=False))
    else:
        typer.echo(f"judgement #{j.id} undone: {ent.name} ({ent.id}) stands on its own again")
        if not_same:
            typer.echo(f"judgement #{out[1].id}: recorded as not the same")


@entities_app.command()
def judgements(
    entity: str = typer.Option(None, "--entity", help="Only judgements about this entity (name or id)."),
    active: bool = typer.Option(False, "--active", help="Only judgements not undone."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per judgement, one per line."),
) -> None:
    """The judgement ledger: same / not same / unsure, with who, when and why (newest first)."""
    from andiwali.store import ledger

    kb = open_kb()
    eid = _entity_arg(kb, entity).id if entity else None
    names: dict[str, str] = {}

    def name(i: str) -> str:
        if i not in names:
            e = kb.entity(i)
            names[i] = e.name if e else i
        return names[i]

    rows = ledger.judgements(kb, eid, active_only=active)
    for j in rows:
        if as_json:
            typer.echo(json.dumps(j.to_dict() | {"a_name": name(j.a_id), "b_name": name(j.b_id)}, ensure_ascii=False))
        else:
            state_ = f"undone {j.undone_at}" if j.undone_at else "active"
            typer.echo(f"#{j.id} {j.created_at} {j.actor}: {name(j.a_id)} {j.judgement.replace('_', ' ')} {name(j.b_id)}"
                       f" [{state_}]" + (f" — {j.reason}" if j.reason else ""))
    if not as_json:
        typer.echo(f"{len(rows)} judgements", err=True)


@entities_app.command()
def promote(
    name: str = typer.Argument(..., help="The discovered candidate entity (name, alias or id)."),
    kind: str = typer.Option(None, "--kind", help="Correct its kind (organization|person|state|place|platform)."),
    alias: list[str] = typer.Option([], "--alias", help="An alias to add (repeatable); its source is 'analyst NAME'."),
    why: str = typer.Option(None, "--why", help="Why it is accepted (recorded in the ledger)."),
    undo: bool = typer.Option(False, "--undo", help="Undo the promotion: a candidate again, kind and aliases as before."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Accept a discovered candidate entity: it becomes curated in this knowledge base (a judgement in the ledger).

    Extraction then matches it like a reference entity. Reversible with --undo; the bundled reference data
    is never changed (add a lasting entry to src/andiwali/model/data/reference by hand, with its source).
    """
    from andiwali.cli import state
    from andiwali.errors import StoreError
    from andiwali.store import ledger

    kb = open_kb()
    ent = _entity_arg(kb, name)
    try:
        if undo:
            j = ledger.unpromote(kb, ent.id, actor=state.actor, reason=why)
        else:
            j = ledger.promote(kb, ent.id, actor=state.actor, reason=why, kind=kind, aliases=alias)
    except StoreError as exc:
        raise fail(str(exc), 1) from None
    after = kb.entity(ent.id)
    if as_json:
        typer.echo(json.dumps(j.to_dict() | {"entity": {"id": after.id, "name": after.name, "kind": after.kind,
                                                         "status": after.attributes.get("_status"),
                                                         "aliases": [a.name for a in after.aliases]}},
                              ensure_ascii=False))
    elif undo:
        typer.echo(f"judgement #{j.id} undone: {after.name} ({after.id}) is a candidate again")
    else:
        typer.echo(f"judgement #{j.id}: {after.name} ({after.id}) accepted as {after.kind} by {j.actor}"
                   + (f"; aliases added: {', '.join(alias)}" if alias else ""))


@entities_app.command()
def candidates(
    as_json: bool = typer.Option(False, "--json", help="One JSON object per entity, one per line."),
) -> None:
    """Discovered entities awaiting review (status candidate), with how many claims use them."""
    kb = open_kb()
    rows = [e for e in kb.entities() if e.attributes.get("_status") == "candidate"]
    for e in rows:
        n = len(kb.claims(entity=e.id))
        if as_json:
            typer.echo(json.dumps({"id": e.id, "name": e.name, "kind": e.kind, "origin": e.origin,
                                   "aliases": [a.name for a in e.aliases], "claims": n}, ensure_ascii=False))
        else:
            typer.echo(f"{e.id}  {e.kind:12s} {e.name}  ({n} claims)")
    if not as_json:
        typer.echo(f"{len(rows)} candidate entities; accept one with `andiwali entities promote NAME`", err=True)
