"""``ownergate customers``: import, add, list and show customers."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.decisions import customers as book

customers_app = typer.Typer(help="Register the organisations that want access.", no_args_is_help=True)
app.add_typer(customers_app, name="customers")


@customers_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Customers CSV: id,name,country,hq_country,lei,... (header required)")],
    owners: Annotated[
        Path | None,
        typer.Option(help="Declared owners CSV: customer_id,owner_name,owner_country,owner_hq_country,share_min,..."),
    ] = None,
) -> None:
    """Import a customer book (all rows or none)."""
    result = book.import_files(state(ctx).store(), file, owners, datetime.now(UTC), actor=f"cli:{getpass.getuser()}")
    typer.echo(
        f"imported {result.customers} customers ({result.created} new, {result.updated} updated),"
        f" {result.owners} declared owners"
    )


@customers_app.command("add")
def add(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="Your id for the customer")],
    name: Annotated[str, typer.Option(help="Legal name")],
    country: Annotated[str | None, typer.Option(help="Country of incorporation (ISO alpha-2)")] = None,
    hq_country: Annotated[str | None, typer.Option(help="Headquarters country (ISO alpha-2)")] = None,
    lei: Annotated[str | None, typer.Option(help="Legal Entity Identifier")] = None,
    registration_number: Annotated[str | None, typer.Option(help="Company registration number")] = None,
    website: Annotated[str | None, typer.Option(help="Website")] = None,
    entity_id: Annotated[str | None, typer.Option(help="Node of the ownership graph this customer is")] = None,
) -> None:
    """Add or update one customer."""
    customer = book.Customer(
        id=customer_id.strip(),
        name=name.strip(),
        country=book.parse_country(country, "--country"),
        hq_country=book.parse_country(hq_country, "--hq-country"),
        lei=lei,
        registration_number=registration_number,
        website=website,
        entity_id=entity_id,
    )
    with state(ctx).store().transaction() as tx:
        created = book.save_one(tx, customer, datetime.now(UTC), actor=f"cli:{getpass.getuser()}")
    typer.echo(f"{'added' if created else 'updated'} customer {customer.id}")


@customers_app.command("list")
def list_(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print the customers as JSON.")] = False
) -> None:
    """Every customer."""
    with state(ctx).store().read() as tx:
        found = book.all_customers(tx)
    if as_json:
        print_json([book.to_dict(c) for c in found])
        return
    for c in found:
        typer.echo(f"{c.id}\t{c.name}\t{c.country or '-'}\t{c.hq_country or '-'}")


@customers_app.command("show")
def show(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="The customer's id")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the customer as JSON.")] = False,
) -> None:
    """One customer with its declared owners (a table, or JSON with --json)."""
    with state(ctx).store().read() as tx:
        customer = book.get_customer(tx, customer_id)
    data = book.to_dict(customer)
    if as_json:
        print_json(data)
        return
    raw = data.pop("owners", [])
    owners = [o for o in raw if isinstance(o, dict)] if isinstance(raw, list) else []
    width = max(len(k) for k in data)
    for key, value in data.items():
        typer.echo(f"{key.ljust(width)}  {_cell(value)}")
    typer.echo(f"declared owners ({len(owners)})" + (":" if owners else ""))
    if owners:
        columns = list(dict.fromkeys(k for owner in owners for k in owner))
        typer.echo(_table(columns, [[_cell(o.get(c)) for c in columns] for o in owners]))


def _cell(value: object) -> str:
    """A value as a person reads it: ``-`` for none, lists joined, never a Python repr."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


def _table(columns: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join("  " + line for line in lines)
