"""``ownergate decide``: one customer's verdict, or the whole book's with a summary and a report."""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ownergate.cli.app import app, print_json, state
from ownergate.clock import parse_until
from ownergate.decisions.report import Summary, render_html, summarise
from ownergate.decisions.service import decide, decide_all, record_verdicts
from ownergate.decisions.verdict import Verdict
from ownergate.errors import InputError
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
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Do not record the verdicts")] = False,
) -> None:
    """Decide allow, deny or review, with every reason and its evidence; recorded unless --as-of/--dry-run."""
    if (customer_id is None) == (not all_):
        raise InputError("give one CUSTOMER_ID or --all")
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
    changed = record_verdicts(store, verdicts, cause="decide --all") if record else []
    if out is not None:
        _write_csv(out, verdicts)
    summary = summarise(verdicts)
    if report is not None:
        report.write_text(render_html(summary, f"ownergate decisions under {policy}"), "utf-8")
    if as_json:
        print_json({"decisions": dict(summary.decisions), "reasons": dict(summary.reasons), "changed": len(changed)})
        return
    _print_summary(summary, changed, record)


def _decide_book(store: Store, policy: str, moment: datetime | None) -> list[Verdict]:
    with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("deciding", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return list(decide_all(store, policy, moment, progress=advance))


def _write_csv(path: Path, verdicts: list[Verdict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
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
