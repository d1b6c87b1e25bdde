"""``ownergate watch``: update the lists on a schedule and re-decide what each update can affect."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.clock import SystemClock
from ownergate.errors import InputError
from ownergate.monitor.report import RunReport, render
from ownergate.monitor.watch import watch as watch_loop
from ownergate.monitor.webhooks import HttpxTransport, deliver_due
from ownergate.settings import load_settings
from ownergate.store import Store

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> timedelta:
    """``90s``, ``10m``, ``6h``, ``1d`` (a bare number is seconds)."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not found or float(found.group(1)) <= 0:
        raise InputError(f"--every {text!r}: expected a positive duration such as 30m, 6h or 1d")
    return timedelta(seconds=float(found.group(1)) * _UNITS[found.group(2) or "s"])


def _deliver(store: Store) -> dict[str, int]:
    transport = HttpxTransport()
    try:
        result = deliver_due(store, transport, SystemClock())
    finally:
        transport.close()
    return {"attempted": result.attempted, "delivered": result.delivered, "retrying": result.retrying,
            "dead": result.dead}  # fmt: skip


@app.command("watch")
def watch(
    ctx: typer.Context,
    every: Annotated[str, typer.Option("--every", help="Time between cycles: 30m, 6h, 1d ...")] = "6h",
    from_dir: Annotated[
        Path | None,
        typer.Option("--from", help="Load list files from this folder (as `lists update --from`)."),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Run one cycle and exit.")] = False,
    policy: Annotated[
        str | None,
        typer.Option("--policy", help="The policy to decide under [default: the active one, see `policy activate`]."),
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Do not try the publishers; load the sample.")] = False,
    no_update: Annotated[bool, typer.Option("--no-update", help="Only re-decide what already changed.")] = False,
    deliver: Annotated[bool, typer.Option("--deliver", help="Deliver due webhooks after each cycle.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print each run report as JSON.")] = False,
) -> None:
    """Update the lists, re-decide exactly the customers each change can affect, report each run."""
    interval = parse_every(every)
    folder = from_dir or load_settings().lists_from

    def show(report: RunReport) -> None:
        if as_json:
            print_json(report.as_json())
        else:
            typer.echo(render(report))

    watch_loop(
        state(ctx).store(),
        interval,
        cycles=1 if once else None,
        on_report=show,
        policy_name=policy,
        from_dir=folder,
        update=not no_update,
        offline=offline,
        deliver=_deliver if deliver else None,
    )
