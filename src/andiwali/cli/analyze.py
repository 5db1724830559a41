"""`andiwali analyze ...` and `andiwali report`: a thin layer over andiwali.analysis.

Every analyze command takes --json, --at DATE or --from/--to, --layers, --min-confidence
and --status (accepted | all); ENTITY arguments accept names, aliases or ids.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from andiwali.cli import app, fail, open_kb
from andiwali.errors import AndiwaliError

analyze_app = typer.Typer(help="Network analysis over the claims: centrality, brokers, balance, change over time.",
                          no_args_is_help=True)
app.add_typer(analyze_app, name="analyze")

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
At = Annotated[str | None, typer.Option("--at", help="Only ties holding at this date (YYYY, YYYY-MM, YYYY-MM-DD).")]
From = Annotated[str | None, typer.Option("--from", help="Window start (partial date).")]
To = Annotated[str | None, typer.Option("--to", help="Window end (partial date).")]
Layers = Annotated[str | None, typer.Option("--layers", help="Comma-separated layers, or 'all'.")]
MinConf = Annotated[float | None, typer.Option("--min-confidence", help="Drop claims below this confidence.")]
Status = Annotated[str, typer.Option("--status", help="accepted (accepted or edited) or all (all but rejected).")]
Top = Annotated[int, typer.Option("--top", help="How many rows.")]


def _dump(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=1, default=str))


def _fmt(x, n: int = 4) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{n}f}"
    return str(x)


class _Ctx:
    def __init__(self, status: str, min_confidence: float | None):
        from andiwali.analysis import load

        self.kb = open_kb()
        # quotes are fetched only for the claims a command prints
        self.data = load(self.kb, status=status, min_confidence=min_confidence, with_quotes=False)

    def graph(self, **kw):
        return self.data.graph(**kw)

    def entity(self, name: str) -> str:
        return self.data.resolve(name, self.kb)

    def close(self):
        self.kb.close()


def _guard(fn):
    """Turn the project's errors into a message and an exit code (2 for bad analysis input)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*a, **kw):
        try:
            return fn(*a, **kw)
        except AndiwaliError as exc:
            raise fail(f"error: {exc}", 2 if str(exc.code).startswith("E6") else 1) from None

    return wrapper


def _filters(at, date_from, date_to, layers, min_confidence, status, **extra) -> dict:
    kw = {"at": at, "date_from": date_from, "date_to": date_to, "layers": layers,
          "min_confidence": min_confidence, "status": status}
    kw.update(extra)
    return kw


@analyze_app.command("centrality")
@_guard
def centrality_cmd(
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None, layers: Layers = None,
    min_confidence: MinConf = None, status: Status = "all", top: Top = 0,
    backend: Annotated[str, typer.Option("--backend", help="auto, networkx or igraph.")] = "auto",
    sample: Annotated[int | None, typer.Option("--sample", help="Estimate betweenness from K source nodes.")] = None,
) -> None:
    """Betweenness (networkx, directed, normalized), PageRank, degree per layer and k-core of each actor."""
    from andiwali.analysis import centrality

    ctx = _Ctx(status, min_confidence)
    G = ctx.graph(**_filters(at, date_from, date_to, layers, min_confidence, status))
    rows = centrality(G, backend=backend, k=sample, top=top or None)
    if as_json:
        _dump(rows)
        return
    typer.echo(f"{'betweenness':>11} {'pagerank':>9} {'in':>4} {'out':>4} {'core':>4}  name")
    for r in rows[: top or 30]:
        typer.echo(f"{r['betweenness']:11.4f} {r['pagerank']:9.4f} {r['in_degree']:4d} {r['out_degree']:4d} "
                   f"{r['core']:4d}  {r['name']} ({r['kind']})")


