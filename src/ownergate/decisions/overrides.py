"""Four-eyes overrides: an analyst proposes, a different person approves, it lapses at expiry.

An override never deletes or edits the machine's verdict; ``decisions.effective`` puts the two
side by side. Every step is recorded on the override row (and in the audit log by the caller's
transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ownergate import audit
from ownergate.clock import parse_until
from ownergate.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from ownergate.monitor import outbox
from ownergate.store import Transaction

_FIELDS = (
    "id, customer_id, decision, justification, expires_at, status, proposed_by, proposed_at,"
    " reviewed_by, reviewed_at, review_note"
)


@dataclass(slots=True, frozen=True)
class Override:
    id: int
    customer_id: str
    decision: str
    justification: str
    expires_at: str
    status: str
    proposed_by: str
    proposed_at: str
    reviewed_by: str | None
    reviewed_at: str | None
    review_note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def parse_expiry(text: str) -> datetime:
    """An expiry given as a date (end of that day, UTC) or an ISO date-time."""
    return parse_until(text, "expiry")


def propose(
    tx: Transaction,
    *,
    customer_id: str,
    decision: str,
    justification: str,
    expires_at: datetime,
    actor: str,
    now: datetime,
) -> Override:
    if decision not in ("allow", "deny"):
        raise InputError(f"an override decides allow or deny, not {decision!r}")
    if not justification.strip():
        raise InputError("an override needs a justification")
    if expires_at <= now:
        raise InputError(f"expiry {expires_at.isoformat()} is not in the future")
    if tx.fetchone("SELECT 1 FROM customers WHERE id = ?", (customer_id,)) is None:
        raise NotFoundError(f"no customer {customer_id!r}")
    tx.execute(
        "INSERT INTO overrides (customer_id, decision, justification, expires_at, status, proposed_by, proposed_at)"
        " VALUES (?, ?, ?, ?, 'proposed', ?, ?)",
        (customer_id, decision, justification.strip(), expires_at.astimezone(UTC).isoformat(), actor, now.isoformat()),
    )
    new_id = tx.scalar("SELECT MAX(id) FROM overrides WHERE customer_id = ? AND proposed_by = ?", (customer_id, actor))
    proposal = get(tx, int(new_id))
    _audit(tx, proposal, actor, "override.proposed")
    return proposal


def _audit(tx: Transaction, override: Override, actor: str, action: str) -> None:
    details: dict[str, object] = {
        "override": override.id,
        "decision": override.decision,
        "justification": override.justification,
        "expires_at": override.expires_at,
        "status": override.status,
    }
    if override.review_note:
        details["note"] = override.review_note
    audit.append(tx, actor=actor, action=action, subject=f"customer:{override.customer_id}", details=details)


def get(tx: Transaction, override_id: int) -> Override:
    row = tx.fetchone(f"SELECT {_FIELDS} FROM overrides WHERE id = ?", (override_id,))  # noqa: S608
    if row is None:
        raise NotFoundError(f"no override #{override_id}")
    return Override(*row)


def for_customer(tx: Transaction, customer_id: str) -> list[Override]:
    rows = tx.fetchall(f"SELECT {_FIELDS} FROM overrides WHERE customer_id = ? ORDER BY id", (customer_id,))  # noqa: S608
    return [Override(*r) for r in rows]


def pending(tx: Transaction) -> list[Override]:
    rows = tx.fetchall(f"SELECT {_FIELDS} FROM overrides WHERE status = 'proposed' ORDER BY id")  # noqa: S608
    return [Override(*r) for r in rows]


def _review(tx: Transaction, override_id: int, actor: str, now: datetime, note: str, status: str) -> Override:
    current = get(tx, override_id)
    if current.status != "proposed":
        raise ConflictError(f"override #{override_id} is {current.status}, not proposed")
    if actor == current.proposed_by and status == "approved":
        raise PermissionDenied(f"override #{override_id} was proposed by {actor}: a different person must approve it")
    if status == "approved" and datetime.fromisoformat(current.expires_at) <= now:
        raise ConflictError(f"override #{override_id} expired at {current.expires_at} before it was approved")
    tx.execute(
        "UPDATE overrides SET status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ? WHERE id = ?"
        " AND status = 'proposed'",
        (status, actor, now.isoformat(), note, override_id),
    )
    reviewed = get(tx, override_id)
    _audit(tx, reviewed, actor, f"override.{status}")
    if status == "approved":
        outbox.enqueue(
            tx,
            "override.approved",
            {"customer": reviewed.customer_id, "override": reviewed.id, "decision": reviewed.decision},
        )
    return reviewed


def approve(tx: Transaction, override_id: int, *, actor: str, now: datetime, note: str = "") -> Override:
    """Approve a proposed override: only a different person than the proposer may."""
    return _review(tx, override_id, actor, now, note, "approved")


def reject(tx: Transaction, override_id: int, *, actor: str, now: datetime, note: str = "") -> Override:
    return _review(tx, override_id, actor, now, note, "rejected")


def withdraw(tx: Transaction, override_id: int, *, actor: str, now: datetime) -> Override:
    current = get(tx, override_id)
    if current.proposed_by != actor:
        raise PermissionDenied(f"only {current.proposed_by} can withdraw override #{override_id}")
    return _review(tx, override_id, actor, now, "withdrawn by proposer", "withdrawn")
