"""The admin API's side of overrides: roles, a bounded duration and the replica notification around
the four-eyes workflow of :mod:`ownergate.decisions.overrides` (which writes the audit records).

An analyst (or higher) proposes; an approver (or higher) who is not the proposer approves or
rejects; the proposer may withdraw a proposal. Approval records a change in the same transaction,
so every replica's /v1/check follows within a second.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ownergate.changefeed import published, record_change
from ownergate.decisions import overrides as workflow
from ownergate.decisions.overrides import Override
from ownergate.errors import InputError
from ownergate.service.auth import Actor, Role, require
from ownergate.service.filters import where
from ownergate.store import Store

MAX_DURATION = timedelta(days=366)
_COLUMNS = (
    "id, customer_id, decision, justification, expires_at, status, proposed_by, proposed_at, "
    "reviewed_by, reviewed_at, review_note"
)


def propose(
    store: Store, actor: Actor, customer_id: str, decision: str, justification: str, expires_at: str
) -> Override:
    require(actor, Role.analyst)
    now = datetime.now(UTC)
    expiry = workflow.parse_expiry(expires_at)
    if expiry - now > MAX_DURATION:
        raise InputError(f"an override may last at most {MAX_DURATION.days} days")
    with store.transaction() as tx:
        found = workflow.propose(
            tx,
            customer_id=customer_id,
            decision=decision,
            justification=justification,
            expires_at=expiry,
            actor=actor.name,
            now=now,
        )
    return found


def review(store: Store, actor: Actor, override_id: int, approve: bool, note: str | None = None) -> Override:
    """Approve or reject a proposed override; nobody approves their own (four eyes)."""
    require(actor, Role.approver)
    step = workflow.approve if approve else workflow.reject
    with store.transaction() as tx:
        found = step(tx, override_id, actor=actor.name, now=datetime.now(UTC), note=note or "")
        change = record_change(tx, store, [found.customer_id]) if approve else None
    if change is not None:
        published(store, change)
    return found


def withdraw(store: Store, actor: Actor, override_id: int) -> Override:
    """The proposer withdraws a proposal that nobody has reviewed yet."""
    with store.transaction() as tx:
        found = workflow.withdraw(tx, override_id, actor=actor.name, now=datetime.now(UTC))
    return found


def list_overrides(store: Store, status: str | None = None, customer_id: str | None = None) -> list[Override]:
    clause, params = where(("status = ?", status), ("customer_id = ?", customer_id))
    with store.read() as tx:
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM overrides{clause} ORDER BY id", params)  # noqa: S608
    return [Override(*r) for r in rows]
