"""``ownergate overrides``: propose, approve, reject and list four-eyes overrides.

Each command is one call of :mod:`ownergate.decisions.overrides` in one transaction (the duration
cap, the audit record, the outbox event and the change-feed row live there); the operator acts
with every role (``access.roles.operator``), and four eyes still apply by name.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.decisions import overrides as ovr

overrides_app = typer.Typer(help="Four-eyes overrides of machine verdicts.", no_args_is_help=True)
app.add_typer(overrides_app, name="overrides")

Actor = Annotated[str | None, typer.Option(help="Who acts [default: the operating-system user]")]


def _actor(value: str | None) -> str:
    return value or getpass.getuser()


def _show(item: ovr.Override, as_json: bool) -> None:
    if as_json:
        print_json(item.to_dict())
    else:
        typer.echo(
            f"override #{item.id} for {item.customer_id}: {item.decision} until {item.expires_at},"
            f" {item.status} (proposed by {item.proposed_by}"
            + (f", {item.status} by {item.reviewed_by})" if item.reviewed_by else ")")
        )


@overrides_app.command("propose")
def propose(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="The customer whose verdict is overridden")],
    decision: Annotated[str, typer.Option(help="allow or deny")],
    justification: Annotated[str, typer.Option(help="Why")],
    expires: Annotated[str, typer.Option(help="Expiry date (YYYY-MM-DD) or ISO date-time")],
    actor: Actor = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the override as JSON.")] = False,
) -> None:
    """Propose an override; it takes effect only when a different person approves it."""
    with state(ctx).store().transaction() as tx:
        item = ovr.propose(
            tx,
            customer_id=customer_id,
            decision=decision,
            justification=justification,
            expires_at=expires,
            actor=_actor(actor),
            now=datetime.now(UTC),
        )
    _show(item, as_json)


@overrides_app.command("approve")
def approve(
    ctx: typer.Context,
    override_id: Annotated[int, typer.Argument(help="The override's number (see `overrides list`)")],
    actor: Actor = None,
    note: Annotated[str, typer.Option(help="A note for the record")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the override as JSON.")] = False,
) -> None:
    """Approve a proposed override (not your own)."""
    with state(ctx).store().transaction() as tx:  # every replica's decision table follows on commit
        item = ovr.approve(tx, override_id, actor=_actor(actor), now=datetime.now(UTC), note=note)
    _show(item, as_json)


@overrides_app.command("reject")
def reject(
    ctx: typer.Context,
    override_id: Annotated[int, typer.Argument(help="The override's number (see `overrides list`)")],
    actor: Actor = None,
    note: Annotated[str, typer.Option(help="A note for the record")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the override as JSON.")] = False,
) -> None:
    """Reject a proposed override."""
    with state(ctx).store().transaction() as tx:
        item = ovr.reject(tx, override_id, actor=_actor(actor), now=datetime.now(UTC), note=note)
    _show(item, as_json)


@overrides_app.command("list")
def list_(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option(help="Only this customer's overrides")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the override as JSON.")] = False,
) -> None:
    """Overrides waiting for approval, or every override of one customer."""
    with state(ctx).store().read() as tx:
        items = ovr.for_customer(tx, customer) if customer else ovr.pending(tx)
    if as_json:
        print_json([i.to_dict() for i in items])
        return
    for item in items:
        _show(item, False)
