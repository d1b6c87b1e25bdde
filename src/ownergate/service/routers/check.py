"""The enforcement endpoints as FastAPI routes: they give the OpenAPI document its shapes and answer
exactly as :class:`~ownergate.service.gateway.GatewayLayer` does (it handles them first)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ownergate.service.gateway import answer, headers_of, verdict_headers
from ownergate.service.logs import new_request_id

router = APIRouter(tags=["enforcement"])


# The body /v1/check reads (by hand: the gateway layer parses it without a framework).
_CHECK_BODY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "api_key": {
            "type": "string",
            "pattern": "^og_live_[A-Za-z0-9_-]{32}$",
            "description": "The customer's API key (or send Authorization: Bearer / x-api-key)",
        },
        "ip": {
            "anyOf": [{"type": "string", "format": "ipv4"}, {"type": "string", "format": "ipv6"}],
            "description": "The caller's IP address (default: the connection or a trusted X-Forwarded-For hop)",
        },
    },
}


class Reason(BaseModel):
    code: str
    message: str
    evidence: dict[str, Any] = {}


class CheckResult(BaseModel):
    allow: bool
    decision: str = Field(description="allow, deny or review")
    customer: str | None
    reasons: list[Reason]


_DENIALS: dict[int | str, dict[str, Any]] = {
    400: {"model": CheckResult, "description": "Malformed IP address, JSON or forwarding header"},
    401: {"model": CheckResult, "description": "No API key, or not of the API key's shape"},
    403: {"model": CheckResult, "description": "Denied (or under review), with reasons"},
    413: {"model": CheckResult, "description": "Body over 4 KiB"},
    503: {"model": CheckResult, "description": "The decision table is too old (fail closed)"},
}


async def _answer(request: Request, nginx: bool) -> JSONResponse:
    service = request.app.state.service
    body = await request.body() if not nginx else b""
    headers = headers_of(request.scope)
    client = request.client
    verdict = answer(service.checker(), service.trusted, body, headers, client.host if client else None)
    status = 403 if nginx and not verdict.allow and verdict.status != 401 else verdict.status
    rid = new_request_id(headers.get(b"x-request-id"))
    extra = {k.decode(): v.decode("latin-1") for k, v in verdict_headers(verdict, rid) if k != b"content-type"}
    return JSONResponse(verdict.as_dict(), status_code=status, headers=extra)


@router.post(
    "/v1/check",
    response_model=CheckResult,
    responses=_DENIALS,
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": _CHECK_BODY}}}},
)
async def check(request: Request) -> JSONResponse:
    """May this key, from this address, use the service now? 200 allows; any other status denies."""
    return await _answer(request, nginx=False)


async def nginx_auth_request(request: Request) -> JSONResponse:
    """nginx ``auth_request``: key from ``Authorization``/``x-api-key``, address from a trusted XFF hop.

    Denials are 401 or 403 only, the two statuses ``auth_request`` passes on to the client."""
    return await _answer(request, nginx=True)


async def envoy_http_authz(request: Request, path: str) -> JSONResponse:
    """Envoy HTTP external authorisation: the original request's method, and its path after the prefix."""
    return await _answer(request, nginx=False)


# A proxy asks with the original request's method, whatever it is.
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
for _path, _endpoint, _name in (
    ("/v1/authz/nginx", nginx_auth_request, "nginx auth_request"),
    ("/v1/authz/envoy/{path:path}", envoy_http_authz, "Envoy HTTP ext_authz"),
):
    for _method in _METHODS:
        router.add_api_route(
            _path,
            _endpoint,
            methods=[_method],
            response_model=CheckResult,
            responses=_DENIALS,
            operation_id=f"{_endpoint.__name__}_{_method.lower()}",
            summary=f"{_name} ({_method})",
        )
