"""ASGI middleware: the same check, in process, in front of any Python API.

::

    from ownergate.service.middleware import OwnergateMiddleware
    app.add_middleware(OwnergateMiddleware, db_url="postgresql://...", exempt=("/healthz",))

Each request's key (``Authorization: Bearer`` or ``x-api-key``) and address (the connection, or a
trusted ``X-Forwarded-For`` hop) are checked against this process's replica of the decision
table; a denied request gets the check's status and JSON body and never reaches the app. An
allowed one carries the verdict in ``scope["state"]["ownergate"]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ownergate.service.gateway import ASGIApp, Receive, Scope, Send, answer, headers_of, respond, verdict_headers
from ownergate.service.logs import new_request_id
from ownergate.service.state import ServiceState
from ownergate.settings import Settings, load_settings


class OwnergateMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        db_url: str | None = None,
        settings: Settings | None = None,
        exempt: Iterable[str] = (),
        service: ServiceState | None = None,
    ) -> None:
        self.app = app
        settings = settings or load_settings()
        self.service = service or ServiceState(db_url or settings.db, settings)
        self.exempt = frozenset(exempt)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        service = self.service
        headers = headers_of(scope)
        client = scope.get("client")
        verdict = answer(service.checker(), service.trusted, b"", headers, client[0] if client else None)
        if verdict.allow:
            scope.setdefault("state", {})["ownergate"] = verdict
            await self.app(scope, receive, send)
            return
        rid = new_request_id(headers.get(b"x-request-id"))
        await respond(send, verdict.status, json.dumps(verdict.as_dict()).encode(), verdict_headers(verdict, rid))

    def close(self) -> None:
        """Stop the replica's refresher threads."""
        self.service.stop()