@analyze_app.command("brokers")
@_guard
def brokers_cmd(
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None, layers: Layers = None,
    min_confidence: MinConf = None, status: Status = "all", top: Top = 20,
    by: Annotated[str, typer.Option("--by", help="Partition: network, parent, region, ideology, kind, subtype.")]
    = "network",
    missing: Annotated[str, typer.Option("--missing", help="Actors without the attribute: skip or own.")] = "skip",
) -> None:
    """Gould-Fernandez brokerage roles over a partition, with constraint and effective size."""
    from andiwali.analysis import brokers

    ctx = _Ctx(status, min_confidence)
    G = ctx.graph(**_filters(at, date_from, date_to, layers, min_confidence, status))
    rows = brokers(G, attribute=by, missing=missing, top=top)
    if as_json:
        _dump(rows)
        return
    typer.echo(f"{'total':>5} {'coord':>5} {'itin':>5} {'gate':>5} {'repr':>5} {'liais':>5} {'constr':>7} {'effsize':>7}  name")
    for r in rows:
        typer.echo(f"{r['total']:5d} {r['coordinator']:5d} {r['itinerant']:5d} {r['gatekeeper']:5d} "
                   f"{r['representative']:5d} {r['liaison']:5d} {_fmt(r['constraint'], 3):>7} "
                   f"{_fmt(r['effective_size'], 2):>7}  {r['name']}")


@analyze_app.command("balance")
@_guard
def balance_cmd(
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None, layers: Layers = "all",
    min_confidence: MinConf = None, status: Status = "all",
) -> None:
    """Structural balance: triads, frustration index, factions, enemy-of-my-enemy pairs (hostile ties included)."""
    from andiwali.analysis import balance

    ctx = _Ctx(status, min_confidence)
    G = ctx.graph(**_filters(at, date_from, date_to, layers, min_confidence, status))
    res = balance(G)
    if as_json:
        _dump(res)
        return
    typer.echo(f"{res['nodes']} actors, {res['positive_ties']} + ties, {res['negative_ties']} - ties")
    typer.echo(f"triads: {res['triads']}  balanced {res['balanced_triads']}, unbalanced {res['unbalanced_triads']}")
    fi = res["frustration_index"] if res["frustration_exact"] else f"{res['frustration_lower']}..{res['frustration_upper']}"
    typer.echo(f"frustration index: {fi}" + ("" if res["frustration_exact"] else " (bounds)"))
    typer.echo("factions:")
    for f in res["factions"]:
        typer.echo("  " + ", ".join(f))
    typer.echo("enemy of my enemy:")
    for p in res["enemy_of_my_enemy"][:30]:
        typer.echo(f"  {p['a_name']} / {p['c_name']} (common enemy: {', '.join(p['common_enemy_names'])}): {p['tie']}")


@analyze_app.command("communities")
@_guard
def communities_cmd(
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None, layers: Layers = None,
    min_confidence: MinConf = None, status: Status = "all",
    method: Annotated[str, typer.Option("--method", help="leiden or louvain.")] = "leiden",
    resolution: Annotated[float, typer.Option("--resolution")] = 1.0,
) -> None:
    """Communities (Leiden or Louvain) on the cooperative layers."""
    from andiwali.analysis import communities

    ctx = _Ctx(status, min_confidence)
    G = ctx.graph(**_filters(at, date_from, date_to, layers, min_confidence, status))
    res = communities(G, method=method, resolution=resolution)
    if as_json:
        _dump(res)
        return
    typer.echo(f"{res['method']}: {len(res['communities'])} communities, modularity {_fmt(res['modularity'])}")
    for c in res["communities"]:
        typer.echo(f"  [{c['id']}] ({c['size']}) " + ", ".join(m["name"] for m in c["members"]))


