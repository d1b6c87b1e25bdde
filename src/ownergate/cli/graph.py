"""``ownergate graph resolve``: resolve E.csv + X.csv under a rule and write one row per entity."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ownergate.cli.app import app
from ownergate.ownership.report import write_resolution
from ownergate.ownership.resolution import Engine, resolve_with
from ownergate.ownership.rules import get_rule
from ownergate.ownership.sources.edges_csv import graph_from_csv

graph_app = typer.Typer(help="Resolve ownership graphs under the ownership rules.", no_args_is_help=True)
app.add_typer(graph_app, name="graph")


@graph_app.command("resolve")
def resolve_command(
    entities: Annotated[Path, typer.Option("--entities", help="E.csv: id,name,hq_country,incorporation_country,lists")],
    edges: Annotated[Path, typer.Option("--edges", help="X.csv: owner_id,owned_id,share_min,share_max")],
    policy: Annotated[str, typer.Option("--policy", help="anthropic, ofac, bis, eu, uk or lookthrough")],
    out: Annotated[Path, typer.Option("--out", help="R.csv: id,status,share_min,share_max,evidence")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="ISO date [default: today]")] = None,
    review_at: Annotated[
        float | None,
        typer.Option("--review-at", help="send to review what restricted owners may hold at or above this fraction"),
    ] = None,
    engine: Annotated[
        Engine, typer.Option("--engine", help="numpy (arrays on this machine) or spark (same output)")
    ] = Engine.NUMPY,
    master: Annotated[
        str | None,
        typer.Option("--master", help="with --engine spark: local[N] or spark://host:port [default: local[2]]"),
    ] = None,
) -> None:
    """Resolve every entity: restricted, possible (review) or clear, with the evidence."""
    from ownergate.errors import InputError

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise InputError(f"--as-of {as_of!r} is not an ISO date") from None
    if review_at is not None and not 0.0 < review_at <= 1.0:
        raise InputError(f"--review-at {review_at:g} is not a fraction in (0, 1]")
    rule = get_rule(policy) if review_at is None else get_rule(policy, review_at=review_at)
    graph = graph_from_csv(entities, edges)
    res = resolve_with(engine, graph, rule, as_of=day, master=master)
    write_resolution(res, out)
    counts = res.counts()
    typer.echo(
        f"{graph.n} entities, {graph.m} edges under {res.rule.name}: "
        f"{counts['restricted']} restricted, {counts['possible']} possible, {counts['clear']} clear -> {out}"
    )
