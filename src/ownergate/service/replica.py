"""One replica's live decision table: loaded at start, refreshed when the change counter moves.

A background thread polls ``decision_changes`` (every :data:`POLL_SECONDS`) and is woken early by
PostgreSQL ``NOTIFY``, Redis pub/sub or a change made in this process. Changes that name their
customers are applied in place; others reload the whole table and swap it in. If the store cannot
be reached, the replica keeps the table it has; :meth:`Replica.age` says how long ago it was last
known to be current, and the checker fails closed past ``OWNERGATE_MAX_STALENESS``.

An SQLite store is also checked for identity on every refresh: the connection would go on reading
the file it opened after that file is deleted, moved or replaced (``mv other.sqlite3 store.sqlite3``),
so the replica compares the (device, inode) at the path with the file it first opened. Any
difference sets :attr:`Replica.broken` and every check fails closed at once, whatever the
staleness settings, until the original file is back at the path (or the service restarts).

A network that silently drops bytes leaves a PostgreSQL call waiting for an answer that never comes
(the server sees no query, so its own timeouts never fire). A watchdog thread gives each refresh
step a deadline (:data:`POLL_DEADLINE` for reading the change counter, :data:`RELOAD_DEADLINE` for
loading verdicts) and cuts the connection past it; the refresher then reconnects, each attempt
bounded by :data:`CONNECT_TIMEOUT`, so the replica is current again within seconds of the network
coming back.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from typing import Any

from ownergate import changefeed
from ownergate.errors import StoreMissing, StoreReplaced
from ownergate.service.table import DecisionTable, load_table, refresh_customers
from ownergate.store import Store, open_store

log = logging.getLogger("ownergate.service.replica")

POLL_SECONDS = 0.25
INCREMENTAL_LIMIT = 1000  # more changed customers than this: reload everything
_RETRY_SECONDS = 1.0
POLL_DEADLINE = 2.0  # seconds the change-counter read may take before the connection is cut
RELOAD_DEADLINE = 120.0  # seconds a reload (or a refresh of some customers) may take
CONNECT_TIMEOUT = 2.0  # seconds per PostgreSQL connection attempt (libpq's smallest)


class Replica:
    """The table a service process answers from, kept current by a background thread."""

    def __init__(self, db_url: str, redis_url: str | None = None) -> None:
        self.db_url = db_url
        self.redis_url = redis_url
        self.table = DecisionTable()
        self.loaded = False
        self.seen_change = -1
        self.confirmed = 0.0  # time.time() the table was last known current; 0 = never
        self.last_error: str | None = None
        # The store file is missing, or was replaced, moved or deleted: every check fails closed now.
        self.broken: StoreMissing | StoreReplaced | None = None
        self.reloads = 0
        self._file: tuple[int, int] | None = None  # (device, inode) of the SQLite file first opened
        self._store: Store | None = None
        self._deadline: float | None = None  # time.monotonic() by which the current step must end
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- state read by the checker and /healthz ------------------------------------------------

    def age(self, now: float | None = None) -> float:
        """Seconds since the table was last known to be current (infinite before the first load)."""
        return float("inf") if not self.confirmed else (now or time.time()) - self.confirmed

    def health(self) -> dict[str, Any]:
        age = self.age()
        return {
            "loaded": self.loaded,
            "table_age_seconds": None if age == float("inf") else round(age, 3),
            "change": self.seen_change,
            "reloads": self.reloads,
            "last_error": self.last_error,
            "store_file_error": None if self.broken is None else str(self.broken),
            **self.table.stats(),
        }

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the table now (errors are kept, not raised) and start the refresher threads."""
        self._spawn(self._watch, "ownergate-watchdog")  # the first load has its deadline too
        self.refresh()
        changefeed.add_waker(self._wake)
        self._spawn(self._run, "ownergate-refresh")
        if self.redis_url:
            self._spawn(self._listen_redis, "ownergate-redis")
        elif self.db_url.startswith(("postgresql://", "postgres://")):
            self._spawn(self._listen_postgres, "ownergate-listen")

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        changefeed.remove_waker(self._wake)
        for thread in self._threads:
            thread.join(timeout=5)
        if self._store is not None:
            self._store.close()
            self._store = None

    def _spawn(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    # -- refreshing ------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()
            if not self._stop.is_set():
                self.refresh()

    def _watch(self) -> None:
        """Cut the store's connection when a refresh step runs past its deadline (a silent network)."""
        while not self._stop.wait(0.1):
            deadline, store = self._deadline, self._store
            if deadline is not None and store is not None and time.monotonic() > deadline:
                log.warning("decision table refresh past its deadline: cutting the store connection")
                self._deadline = None
                store.interrupt()

    def _arm(self, seconds: float | None) -> None:
        self._deadline = None if seconds is None else time.monotonic() + seconds

    def refresh(self) -> bool:
        """Bring the table up to date; False (and the old table kept) when the store fails."""
        try:
            if self._store is None:
                self._store = open_store(
                    self.db_url, migrate=not self.loaded, create=False, connect_timeout=CONNECT_TIMEOUT
                )
            self._check_file(self._store)
            self._catch_up(self._store)
        except Exception as exc:  # any failure of the store: keep serving what we have
            self._arm(None)
            message = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            # The first sign names what happened; later ones only repeat it.
            if isinstance(exc, StoreMissing | StoreReplaced) and self.broken is None:
                log.error("store file missing, replaced, moved or deleted: every check fails closed: %s", exc)
                self.broken = exc
            if message != self.last_error:
                log.warning("decision table refresh failed, serving the last table: %s", message)
            self.last_error = message
            if self._store is not None:
                try:
                    self._store.close()
                except Exception:
                    log.debug("closing the failed store connection failed too")
                self._store = None
            return False
        self._arm(None)
        self.last_error = None
        self.broken = None
        return True

    def _check_file(self, store: Store) -> None:
        """:class:`StoreReplaced` unless the store's file is the one this replica first opened."""
        store.check_identity()  # the path still names the file this connection opened
        opened = getattr(store, "opened_as", None)
        if self._file is None:
            self._file = opened
        elif opened != self._file:  # reopened after a failure: onto another file
            raise StoreReplaced(f"store file {getattr(store, 'path', '')} is not the file the service started with")

    def _catch_up(self, store: Store) -> None:
        checked = time.time()
        self._arm(POLL_DEADLINE)
        with store.read() as tx:
            latest = int(tx.scalar("SELECT COALESCE(MAX(id), 0) FROM decision_changes"))
            changed: set[str] | None = set()
            if self.loaded and latest != self.seen_change:
                rows = tx.fetchall(
                    "SELECT customer_ids FROM decision_changes WHERE id > ? AND id <= ?", (self.seen_change, latest)
                )
                for (ids,) in rows:
                    if ids is None or changed is None or len(rows) > INCREMENTAL_LIMIT:
                        changed = None
                        break
                    changed.update(json.loads(ids))
        self._arm(RELOAD_DEADLINE)
        if not self.loaded or changed is None or len(changed) > INCREMENTAL_LIMIT:
            self.table = load_table(store)
            # Move the table's objects out of the collector's sight: a full collection over 100,000s
            # of entries would otherwise pause every request for milliseconds. (The table has no
            # reference cycles; reference counting frees an old one.)
            gc.collect()
            gc.freeze()
            self.reloads += 1
            self.loaded = True
            log.info("decision table loaded: %s", self.table.stats())
        elif changed:
            refresh_customers(store, self.table, sorted(changed))
            log.info("decision table refreshed %d customers", len(changed))
        self.seen_change = latest
        self.confirmed = checked

    # -- listeners: wake the refresher early -----------------------------------------------------

    def _listen(self, wait_for_messages: Any, what: str) -> None:
        """Run ``wait_for_messages(channel)`` until stopped, reconnecting after a pause when it fails."""
        while not self._stop.is_set():
            try:
                store = open_store(self.db_url, migrate=False, create=False)
                name = changefeed.channel(store)
                store.close()
                wait_for_messages(name)
            except Exception as exc:
                log.debug("%s failed (%s); polling continues", what, type(exc).__name__)
                self._stop.wait(_RETRY_SECONDS)

    def _listen_postgres(self) -> None:
        import psycopg

        def wait(name: str) -> None:
            with psycopg.connect(_conninfo(self.db_url), autocommit=True) as conn:
                conn.execute(f'LISTEN "{name}"')
                while not self._stop.is_set():
                    for _ in conn.notifies(timeout=1.0, stop_after=1):
                        self._wake.set()

        self._listen(wait, "LISTEN")

    def _listen_redis(self) -> None:
        import redis

        def wait(name: str) -> None:
            client = redis.Redis.from_url(str(self.redis_url), socket_timeout=5, socket_connect_timeout=2)
            pubsub = client.pubsub()
            try:
                pubsub.subscribe(name)
                while not self._stop.is_set():
                    if pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0) is not None:
                        self._wake.set()
            finally:
                pubsub.close()
                client.close()

        self._listen(wait, "Redis subscribe")


def _conninfo(url: str) -> str:
    """A PostgreSQL store URL without ownergate's own ``schema`` parameter, with the store's timeouts."""
    from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

    from ownergate.store.postgres import connection_params

    parts = urlsplit(url)
    query = {k: v for k, v in parse_qsl(parts.query) if k != "schema"}
    params = connection_params(query, CONNECT_TIMEOUT)
    return urlunsplit(parts._replace(query=urlencode(params, quote_via=quote)))
