"""``ownergate serve``: run the decision service."""

from __future__ import annotations

from typing import Annotated

import typer

from ownergate.cli.app import app, state
from ownergate.settings import load_settings


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to bind [default: OWNERGATE_HOST or 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: OWNERGATE_PORT or 8080]")] = None,
) -> None:
    """Serve the decision service, admin API and review desk over HTTP."""
    import uvicorn

    from ownergate.service.app import create_app

    settings = load_settings()
    host = host or settings.host
    port = port or settings.port
    application = create_app(state(ctx).db)
    typer.echo(f"ownergate serving on http://{host}:{port}/")
    uvicorn.run(application, host=host, port=port, log_level=settings.log_level.lower(), access_log=False)
