"""The admin API: every call needs ``Authorization: Bearer og_admin_...`` with a role that allows it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, Field

from ownergate.errors import AuthenticationError
from ownergate.service import auth, keys, overrides, records
from ownergate.service.auth import Actor, Role
from ownergate.store import Store

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Invalid input"},
    401: {"description": "No valid admin token"},
    403: {"description": "The token's role does not allow this"},
    404: {"description": "Not found"},
    409: {"description": "Conflicts with stored state"},
    503: {"description": "The store cannot be reached"},
}
router = APIRouter(prefix="/admin", tags=["admin"], responses=ERRORS)


def store_of(request: Request) -> Store:
    return request.app.state.service.store()  # type: ignore[no-any-return]


def _actor(request: Request) -> Actor:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() not in ("bearer", "apikey"):  # "ApiKey" as OpenSanctions' clients send it
        raise AuthenticationError("an admin token is required (Authorization: Bearer og_admin_...)")
    return auth.authenticate(store_of(request), token.strip())


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
    return records.list_customers(store_of(request), limit, offset, name)


@router.get("/customers/{customer_id}")
def customer(request: Request, actor: Viewer, customer_id: str) -> dict[str, Any]:
    """One customer and the verdict in force now (override-aware)."""
    return records.customer(store_of(request), customer_id)


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
    return records.decisions(store_of(request), customer_id, decision, not history, limit)


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
    return [k.as_dict() for k in keys.list_keys(store_of(request), customer_id, revoked)]


@router.post("/keys", status_code=201)
def issue_key(request: Request, actor: Admin, body: KeyRequest) -> dict[str, Any]:
    """Issue a key for a customer. The key is in this response only; store it now."""
    issued = keys.issue_key(store_of(request), body.customer_id, body.label, actor=actor.name)
    return {"key": issued.key, **issued.info.as_dict()}


@router.delete("/keys/{ref}")
def revoke_key(request: Request, actor: Admin, ref: KeyRef) -> dict[str, Any]:
    """Revoke a key given as its id, its prefix (``og_live_XXXX``) or the key itself."""
    return keys.revoke_key(store_of(request), ref, actor=actor.name).as_dict()


# -- admin tokens -------------------------------------------------------------------------------


class TokenRequest(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    role: Role


@router.get("/tokens")
def list_tokens(request: Request, actor: Admin) -> list[dict[str, Any]]:
    return [t.as_dict() for t in auth.list_tokens(store_of(request))]


@router.post("/tokens", status_code=201)
def issue_token(request: Request, actor: Admin, body: TokenRequest) -> dict[str, Any]:
    """Issue an admin token. The token is in this response only."""
    issued = auth.issue_token(store_of(request), body.name, body.role.value, actor=actor.name)
    return {"token": issued.token, **issued.info.as_dict()}


@router.delete("/tokens/{token_id}")
def revoke_token(request: Request, actor: Admin, token_id: RowId) -> dict[str, Any]:
    return auth.revoke_token(store_of(request), token_id, actor=actor.name).as_dict()


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
    return [o.to_dict() for o in overrides.list_overrides(store_of(request), status, customer_id)]


@router.post("/overrides", status_code=201)
def propose_override(request: Request, actor: Analyst, body: OverrideRequest) -> dict[str, Any]:
    """Propose an override (analyst or higher); it applies once someone else approves it."""
    expires = body.expires_at.isoformat()
    return overrides.propose(
        store_of(request), actor, body.customer_id, body.decision, body.justification, expires
    ).to_dict()


@router.post("/overrides/{override_id}/approve")
def approve_override(
    request: Request, actor: Approver, override_id: RowId, body: ReviewRequest | None = None
) -> dict[str, Any]:
    """Approve (approver or higher, never the proposer); /v1/check reflects it within a second."""
    return overrides.review(store_of(request), actor, override_id, True, body.note if body else None).to_dict()


@router.post("/overrides/{override_id}/reject")
def reject_override(
    request: Request, actor: Approver, override_id: RowId, body: ReviewRequest | None = None
) -> dict[str, Any]:
    return overrides.review(store_of(request), actor, override_id, False, body.note if body else None).to_dict()


@router.post("/overrides/{override_id}/withdraw")
def withdraw_override(request: Request, actor: Analyst, override_id: RowId) -> dict[str, Any]:
    """The proposer withdraws a proposal nobody has reviewed yet."""
    return overrides.withdraw(store_of(request), actor, override_id).to_dict()


# -- lists, policies, audit ----------------------------------------------------------------------


@router.get("/lists")
def lists(request: Request, actor: Viewer) -> list[dict[str, Any]]:
    """The current snapshot of every loaded list."""
    from ownergate.lists.repository import current_snapshots

    return [s.as_json() for s in current_snapshots(store_of(request))]


@router.get("/lists/{list_id}/snapshots")
def list_snapshots(
    request: Request, actor: Viewer, list_id: Annotated[str, Path(max_length=100)]
) -> list[dict[str, Any]]:
    """Every snapshot of one list, oldest first."""
    from ownergate.lists.repository import snapshots

    return [s.as_json() for s in snapshots(store_of(request), list_id)]


@router.get("/lists/snapshots/{snapshot_id}/diff")
def snapshot_diff(request: Request, actor: Viewer, snapshot_id: RowId) -> dict[str, Any]:
    """What a snapshot added, removed and changed against the one before it."""
    from ownergate.lists.repository import diff

    return diff(store_of(request), snapshot_id).as_json()


@router.get("/policies")
def policies(request: Request, actor: Viewer) -> list[dict[str, Any]]:
    """Installed policy versions."""
    from dataclasses import asdict

    from ownergate.policy.repository import installed

    return [asdict(p) for p in installed(store_of(request))]


@router.get("/audit")
def audit_log(
    request: Request,
    actor: Approver,
    since: Annotated[
        str | None,
        Query(pattern=r"^\d{4}-\d{2}-\d{2}([T ].+)?$", max_length=40, json_schema_extra={"format": "date-time"}),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    """Audit records (oldest first) at or after ``since`` (approver or higher)."""
    from datetime import UTC, datetime
    from itertools import islice

    from ownergate.audit.chain import records
    from ownergate.errors import InputError

    moment = None
    if since:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            raise InputError(f"since {since!r} is not an ISO date or date-time") from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # naive means UTC
    with store_of(request).read() as tx:
        return [r.as_dict() for r in islice(records(tx, moment), limit)]


@router.get("/audit/verify")
def audit_verify(request: Request, actor: Approver) -> dict[str, Any]:
    """Check the whole hash chain; names the first altered, removed or reordered record."""
    from dataclasses import asdict

    from ownergate.audit import verify

    report = verify(store_of(request))
    return {**asdict(report), "summary": report.summary()}