@analyze_app.command("snapshots")
@_guard
def snapshots_cmd(
    as_json: Json = False, layers: Layers = None, min_confidence: MinConf = None, status: Status = "all",
    years: Annotated[str | None, typer.Option("--years", help="A range like 2015-2024 (default: all years).")] = None,
    date_from: From = None, date_to: To = None,
) -> None:
    """Yearly snapshots: actors, ties, density, components, top actors by PageRank."""
    from andiwali.analysis import snapshots

    ctx = _Ctx(status, min_confidence)
    ys = None
    if years or date_from or date_to:
        try:
            if years:
                a, _, b = years.partition("-")
                ys = list(range(int(a), int(b or a) + 1))
            else:
                lo = int((date_from or "0")[:4]) or None
                hi = int((date_to or "9999")[:4])
                span = [int((v or "0")[:4]) for c in ctx.data.claims for v in (c.valid_from, c.valid_to, c.reported_at)
                        if v]
                lo = lo or (min(span) if span else hi)
                hi = min(hi, max(span)) if span else hi
                ys = list(range(lo, hi + 1))
        except ValueError:
            raise fail("--years is a range like 2015-2024", 2) from None
    rows = snapshots(ctx.data, years=ys, layers=layers, min_confidence=min_confidence, status=status)
    if as_json:
        _dump(rows)
        return
    for r in rows:
        typer.echo(f"{r['year']}: {r['nodes']:4d} actors {r['ties']:5d} ties {r['hostile_ties']:4d} hostile "
                   f"density {r['density']:.3f}  top: " + ", ".join(t["name"] for t in r["top"]))


@analyze_app.command("diff")
@_guard
def diff_cmd(
    date_a: Annotated[str, typer.Option("--from", help="The first date.")],
    date_b: Annotated[str, typer.Option("--to", help="The second date.")],
    as_json: Json = False, layers: Layers = "all", min_confidence: MinConf = None, status: Status = "all",
    top: Top = 15,
) -> None:
    """The network at --from against the network at --to: ties gained, lost, changed sign; rank movers."""
    from andiwali.analysis import diff

    ctx = _Ctx(status, min_confidence)
    res = diff(ctx.data, date_a, date_b, layers=layers, min_confidence=min_confidence, status=status, top=top)
    if as_json:
        _dump(res)
        return
    typer.echo(f"{res['ties_from']} ties at {date_a}, {res['ties_to']} at {date_b}")
    for title, key in (("gained", "gained"), ("lost", "lost")):
        typer.echo(f"{title} ({len(res[key])}):")
        for t in res[key][:50]:
            typer.echo(f"  {t['subject']} {t['predicate']} {t['object']}")
    typer.echo(f"changed sign ({len(res['sign_changed'])}):")
    for t in res["sign_changed"]:
        typer.echo(f"  {t['a']} / {t['b']}: {t['sign_from']:+d} -> {t['sign_to']:+d}")
    typer.echo("rank movers (PageRank rank):")
    for m in res["rank_movers"]:
        typer.echo(f"  {m['name']}: {m['rank_from']} -> {m['rank_to']}")


@analyze_app.command("roles")
@_guard
def roles_cmd(
    entity: Annotated[str, typer.Argument(help="Entity name, alias or id.")],
    split: Annotated[str, typer.Option("--split", help="The date that splits before from after.")],
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None, layers: Layers = None,
    min_confidence: MinConf = None, status: Status = "all",
) -> None:
    """Support given vs received per predicate and layer before and after a date, with the claims behind each count."""
    from andiwali.analysis import roles

    ctx = _Ctx(status, min_confidence)
    res = roles(ctx.data, ctx.entity(entity), split, layers=layers, status=status, min_confidence=min_confidence,
                at=at, date_from=date_from, date_to=date_to)
    if as_json:
        _dump(res)
        return
    typer.echo(f"{res['entity']}, split at {res['split']} (layers: {', '.join(res['layers'])})")
    for per in ("before", "after"):
        typer.echo(f"{per}:")
        for d in ("given", "received"):
            counts = res[per][d]
            typer.echo(f"  {d:8s} " + (", ".join(f"{p} {n}" for p, n in counts.items()) or "-"))
            for c in res["claims"][per][d]:
                q = c["evidence"][0]["quote"] if c["evidence"] else ""
                q = " ".join(q.split())[:140]
                when = c["valid_from"] or c["valid_to"] or f"reported {c['reported_at']}"
                typer.echo(f"      {c['subject']} {c['predicate']} {c['object']} [{when}] \"{q}\"")
    s = res["summary"]
    typer.echo(f"given {s['given_before']} -> {s['given_after']}, received {s['received_before']} -> "
               f"{s['received_after']}" + ("  (roles reversed)" if s["reversal"] else ""))


