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

from ownergate.decisions import overrides
from ownergate.decisions.overrides import Override
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

    def as_json(self) -> dict[str, Any]:
        """The verdict in force as the admin and onboarding APIs show it."""
        return {
            "decision": self.decision,
            "reasons": self.reasons,
            "policy": self.policy,
            "policy_version": self.policy_version,
            "decided_at": self.decided_at,
            "override_id": self.override_id,
        }


_MACHINE = (
    "SELECT d.customer_id, d.decision, d.reasons, d.policy, d.policy_version, d.decided_at "
    "FROM decisions d WHERE d.is_current = 1"
)


def _override_reason(o: Override) -> dict[str, Any]:
    return {
        "code": "override",
        "message": f"override #{o.id} to {o.decision} by {o.proposed_by}, approved by {o.reviewed_by}, "
        f"until {o.expires_at}: {o.justification}",
        "evidence": {"override_id": o.id, "expires_at": o.expires_at},
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
    override_rows = {o.customer_id: o for o in overrides.in_force(tx, now, customer_id)}  # the last approved wins
    for cid, decision, reasons, policy, version, decided_at in tx.iterate(_MACHINE + where, params):
        override = override_rows.pop(cid, None)
        if override is None:
            yield EffectiveDecision(cid, decision, json.loads(reasons), policy, version, decided_at, None, None)
        else:
            yield EffectiveDecision(
                cid,
                override.decision,
                [_override_reason(override), *json.loads(reasons)],
                policy,
                version,
                decided_at,
                override.id,
                override.expires_at,
            )
    for cid, override in override_rows.items():  # overridden customers the machine has not decided yet
        approved_at = override.reviewed_at or override.proposed_at
        yield EffectiveDecision(
            cid, override.decision, [_override_reason(override)], "override", "-", approved_at, override.id,
            override.expires_at,
        )  # fmt: skip
