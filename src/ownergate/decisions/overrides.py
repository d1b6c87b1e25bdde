"""Four-eyes overrides: the one home of the workflow and of the ``overrides`` table.

An analyst proposes an override (allow or deny, a justification, an expiry at most
:data:`MAX_DURATION` ahead); an approver who is not the proposer approves or rejects it; the
proposer may withdraw a proposal nobody has reviewed; an approved override lapses at its expiry
(``monitor.watch`` finds it and calls :func:`lapse`). An override never deletes or edits the
machine's verdict; ``decisions.effective`` puts the two side by side.

Every step runs in the caller's transaction and writes there, with the override row, everything
that records or announces it: the audit record, and for an approval the ``override.approved``
outbox event and the change-feed row (replicas are woken once the transaction commits). A crash
anywhere before the commit leaves none of them. The command line, the admin API and the review
desk each call these functions and nothing else; the roles are checked here, whoever calls (an
:class:`~ownergate.access.roles.Actor`, or a plain name for the command line's operator).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ownergate import audit, changefeed
from ownergate.access.roles import Actor, Role, operator, require
from ownergate.clock import parse_until
from ownergate.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from ownergate.monitor import outbox
from ownergate.store import Transaction

MAX_DURATION = timedelta(days=366)  # the longest an override may last, from its proposal

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


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def _who(actor: Actor | str) -> Actor:
    return operator(actor) if isinstance(actor, str) else actor


# -- the workflow ----------------------------------------------------------------------------------


def propose(
    tx: Transaction,
    *,
    customer_id: str,
    decision: str,
    justification: str,
    expires_at: datetime | str,
    actor: Actor | str,
    now: datetime,
) -> Override:
    """Propose an override (analyst or higher); it applies only once someone else approves it.

    ``expires_at`` is a time or its text (a date, the end of that day in UTC, or an ISO date-time).
    """
    who = _who(actor)
    require(who, Role.analyst)
    if isinstance(expires_at, str):
        expires_at = parse_expiry(expires_at)
    _check_proposal(decision, justification, expires_at, now)
    if tx.fetchone("SELECT 1 FROM customers WHERE id = ?", (customer_id,)) is None:
        raise NotFoundError(f"no customer {customer_id!r}")
    row = tx.fetchone(
        "INSERT INTO overrides (customer_id, decision, justification, expires_at, status, proposed_by, proposed_at)"
        " VALUES (?, ?, ?, ?, 'proposed', ?, ?) RETURNING id",
        (customer_id, decision, justification.strip(), _iso(expires_at), who.name, now.isoformat()),
    )
    assert row is not None
    proposal = get(tx, int(row[0]))
    _audit(tx, proposal, who.name, "override.proposed")
    return proposal


def _check_proposal(decision: str, justification: str, expires_at: datetime, now: datetime) -> None:
    if decision not in ("allow", "deny"):
        raise InputError(f"an override decides allow or deny, not {decision!r}")
    if not justification.strip():
        raise InputError("an override needs a justification")
    if expires_at <= now:
        raise InputError(f"expiry {expires_at.isoformat()} is not in the future")
    if expires_at - now > MAX_DURATION:
        raise InputError(f"an override may last at most {MAX_DURATION.days} days")


def approve(tx: Transaction, override_id: int, *, actor: Actor | str, now: datetime, note: str = "") -> Override:
    """Approve a proposed override (approver or higher, never the proposer); replicas follow on commit."""
    who = _who(actor)
    require(who, Role.approver)
    approved = _review(tx, override_id, who.name, now, note, "approved")
    payload = {"customer": approved.customer_id, "override": approved.id, "decision": approved.decision}
    outbox.enqueue(tx, "override.approved", payload)
    changefeed.announce(tx, [approved.customer_id])
    return approved


def reject(tx: Transaction, override_id: int, *, actor: Actor | str, now: datetime, note: str = "") -> Override:
    """Reject a proposed override (approver or higher)."""
    who = _who(actor)
    require(who, Role.approver)
    return _review(tx, override_id, who.name, now, note, "rejected")


def withdraw(tx: Transaction, override_id: int, *, actor: Actor | str, now: datetime) -> Override:
    """The proposer withdraws a proposal that nobody has reviewed yet."""
    who = _who(actor)
    require(who, Role.analyst)
    current = get(tx, override_id)
    if current.proposed_by != who.name:
        raise PermissionDenied(f"only {current.proposed_by} can withdraw override #{override_id}")
    return _review(tx, override_id, who.name, now, "withdrawn by proposer", "withdrawn")


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
    return reviewed


def lapsed(tx: Transaction, since: datetime | str, until: datetime) -> list[Override]:
    """Approved overrides whose expiry fell after ``since`` and by ``until``."""
    after = since if isinstance(since, str) else since.isoformat()
    rows = tx.fetchall(
        f"SELECT {_FIELDS} FROM overrides WHERE status = 'approved' AND expires_at > ? AND expires_at <= ?"  # noqa: S608
        " ORDER BY id",
        (after, until.isoformat()),
    )
    return [Override(*r) for r in rows]


def lapse(tx: Transaction, override_id: int, customer_id: str, *, actor: str = "monitor") -> None:
    """Record that an approved override lapsed: its ``override.lapsed`` event and audit record."""
    payload = {"customer": customer_id, "override": override_id}
    outbox.enqueue(tx, "override.lapsed", payload)
    audit.append(tx, actor=actor, action="override.lapsed", subject=f"customer:{customer_id}", details=payload)


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


# -- reading ---------------------------------------------------------------------------------------


def get(tx: Transaction, override_id: int) -> Override:
    row = tx.fetchone(f"SELECT {_FIELDS} FROM overrides WHERE id = ?", (override_id,))  # noqa: S608
    if row is None:
        raise NotFoundError(f"no override #{override_id}")
    return Override(*row)


def find(tx: Transaction, status: str | None = None, customer_id: str | None = None) -> list[Override]:
    """Overrides by id, optionally only those with ``status`` and/or of one customer."""
    clauses = [c for c, v in (("status = ?", status), ("customer_id = ?", customer_id)) if v is not None]
    params = [v for v in (status, customer_id) if v is not None]
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    rows = tx.fetchall(f"SELECT {_FIELDS} FROM overrides{where} ORDER BY id", params)  # noqa: S608
    return [Override(*r) for r in rows]


def in_force(tx: Transaction, now: datetime, customer_id: str | None = None) -> list[Override]:
    """Approved overrides not yet expired at ``now``, in the order they were approved (the last one wins)."""
    where, params = ("", ()) if customer_id is None else (" AND customer_id = ?", (customer_id,))
    rows = tx.fetchall(
        f"SELECT {_FIELDS} FROM overrides WHERE status = 'approved' AND expires_at > ?{where} ORDER BY reviewed_at",  # noqa: S608
        (now.isoformat(), *params),
    )
    return [Override(*r) for r in rows]


def for_customer(tx: Transaction, customer_id: str) -> list[Override]:
    return find(tx, customer_id=customer_id)


def pending(tx: Transaction) -> list[Override]:
    return find(tx, status="proposed")
