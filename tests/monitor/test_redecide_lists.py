"""Re-decision on a real list update: OFAC SDN 2023-05-02, then 2024-05-03.

The book holds customers named after entities the 2024 list ADDED (picked from the real diff),
customers named after entities on both lists, and real GLEIF legal names (an innocent population).
Only the customers matching added entries may change, each to deny with the new entry as evidence.
"""

from __future__ import annotations

import csv
import gzip
import json
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import pytest
from monitor_helpers import use_sdn_only

from ownergate.decisions import customers as book_store
from ownergate.decisions.customers import Customer
from ownergate.decisions.service import decide_all, record_verdicts
from ownergate.lists.loader import load_paths
from ownergate.monitor.redecide import _net_change, list_changes
from ownergate.monitor.report import get, render
from ownergate.monitor.watch import run_cycle
from ownergate.store import Store

# (entry id on the 2024 list, its name): added between 2023-05-02 and 2024-05-03
ADDED = {
    "c-add-1": ("42734", "DULAC CAPITAL LTD"),
    "c-add-2": ("42864", "OSTEC ENTERPRISE LTD"),
    "c-add-3": ("42314", "KISMAYO GENERAL TRADING LLC"),
    "c-add-4": ("42980", "DELTA TECHNICAL AND SCIENTIFIC INSTRUMENTS B.V."),
}
# on both lists
BOTH = {"c-both-1": "AEROCARIBBEAN AIRLINES", "c-both-2": "TROPIC TOURS GMBH", "c-both-3": "CREDISA S.A."}


def gleif_names(testdata: Path, count: int) -> list[tuple[str, str]]:
    with gzip.open(testdata / "gleif/gleif_l1_names_2025-10_dev.csv.gz", "rt", encoding="utf-8") as handle:
        rows = islice(csv.DictReader(handle), count)
        return [(r["legal_name"], r["legal_address_country"]) for r in rows]


def book(testdata: Path) -> list[Customer]:
    # a headquarters (not used in screening) so that the country rules can run: with no country
    # known at all a customer is decided review (country-missing), never allow
    people = [Customer(cid, name, hq_country="GB") for cid, (_, name) in ADDED.items()]
    people += [Customer(cid, name, hq_country="GB") for cid, name in BOTH.items()]
    people += [Customer(f"c-gleif-{i}", n, country=c) for i, (n, c) in enumerate(gleif_names(testdata, 60))]
    return people


def decisions(store: Store) -> dict[str, str]:
    with store.read() as tx:
        return dict(tx.fetchall("SELECT customer_id, decision FROM decisions WHERE is_current = 1"))


def changed_events(store: Store) -> list[dict[str, object]]:
    with store.read() as tx:
        rows = tx.fetchall("SELECT payload FROM outbox_events WHERE event_type = 'decision.changed' ORDER BY seq")
    return [json.loads(r[0]) for r in rows]


@pytest.mark.slow  # tens of seconds: real lists or subprocesses
def test_sdn_2023_to_2024_changes_exactly_the_added(store: Store, testdata: Path, tmp_path: Path) -> None:
    use_sdn_only(store)
    load_paths(store, [testdata / "ofac/sdn_2023-05-02.csv"])
    with store.transaction() as tx:
        book_store.save(tx, book(testdata), datetime.now(UTC))
    record_verdicts(store, list(decide_all(store)), cause="initial")
    before = decisions(store)
    assert all(before[c] == "allow" for c in ADDED)
    assert all(before[c] == "deny" for c in BOTH)
    events_before = len(changed_events(store))

    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "sdn_2024-05-03.csv").symlink_to(testdata / "ofac/sdn_2024-05-03.csv")
    report = run_cycle(store, from_dir=folder)

    (change,) = report.lists
    assert change["list"] == "us-ofac-sdn"
    assert (change["added"], change["removed"]) == (3107, 353)
    after = decisions(store)
    flipped = {c for c in after if after[c] != before[c]}
    assert flipped == set(ADDED)
    assert {c["customer"] for c in report.changes} == set(ADDED)
    for c in report.changes:
        entry_id, name = ADDED[c["customer"]]
        assert (c["from"], c["to"]) == ("allow", "deny")
        assert c["cause"].startswith("list:us-ofac-sdn@snapshot ")
        cited = [e["evidence"] for e in c["evidence"] if e["code"] == "listed"]
        assert {(e["list"], e["entry_id"], e["name"]) for e in cited} == {("us-ofac-sdn", entry_id, name)}
    # re-decided: the affected customers, not the whole book
    assert report.redecided < len(before)
    events = changed_events(store)[events_before:]
    assert sorted(e["customer"] for e in events) == sorted(ADDED)
    assert all(e["from"] == "allow" and e["to"] == "deny" for e in events)

    stored = get(store, report.run_id)
    assert stored.as_json() == report.as_json()
    assert "DULAC CAPITAL LTD" in render(stored)
    with store.read() as tx:
        action = tx.scalar("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert action == "monitor.run"

    # the recorded diff of one load and the net change of two snapshots agree
    (step,) = list_changes(store, {"us-ofac-sdn": change["from_snapshot"]})
    net = _net_change(store, "us-ofac-sdn", change["from_snapshot"], change["to_snapshot"])
    assert step.touched() == net.touched() and len(step.changed) == len(net.changed)

    again = run_cycle(store, from_dir=folder)  # nothing new: nothing re-decided, nothing announced
    assert (again.lists, again.redecided, again.changes) == ([], 0, [])
    assert len(changed_events(store)) == events_before + len(ADDED)
