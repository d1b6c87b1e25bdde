"""The persistent outbox: events written with the change they announce, delivered at least once.

:func:`enqueue` runs inside the caller's transaction: the event and one pending delivery per
active webhook endpoint commit together with the change, or not at all. Delivery
(:mod:`ownergate.monitor.webhooks`) claims one due delivery at a time with a lease
(:func:`claim_next`), sends it, then records the outcome (:func:`record_outcome`), each step its
own transaction. A worker killed between claim and record leaves that delivery pending; it falls
due again when the lease runs out and is sent again with the same event id, so receivers dedupe
by ``id``.

Statuses: ``pending`` (not yet delivered; ``next_attempt_at`` says when it is due),
``delivered``, ``dead`` (every attempt failed: the dead-letter state).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ownergate.audit.chain import canonical_json
from ownergate.clock import Clock, SystemClock, iso
from ownergate.errors import InputError, NotFoundError
from ownergate.store.base import Store, Transaction

_default_clock = SystemClock()


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Claim:
    """One delivery a worker holds the lease on: the event, where it goes, which attempt this is."""

    event_seq: int
    endpoint_id: int
    attempt: int
    event_id: str
    event_type: str
    payload: str  # canonical JSON
    created_at: str


@dataclass(frozen=True, slots=True)
class DeliveryState:
    event_id: str
    event_type: str
    endpoint_id: int
    url: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: str
    last_attempt_at: str | None
    last_status: int | None
    last_error: str | None
    delivered_at: str | None


@dataclass(frozen=True, slots=True)
class EndpointStatus:
    endpoint_id: int
    url: str
    active: bool
    pending: int
    delivered: int
    dead: int
    oldest_pending_at: str | None  # created_at of the oldest event still pending


@dataclass(frozen=True, slots=True)
class OutboxStatus:
    events: int
    pending: int
    delivered: int
    dead: int
    endpoints: tuple[EndpointStatus, ...]


def enqueue(tx: Transaction, event_type: str, payload: dict[str, Any], *, clock: Clock | None = None) -> str:
    """Add an event for every active endpoint, inside ``tx``; return its stable event id."""
    if not isinstance(event_type, str) or not event_type.strip():
        raise InputError("an outbox event needs a non-empty event type")
    if not isinstance(payload, dict):
        raise InputError(f"the payload of a {event_type!r} event must be a JSON object")
    try:
        text = canonical_json(payload)
    except InputError as exc:
        raise InputError(f"the payload of a {event_type!r} event is not plain JSON: {exc}") from None
    now = iso((clock or _default_clock).now())
    event_id = f"evt_{uuid.uuid4().hex}"
    tx.execute(
        "INSERT INTO outbox_events (event_id, event_type, payload, created_at) VALUES (?, ?, ?, ?)",
        (event_id, event_type, text, now),
    )
    seq = tx.scalar("SELECT seq FROM outbox_events WHERE event_id = ?", (event_id,))
    tx.execute(
        "INSERT INTO outbox_deliveries (event_seq, endpoint_id, status, attempts, next_attempt_at)"
        " SELECT ?, id, 'pending', 0, ? FROM webhook_endpoints WHERE active = 1",
        (seq, now),
    )
    return event_id


_CLAIM = (
    "UPDATE outbox_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_attempt_at = ?"
    " WHERE event_seq = ? AND endpoint_id = ? AND status = 'pending' AND next_attempt_at <= ?"
    " RETURNING attempts"
)
_DUE = (
    "SELECT d.event_seq, e.event_id, e.event_type, e.payload, e.created_at"
    " FROM outbox_deliveries d JOIN outbox_events e ON e.seq = d.event_seq"
    " WHERE d.endpoint_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ?"
    " ORDER BY d.next_attempt_at, d.event_seq LIMIT 8"
)


def claim_next(store: Store, endpoint_id: int, now: datetime, lease: float) -> Claim | None:
    """Take the lease on the oldest due delivery to one endpoint, or return None when none is due.

    The claim counts one attempt and makes the delivery not due again until ``now + lease``, so
    it must outlast one send. The conditional UPDATE makes workers racing for a row agree on one
    winner (the loser moves on to the next due row).
    """
    at, until = iso(now), iso(now + timedelta(seconds=lease))
    with store.transaction() as tx:
        for event_seq, event_id, event_type, payload, created_at in tx.fetchall(_DUE, (endpoint_id, at)):
            won = tx.fetchone(_CLAIM, (until, at, event_seq, endpoint_id, at))
            if won is not None:
                return Claim(int(event_seq), endpoint_id, int(won[0]), event_id, event_type, payload, created_at)
    return None


def record_outcome(
    store: Store,
    claim: Claim,
    now: datetime,
    *,
    status_code: int | None,
    error: str | None,
    retry_at: datetime | None,
) -> DeliveryStatus:
    """Record one attempt: delivered when ``error`` is None, else pending until ``retry_at``, else dead."""
    if error is None:
        status, next_at = DeliveryStatus.DELIVERED, iso(now)
    elif retry_at is not None:
        status, next_at = DeliveryStatus.PENDING, iso(retry_at)
    else:
        status, next_at = DeliveryStatus.DEAD, iso(now)
    with store.transaction() as tx:
        tx.execute(
            "UPDATE outbox_deliveries SET status = ?, next_attempt_at = ?, last_status = ?, last_error = ?,"
            " delivered_at = ? WHERE event_seq = ? AND endpoint_id = ? AND status = 'pending'",
            (
                status.value,
                next_at,
                status_code,
                error,
                iso(now) if error is None else None,
                claim.event_seq,
                claim.endpoint_id,
            ),
        )
    return status


_STATE = (
    "SELECT e.event_id, e.event_type, d.endpoint_id, w.url, d.status, d.attempts, d.next_attempt_at,"
    " d.last_attempt_at, d.last_status, d.last_error, d.delivered_at"
    " FROM outbox_deliveries d JOIN outbox_events e ON e.seq = d.event_seq"
    " JOIN webhook_endpoints w ON w.id = d.endpoint_id"
)


def event_status(store: Store, event_id: str) -> list[DeliveryState]:
    """Where one event stands at each endpoint it goes to."""
    with store.read() as tx:
        if tx.scalar("SELECT seq FROM outbox_events WHERE event_id = ?", (event_id,)) is None:
            raise NotFoundError(f"no outbox event {event_id!r}")
        rows = tx.fetchall(_STATE + " WHERE e.event_id = ? ORDER BY d.endpoint_id", (event_id,))
    return [DeliveryState(r[0], r[1], int(r[2]), r[3], DeliveryStatus(r[4]), int(r[5]), *r[6:]) for r in rows]


def outbox_status(store: Store) -> OutboxStatus:
    """Counts of deliveries by status, overall and per endpoint."""
    with store.read() as tx:
        events = int(tx.scalar("SELECT COUNT(*) FROM outbox_events"))
        rows = tx.fetchall(
            "SELECT w.id, w.url, w.active,"
            " SUM(CASE WHEN d.status = 'pending' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN d.status = 'delivered' THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN d.status = 'dead' THEN 1 ELSE 0 END),"
            " MIN(CASE WHEN d.status = 'pending' THEN e.created_at END)"
            " FROM webhook_endpoints w LEFT JOIN outbox_deliveries d ON d.endpoint_id = w.id"
            " LEFT JOIN outbox_events e ON e.seq = d.event_seq"
            " GROUP BY w.id, w.url, w.active ORDER BY w.id"
        )
    endpoints = tuple(
        EndpointStatus(int(r[0]), r[1], bool(r[2]), int(r[3] or 0), int(r[4] or 0), int(r[5] or 0), r[6]) for r in rows
    )
    return OutboxStatus(
        events,
        sum(e.pending for e in endpoints),
        sum(e.delivered for e in endpoints),
        sum(e.dead for e in endpoints),
        endpoints,
    )
