"""The change feed: tell every replica that verdicts or keys changed, so each refreshes its table within a second.

It sits below both ``decisions`` (which records verdicts) and ``service`` (whose replicas follow it).

Call :func:`announce` inside the transaction that makes a change (the row commits with the change,
and replicas are woken once it has), :func:`record_change` for the row alone, or
:func:`decisions_changed` after committing a change. Each appends a row to ``decision_changes``,
the counter every replica polls (twice a second); on PostgreSQL the same transaction sends
``NOTIFY`` (delivered on commit) and, when ``OWNERGATE_REDIS_URL`` is set, a Redis message is
published after commit, so replicas usually refresh in milliseconds and at worst at their next
poll. Replicas in this process are woken directly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from ownergate.settings import load_settings
from ownergate.store import Store, Transaction

log = logging.getLogger("ownergate.changefeed")

_local_lock = threading.Lock()
_local_wakers: set[threading.Event] = set()


def channel(store: Store) -> str:
    """The NOTIFY / Redis channel of one store: one per server, database and schema (never the password)."""
    parts = urlsplit(store.url)
    where = f"{parts.scheme}|{parts.hostname}|{parts.port}|{parts.path}|{getattr(store, 'schema', None)}"
    return "ownergate_decisions_" + hashlib.sha256(where.encode()).hexdigest()[:16]


def record_change(tx: Transaction, store: Store, customer_ids: Sequence[str] | None) -> int:
    """Record a change inside ``tx``; returns the change's number."""
    ids = None if customer_ids is None else json.dumps(sorted(set(customer_ids)))
    row = tx.fetchone(
        "INSERT INTO decision_changes (customer_ids, changed_at) VALUES (?, ?) RETURNING id",
        (ids, datetime.now(UTC).isoformat(timespec="seconds")),
    )
    assert row is not None
    change_id = int(row[0])
    if store.dialect == "postgresql":
        tx.execute("SELECT pg_notify(?, ?)", (channel(store), str(change_id)))
    return change_id


def announce(tx: Transaction, customer_ids: Sequence[str] | None) -> int:
    """Record a change inside ``tx`` and publish it once ``tx`` commits; returns the change's number."""
    store = tx.store
    change_id = record_change(tx, store, customer_ids)
    tx.after_commit(lambda: published(store, change_id))
    return change_id


def decisions_changed(store: Store, customer_ids: Sequence[str] | None = None) -> int:
    """Announce that the verdicts of ``customer_ids`` (None: possibly all) changed and were committed."""
    with store.transaction() as tx:
        change_id = record_change(tx, store, customer_ids)
    published(store, change_id)
    return change_id


def published(store: Store, change_id: int) -> None:
    """After commit: wake replicas in this process and publish on Redis when configured."""
    with _local_lock:
        for event in _local_wakers:
            event.set()
    redis_url = load_settings().redis_url
    if redis_url:
        try:
            import redis

            client = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
            try:
                client.publish(channel(store), str(change_id))
            finally:
                client.close()
        except Exception as exc:  # replicas still see the change at their next poll
            log.warning("redis publish failed: %s", type(exc).__name__)


def add_waker(event: threading.Event) -> None:
    with _local_lock:
        _local_wakers.add(event)


def remove_waker(event: threading.Event) -> None:
    with _local_lock:
        _local_wakers.discard(event)
