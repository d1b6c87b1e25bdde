"""``ownergate policy``: list, show, validate, install and activate policies."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ownergate import audit
from ownergate.cli.app import app, print_json, state
from ownergate.decisions.service import known_list_ids
from ownergate.policy import repository
from ownergate.policy.loader import read_policy, shipped_names

policy_app = typer.Typer(help="Policies: which lists deny, which ownership rules apply.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")


@policy_app.command("list")
def list_(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print the policies as JSON.")] = False
) -> None:
    """Shipped policies and installed policy versions."""
    store = state(ctx).store()
    installed = repository.installed(store)
    with store.read() as tx:
        active = repository.active_policy(tx)
    if as_json:
        print_json(
            {
                "shipped": shipped_names(),
                "installed": [vars_of(i) for i in installed],
                "active": {"name": active.name, "activated": active.activated, "activated_at": active.activated_at,
                           "activated_by": active.activated_by},
            }
        )  # fmt: skip
        return
    typer.echo(f"active: {active.describe()}")
    typer.echo("shipped: " + ", ".join(shipped_names()))
    for item in installed:
        typer.echo(f"installed: {item.name}@{item.version} effective {item.effective_from} by {item.installed_by}")


def vars_of(item: repository.InstalledPolicy) -> dict[str, str]:
    return {name: getattr(item, name) for name in item.__slots__}


@policy_app.command("validate")
def validate(ctx: typer.Context, policy: Annotated[str, typer.Argument(help="Policy name or YAML file")]) -> None:
    """Check a policy file; errors name the line and the problem."""
    found = read_policy(policy, known_list_ids(state(ctx).store()))
    typer.echo(f"{found.ref}: valid (effective from {found.effective_from})")


@policy_app.command("show")
def show(ctx: typer.Context, policy: Annotated[str, typer.Argument(help="Policy name or YAML file")]) -> None:
    """Print a policy's YAML."""
    typer.echo(read_policy(policy, known_list_ids(state(ctx).store())).text)


@policy_app.command("install")
def install(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Policy YAML file")],
    actor: Annotated[str | None, typer.Option(help="Who installs it [default: the OS user]")] = None,
) -> None:
    """Install a policy version (versions are immutable); decisions on or after its date use it."""
    store = state(ctx).store()
    policy = read_policy(str(file), known_list_ids(store))
    who = actor or getpass.getuser()
    with store.transaction() as tx:
        new = repository.install(tx, policy, who, datetime.now(UTC))
        if new:
            details = {
                "version": policy.version,
                "effective_from": policy.effective_from.isoformat(),
                "sha256": policy.sha256,
            }
            audit.append(tx, actor=who, action="policy.installed", subject=f"policy:{policy.name}", details=details)
    typer.echo(f"{policy.ref}: {'installed' if new else 'already installed'}")


@policy_app.command("activate")
def activate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="An installed or shipped policy's name")],
    actor: Annotated[str | None, typer.Option(help="Who activates it [default: the OS user]")] = None,
) -> None:
    """Make NAME the store's policy in force: decide, watch, the review desk and the service use it."""
    store = state(ctx).store()
    who = actor or getpass.getuser()
    with store.transaction() as tx:
        changed = repository.activate(tx, name, who, datetime.now(UTC))
    typer.echo(f"{name}: {'activated' if changed else 'already active'}")