@analyze_app.command("overlap")
@_guard
def overlap_cmd(
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None,
    min_confidence: MinConf = None, status: Status = "all",
) -> None:
    """Organizations tied through shared members and leaders, with the people named."""
    from andiwali.analysis import overlap

    ctx = _Ctx(status, min_confidence)
    res = overlap(ctx.data, at=at, date_from=date_from, date_to=date_to, min_confidence=min_confidence, status=status)
    if as_json:
        _dump(res)
        return
    for p in res["pairs"]:
        typer.echo(f"{p['a']} -- {p['b']} ({p['shared']}): " + ", ".join(x["name"] for x in p["people"]))
    typer.echo(f"{len(res['people'])} people in more than one organization")


@analyze_app.command("media")
@_guard
def media_cmd(
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None,
    min_confidence: MinConf = None, status: Status = "all",
    quiet_months: Annotated[int, typer.Option("--quiet-months", help="Months without documents that count as quiet.")]
    = 3,
) -> None:
    """Documents per source, channel and platform over time, and which went quiet (and since when)."""
    from andiwali.analysis import media_activity, platform_activity
    from andiwali.store.analysis_queries import media_activity_rows

    ctx = _Ctx(status, min_confidence)
    rows = media_activity_rows(ctx.kb)
    plats = platform_activity(ctx.data, at=at, date_from=date_from, date_to=date_to, min_confidence=min_confidence,
                              status=status)
    res = media_activity(rows, quiet_months=quiet_months, platform_rows=plats)
    if as_json:
        _dump(res)
        return
    typer.echo(f"newest month: {res['latest_month']}")
    for s in res["sources"]:
        quiet = f"  QUIET since {s['quiet_since']}" if s["quiet"] else ""
        typer.echo(f"{s['documents']:6d} docs  {s['first'] or '-'}..{s['last'] or '-'}  longest silence "
                   f"{s['longest_silence_months']} months  {s['source']} ({s['kind'] or '?'}){quiet}")
    for p in plats:
        typer.echo(f"platform {p['platform']}: " + ", ".join(p["actors"]))


@analyze_app.command("contested")
@_guard
def contested_cmd(
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None, layers: Layers = "all",
    min_confidence: MinConf = None, status: Status = "all",
) -> None:
    """Pairs of contradicting claims (same triple, overlapping time, opposite polarity), sources side by side."""
    from andiwali.analysis import contested

    ctx = _Ctx(status, min_confidence)
    pairs = contested(ctx.data, status=status, min_confidence=min_confidence, at=at, date_from=date_from,
                      date_to=date_to, layers=layers)
    if as_json:
        _dump(pairs)
        return
    for p in pairs:
        typer.echo(f"{p['subject']} {p['predicate']} {p['object']}  (overlap {p['overlap']})")
        for side in ("asserted", "negated"):
            c = p[side]
            ev = c["evidence"][0] if c["evidence"] else {}
            who = f" according to {c['attributed_to']}" if c["attributed_to"] else ""
            typer.echo(f"  {side:8s}{who} [{ev.get('source') or '-'} {ev.get('grade') or ''}] "
                       f"\"{' '.join((ev.get('quote') or '').split())[:160]}\"")
    typer.echo(f"{len(pairs)} contradicting pairs", err=True)


