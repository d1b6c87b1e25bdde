"""``ownergate serve``: run the decision service (and, with ``--grpc-port``, Envoy's gRPC ext_authz)."""

from __future__ import annotations

import socket
from typing import Annotated, Any

import typer

from ownergate.cli.app import app, state
from ownergate.errors import ConfigError, InputError
from ownergate.settings import export_db_for_workers, load_settings


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Address to bind [default: OWNERGATE_HOST or 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: OWNERGATE_PORT or 8080]")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Store URL (overrides the global --db)")] = None,
    grpc_port: Annotated[
        int | None, typer.Option("--grpc-port", help="Also serve Envoy ext_authz gRPC on this port")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="HTTP worker processes, each with its own decision table replica")
    ] = 1,
) -> None:
    """Serve the decision service (/v1/check, gateway adapters, admin API) over HTTP."""
    import uvicorn

    from ownergate.service.logs import configure
    from ownergate.service.protocol import DEFAULT_PROTOCOL
    from ownergate.store import open_store

    if not 1 <= workers <= 256:
        raise InputError(f"--workers {workers}: give a number of processes from 1 to 256")
    settings = load_settings()
    host = host or settings.host
    port = port or settings.port
    _check_free(host, port, "--port")
    if grpc_port is not None:
        _check_free(host, grpc_port, "--grpc-port")
    url = db or state(ctx).db
    # Migrate the schema before any replica reads it; a missing SQLite file is refused unless --create.
    open_store(url, create=state(ctx).create).close()
    configure(settings.log_level)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": settings.log_level.lower(),
        "access_log": False,
        "loop": _loop(),
        "http": DEFAULT_PROTOCOL,  # uvicorn's protocol with a deadline on request headers
        "log_config": None,
        # ownergate reads X-Forwarded-For itself (OWNERGATE_TRUSTED_PROXIES): uvicorn's own rewrite
        # would replace the peer by the forwarded address before that check could see the proxy.
        "proxy_headers": False,
        "server_header": False,
        "timeout_keep_alive": 5,
    }
    grpc_server = None
    if workers == 1:
        from ownergate.service.app import create_app

        application = create_app(url, settings)
        service = application.state.service
    else:
        from ownergate.service.state import ServiceState

        export_db_for_workers(url)  # each worker builds its app from the settings (app_from_settings)
        service = ServiceState(url, settings)  # the gRPC server's own replica, in this process
    if grpc_port is not None:
        from ownergate.service.ext_authz import start_grpc

        grpc_server = start_grpc(service, host, grpc_port)
        typer.echo(f"ownergate ext_authz gRPC on {host}:{grpc_port}")
    typer.echo(f"ownergate serving on http://{host}:{port}/" + (f" with {workers} workers" if workers > 1 else ""))
    try:
        if workers == 1:
            uvicorn.run(application, **options)
        else:
            uvicorn.run("ownergate.service.app:app_from_settings", factory=True, workers=workers, **options)
    finally:
        if grpc_server is not None:
            grpc_server.stop(1)
            service.stop()


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
