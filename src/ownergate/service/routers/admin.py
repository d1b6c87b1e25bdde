"""The admin API: every call needs ``Authorization: Bearer og_admin_...`` with a role that allows it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, Field

from ownergate.errors import AuthenticationError
from ownergate.service import auth, keys, overrides, records
from ownergate.service.auth import Actor, Role
from ownergate.store import Store

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Invalid input"},
    401: {"description": "No valid admin token"},
    403: {"description": "The token's role does not allow this"},
    404: {"description": "Not found"},
    409: {"description": "Conflicts with stored state"},
    503: {"description": "The store cannot be reached"},
}
router = APIRouter(prefix="/admin", tags=["admin"], responses=_ERRORS)


def _store(request: Request) -> Store:
    return request.app.state.service.store()  # type: ignore[no-any-return]


def _actor(request: Request) -> Actor:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise AuthenticationError("an admin token is required (Authorization: Bearer og_admin_...)")
    return auth.authenticate(_store(request), header[7:].strip())


def role(needed: Role) -> Any:
    def dependency(request: Request) -> Actor:
        actor = _actor(request)
        auth.require(actor, needed)
        return actor

    return Depends(dependency)


Viewer = Annotated[Actor, role(Role.viewer)]
Analyst = Annotated[Actor, role(Role.analyst)]
Approver = Annotated[Actor, role(Role.approver)]
Admin = Annotated[Actor, role(Role.admin)]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
RowId = Annotated[int, Path(ge=1, le=2**62)]
KeyRef = Annotated[str, Path(pattern=r"^([0-9]{1,18}|og_live_[A-Za-z0-9_-]{4}|og_live_[A-Za-z0-9_-]{32})$")]
Text = Annotated[str, Field(min_length=1, max_length=200)]


# -- customers and decisions ------------------------------------------------------------------


@router.get("/customers")
def customers(
    request: Request,
    actor: Viewer,
    limit: Limit = 100,
    offset: Offset = 0,
    name: Annotated[str | None, Query(max_length=200)] = None,
) -> list[dict[str, Any]]:
    """Customers, by id; ``name`` filters by a part of the name."""
    return records.list_customers(_store(request), limit, offset, name)


@router.get("/customers/{customer_id}")
def customer(request: Request, actor: Viewer, customer_id: str) -> dict[str, Any]:
    """One customer and the verdict in force now (override-aware)."""
    return records.customer(_store(request), customer_id)


@router.get("/decisions")
def decisions(
    request: Request,
    actor: Viewer,
    customer_id: Annotated[str | None, Query(max_length=200)] = None,
    decision: Literal["allow", "deny", "review"] | None = None,
    history: bool = False,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    """Machine decisions: the current ones, or with ``history`` every one, newest first."""
    return records.decisions(_store(request), customer_id, decision, not history, limit)


# -- API keys -----------------------------------------------------------------------------------


class KeyRequest(BaseModel):
    customer_id: Text
    label: str | None = Field(None, max_length=200)


@router.get("/keys")
def list_keys(
    request: Request,
    actor: Viewer,
    customer_id: Annotated[str | None, Query(max_length=200)] = None,
    revoked: bool = False,
) -> list[dict[str, Any]]:
    """API keys (prefixes only, never the keys)."""
    return [k.as_dict() for k in keys.list_keys(_store(request), customer_id, revoked)]


@router.post("/keys", status_code=201)
def issue_key(request: Request, actor: Admin, body: KeyRequest) -> dict[str, Any]:
    """Issue a key for a customer. The key is in this response only; store it now."""
    issued = keys.issue_key(_store(request), body.customer_id, body.label)
    return {"key": issued.key, **issued.info.as_dict()}


@router.delete("/keys/{ref}")
def revoke_key(request: Request, actor: Admin, ref: KeyRef) -> dict[str, Any]:
    """Revoke a key given as its id, its prefix (``og_live_XXXX``) or the key itself."""
    return keys.revoke_key(_store(request), ref).as_dict()


# -- admin tokens -------------------------------------------------------------------------------


class TokenRequest(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    role: Role


@router.get("/tokens")
def list_tokens(request: Request, actor: Admin) -> list[dict[str, Any]]:
    return [t.as_dict() for t in auth.list_tokens(_store(request))]


@router.post("/tokens", status_code=201)
def issue_token(request: Request, actor: Admin, body: TokenRequest) -> dict[str, Any]:
    """Issue an admin token. The token is in this response only."""
    issued = auth.issue_token(_store(request), body.name, body.role.value)
    return {"token": issued.token, **issued.info.as_dict()}


@router.delete("/tokens/{token_id}")
def revoke_token(request: Request, actor: Admin, token_id: RowId) -> dict[str, Any]:
    return auth.revoke_token(_store(request), token_id).as_dict()


# -- overrides ----------------------------------------------------------------------------------


class OverrideRequest(BaseModel):
    customer_id: Text
    decision: Literal["allow", "deny"]
    justification: Annotated[str, Field(min_length=10, max_length=4000)]
    expires_at: Annotated[
        AwareDatetime, Field(description="ISO 8601 date-time with a time zone, at most 366 days ahead")
    ]


class ReviewRequest(BaseModel):
    note: str | None = Field(None, max_length=4000)


@router.get("/overrides")
def list_overrides(
    request: Request,
    actor: Viewer,
    status: Literal["proposed", "approved", "rejected", "withdrawn"] | None = None,
    customer_id: Annotated[str | None, Query(max_length=200)] = None,
) -> list[dict[str, Any]]:
    return [o.as_dict() for o in overrides.list_overrides(_store(request), status, customer_id)]


@router.post("/overrides", status_code=201)
def propose_override(request: Request, actor: Analyst, body: OverrideRequest) -> dict[str, Any]:
    """Propose an override (analyst or higher); it applies once someone else approves it."""
    expires = body.expires_at.isoformat()
    return overrides.propose(
        _store(request), actor, body.customer_id, body.decision, body.justification, expires
    ).as_dict()


@router.post("/overrides/{override_id}/approve")
def approve_override(
    request: Request, actor: Approver, override_id: RowId, body: ReviewRequest | None = None
) -> dict[str, Any]:
    """Approve (approver or higher, never the proposer); /v1/check reflects it within a second."""
    return overrides.review(_store(request), actor, override_id, True, body.note if body else None).as_dict()


@router.post("/overrides/{override_id}/reject")
def reject_override(
    request: Request, actor: Approver, override_id: RowId, body: ReviewRequest | None = None
) -> dict[str, Any]:
    return overrides.review(_store(request), actor, override_id, False, body.note if body else None).as_dict()


@router.post("/overrides/{override_id}/withdraw")
def withdraw_override(request: Request, actor: Analyst, override_id: RowId) -> dict[str, Any]:
    """The proposer (or an admin) withdraws an override; an approved one stops applying."""
    return overrides.withdraw(_store(request), actor, override_id).as_dict()
