"""``ownergate serve``: run the decision service (and, with ``--grpc-port``, Envoy's gRPC ext_authz)."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from ownergate.cli.app import app, state
from ownergate.errors import ConfigError
from ownergate.settings import load_settings


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to bind [default: OWNERGATE_HOST or 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: OWNERGATE_PORT or 8080]")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Store URL (overrides the global --db)")] = None,
    grpc_port: Annotated[
        int | None, typer.Option("--grpc-port", help="Also serve Envoy ext_authz gRPC on this port")
    ] = None,
) -> None:
    """Serve the decision service (/v1/check, gateway adapters, admin API) over HTTP."""
    import uvicorn

    from ownergate.service.app import create_app
    from ownergate.service.logs import configure
    from ownergate.store import open_store

    settings = load_settings()
    host = host or settings.host
    port = port or settings.port
    _check_free(host, port, "--port")
    if grpc_port is not None:
        _check_free(host, grpc_port, "--grpc-port")
    url = db or state(ctx).db
    open_store(url).close()  # create or migrate the schema before any replica reads it
    configure(settings.log_level)
    application = create_app(url, settings)
    grpc_server = None
    if grpc_port is not None:
        from ownergate.service.ext_authz import start_grpc

        grpc_server = start_grpc(application.state.service, host, grpc_port)
        typer.echo(f"ownergate ext_authz gRPC on {host}:{grpc_port}")
    typer.echo(f"ownergate serving on http://{host}:{port}/", err=False)
    try:
        uvicorn.run(
            application,
            host=host,
            port=port,
            log_level=settings.log_level.lower(),
            access_log=False,
            loop=_loop(),
            http=_http(),
            log_config=None,
        )
    finally:
        if grpc_server is not None:
            grpc_server.stop(1)


def _check_free(host: str, port: int, option: str) -> None:
    """Fail in one line, before the store is touched, when the address cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port} ({option}): {exc.strerror or exc}") from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port} ({option}): {exc.strerror or exc}") from exc


def _loop() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def _http() -> str:
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11"
    return "httptools"
