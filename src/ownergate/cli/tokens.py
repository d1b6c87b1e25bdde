"""``ownergate tokens``: admin API tokens with a role (viewer, analyst, approver, admin, onboarding)."""

from __future__ import annotations

from typing import Annotated

import typer

from ownergate.cli.app import app, state
from ownergate.service import auth

tokens_app = typer.Typer(help="Admin API tokens: only their hashes are stored.", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")


@tokens_app.command("issue")
def issue(
    ctx: typer.Context,
    role: Annotated[str, typer.Option(help="viewer, analyst, approver, admin or onboarding")],
    name: Annotated[str, typer.Option(help="Who holds the token (four-eyes checks compare names)")],
) -> None:
    """Issue a token and print it (this once)."""
    issued = auth.issue_token(state(ctx).store(), name, role)
    typer.echo(issued.token)
    typer.echo(f"token id {issued.info.id} for {name} ({issued.info.role}); store it now, it is not kept", err=True)


@tokens_app.command("revoke")
def revoke(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The token's id (see `tokens list`)")]
) -> None:
    """Revoke a token by its id."""
    info = auth.revoke_token(state(ctx).store(), token_id)
    typer.echo(f"revoked token {info.id} of {info.name}")


@tokens_app.command("list")
def list_(ctx: typer.Context) -> None:
    """Tokens by id, name, role and prefix."""
    for t in auth.list_tokens(state(ctx).store()):
        status = f"revoked {t.revoked_at}" if t.revoked_at else "active"
        typer.echo(f"{t.id}\t{t.prefix}...\t{t.name}\t{t.role}\t{status}")
