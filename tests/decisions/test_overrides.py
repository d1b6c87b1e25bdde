"""Four-eyes overrides: propose, approve by someone else, expire; the machine verdict stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ownergate.audit import verify
from ownergate.decisions import overrides
from ownergate.decisions.effective import effective_decision
from ownergate.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from ownergate.store import Store

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _customer(store: Store) -> None:
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO customers (id, name, created_at, updated_at) VALUES ('c1', 'Acme', '2026-01-01', '2026-01-01')"
        )
        tx.execute(
            "INSERT INTO decisions (customer_id, decision, reasons, policy, policy_version, snapshots, decided_at)"
            " VALUES ('c1', 'review', '[]', 'anthropic', '1', '{}', '2026-05-01')"
        )


def test_four_eyes_flow(store: Store) -> None:
    _customer(store)
    with store.transaction() as tx:
        proposal = overrides.propose(
            tx,
            customer_id="c1",
            decision="allow",
            justification="name match is a different company",
            expires_at=NOW + timedelta(days=30),
            actor="ana",
            now=NOW,
        )
        assert proposal.status == "proposed"
        found = effective_decision(tx, "c1", NOW)
        assert found is not None and found.decision == "review"  # not in force until approved
    with pytest.raises(PermissionDenied, match="different person"), store.transaction() as tx:
        overrides.approve(tx, proposal.id, actor="ana", now=NOW)
    with store.transaction() as tx:
        approved = overrides.approve(tx, proposal.id, actor="bob", now=NOW, note="agreed")
        assert approved.status == "approved" and approved.reviewed_by == "bob"
        found = effective_decision(tx, "c1", NOW)
        assert found is not None and found.decision == "allow" and found.override_id == proposal.id
        lapsed = effective_decision(tx, "c1", NOW + timedelta(days=31))
        assert lapsed is not None and lapsed.decision == "review"
        assert tx.scalar("SELECT COUNT(*) FROM decisions WHERE customer_id = 'c1'") == 1  # machine verdict kept
    with pytest.raises(ConflictError, match="approved, not proposed"), store.transaction() as tx:
        overrides.reject(tx, proposal.id, actor="carol", now=NOW)
    with store.read() as tx:
        trail = tx.fetchall("SELECT actor, action, subject FROM audit_log ORDER BY seq")
    assert trail == [("ana", "override.proposed", "customer:c1"), ("bob", "override.approved", "customer:c1")]
    assert verify(store).ok


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"decision": "maybe"}, InputError, "allow or deny"),
        ({"justification": "  "}, InputError, "justification"),
        ({"expires_at": NOW - timedelta(seconds=1)}, InputError, "not in the future"),
        ({"customer_id": "nobody"}, NotFoundError, "no customer"),
    ],
)
def test_bad_proposals(store: Store, kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    _customer(store)
    args: dict[str, object] = {
        "customer_id": "c1",
        "decision": "deny",
        "justification": "why",
        "expires_at": NOW + timedelta(days=1),
        "actor": "ana",
        "now": NOW,
    } | kwargs
    with pytest.raises(error, match=message), store.transaction() as tx:
        overrides.propose(tx, **args)  # type: ignore[arg-type]
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM overrides") == 0


def test_parse_expiry() -> None:
    assert overrides.parse_expiry("2026-12-31") == datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(InputError, match="not an ISO date"):
        overrides.parse_expiry("next week")
