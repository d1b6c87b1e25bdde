"""The four-eyes override workflow: an analyst proposes, someone else with the approver role approves.

Rows follow the ``overrides`` table (migration 0030): ``proposed`` -> ``approved`` | ``rejected`` |
``withdrawn``. An approved override applies until ``expires_at``; approving or withdrawing one
records a change so every replica's table follows within a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ownergate.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from ownergate.service.auth import Actor, Role, require
from ownergate.service.credentials import utc_now_iso
from ownergate.service.filters import where
from ownergate.service.notify import published, record_change
from ownergate.store import Store

MAX_DURATION = timedelta(days=366)
_COLUMNS = (
    "id, customer_id, decision, justification, expires_at, status, proposed_by, proposed_at, "
    "reviewed_by, reviewed_at, review_note"
)


@dataclass(frozen=True, slots=True)
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

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _row(row: tuple[Any, ...]) -> Override:
    return Override(int(row[0]), *row[1:])


def _expiry(text: str, now: datetime) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"expires_at {text[:40]!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise InputError("expires_at needs a time zone (e.g. 2026-12-31T00:00:00+00:00)")
    moment = moment.astimezone(UTC)
    if moment <= now:
        raise InputError("expires_at must be in the future")
    if moment - now > MAX_DURATION:
        raise InputError(f"an override may last at most {MAX_DURATION.days} days")
    return moment.isoformat(timespec="seconds")


def propose(
    store: Store, actor: Actor, customer_id: str, decision: str, justification: str, expires_at: str
) -> Override:
    require(actor, Role.analyst)
    if decision not in ("allow", "deny"):
        raise InputError(f"an override's decision is allow or deny, not {decision[:20]!r}")
    if len(justification.strip()) < 10:
        raise InputError("a justification of at least 10 characters is required")
    expiry = _expiry(expires_at, datetime.now(UTC))
    with store.transaction() as tx:
        if tx.scalar("SELECT 1 FROM customers WHERE id = ?", (customer_id,)) is None:
            raise NotFoundError(f"customer {customer_id!r} does not exist")
        row = tx.fetchone(
            "INSERT INTO overrides (customer_id, decision, justification, expires_at, status, proposed_by, proposed_at)"  # noqa: S608
            f" VALUES (?, ?, ?, ?, 'proposed', ?, ?) RETURNING {_COLUMNS}",
            (customer_id, decision, justification.strip(), expiry, actor.name, utc_now_iso()),
        )
    assert row is not None
    return _row(row)


def get(store: Store, override_id: int) -> Override:
    with store.read() as tx:
        row = tx.fetchone(f"SELECT {_COLUMNS} FROM overrides WHERE id = ?", (override_id,))  # noqa: S608
    if row is None:
        raise NotFoundError(f"no override with id {override_id}")
    return _row(row)


def list_overrides(store: Store, status: str | None = None, customer_id: str | None = None) -> list[Override]:
    clause, params = where(("status = ?", status), ("customer_id = ?", customer_id))
    with store.read() as tx:
        return [_row(r) for r in tx.fetchall(f"SELECT {_COLUMNS} FROM overrides{clause} ORDER BY id", params)]  # noqa: S608


def review(store: Store, actor: Actor, override_id: int, approve: bool, note: str | None = None) -> Override:
    """Approve or reject a proposed override; nobody reviews their own (four eyes)."""
    require(actor, Role.approver)
    with store.transaction() as tx:
        current = tx.fetchone(f"SELECT {_COLUMNS} FROM overrides WHERE id = ?", (override_id,))  # noqa: S608
        if current is None:
            raise NotFoundError(f"no override with id {override_id}")
        found = _row(current)
        if found.status != "proposed":
            raise ConflictError(f"override {override_id} is {found.status}, not proposed")
        if found.proposed_by == actor.name:
            raise PermissionDenied(f"{actor.name} proposed override {override_id} and cannot also review it")
        row = tx.fetchone(
            f"UPDATE overrides SET status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ? WHERE id = ? "  # noqa: S608
            f"RETURNING {_COLUMNS}",
            ("approved" if approve else "rejected", actor.name, utc_now_iso(), note, override_id),
        )
        change = record_change(tx, store, [found.customer_id]) if approve else None
    if change is not None:
        published(store, change)
    assert row is not None
    return _row(row)


def withdraw(store: Store, actor: Actor, override_id: int) -> Override:
    """The proposer (or an admin) withdraws an override, proposed or approved; it stops applying at once."""
    with store.transaction() as tx:
        current = tx.fetchone(f"SELECT {_COLUMNS} FROM overrides WHERE id = ?", (override_id,))  # noqa: S608
        if current is None:
            raise NotFoundError(f"no override with id {override_id}")
        found = _row(current)
        if found.proposed_by != actor.name:
            require(actor, Role.admin)
        if found.status not in ("proposed", "approved"):
            raise ConflictError(f"override {override_id} is {found.status}")
        row = tx.fetchone(
            f"UPDATE overrides SET status = 'withdrawn' WHERE id = ? RETURNING {_COLUMNS}",  # noqa: S608
            (override_id,),
        )
        change = record_change(tx, store, [found.customer_id])
    published(store, change)
    assert row is not None
    return _row(row)
