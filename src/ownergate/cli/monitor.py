"""``ownergate monitor``: the watch runs and their reports."""

from __future__ import annotations

from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.monitor.report import get, render, runs

monitor_app = typer.Typer(help="Watch runs: what changed and which customers changed verdict.", no_args_is_help=True)
app.add_typer(monitor_app, name="monitor")


@monitor_app.command("runs")
def runs_cmd(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="How many runs, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The latest watch runs with their headline."""
    found = runs(state(ctx).store(), limit)
    if as_json:
        print_json(found)
        return
    if not found:
        typer.echo("no watch run yet (try `ownergate watch --once`)")
    for r in found:
        typer.echo(f"run {r['run']} {r['status']} {r['started_at']} [{r['holder']}] {r['summary']}")


@monitor_app.command("report")
def report_cmd(
    ctx: typer.Context,
    run_id: Annotated[int | None, typer.Argument(help="The run [default: the latest].")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """One run's report: list changes, verdict changes from what to what, and why."""
    report = get(state(ctx).store(), run_id)
    if as_json:
        print_json(report.as_json())
    else:
        typer.echo(render(report))
