"""What one service process holds: its replica of the decision table, the checker, metrics, the store."""

from __future__ import annotations

import threading
import time
from typing import Any

from ownergate.decisions.freshness import list_health
from ownergate.service import geoip
from ownergate.service.address import TrustedProxies
from ownergate.service.check import Checker
from ownergate.service.metrics import Metrics
from ownergate.service.replica import Replica
from ownergate.settings import Settings
from ownergate.store import Store, open_store

#: how often /healthz looks at the lists again
LISTS_CHECK_SECONDS = 10.0


class ServiceState:
    """Started once per process (at startup, or by the first check); stopped at shutdown."""

    def __init__(self, db_url: str, settings: Settings) -> None:
        self.db_url = db_url
        self.settings = settings
        self.replica = Replica(db_url, settings.redis_url)
        self._checker = Checker(self.replica, settings.max_staleness, settings.fail_closed)
        self.trusted = TrustedProxies(settings.trusted_proxies)
        self.metrics = Metrics()
        self.started_at = time.time()
        self._started = False
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._lists_checked: tuple[float, tuple[str | None, list[dict[str, Any]]]] | None = None
        self._health_store: Store | None = None

    def start(self) -> None:
        with self._lock:
            if not self._started:
                geoip.warm()
                self.replica.start()
                self._started = True

    def stop(self) -> None:
        with self._lock:
            if self._started:
                self.replica.stop()
                self._started = False
            for opened in (self._store, self._health_store):
                if opened is not None:
                    opened.close()
            self._store = self._health_store = None

    def checker(self) -> Checker:
        if not self._started:
            self.start()
        return self._checker

    def store(self) -> Store:
        """The store for admin calls (opened on first use; StoreError when unreachable)."""
        with self._lock:
            if self._store is None:
                self._store = open_store(self.db_url, create=False)
            return self._store

    def _lists_health(self) -> tuple[str | None, list[dict[str, Any]]]:
        """The active policy and its ``lists-missing`` / ``list-stale`` reasons (checked at most
        every ``LISTS_CHECK_SECONDS``); no reasons when the lists are fine, or when the store cannot
        be read (the replica's own error says so)."""
        now = time.monotonic()
        if self._lists_checked is not None and now - self._lists_checked[0] < LISTS_CHECK_SECONDS:
            return self._lists_checked[1]
        try:
            with self._lock:
                if self._health_store is None:  # never migrates: /healthz must not recreate a lost schema
                    self._health_store = open_store(self.db_url, migrate=False, create=False)
                health_store = self._health_store
            ref, reasons = list_health(health_store)
            found: tuple[str | None, list[dict[str, Any]]] = (ref, [r.to_dict() for r in reasons])
        except Exception:  # any store failure is the replica's to report, not the lists'
            found = (None, [])
        self._lists_checked = (now, found)
        return found

    def health(self) -> dict[str, Any]:
        if not self._started:
            self.start()
        table = self.replica.health()
        age = self.replica.age()
        stale = self.settings.fail_closed and self.settings.max_staleness > 0 and age > self.settings.max_staleness
        stale = stale or self.replica.broken is not None
        policy, lists = self._lists_health()
        if stale:
            status = "stale"
        elif self.replica.last_error or lists:
            status = "degraded"
        else:
            status = "ok"
        return {
            "status": status,
            "policy": policy,
            "lists": lists,
            "fail_closed": stale,
            "max_staleness_seconds": self.settings.max_staleness,
            "uptime_seconds": round(time.time() - self.started_at, 3),
            "table": table,
        }

    def gauges(self) -> dict[str, tuple[str, float]]:
        age = self.replica.age()
        table = self.replica.table.stats()
        return {
            "ownergate_table_age_seconds": (
                "Seconds since the decision table was last known current (-1: never loaded).",
                -1.0 if age == float("inf") else age,
            ),
            "ownergate_table_customers": ("Customers in the decision table.", table["customers"]),
            "ownergate_table_keys": ("Active API keys in the decision table.", table["keys"]),
            "ownergate_table_reloads_total": ("Full reloads of the decision table.", self.replica.reloads),
            "ownergate_store_reachable": (
                "1 when the last refresh reached the store.",
                0 if self.replica.last_error else 1,
            ),
        }
