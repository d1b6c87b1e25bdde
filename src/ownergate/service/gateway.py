"""The enforcement endpoints, answered by a plain ASGI layer in front of FastAPI (no routing,
no validation framework on the hot path):

- ``POST /v1/check``: JSON ``{"api_key", "ip"}``, or the key in ``Authorization: Bearer`` /
  ``x-api-key`` and the address from the connection or a trusted ``X-Forwarded-For`` hop;
- ``/v1/authz/nginx``: nginx ``auth_request`` (any method; headers only; 2xx allows);
- ``/v1/authz/envoy/...``: Envoy's HTTP external authorisation (the original path is appended).

Every other request passes to FastAPI, after a body-size limit and, for a JSON body, a nesting
limit (:data:`JSON_DEPTH_LIMIT`: deeper bodies are a 400, never a parser's RecursionError). Each
answer carries the verdict
(``x-ownergate-decision``, ``x-ownergate-reasons`` headers) and an ``x-request-id``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import numpy as np

from ownergate.errors import InputError
from ownergate.service.address import TrustedProxies, UntrustedForwarding, client_ip
from ownergate.service.check import Checker, Verdict, refusal
from ownergate.service.logs import new_request_id, request_id

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CHECK_BODY_LIMIT = 4096  # a check is two short strings
BODY_LIMIT = 1 << 20  # every other request
JSON_DEPTH_LIMIT = 64  # arrays and objects inside each other; no ownergate request needs more than a few
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
log = logging.getLogger("ownergate.service.gateway")


class TooLarge(Exception):
    pass


class TooSlow(Exception):
    """The body did not arrive within ``OWNERGATE_BODY_TIMEOUT``."""


def headers_of(scope: Scope) -> dict[bytes, bytes]:
    return dict(scope.get("headers") or ())


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings do not count).

    Linear and in C (a regular expression, ``bytes.translate``, a numpy running sum), so a
    hostile body costs no more than reading it; used to refuse a body before any parser recurses.
    """
    if body.count(b"[") + body.count(b"{") < JSON_DEPTH_LIMIT:
        return 0  # cannot reach the limit: the common case costs two counts
    brackets = _JSON_STRING.sub(b"", body).translate(None, delete=_NOT_BRACKETS)
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1).astype(np.int64)
    return int(np.cumsum(steps).max())


def too_deep(body: bytes) -> bool:
    return json_depth(body) > JSON_DEPTH_LIMIT


def key_from_headers(headers: dict[bytes, bytes]) -> str | None:
    auth = headers.get(b"authorization")
    if auth and auth[:7].lower() == b"bearer ":
        return auth[7:].strip().decode("latin-1")
    key = headers.get(b"x-api-key")
    return key.strip().decode("latin-1") if key else None


def answer(
    checker: Checker, trusted: TrustedProxies, body: bytes, headers: dict[bytes, bytes], peer: str | None
) -> Verdict:
    """The verdict for one request: body fields first, then headers and the connection."""
    api_key: Any = None
    ip: Any = None
    if body.strip():
        if too_deep(body):
            return refusal(400, "malformed-json", f"the request body nests deeper than {JSON_DEPTH_LIMIT} levels")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return refusal(400, "malformed-json", "the request body is not valid JSON")
        if not isinstance(data, dict):
            return refusal(400, "malformed-json", "the request body must be a JSON object")
        api_key, ip = data.get("api_key"), data.get("ip")
        if not isinstance(api_key, str | None) or not isinstance(ip, str | None):
            return refusal(400, "malformed-json", "api_key and ip must be strings")
    if ip is None:
        forwarded = headers.get(b"x-forwarded-for")
        try:
            ip = client_ip(peer, forwarded.decode("latin-1") if forwarded else None, trusted)
        except InputError as exc:  # forged or malformed forwarding
            return refusal(400, exc.code if isinstance(exc, UntrustedForwarding) else "invalid-ip", exc.message)
    return checker.check(api_key if api_key is not None else key_from_headers(headers), ip)


def _endpoint(scope: Scope) -> str | None:
    path = scope["path"]
    if path == "/v1/check":
        return "check" if scope["method"] == "POST" else None
    if path == "/v1/authz/nginx":
        return "nginx"
    if path == "/v1/authz/envoy" or path.startswith("/v1/authz/envoy/"):
        return "envoy"
    return None


