"""Delivery through httpx.MockTransport on a fixed clock: signatures, backoff, dead letters, leases."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import httpx
import pytest

from ownergate.clock import FixedClock, parse_iso
from ownergate.monitor.outbox import DeliveryStatus, claim_next, enqueue, event_status, outbox_status
from ownergate.monitor.webhooks import (
    HttpxTransport,
    RetryPolicy,
    add_endpoint,
    deliver_due,
    deliver_loop,
    sign,
    verify_signature,
)
from ownergate.store import Store

SECRET = "whsec-unit-4b9e2a"


def secrets(name: str) -> str | None:
    return SECRET if name == "HOOK_SECRET" else None


class Recorder:
    """A MockTransport handler: records requests, answers with queued statuses or errors."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer)

    def transport(self) -> HttpxTransport:
        return HttpxTransport(httpx.Client(transport=httpx.MockTransport(self)))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock("2026-03-01T12:00:00Z")


@pytest.fixture
def one_event(store: Store, clock: FixedClock) -> Callable[[], str]:
    add_endpoint(store, "https://hooks.example.org/in", "HOOK_SECRET", actor="admin", clock=clock)

    def make() -> str:
        with store.transaction() as tx:
            return enqueue(tx, "verdict.changed", {"customer": "c-17", "verdict": "deny", "näme": "Ünï"}, clock=clock)

    return make


def test_delivered_signed_event(store: Store, clock: FixedClock, one_event: Callable[[], str]) -> None:
    event_id = one_event()
    recorder = Recorder(200)
    report = deliver_due(store, recorder.transport(), clock, secrets=secrets)
    assert (report.attempted, report.delivered, report.retrying, report.dead) == (1, 1, 0, 0)
    (request,) = recorder.requests
    assert str(request.url) == "https://hooks.example.org/in"
    assert request.headers["ownergate-event-id"] == event_id
    assert request.headers["ownergate-event-type"] == "verdict.changed"
    assert request.headers["ownergate-timestamp"] == str(int(clock.now().timestamp()))
    assert request.headers["content-type"] == "application/json"
    body = request.content
    assert json.loads(body) == {
        "id": event_id,
        "type": "verdict.changed",
        "created_at": "2026-03-01T12:00:00.000000Z",
        "data": {"customer": "c-17", "verdict": "deny", "näme": "Ünï"},
    }
    assert verify_signature(SECRET, request.headers, body, now=clock.now().timestamp())
    (state,) = event_status(store, event_id)
    assert (state.status, state.attempts, state.last_status, state.delivered_at) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
        "2026-03-01T12:00:00.000000Z",
    )
    assert deliver_due(store, recorder.transport(), clock, secrets=secrets).attempted == 0  # never sent twice


def test_signature_refuses_tampering_wrong_secret_and_stale_times() -> None:
    body = b'{"id":"evt_1"}'
    headers = {"Ownergate-Event-Id": "evt_1", "Ownergate-Timestamp": "1000", "Ownergate-Signature": ""}
    headers["Ownergate-Signature"] = sign(SECRET, "evt_1", 1000, body)
    assert verify_signature(SECRET, headers, body, now=1000)
    assert verify_signature(SECRET, headers, body, now=1299)
    assert not verify_signature(SECRET, headers, body, now=1301)  # replayed too late
    assert not verify_signature(SECRET, headers, body + b" ", now=1000)
    assert not verify_signature("other-secret", headers, body, now=1000)
    assert not verify_signature(SECRET, {**headers, "Ownergate-Event-Id": "evt_2"}, body, now=1000)
    assert not verify_signature(SECRET, {k: v for k, v in headers.items() if "Timestamp" not in k}, body, now=1000)
    # documented: v1= and hex HMAC-SHA256 of "timestamp.event_id." + body
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1000.evt_1." + body, hashlib.sha256).hexdigest()
    assert headers["Ownergate-Signature"] == f"v1={expected}"


def test_retries_back_off_exponentially_with_jitter(
    store: Store, clock: FixedClock, one_event: Callable[[], str]
) -> None:
    event_id = one_event()
    recorder = Recorder(500, httpx.ConnectError("connection refused"), 200)
    policy = RetryPolicy(base_delay=10.0, jitter=0.5)
    transport = recorder.transport()

    first = deliver_due(store, transport, clock, policy=policy, secrets=secrets)
    assert (first.attempted, first.retrying) == (1, 1)
    assert "HTTP 500" in first.errors[0]
    (state,) = event_status(store, event_id)
    wait = (parse_iso(state.next_attempt_at) - clock.now()).total_seconds()
    assert 5.0 <= wait <= 10.0 and (state.last_status, state.last_error) == (500, "HTTP 500")
    assert deliver_due(store, transport, clock, policy=policy, secrets=secrets).attempted == 0  # not due yet

    clock.advance(wait)
    second = deliver_due(store, transport, clock, policy=policy, secrets=secrets)
    assert (second.attempted, second.retrying) == (1, 1)
    (state,) = event_status(store, event_id)
    assert state.last_error is not None and state.last_error.startswith("ConnectError")
    wait = (parse_iso(state.next_attempt_at) - clock.now()).total_seconds()
    assert 10.0 <= wait <= 20.0

    clock.advance(wait)
    assert deliver_due(store, transport, clock, policy=policy, secrets=secrets).delivered == 1
    assert [r.headers["ownergate-event-id"] for r in recorder.requests] == [event_id] * 3
    assert [r.headers["ownergate-attempt"] for r in recorder.requests] == ["1", "2", "3"]
    assert len({r.content for r in recorder.requests}) == 1  # the same body every time
    assert event_status(store, event_id)[0].attempts == 3


