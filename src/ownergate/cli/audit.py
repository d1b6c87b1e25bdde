"""``ownergate audit``: verify the hash chain, export it for regulators."""

from __future__ import annotations

import re
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from ownergate.audit import ExportFormat, export, verify
from ownergate.cli.app import app, print_json, state
from ownergate.clock import parse_iso
from ownergate.errors import InputError

audit_app = typer.Typer(help="The tamper-evident audit log: verify and export.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def parse_anchors(values: list[str]) -> dict[int, str]:
    anchors: dict[int, str] = {}
    for value in values:
        seq, _, digest = value.partition(":")
        if not seq.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise InputError(f"--anchor {value!r} is not SEQ:HASH (a seq and 64 lowercase hex digits)")
        anchors[int(seq)] = digest
    return anchors


@audit_app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    anchor: Annotated[
        list[str] | None,
        typer.Option(help="SEQ:HASH of a head printed by an earlier verify and kept outside the store (repeatable)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check the whole chain; exit 1 naming the first altered, removed or reordered record."""
    report = verify(state(ctx).store(), parse_anchors(anchor or []))
    if as_json:
        print_json(asdict(report))
    else:
        typer.echo(report.summary(), err=not report.ok)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("export")
def export_cmd(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Only records at or after this date (YYYY-MM-DD or ISO 8601).")
    ] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="jsonl or csv.")] = ExportFormat.JSONL,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of standard output.")] = None,
) -> None:
    """Every field of every record (since DATE) for regulators."""
    store = state(ctx).store()
    start = parse_iso(since) if since else None
    if out is None:
        count = export(store, sys.stdout, fmt=fmt, since=start)
    else:
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = export(store, handle, fmt=fmt, since=start)
        typer.echo(f"{count} audit records written to {out}", err=True)
