"""The FastAPI application factory. Routers stay thin over the library; errors map by status."""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ownergate import __version__
from ownergate.errors import OwnergateError
from ownergate.store import Store, open_store


def create_app(db_url: str) -> FastAPI:
    """Build the service over the store at ``db_url``."""
    app = FastAPI(title="ownergate", version=__version__)
    app.state.db_url = db_url
    app.state.started = time.time()
    app.state.store = None

    def store() -> Store:
        if app.state.store is None:
            app.state.store = open_store(db_url)
        return app.state.store  # type: ignore[no-any-return]

    app.state.get_store = store

    @app.exception_handler(OwnergateError)
    async def _ownergate_error(request: Request, exc: OwnergateError) -> JSONResponse:
        return JSONResponse(status_code=exc.http_status, content={"error": exc.code, "message": exc.message})

    @app.get("/")
    def index() -> dict[str, Any]:
        """The project's name and version."""
        return {"name": "ownergate", "version": __version__}

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        """Liveness and the store's reachability."""
        from ownergate.store.info import describe

        info = describe(store())
        return {
            "status": "ok",
            "version": __version__,
            "store": info["backend"],
            "schema_version": info["schema_version"],
            "uptime_seconds": round(time.time() - app.state.started, 3),
        }

    return app
