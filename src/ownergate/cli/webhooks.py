"""``ownergate webhooks``: register endpoints, see delivery status, run the delivery loop."""

from __future__ import annotations

import getpass
from dataclasses import asdict
from typing import Annotated

import typer

from ownergate.cli.app import app, print_json, state
from ownergate.clock import SystemClock
from ownergate.monitor.outbox import event_status, outbox_status
from ownergate.monitor.webhooks import (
    DeliveryReport,
    HttpxTransport,
    RetryPolicy,
    add_endpoint,
    deliver_loop,
    list_endpoints,
)
from ownergate.settings import secret_from_env

webhooks_app = typer.Typer(help="Webhook endpoints and the delivery of outbox events.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")


def cli_actor() -> str:
    """The audit actor of a command run by hand: ``cli:`` and the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "cli:unknown"


@webhooks_app.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The receiver's http(s) URL.")],
    secret_env: Annotated[
        str, typer.Option("--secret-env", help="Name of the environment variable holding the signing secret.")
    ],
) -> None:
    """Register an endpoint; every event from now on is delivered to it. Stores the variable NAME only."""
    endpoint = add_endpoint(state(ctx).store(), url, secret_env, actor=cli_actor(), clock=SystemClock())
    typer.echo(f"webhook {endpoint.id} added: {endpoint.url} (secret from ${endpoint.secret_env})")
    if secret_from_env(secret_env) is None:
        typer.echo(f"note: ${secret_env} is not set here; set it where `webhooks deliver` runs", err=True)


@webhooks_app.command("list")
def list_cmd(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print the endpoints as JSON.")] = False
) -> None:
    """Endpoints with their delivery counts (pending, delivered, dead)."""
    store = state(ctx).store()
    endpoints = {e.id: e for e in list_endpoints(store)}
    status = outbox_status(store)
    if as_json:
        print_json({**asdict(status), "secret_env": {e.id: e.secret_env for e in endpoints.values()}})
        return
    typer.echo(f"{status.events} events: {status.pending} pending, {status.delivered} delivered, {status.dead} dead")
    for s in status.endpoints:
        flag = "" if s.active else " (inactive)"
        typer.echo(
            f"{s.endpoint_id}  {s.url}{flag}  secret ${endpoints[s.endpoint_id].secret_env}  "
            f"pending {s.pending}  delivered {s.delivered}  dead {s.dead}"
        )


@webhooks_app.command("status")
def status_cmd(ctx: typer.Context, event_id: Annotated[str, typer.Argument(help="An event id (evt_...).")]) -> None:
    """Where one event stands at each endpoint, as JSON."""
    print_json([asdict(s) for s in event_status(state(ctx).store(), event_id)])


@webhooks_app.command("deliver")
def deliver(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Deliver what is due now, then exit.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between idle passes.")] = 5.0,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a receiver's response.")] = 10.0,
    max_attempts: Annotated[int, typer.Option(help="Attempts before an event is dead-lettered.")] = 10,
    base_delay: Annotated[float, typer.Option(help="Seconds before the first retry; doubles each time.")] = 30.0,
) -> None:
    """Deliver due outbox events, retrying with backoff (runs until stopped unless --once)."""
    if timeout <= 0 or interval < 0 or max_attempts < 1 or base_delay < 0:
        raise typer.BadParameter("--timeout must be > 0, --max-attempts >= 1, --interval and --base-delay >= 0")
    policy = RetryPolicy(max_attempts=max_attempts, base_delay=base_delay, lease=2 * timeout + 1)
    transport = HttpxTransport(timeout=timeout)

    def show(report: DeliveryReport) -> None:
        for line in report.errors:
            typer.echo(f"  {line}", err=True)
        if report.attempted and not once:
            typer.echo(report.summary())

    try:
        total = deliver_loop(
            state(ctx).store(),
            transport,
            SystemClock(),
            interval=interval,
            policy=policy,
            on_pass=show,
            until_idle=once,
        )
    finally:
        transport.close()
    typer.echo(total.summary())
