"""Which verdict is in force: overrides beside machine verdicts, expiry, four-eyes status."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ownergate.decisions.effective import effective_decision, effective_decisions
from ownergate.store import Store

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _seed(store: Store) -> None:
    with store.transaction() as tx:
        for cid in ("c1", "c2", "c3"):
            tx.execute(
                "INSERT INTO customers (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (cid, f"Customer {cid}", "2026-01-01", "2026-01-01"),
            )
        reasons = json.dumps([{"code": "listed", "message": "on the SDN list", "evidence": {}}])
        for cid, decision, current in (("c1", "allow", 0), ("c1", "deny", 1), ("c2", "review", 1)):
            tx.execute(
                "INSERT INTO decisions (customer_id, decision, reasons, policy, policy_version, snapshots,"
                " decided_at, is_current) VALUES (?, ?, ?, 'anthropic', '1', '{}', '2026-05-01', ?)",
                (cid, decision, reasons, current),
            )
        rows = [
            ("c1", "allow", "2026-07-01", "approved", "ana", "bob"),  # in force
            ("c2", "allow", "2026-05-15", "approved", "ana", "bob"),  # lapsed
            ("c2", "deny", "2027-01-01", "proposed", "ana", None),  # not approved yet
            ("c3", "allow", "2026-12-01", "approved", "ana", "bob"),  # no machine verdict yet
        ]
        for cid, decision, expires, status, by, reviewer in rows:
            tx.execute(
                "INSERT INTO overrides (customer_id, decision, justification, expires_at, status, proposed_by,"
                " proposed_at, reviewed_by, reviewed_at) VALUES (?, ?, 'checked', ?, ?, ?, '2026-05-02', ?, ?)",
                (cid, decision, expires, status, by, reviewer, "2026-05-03" if reviewer else None),
            )


def test_effective_decisions(store: Store) -> None:
    _seed(store)
    found = {d.customer_id: d for d in effective_decisions(store, NOW)}
    assert found["c1"].decision == "allow"
    assert found["c1"].override_id is not None
    assert [r["code"] for r in found["c1"].reasons] == ["override", "listed"]  # machine reason kept beside
    assert found["c2"].decision == "review" and found["c2"].override_id is None
    assert found["c3"].decision == "allow" and found["c3"].policy == "override"
    with store.read() as tx:
        one = effective_decision(tx, "c2", NOW)
        assert one is not None and one.decision == "review"
        assert effective_decision(tx, "nobody", NOW) is None


def test_override_lapses_at_expiry(store: Store) -> None:
    _seed(store)
    later = datetime(2026, 7, 2, tzinfo=UTC)
    found = {d.customer_id: d for d in effective_decisions(store, later)}
    assert found["c1"].decision == "deny"


def test_an_override_alone_is_dated_by_its_approval(store: Store) -> None:
    _seed(store)
    found = {d.customer_id: d for d in effective_decisions(store, NOW)}
    assert found["c3"].decided_at == "2026-05-03"  # it was the proposer's name
