"""``ownergate keys``: issue (printed once), revoke and list customers' API keys."""

from __future__ import annotations

from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.service import keys

keys_app = typer.Typer(help="Customers' API keys: only their hashes are stored.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("issue")
def issue(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="The customer the key is for")],
    label: Annotated[str | None, typer.Option(help="A note to tell keys apart")] = None,
) -> None:
    """Issue a key for CUSTOMER_ID and print it (this once: it cannot be shown again)."""
    issued = keys.issue_key(state(ctx).store(), customer_id, label)
    typer.echo(issued.key)
    typer.echo(f"key id {issued.info.id} for customer {customer_id}; store it now, it is not kept", err=True)


@keys_app.command("revoke")
def revoke(ctx: typer.Context, key: Annotated[str, typer.Argument(help="The key, its id or its prefix")]) -> None:
    """Revoke a key: every replica denies it within a second."""
    info = keys.revoke_key(state(ctx).store(), key)
    typer.echo(f"revoked key {info.prefix}... (id {info.id}) of customer {info.customer_id}")


@keys_app.command("list")
def list_(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option(help="Only this customer's keys")] = None,
    revoked: Annotated[bool, typer.Option("--revoked", help="Include revoked keys")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the keys as JSON.")] = False,
) -> None:
    """Keys by prefix (never the keys themselves)."""
    found = keys.list_keys(state(ctx).store(), customer, revoked)
    if as_json:
        print_json([k.as_dict() for k in found])
        return
    for k in found:
        status = f"revoked {k.revoked_at}" if k.revoked_at else "active"
        typer.echo(f"{k.id}\t{k.prefix}...\t{k.customer_id}\t{status}\t{k.label or ''}")
