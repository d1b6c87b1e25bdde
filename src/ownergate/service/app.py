"""The FastAPI application factory. Routers stay thin over the library; errors map by status.

The enforcement endpoints (``/v1/check``, ``/v1/authz/...``) are answered by
:class:`~ownergate.service.gateway.GatewayLayer` in front of FastAPI; their FastAPI routes in
``routers/check.py`` document them in the OpenAPI schema and answer identically.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ownergate import __version__
from ownergate.errors import OwnergateError
from ownergate.service.gateway import GatewayLayer
from ownergate.service.state import ServiceState
from ownergate.settings import Settings, load_settings


def create_app(db_url: str, settings: Settings | None = None) -> FastAPI:
    """Build the service over the store at ``db_url``."""
    service = ServiceState(db_url, settings or load_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.start()
        yield
        service.stop()

    app = FastAPI(
        title="ownergate",
        version=__version__,
        lifespan=lifespan,
        description="Decision service: per-request enforcement of verdicts, gateway adapters and the admin API.",
    )
    app.state.service = service
    app.state.db_url = db_url

    @app.exception_handler(OwnergateError)
    async def _ownergate_error(request: Request, exc: OwnergateError) -> JSONResponse:
        return JSONResponse(status_code=exc.http_status, content={"error": exc.code, "message": exc.message})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()]
        return JSONResponse(status_code=422, content={"error": "invalid-input", "message": "; ".join(problems)})

    @app.get("/", tags=["service"])
    def index() -> dict[str, Any]:
        """The project's name and version."""
        return {"name": "ownergate", "version": __version__}

    @app.get("/healthz", tags=["service"], responses={503: {"description": "The table is too old: checks deny"}})
    def healthz() -> JSONResponse:
        """Liveness, the decision table's age and whether the store is reachable."""
        health = service.health()
        health["version"] = __version__
        if health["status"] == "stale":
            error = "store-unavailable" if service.replica.last_error else "stale-table"
            message = service.replica.last_error or "the decision table is past its maximum staleness"
            if service.replica.broken is not None:
                error, message = service.replica.broken.code, str(service.replica.broken)
            return JSONResponse(status_code=503, content={"error": error, "message": message, **health})
        return JSONResponse(content=health)

    from ownergate.service.routers import admin, check, customers, match, metrics

    app.include_router(check.router)
    app.include_router(metrics.router)
    app.include_router(admin.router)
    app.include_router(customers.router)
    app.include_router(match.router)
    from ownergate.review.routes import mount as mount_review_desk

    mount_review_desk(app)  # the review desk's pages under /review/
    app.add_middleware(GatewayLayer, service=service)
    return app


def app_from_settings() -> FastAPI:
    """The service over ``OWNERGATE_DB``: the factory each ``serve --workers`` process calls."""
    settings = load_settings()
    return create_app(settings.db, settings)
