"""The compiled decision table: API-key digest -> customer -> verdict, all in memory.

Built from :func:`ownergate.decisions.effective.effective_decisions` and the unrevoked keys. A
verdict set by an override carries the override's expiry and the machine verdict beneath it, so the
table honours the expiry at the very second it passes, with no database change and no reload.

Each entry carries its IP rule: the region list of the policy the verdict was made under when that
policy denies by address (``countries.deny_ip``), else None. A verdict whose policy version cannot
be read back is given the default region list (failing closed).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from ownergate.decisions.effective import EffectiveDecision, effective_decision, effective_decisions
from ownergate.errors import OwnergateError
from ownergate.policy.countries import DEFAULT_REGIONS, RegionList, unsupported_regions
from ownergate.policy.loader import parse_policy, read_policy, shipped_names
from ownergate.service.keys import active_digests
from ownergate.store import Store, Transaction

Reason = dict[str, Any]


class Entry:
    """A customer's verdict, valid until ``until`` (epoch seconds) when an override set it."""

    __slots__ = ("after", "allow", "decision", "ip_rule", "reasons", "until")

    def __init__(
        self,
        decision: str,
        reasons: Sequence[Reason],
        until: float | None = None,
        after: Entry | None = None,
        ip_rule: RegionList | None = None,
    ) -> None:
        self.decision = decision
        self.allow = decision == "allow"
        self.reasons = tuple(reasons)
        self.until = until
        self.after = after
        self.ip_rule = ip_rule  # the regions whose addresses this verdict's policy refuses; None: no IP rule

    def at(self, now: float) -> Entry:
        """The entry in force at ``now``: past an override's expiry, the verdict beneath it."""
        entry = self
        while entry.until is not None and now >= entry.until:
            entry = entry.after or NO_DECISION
        return entry


def default_ip_rule() -> RegionList:
    """The IP rule where no policy says otherwise: the default region list, as of today."""
    return unsupported_regions(None, DEFAULT_REGIONS)


NO_DECISION = Entry(
    "review",
    [{"code": "no-decision", "message": "the customer has no verdict yet", "evidence": {}}],
    ip_rule=default_ip_rule(),
)


class IpRules:
    """Each policy version's IP rule, read once per compile."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], RegionList | None] = {}

    def of(self, tx: Transaction, policy: str, version: str) -> RegionList | None:
        key = (policy, version)
        if key not in self._seen:
            self._seen[key] = self._read(tx, policy, version)
        return self._seen[key]

    def known(self, policy: str, version: str) -> RegionList | None:
        """The rule already read for a policy version (the default list for one never read)."""
        return self._seen.get((policy, version), default_ip_rule())

    @staticmethod
    def _read(tx: Transaction, policy: str, version: str) -> RegionList | None:
        try:
            row = tx.fetchone("SELECT text FROM policies WHERE name = ? AND version = ?", (policy, version))
            if row is not None:
                found = parse_policy(row[0], f"{policy}@{version}", None)
            elif policy in shipped_names() and read_policy(policy, None).version == version:
                found = read_policy(policy, None)
            else:
                return default_ip_rule()  # a version that cannot be read back: fail closed
        except OwnergateError:
            return default_ip_rule()
        return unsupported_regions(None, found.countries) if found.deny_ip else None


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


def _machine_entry(tx: Transaction, customer: str, rules: IpRules) -> Entry | None:
    row = tx.fetchone(
        "SELECT decision, reasons, policy, policy_version FROM decisions WHERE is_current = 1 AND customer_id = ?",
        (customer,),
    )
    return None if row is None else Entry(row[0], json.loads(row[1]), ip_rule=rules.of(tx, row[2], row[3]))


def _entry(tx: Transaction, found: EffectiveDecision, rules: IpRules) -> Entry:
    ip_rule = rules.of(tx, found.policy, found.policy_version)
    if found.override_id is None or found.override_expires_at is None:
        return Entry(found.decision, found.reasons, ip_rule=ip_rule)
    beneath = _machine_entry(tx, found.customer_id, rules)
    return Entry(found.decision, found.reasons, _epoch(found.override_expires_at), beneath, ip_rule)


def load_table(store: Store, now: datetime | None = None) -> DecisionTable:
    """Compile the whole table from the store."""
    moment = now or datetime.now(UTC)
    table = DecisionTable()
    rules = IpRules()
    with store.read() as tx:
        for policy, version in tx.fetchall(
            "SELECT DISTINCT policy, policy_version FROM decisions WHERE is_current = 1"
        ):
            rules.of(tx, policy, version)
    overridden = []
    for found in effective_decisions(store, moment):
        if found.override_id is None:
            rule = rules.known(found.policy, found.policy_version)
            table.customers[found.customer_id] = Entry(found.decision, found.reasons, ip_rule=rule)
        else:
            overridden.append(found)
    with store.read() as tx:
        for found in overridden:
            table.customers[found.customer_id] = _entry(tx, found, rules)
        for digest, customer in active_digests(tx):
            table.add_key(digest, customer)
    return table


def refresh_customers(
    store: Store, table: DecisionTable, customers: Sequence[str], now: datetime | None = None
) -> None:
    """Reload the verdicts and keys of ``customers`` into ``table`` in place."""
    moment = now or datetime.now(UTC)
    rules = IpRules()
    with store.read() as tx:
        fresh = []
        for customer in customers:
            found = effective_decision(tx, customer, moment)
            digests = [d for d, _ in active_digests(tx, [customer])]
            fresh.append((customer, None if found is None else _entry(tx, found, rules), digests))
    for customer, entry, digests in fresh:  # applied after the reads, so a failed read changes nothing
        table.replace(customer, entry, digests)
