"""``ownergate store``: create, migrate and describe the store."""

from __future__ import annotations

from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.store.info import describe

store_app = typer.Typer(help="Create, migrate and describe the store.", no_args_is_help=True)
app.add_typer(store_app, name="store")


@store_app.command("migrate")
def migrate(ctx: typer.Context) -> None:
    """Create the store or bring its schema up to date."""
    st = state(ctx).store(create=True)  # opening creates the file if needed, and migrates
    typer.echo(f"store {st.redacted_url()} is at schema version {describe(st)['schema_version']}")


@store_app.command("info")
def info(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the store's details as JSON.")] = False,
) -> None:
    """The store's backend, schema version and table sizes."""
    data = describe(state(ctx).store())
    if as_json:
        print_json(data)
    else:
        for key, value in data.items():
            if isinstance(value, dict):  # the table sizes: one aligned line each, never a dict repr
                typer.echo(f"{key}:")
                width = max((len(str(k)) for k in value), default=0)
                for name, count in value.items():
                    typer.echo(
                        f"  {str(name).ljust(width)}  {count:>10,}" if isinstance(count, int) else f"  {name}  {count}"
                    )
            else:
                typer.echo(f"{key}: {value}")
