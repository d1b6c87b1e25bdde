"""The root Typer application, its global options, and helpers every command uses."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from ownergate import __version__
from ownergate.settings import load_settings
from ownergate.store import Store, open_store

app = typer.Typer(
    name="ownergate",
    help="Export-control and sanctions gate: lists, screening, ownership, verdicts, enforcement.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class State:
    """Options given before the command, shared with every command through the context."""

    def __init__(self, db: str, create: bool = False) -> None:
        self.db = db
        self.create = create  # --create: an SQLite path that does not exist yet becomes a new store
        self._store: Store | None = None

    def store(self, create: bool = False) -> Store:
        """The store at ``--db``; an SQLite file that does not exist is refused (exit 3) unless ``--create``."""
        if self._store is None:
            self._store = open_store(self.db, create=create or self.create)
        return self._store


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ownergate {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Store URL: an SQLite file (sqlite:///PATH or a path) or postgresql://... "
            "[default: OWNERGATE_DB, else an SQLite file in the user's data directory]",
            show_default=False,
        ),
    ] = None,
    create: Annotated[
        bool,
        typer.Option(
            "--create",
            help="Create the SQLite store if its file does not exist yet (else only `store migrate` creates one)",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    ctx.obj = State(db or load_settings().db, create)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