def test_backoff_delays_double_and_cap() -> None:
    policy = RetryPolicy(base_delay=30.0, max_delay=300.0, jitter=0.0)
    rng = random.Random(7)
    assert [policy.delay(n, rng) for n in range(1, 7)] == [30.0, 60.0, 120.0, 240.0, 300.0, 300.0]
    jittered = RetryPolicy(base_delay=30.0, jitter=0.5)
    samples = [jittered.delay(3, rng) for _ in range(200)]
    assert min(samples) >= 60.0 and max(samples) <= 120.0 and len(set(samples)) > 100


def test_dead_letter_after_max_attempts(store: Store, clock: FixedClock, one_event: Callable[[], str]) -> None:
    event_id = one_event()
    recorder = Recorder(503, 503, 503, 200)
    policy = RetryPolicy(max_attempts=3, base_delay=1.0, max_delay=1.0, jitter=0.0)
    transport = recorder.transport()
    for _ in range(5):
        deliver_due(store, transport, clock, policy=policy, secrets=secrets)
        clock.advance(2)
    assert len(recorder.requests) == 3
    (state,) = event_status(store, event_id)
    assert (state.status, state.attempts, state.last_error) == (DeliveryStatus.DEAD, 3, "HTTP 503")
    assert outbox_status(store).dead == 1


def test_endpoint_without_its_secret_waits(store: Store, clock: FixedClock, one_event: Callable[[], str]) -> None:
    event_id = one_event()
    recorder = Recorder()
    report = deliver_due(store, recorder.transport(), clock, secrets=lambda name: None)
    assert report.attempted == 0 and report.skipped == ["https://hooks.example.org/in ($HOOK_SECRET)"]
    assert recorder.requests == []
    assert event_status(store, event_id)[0].attempts == 0  # no attempt spent


def test_secret_is_never_stored(store: Store, clock: FixedClock, one_event: Callable[[], str]) -> None:
    one_event()
    deliver_due(store, Recorder(500).transport(), clock, secrets=secrets)
    from ownergate.store.info import tables

    names = tables(store)
    with store.read() as tx:
        for table in names:
            dump = repr(tx.fetchall(f'SELECT * FROM "{table}"'))  # noqa: S608 - names from the catalogue
            assert SECRET not in dump, table


def test_claim_lease_returns_a_killed_send(store: Store, clock: FixedClock, one_event: Callable[[], str]) -> None:
    """A worker that claims and dies without recording: the event falls due when the lease ends."""
    event_id = one_event()
    (endpoint_id,) = {s.endpoint_id for s in event_status(store, event_id)}
    claim = claim_next(store, endpoint_id, clock.now(), lease=60.0)
    assert claim is not None and (claim.event_id, claim.attempt) == (event_id, 1)
    assert claim_next(store, endpoint_id, clock.now(), lease=60.0) is None  # leased to the first worker
    clock.advance(59)
    recorder = Recorder()
    assert deliver_due(store, recorder.transport(), clock, secrets=secrets).attempted == 0
    clock.advance(1)
    assert deliver_due(store, recorder.transport(), clock, secrets=secrets).delivered == 1
    assert recorder.requests[0].headers["ownergate-event-id"] == event_id
    assert recorder.requests[0].headers["ownergate-attempt"] == "2"


def test_endpoints_are_independent(store: Store, clock: FixedClock, one_event: Callable[[], str]) -> None:
    add_endpoint(store, "https://down.example.org/in", "HOOK_SECRET", actor="admin", clock=clock)
    event_id = one_event()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200 if request.url.host == "hooks.example.org" else 502)

    transport = HttpxTransport(httpx.Client(transport=httpx.MockTransport(handler)))
    report = deliver_due(store, transport, clock, secrets=secrets)
    assert (report.delivered, report.retrying) == (1, 1)
    states = {s.url: s.status for s in event_status(store, event_id)}
    assert states == {"https://hooks.example.org/in": "delivered", "https://down.example.org/in": "pending"}
    by_url = {e.url: (e.pending, e.delivered) for e in outbox_status(store).endpoints}
    assert by_url == {"https://hooks.example.org/in": (0, 1), "https://down.example.org/in": (1, 0)}


def test_loop_drains_a_backlog_larger_than_a_batch(sqlite_store: Store, clock: FixedClock) -> None:
    add_endpoint(sqlite_store, "https://hooks.example.org/in", "HOOK_SECRET", actor="admin", clock=clock)
    with sqlite_store.transaction() as tx:
        ids = [enqueue(tx, "list.loaded", {"n": i}, clock=clock) for i in range(25)]
    recorder = Recorder()
    passes: list[int] = []
    total = deliver_loop(
        sqlite_store,
        recorder.transport(),
        clock,
        interval=5.0,
        policy=RetryPolicy(batch=10),
        on_pass=lambda r: passes.append(r.attempted),
        until_idle=True,
        secrets=secrets,
    )
    assert passes == [10, 10, 5, 0]
    assert total.delivered == 25
    assert [r.headers["ownergate-event-id"] for r in recorder.requests] == ids  # oldest first
    assert clock.now() == parse_iso("2026-03-01T12:00:00Z")  # until_idle never sleeps
