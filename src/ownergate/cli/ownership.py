"""``ownergate ownership load``: ownership files (E.csv/X.csv, BODS, GLEIF, PSC, FtM ...) into the store."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.ownership.repository import load_ownership
from ownergate.ownership.sources.formats import FORMATS

ownership_app = typer.Typer(help="Ownership data in the store.", no_args_is_help=True)
app.add_typer(ownership_app, name="ownership")


@ownership_app.command("load")
def load(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files to load; all of them or none (one transaction).")],
    format: Annotated[
        str | None, typer.Option("--format", help=f"One of {', '.join(FORMATS)} [default: detected per file]")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the load results as JSON.")] = False,
) -> None:
    """Load ownership files; loading a file again replaces what it loaded before."""
    result = load_ownership(state(ctx).store(), paths, format=format, actor=f"cli:{getpass.getuser()}")
    if as_json:
        print_json([f.__dict__ for f in result.files])
        return
    for f in result.files:
        typer.echo(f"{f.path} ({f.format}): {f.entities} entities, {f.edges} edges, {f.exceptions} exceptions")
    typer.echo(f"loaded {result.entities} entities, {result.edges} edges, {result.exceptions} exceptions")
