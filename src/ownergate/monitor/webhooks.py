"""Webhook endpoints and delivery: outbox events POSTed as JSON, signed with HMAC-SHA256, retried.

A receiver checks three headers (docs/webhooks.md has example code):

- ``Ownergate-Event-Id``: the event's stable id; every retry of an event carries the same one
- ``Ownergate-Timestamp``: Unix seconds when this attempt was signed
- ``Ownergate-Signature``: ``v1=`` and the lowercase hex HMAC-SHA256, keyed with the endpoint's
  secret (its UTF-8 bytes), of ``"{timestamp}.{event_id}."`` followed by the raw body bytes

The body is canonical JSON: ``{"created_at": ..., "data": {...}, "id": ..., "type": ...}``.

Secrets: an endpoint stores the *name* of an environment variable (``--secret-env``); the secret
is read from the delivering process's environment at send time and is never stored, logged or
printed. An endpoint whose variable is unset is skipped (its deliveries wait, attempts unspent).

Failed attempts (a transport error or any non-2xx status) are retried after an exponential
backoff with jitter; after ``max_attempts`` the delivery is dead-lettered.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import httpx

from ownergate import __version__
from ownergate.audit.chain import append, canonical_json
from ownergate.clock import Clock, iso
from ownergate.errors import ConflictError, InputError
from ownergate.monitor.outbox import Claim, DeliveryStatus, claim_next, record_outcome
from ownergate.settings import secret_from_env
from ownergate.store.base import Store

EVENT_ID_HEADER = "Ownergate-Event-Id"
EVENT_TYPE_HEADER = "Ownergate-Event-Type"
TIMESTAMP_HEADER = "Ownergate-Timestamp"
SIGNATURE_HEADER = "Ownergate-Signature"
ATTEMPT_HEADER = "Ownergate-Attempt"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# -- signing ---------------------------------------------------------------------------------


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The ``Ownergate-Signature`` value for one attempt."""
    message = f"{timestamp}.{event_id}.".encode() + body
    return "v1=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str, headers: Mapping[str, str], body: bytes, *, now: float, tolerance: float = 300.0
) -> bool:
    """What a receiver does: recompute the signature, compare in constant time, refuse stale ones."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        timestamp = int(lower[TIMESTAMP_HEADER.lower()])
        event_id = lower[EVENT_ID_HEADER.lower()]
        given = lower[SIGNATURE_HEADER.lower()]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, event_id, timestamp, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in given.split(","))


def event_body(claim: Claim) -> bytes:
    """The JSON body of an event: the same bytes on every attempt."""
    document = {
        "id": claim.event_id,
        "type": claim.event_type,
        "created_at": claim.created_at,
        "data": json.loads(claim.payload),
    }
    return canonical_json(document).encode("utf-8")


# -- transport -------------------------------------------------------------------------------


class TransportError(Exception):
    """The request did not get an HTTP response (refused, timed out, reset ...)."""


class Transport(abc.ABC):
    """How a signed event reaches its endpoint."""

    @abc.abstractmethod
    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """POST ``body``; return the HTTP status, or raise :class:`TransportError`."""


class HttpxTransport(Transport):
    """HTTP through httpx; pass a client built on ``httpx.MockTransport`` to test without a network."""

    def __init__(self, client: httpx.Client | None = None, timeout: float = 10.0) -> None:
        self.client = client or httpx.Client(timeout=timeout, follow_redirects=False)

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        try:
            return self.client.post(url, content=body, headers=dict(headers)).status_code
        except httpx.HTTPError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        self.client.close()


# -- endpoints -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: int
    url: str
    secret_env: str  # the NAME of the environment variable holding the secret
    active: bool
    created_at: str


def add_endpoint(store: Store, url: str, secret_env: str, *, actor: str, clock: Clock) -> Endpoint:
    """Register an endpoint for every future event; audited as ``webhook.add``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"webhook URL {url!r} is not an http:// or https:// URL")
    if parts.username or parts.password:
        raise InputError("webhook URL must not carry credentials: receivers authenticate by the signature")
    if not _ENV_NAME.match(secret_env):
        raise InputError(f"--secret-env {secret_env!r} is not an environment variable name")
    with store.transaction() as tx:
        if tx.scalar("SELECT id FROM webhook_endpoints WHERE url = ?", (url,)) is not None:
            raise ConflictError(f"a webhook endpoint for {url} already exists")
        now = iso(clock.now())
        tx.execute(
            "INSERT INTO webhook_endpoints (url, secret_env, active, created_at) VALUES (?, ?, 1, ?)",
            (url, secret_env, now),
        )
        endpoint_id = int(tx.scalar("SELECT id FROM webhook_endpoints WHERE url = ?", (url,)))
        append(
            tx,
            actor=actor,
            action="webhook.add",
            subject=f"webhook:{endpoint_id}",
            details={"url": url, "secret_env": secret_env},
            clock=clock,
        )
    return Endpoint(endpoint_id, url, secret_env, True, now)


