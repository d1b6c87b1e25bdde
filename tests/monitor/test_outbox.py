"""The outbox: events commit with the change they announce, one delivery per active endpoint."""

from __future__ import annotations

import pytest

from ownergate.clock import FixedClock
from ownergate.errors import ConflictError, InputError, NotFoundError
from ownergate.monitor.outbox import DeliveryStatus, enqueue, event_status, outbox_status
from ownergate.monitor.webhooks import add_endpoint, list_endpoints
from ownergate.store import Store

CLOCK = FixedClock("2026-03-01T12:00:00Z")


def test_event_commits_with_the_change_or_not_at_all(store: Store) -> None:
    add_endpoint(store, "https://hooks.example.org/a", "HOOK_A", actor="admin", clock=CLOCK)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("verdict", "deny"))
        enqueue(tx, "verdict.changed", {"customer": "c1", "to": "deny"}, clock=CLOCK)
        raise RuntimeError("the verdict change failed")
    assert outbox_status(store).events == 0
    with store.transaction() as tx:
        event_id = enqueue(tx, "verdict.changed", {"customer": "c1", "to": "deny"}, clock=CLOCK)
    assert event_id.startswith("evt_") and len(event_id) == 36
    states = event_status(store, event_id)
    assert [(s.url, s.status, s.attempts, s.next_attempt_at) for s in states] == [
        ("https://hooks.example.org/a", DeliveryStatus.PENDING, 0, "2026-03-01T12:00:00.000000Z")
    ]


def test_one_delivery_per_active_endpoint(store: Store) -> None:
    with store.transaction() as tx:
        before = enqueue(tx, "list.loaded", {"list": "sdn"}, clock=CLOCK)  # no endpoint yet
    for name in ("a", "b"):
        add_endpoint(store, f"https://hooks.example.org/{name}", "HOOK", actor="admin", clock=CLOCK)
    with store.transaction() as tx:
        after = enqueue(tx, "list.loaded", {"list": "sdn", "n": 2}, clock=CLOCK)
    assert event_status(store, before) == []  # endpoints receive the events from their creation on
    assert [s.endpoint_id for s in event_status(store, after)] == [e.id for e in list_endpoints(store)]
    status = outbox_status(store)
    assert (status.events, status.pending, status.delivered, status.dead) == (2, 2, 0, 0)
    assert [(e.pending, e.oldest_pending_at) for e in status.endpoints] == [(1, "2026-03-01T12:00:00.000000Z")] * 2


@pytest.mark.parametrize(
    ("event_type", "payload", "message"),
    [
        ("", {}, "non-empty event type"),
        ("x", ["not", "an", "object"], "must be a JSON object"),
        ("x", {"when": CLOCK.now()}, "not plain JSON"),
    ],
)
def test_bad_events_are_refused(sqlite_store: Store, event_type: str, payload: object, message: str) -> None:
    with pytest.raises(InputError, match=message), sqlite_store.transaction() as tx:
        enqueue(tx, event_type, payload)  # type: ignore[arg-type]
    assert outbox_status(sqlite_store).events == 0


def test_unknown_event_is_not_found(sqlite_store: Store) -> None:
    with pytest.raises(NotFoundError, match="evt_nope"):
        event_status(sqlite_store, "evt_nope")


@pytest.mark.parametrize(
    ("url", "env", "message"),
    [
        ("ftp://example.org/x", "HOOK", "not an http"),
        ("https://user:pw@example.org/x", "HOOK", "must not carry credentials"),
        ("https://example.org/x", "not-a-name", "not an environment variable name"),
        ("https://example.org/x", "hunter2 secret", "not an environment variable name"),
    ],
)
def test_bad_endpoints_are_refused(sqlite_store: Store, url: str, env: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        add_endpoint(sqlite_store, url, env, actor="admin", clock=CLOCK)
    assert list_endpoints(sqlite_store) == []


def test_adding_an_endpoint_is_audited_and_unique(store: Store) -> None:
    from ownergate.audit import verify
    from ownergate.audit.chain import records

    endpoint = add_endpoint(store, "https://hooks.example.org/a", "HOOK_A", actor="cli:alice", clock=CLOCK)
    with pytest.raises(ConflictError, match="already exists"):
        add_endpoint(store, "https://hooks.example.org/a", "HOOK_B", actor="cli:alice", clock=CLOCK)
    with store.read() as tx:
        (record,) = list(records(tx))
    assert (record.actor, record.action, record.subject) == ("cli:alice", "webhook.add", f"webhook:{endpoint.id}")
    assert record.details_dict() == {"url": "https://hooks.example.org/a", "secret_env": "HOOK_A"}
    assert verify(store).ok
