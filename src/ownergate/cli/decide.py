"""``ownergate decide``: one customer's verdict, or the whole book's with a summary and a report."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ownergate.cli.app import app, print_json, state
from ownergate.clock import parse_until
from ownergate.decisions import customers as book
from ownergate.decisions.report import Summary, render_html, summarise
from ownergate.decisions.service import decide, decide_all, record_verdicts
from ownergate.decisions.verdict import Verdict
from ownergate.errors import InputError
from ownergate.lists.repository import snapshots
from ownergate.policy.repository import active_policy
from ownergate.store import Store

CSV_COLUMNS = ("customer_id", "decision", "reasons", "policy", "policy_version", "decided_at", "as_of")


def _as_of(value: str | None) -> datetime | None:
    return None if value is None else parse_until(value, "--as-of")


@app.command("decide")
def decide_command(
    ctx: typer.Context,
    customer_id: Annotated[str | None, typer.Argument(help="The customer to decide")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Decide every customer")] = False,
    policy: Annotated[
        str | None,
        typer.Option(help="Policy name [default: the active one, see `policy activate`; anthropic if none is]"),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="Decide with the lists, ownership data and policy in force then (not recorded)"),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="With --all: write every verdict to this CSV")] = None,
    report: Annotated[Path | None, typer.Option(help="With --all: write an HTML report here")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the verdict as JSON; with --all, every verdict as JSON lines")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Do not record the verdicts")] = False,
) -> None:
    """Decide allow, deny or review, with every reason and its evidence; recorded unless --as-of/--dry-run."""
    if (customer_id is None) == (not all_):
        raise InputError("give one CUSTOMER_ID or --all")
    if customer_id is not None and (out is not None or report is not None):
        raise InputError("--out and --report need --all")
    for option, path in (("--out", out), ("--report", report)):
        _check_target(option, path)
    store = state(ctx).store()
    if policy is None:
        with store.read() as tx:
            active = active_policy(tx)
        policy = active.name
        if not active.activated:
            typer.echo(f"policy: {active.describe()}", err=True)
    moment = _as_of(as_of)
    record = moment is None and not dry_run
    if customer_id is not None:
        verdict = decide(store, customer_id, policy, moment)
        if record:
            record_verdicts(store, [verdict], cause="decide")
        if as_json:
            print_json(verdict.to_dict())
        else:
            _print_verdict(verdict)
        return
    verdicts = _decide_book(store, policy, moment)
    summary = summarise(verdicts)
    # The files first: a file that cannot be written stops the command before anything is recorded.
    if out is not None:
        _write(out, "--out", lambda fh: _write_csv(fh, verdicts))
    if report is not None:
        html = render_html(
            verdicts, f"ownergate decisions under {policy}", names=_names(store), snapshots=snapshots(store)
        )
        _write(report, "--report", lambda fh: fh.write(html))
    changed = record_verdicts(store, verdicts, cause="decide --all") if record else []
    if as_json:
        for verdict in verdicts:
            typer.echo(json.dumps(verdict.to_dict(), ensure_ascii=False, default=str))
        return
    _print_summary(summary, changed, record)


def _check_target(option: str, path: Path | None) -> None:
    """An output file's folder must exist (and the path must not be a folder) before anything is decided."""
    if path is None:
        return
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise InputError(f"{option} {path}: the folder {path.parent} does not exist")


def _write(path: Path, option: str, write: Callable[[TextIO], object]) -> None:
    try:
        with path.open("w", newline="", encoding="utf-8") as fh:
            write(fh)
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot write: {exc.strerror or exc}") from exc


def _names(store: Store) -> dict[str, str]:
    with store.read() as tx:
        return {c.id: c.name for c in book.all_customers(tx)}


def _decide_book(store: Store, policy: str, moment: datetime | None) -> list[Verdict]:
    with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("deciding", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return list(decide_all(store, policy, moment, progress=advance))


def _write_csv(fh: TextIO, verdicts: list[Verdict]) -> None:
    writer = csv.writer(fh)
    writer.writerow(CSV_COLUMNS)
    for v in verdicts:
        codes = ";".join(dict.fromkeys(r.code.value for r in v.reasons))
        writer.writerow((v.customer, v.decision.value, codes, v.policy, v.policy_version, v.decided_at, v.as_of))


def _print_verdict(verdict: Verdict) -> None:
    typer.echo(f"{verdict.customer}: {verdict.decision.value} ({verdict.policy}@{verdict.policy_version})")
    for reason in verdict.reasons:
        typer.echo(f"  - {reason.code.value}: {reason.message}")
        path = reason.evidence.get("path")
        if isinstance(path, str):
            for line in path.splitlines():
                typer.echo(f"      {line}")


def _print_summary(summary: Summary, changed: list[str], recorded: bool) -> None:
    table = Table(title=f"{summary.total} customers")
    table.add_column("decision")
    table.add_column("customers", justify="right")
    for decision in ("allow", "review", "deny"):
        table.add_row(decision, str(summary.decisions.get(decision, 0)))
    reasons = Table(title="reasons")
    reasons.add_column("reason")
    reasons.add_column("customers", justify="right")
    for code, count in summary.reasons.most_common():
        reasons.add_row(code, str(count))
    console = Console()
    console.print(table)
    console.print(reasons)
    if recorded:
        console.print(f"{len(changed)} verdicts changed")