def list_endpoints(store: Store) -> list[Endpoint]:
    with store.read() as tx:
        rows = tx.fetchall("SELECT id, url, secret_env, active, created_at FROM webhook_endpoints ORDER BY id")
    return [Endpoint(int(r[0]), r[1], r[2], bool(r[3]), r[4]) for r in rows]


# -- delivery --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 10  # then the delivery is dead-lettered
    base_delay: float = 30.0  # seconds before the 2nd attempt; doubles each time
    max_delay: float = 6 * 3600.0
    jitter: float = 0.5  # this fraction of each delay is random
    lease: float = 60.0  # a claimed delivery is not retried before this: keep it above the send timeout
    batch: int = 100  # deliveries sent per endpoint per pass, so one busy endpoint cannot starve the rest

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        raw = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return raw * (1.0 - self.jitter) + raw * self.jitter * rng.random()


@dataclass(slots=True)
class DeliveryReport:
    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    skipped: list[str] = field(default_factory=list)  # endpoints without their secret
    errors: list[str] = field(default_factory=list)  # "event_id -> url: problem"

    def count(self, outcome: DeliveryStatus, failure: str) -> None:
        self.attempted += 1
        if outcome is DeliveryStatus.DELIVERED:
            self.delivered += 1
            return
        self.errors.append(failure)
        if outcome is DeliveryStatus.DEAD:
            self.dead += 1
        else:
            self.retrying += 1

    def merge(self, other: DeliveryReport) -> None:
        self.attempted += other.attempted
        self.delivered += other.delivered
        self.retrying += other.retrying
        self.dead += other.dead
        self.skipped.extend(s for s in other.skipped if s not in self.skipped)
        self.errors.extend(other.errors)

    def summary(self) -> str:
        text = f"{self.attempted} attempted, {self.delivered} delivered, {self.retrying} to retry, {self.dead} dead"
        return text + (f"; skipped (secret unset): {', '.join(self.skipped)}" if self.skipped else "")


def deliver_due(
    store: Store,
    transport: Transport,
    clock: Clock,
    *,
    policy: RetryPolicy | None = None,
    secrets: Callable[[str], str | None] = secret_from_env,
    rng: random.Random | None = None,
) -> DeliveryReport:
    """One pass: send every due delivery of every active endpoint once, and record each outcome."""
    policy = policy or RetryPolicy()
    rng = rng or random.Random()
    report = DeliveryReport()
    for endpoint in list_endpoints(store):
        if not endpoint.active:
            continue
        secret = secrets(endpoint.secret_env)
        if secret is None:
            report.skipped.append(f"{endpoint.url} (${endpoint.secret_env})")
            continue
        for _ in range(policy.batch):
            claim = claim_next(store, endpoint.id, clock.now(), policy.lease)
            if claim is None:
                break
            status_code, error = _send(transport, clock, endpoint.url, secret, claim)
            now = clock.now()
            retry_at = None
            if error is not None and claim.attempt < policy.max_attempts:
                retry_at = now + timedelta(seconds=policy.delay(claim.attempt, rng))
            outcome = record_outcome(store, claim, now, status_code=status_code, error=error, retry_at=retry_at)
            report.count(outcome, f"{claim.event_id} -> {endpoint.url}: {error} (attempt {claim.attempt})")
    return report


def _send(transport: Transport, clock: Clock, url: str, secret: str, claim: Claim) -> tuple[int | None, str | None]:
    """Sign and POST one claimed event: (HTTP status or None, error or None when delivered)."""
    body = event_body(claim)
    timestamp = int(clock.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"ownergate/{__version__}",
        EVENT_ID_HEADER: claim.event_id,
        EVENT_TYPE_HEADER: claim.event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, claim.event_id, timestamp, body),
        ATTEMPT_HEADER: str(claim.attempt),
    }
    try:
        status_code = transport.post(url, body, headers)
    except TransportError as exc:
        return None, str(exc)[:500]
    return status_code, None if 200 <= status_code < 300 else f"HTTP {status_code}"


def deliver_loop(
    store: Store,
    transport: Transport,
    clock: Clock,
    *,
    interval: float,
    policy: RetryPolicy | None = None,
    on_pass: Callable[[DeliveryReport], None] = lambda report: None,
    until_idle: bool = False,
    secrets: Callable[[str], str | None] = secret_from_env,
) -> DeliveryReport:
    """Run :func:`deliver_due` pass after pass; return the sum of every pass.

    A pass that sent something is followed at once by the next, so a backlog drains at full
    speed; an idle pass waits ``interval`` seconds, or ends the loop when ``until_idle``.
    """
    total = DeliveryReport()
    while True:
        report = deliver_due(store, transport, clock, policy=policy, secrets=secrets)
        on_pass(report)
        if until_idle:  # a loop that runs forever keeps no totals
            total.merge(report)
        if report.attempted == 0:
            if until_idle:
                return total
            clock.sleep(interval)