async def read_body(receive: Receive, limit: int, timeout: float = 0) -> bytes:
    """The whole body: :class:`TooLarge` past ``limit`` bytes, :class:`TooSlow` past ``timeout`` seconds (0: none)."""
    chunks: list[bytes] = []
    size = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if timeout > 0:
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0))
            except TimeoutError:
                raise TooSlow from None
        else:
            message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def verdict_headers(verdict: Verdict, rid: str) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-type", b"application/json"),
        (b"x-request-id", rid.encode()),
        (b"x-ownergate-decision", verdict.decision.encode()),
    ]
    if verdict.customer is not None:
        headers.append((b"x-ownergate-customer", verdict.customer.encode("utf-8", "replace")))
    codes = ",".join(str(r.get("code", "")) for r in verdict.reasons)
    if codes:
        headers.append((b"x-ownergate-reasons", codes.encode("utf-8", "replace")[:1024]))
    return headers


class GatewayLayer:
    """ASGI middleware: answers the enforcement endpoints itself, limits bodies for the rest."""

    def __init__(self, app: ASGIApp, service: Any) -> None:
        self.app = app
        self.service = service  # the ServiceState: checker, trusted proxies, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        endpoint = _endpoint(scope)
        headers = headers_of(scope)
        rid = new_request_id(headers.get(b"x-request-id"))
        token = request_id.set(rid)
        try:
            if endpoint is None:
                await self._other(scope, receive, send, headers, rid)
            else:
                await self._check(endpoint, scope, receive, send, headers, rid)
        finally:
            request_id.reset(token)

    async def _check(
        self, endpoint: str, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes], rid: str
    ) -> None:
        started = time.perf_counter()
        service = self.service
        extra: list[tuple[bytes, bytes]] = []
        try:
            timeout = service.settings.body_timeout
            body = await read_body(receive, CHECK_BODY_LIMIT, timeout) if endpoint == "check" else b""
            client = scope.get("client")
            verdict = answer(service.checker(), service.trusted, body, headers, client[0] if client else None)
        except TooLarge:
            verdict = refusal(413, "body-too-large", f"a check body is at most {CHECK_BODY_LIMIT} bytes")
        except TooSlow:
            verdict = refusal(408, "body-timeout", f"the body did not arrive within {timeout:g} s")
            extra = [(b"connection", b"close")]
        status = verdict.status
        if endpoint == "nginx" and not verdict.allow and status != 401:
            status = 403  # auth_request passes only 401 and 403 on; anything else becomes a 500
        payload = json.dumps(verdict.as_dict()).encode()
        await respond(send, status, payload, verdict_headers(verdict, rid) + extra)
        elapsed = time.perf_counter() - started
        service.metrics.observe(endpoint, verdict.decision, status, elapsed)
        if not verdict.allow:
            log.info(
                "check denied",
                extra={
                    "fields": {
                        "request_id": rid,
                        "endpoint": endpoint,
                        "status": status,
                        "customer": verdict.customer,
                        "reasons": [r.get("code") for r in verdict.reasons],
                    }
                },
            )

    async def _other(self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes], rid: str) -> None:
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > BODY_LIMIT):
            await _too_large(send, rid)
            return
        timeout = self.service.settings.body_timeout
        try:
            body = await read_body(receive, BODY_LIMIT, timeout) if scope["method"] not in ("GET", "HEAD") else b""
        except TooLarge:
            await _too_large(send, rid)
            return
        except TooSlow:
            message = f"the body did not arrive within {timeout:g} s"
            payload = json.dumps({"error": "body-timeout", "message": message}).encode()
            close = [(b"content-type", b"application/json"), (b"x-request-id", rid.encode()), (b"connection", b"close")]
            await respond(send, 408, payload, close)
            return
        content_type = headers.get(b"content-type", b"").lower()
        if body and (not content_type or b"json" in content_type) and too_deep(body):
            message = f"the JSON body nests deeper than {JSON_DEPTH_LIMIT} levels"
            payload = json.dumps({"error": "json-too-deep", "message": message}).encode()
            await respond(send, 400, payload, [(b"content-type", b"application/json"), (b"x-request-id", rid.encode())])
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status_seen = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status_seen
            if message["type"] == "http.response.start":
                status_seen = int(message["status"])
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        await self.app(scope, replay, send_with_id)
        if scope["path"].startswith("/admin/"):
            self.service.metrics.observe_admin(scope["method"], status_seen)
            log.info(
                "admin call",
                extra={
                    "fields": {
                        "request_id": rid,
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status_seen,
                    }
                },
            )


async def _too_large(send: Send, rid: str) -> None:
    body = json.dumps({"error": "body-too-large", "message": f"request bodies are limited to {BODY_LIMIT} bytes"})
    await respond(send, 413, body.encode(), [(b"content-type", b"application/json"), (b"x-request-id", rid.encode())])
