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
