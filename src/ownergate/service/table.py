"""The compiled decision table: API-key digest -> customer -> verdict, all in memory.

Built from :func:`ownergate.decisions.effective.effective_decisions` and the unrevoked keys. A
verdict set by an override carries the override's expiry and the machine verdict beneath it, so the
table honours the expiry at the very second it passes, with no database change and no reload.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from ownergate.decisions.effective import EffectiveDecision, effective_decision, effective_decisions
from ownergate.service.keys import active_digests
from ownergate.store import Store, Transaction

Reason = dict[str, Any]


class Entry:
    """A customer's verdict, valid until ``until`` (epoch seconds) when an override set it."""

    __slots__ = ("after", "allow", "decision", "reasons", "until")

    def __init__(
        self, decision: str, reasons: Sequence[Reason], until: float | None = None, after: Entry | None = None
    ) -> None:
        self.decision = decision
        self.allow = decision == "allow"
        self.reasons = tuple(reasons)
        self.until = until
        self.after = after

    def at(self, now: float) -> Entry:
        """The entry in force at ``now``: past an override's expiry, the verdict beneath it."""
        entry = self
        while entry.until is not None and now >= entry.until:
            entry = entry.after or NO_DECISION
        return entry


NO_DECISION = Entry(
    "review",
    [{"code": "no-decision", "message": "the customer has no verdict yet", "evidence": {}}],
)


class DecisionTable:
    """Key digests to customers, customers to entries. Reads are two dict lookups."""

    __slots__ = ("built_at", "customers", "keys", "keys_of")

    def __init__(self) -> None:
        self.keys: dict[bytes, str] = {}
        self.keys_of: dict[str, list[bytes]] = {}
        self.customers: dict[str, Entry] = {}
        self.built_at = time.time()

    def lookup(self, digest: bytes) -> tuple[str, Entry] | None:
        customer = self.keys.get(digest)
        if customer is None:
            return None
        return customer, self.customers.get(customer, NO_DECISION)

    def add_key(self, digest: bytes, customer: str) -> None:
        self.keys[digest] = customer
        self.keys_of.setdefault(customer, []).append(digest)

    def replace(self, customer: str, entry: Entry | None, digests: Iterable[bytes]) -> None:
        """Swap one customer's verdict and keys (the refresh of a changed customer)."""
        for digest in self.keys_of.pop(customer, ()):
            self.keys.pop(digest, None)
        for digest in digests:
            self.add_key(digest, customer)
        if entry is None:
            self.customers.pop(customer, None)
        else:
            self.customers[customer] = entry

    def stats(self) -> dict[str, int]:
        return {"customers": len(self.customers), "keys": len(self.keys)}


def _epoch(iso: str) -> float:
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _machine_entry(tx: Transaction, customer: str) -> Entry | None:
    row = tx.fetchone("SELECT decision, reasons FROM decisions WHERE is_current = 1 AND customer_id = ?", (customer,))
    return None if row is None else Entry(row[0], json.loads(row[1]))


def _entry(tx: Transaction, found: EffectiveDecision) -> Entry:
    if found.override_id is None or found.override_expires_at is None:
        return Entry(found.decision, found.reasons)
    return Entry(
        found.decision, found.reasons, _epoch(found.override_expires_at), _machine_entry(tx, found.customer_id)
    )


def load_table(store: Store, now: datetime | None = None) -> DecisionTable:
    """Compile the whole table from the store."""
    moment = now or datetime.now(UTC)
    table = DecisionTable()
    overridden = []
    for found in effective_decisions(store, moment):
        if found.override_id is None:
            table.customers[found.customer_id] = Entry(found.decision, found.reasons)
        else:
            overridden.append(found)
    with store.read() as tx:
        for found in overridden:
            table.customers[found.customer_id] = _entry(tx, found)
        for digest, customer in active_digests(tx):
            table.add_key(digest, customer)
    return table


def refresh_customers(
    store: Store, table: DecisionTable, customers: Sequence[str], now: datetime | None = None
) -> None:
    """Reload the verdicts and keys of ``customers`` into ``table`` in place."""
    moment = now or datetime.now(UTC)
    with store.read() as tx:
        fresh = []
        for customer in customers:
            found = effective_decision(tx, customer, moment)
            digests = [d for d, _ in active_digests(tx, [customer])]
            fresh.append((customer, None if found is None else _entry(tx, found), digests))
    for customer, entry, digests in fresh:  # applied after the reads, so a failed read changes nothing
        table.replace(customer, entry, digests)
