"""The verdict in force for each customer: an approved, unexpired override, else the machine's.

This is what enforcement compiles into its in-memory table. Overrides never replace the
machine's verdict; they sit beside it, and this module decides which one applies at a moment.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ownergate.store import Store, Transaction


@dataclass(slots=True, frozen=True)
class EffectiveDecision:
    customer_id: str
    decision: str  # "allow" | "deny" | "review"
    reasons: list[dict[str, Any]]  # [{"code", "message", "evidence"}]
    policy: str
    policy_version: str
    decided_at: str
    override_id: int | None  # set when an approved override is what applies
    override_expires_at: str | None


_MACHINE = (
    "SELECT d.customer_id, d.decision, d.reasons, d.policy, d.policy_version, d.decided_at "
    "FROM decisions d WHERE d.is_current = 1"
)
_OVERRIDES = (
    "SELECT o.id, o.customer_id, o.decision, o.justification, o.expires_at, o.proposed_by, o.reviewed_by "
    "FROM overrides o WHERE o.status = 'approved' AND o.expires_at > ? ORDER BY o.reviewed_at"
)


def _override_reason(row: tuple[Any, ...]) -> dict[str, Any]:
    oid, _, decision, justification, expires_at, proposed_by, reviewed_by = row
    return {
        "code": "override",
        "message": f"override #{oid} to {decision} by {proposed_by}, approved by {reviewed_by}, "
        f"until {expires_at}: {justification}",
        "evidence": {"override_id": oid, "expires_at": expires_at},
    }


def effective_decisions(store: Store, now: datetime) -> Iterator[EffectiveDecision]:
    """Every customer's verdict in force at ``now`` (UTC, timezone-aware)."""
    with store.read() as tx:
        yield from _effective(tx, now, None)


def effective_decision(tx: Transaction, customer_id: str, now: datetime) -> EffectiveDecision | None:
    found = list(_effective(tx, now, customer_id))
    return found[0] if found else None


def _effective(tx: Transaction, now: datetime, customer_id: str | None) -> Iterator[EffectiveDecision]:
    where, params = ("", ()) if customer_id is None else (" AND d.customer_id = ?", (customer_id,))
    moment = now.isoformat()
    override_rows: dict[str, tuple[Any, ...]] = {}
    o_where, o_params = ("", ()) if customer_id is None else (" AND o.customer_id = ?", (customer_id,))
    query = _OVERRIDES.replace(" ORDER BY", o_where + " ORDER BY")
    for row in tx.fetchall(query, (moment, *o_params)):
        override_rows[row[1]] = row  # the most recently approved one wins
    for cid, decision, reasons, policy, version, decided_at in tx.iterate(_MACHINE + where, params):
        override = override_rows.pop(cid, None)
        if override is None:
            yield EffectiveDecision(cid, decision, json.loads(reasons), policy, version, decided_at, None, None)
        else:
            yield EffectiveDecision(
                cid,
                override[2],
                [_override_reason(override), *json.loads(reasons)],
                policy,
                version,
                decided_at,
                int(override[0]),
                override[4],
            )
    for cid, override in override_rows.items():  # overridden customers the machine has not decided yet
        yield EffectiveDecision(
            cid, override[2], [_override_reason(override)], "override", "-", override[5], int(override[0]), override[4]
        )
