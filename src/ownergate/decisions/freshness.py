"""Whether the lists a policy denies on are fresh enough to decide with.

A list the policy denies on whose latest snapshot (as of the decision) was loaded longer ago than
the policy's ``max_list_age`` gives every verdict a ``list-stale`` reason (review): a verdict on
old data is not a clear one. Missing lists are ``lists-missing`` (``engine.missing_lists``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from ownergate.decisions.verdict import Reason, ReasonCode
from ownergate.policy.model import Policy
from ownergate.store import Store


def loaded_times(store: Store, snapshot_ids: Mapping[str, int]) -> dict[str, str]:
    """List id -> when the given snapshot of it was loaded (ISO, UTC)."""
    if not snapshot_ids:
        return {}
    ids = list(snapshot_ids.values())
    marks = ", ".join("?" for _ in ids)
    with store.read() as tx:
        rows = tx.fetchall(f"SELECT list_id, loaded_at FROM list_snapshot WHERE id IN ({marks})", ids)  # noqa: S608
    return {str(r[0]): str(r[1]) for r in rows}


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def stale_lists(policy: Policy, loaded: Mapping[str, str], moment: datetime) -> list[Reason]:
    """``list-stale`` when a list ``policy`` denies on was loaded more than ``max_list_age`` days
    before ``moment`` (lists not loaded at all are left to ``lists-missing``)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    ages = {
        list_id: (moment - _utc(loaded[list_id])).total_seconds() / 86400
        for list_id in sorted(policy.deny_lists & set(loaded))
    }
    stale = {k: v for k, v in ages.items() if v > policy.max_list_age}
    if not stale:
        return []
    shown = ", ".join(f"{k} ({v:.1f} days)" for k, v in stale.items())
    return [
        Reason(
            ReasonCode.LIST_STALE,
            f"list(s) policy {policy.ref} denies on are older than its max_list_age of"
            f" {policy.max_list_age:g} days: {shown}",
            {
                "max_list_age_days": policy.max_list_age,
                "stale": {k: {"loaded_at": loaded[k], "age_days": round(v, 3)} for k, v in stale.items()},
            },
        )
    ]


def list_health(store: Store, now: datetime | None = None) -> tuple[str, list[Reason]]:
    """The store's active policy (``name@version``) and its ``lists-missing`` / ``list-stale``
    reasons now (empty: the lists are fine); what ``/healthz`` reports as ``degraded``."""
    from ownergate.decisions.engine import missing_lists
    from ownergate.decisions.service import known_list_ids
    from ownergate.lists.repository import current_snapshots
    from ownergate.policy.repository import active_policy, policy_in_force

    moment = now or datetime.now(UTC)
    known = known_list_ids(store)
    with store.read() as tx:
        policy = policy_in_force(tx, active_policy(tx).name, moment.date(), known)
    current = current_snapshots(store)
    reasons = missing_lists(policy, [s.list_id for s in current])
    return policy.ref, reasons + stale_lists(policy, {s.list_id: s.loaded_at for s in current}, moment)