@analyze_app.command("whatif")
@_guard
def whatif_cmd(
    remove: Annotated[list[str] | None, typer.Option("--remove", help="An entity to remove (repeatable).")] = None,
    remove_tie: Annotated[list[str] | None, typer.Option("--remove-tie", help="A->B, A->B:predicate or A--B.")] = None,
    remove_layer: Annotated[list[str] | None, typer.Option("--remove-layer", help="A layer to remove.")] = None,
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None, layers: Layers = None,
    min_confidence: MinConf = None, status: Status = "all", top: Top = 10,
) -> None:
    """Remove entities, ties or layers: components, finance and shelter reach, brokers, key players."""
    from andiwali.analysis import COOPERATIVE_LAYERS, whatif
    from andiwali.analysis.graph import parse_layers
    from andiwali.analysis.whatif import parse_tie

    ctx = _Ctx(status, min_confidence)
    G = ctx.graph(**_filters(at, date_from, date_to, parse_layers(layers, COOPERATIVE_LAYERS), min_confidence, status))
    ents = [ctx.entity(x) for x in (remove or [])]
    ties = []
    for spec in remove_tie or []:
        a, b, pred, both = parse_tie(spec)
        ties.append((ctx.entity(a), ctx.entity(b), pred, both))
    res = whatif(G, remove_entities=ents, remove_ties=ties, remove_layers=parse_layers(remove_layer, ())
                 if remove_layer else [], top=top)
    if as_json:
        _dump(res)
        return
    b, a = res["before"], res["after"]
    for k in ("nodes", "ties", "components", "largest_component", "fragmentation", "finance_pairs", "shelter_pairs"):
        typer.echo(f"{k:18s} {_fmt(b[k], 3):>8} -> {_fmt(a[k], 3)}")
    if res["shelter_pairs_lost"]:
        typer.echo("shelter lost: " + "; ".join(f"{x} -> {y}" for x, y in res["shelter_pairs_lost"]))
    if res["finance_pairs_lost"]:
        typer.echo("finance lost: " + "; ".join(f"{x} -> {y}" for x, y in res["finance_pairs_lost"]))
    typer.echo("brokers after: " + ", ".join(x["name"] for x in a["brokers"][:5]))
    typer.echo("key players after: " + ", ".join(f"{x['name']} (+{x['gain']:.3f})" for x in res["key_players"][:5]))


@analyze_app.command("strongest")
@_guard
def strongest_cmd(
    as_json: Json = False, at: At = None, date_from: From = None, date_to: To = None, layers: Layers = "all",
    min_confidence: MinConf = None, status: Status = "all", top: Top = 20,
    all_kinds: Annotated[bool, typer.Option("--all-kinds", help="Include places and platforms.")] = True,
) -> None:
    """The strongest ties (independent reports, grades, confidences), each with its quote."""
    from andiwali.analysis import strongest

    ctx = _Ctx(status, min_confidence)
    G = ctx.graph(**_filters(at, date_from, date_to, layers, min_confidence, status, actors_only=not all_kinds))
    rows = strongest(G, ctx.data, top=top)
    if as_json:
        _dump(rows)
        return
    for r in rows:
        q = r["quote"]["quote"] if r["quote"] else ""
        typer.echo(f"{r['strength']:.3f}  {r['subject']} {r['predicate']} {r['object']}  ({r['n_reports']} reports, "
                   f"{r['grades']})\n       \"{' '.join(q.split())[:160]}\"")


@app.command("report")
@_guard
def report_cmd(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    entity: Annotated[str | None, typer.Option("--entity", help="Entity for the role-shift chart.")] = None,
    split: Annotated[str | None, typer.Option("--split", help="Date for the role-shift chart.")] = None,
    at: At = None, date_from: From = None, date_to: To = None, layers: Layers = None,
    min_confidence: MinConf = None, status: Status = "all",
    title: Annotated[str, typer.Option("--title")] = "andiwali network report",
) -> None:
    """A self-contained HTML report: network figure, timelines, role shift, tables, and the quote behind each tie."""
    from andiwali.analysis.report import build_report

    ctx = _Ctx(status, min_confidence)
    html = build_report(ctx.data, entity=ctx.entity(entity) if entity else None, split=split, at=at,
                        date_from=date_from, date_to=date_to, layers=layers, min_confidence=min_confidence,
                        status=status, title=title, kb=ctx.kb)
    out.write_text(html, encoding="utf-8")
    typer.echo(f"wrote {out} ({len(html) // 1024} KB)")
