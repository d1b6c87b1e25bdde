"""The admin API's side of overrides: each call is one transaction around one step of
:mod:`ownergate.decisions.overrides`, which checks the roles and the duration cap and writes the
audit record, the outbox event and the change-feed row with the override.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ownergate.decisions import overrides as workflow
from ownergate.decisions.overrides import Override
from ownergate.service.auth import Actor
from ownergate.store import Store


def propose(
    store: Store, actor: Actor, customer_id: str, decision: str, justification: str, expires_at: str
) -> Override:
    with store.transaction() as tx:
        return workflow.propose(
            tx,
            customer_id=customer_id,
            decision=decision,
            justification=justification,
            expires_at=expires_at,
            actor=actor,
            now=datetime.now(UTC),
        )


def review(store: Store, actor: Actor, override_id: int, approve: bool, note: str | None = None) -> Override:
    """Approve or reject a proposed override; nobody approves their own (four eyes)."""
    step = workflow.approve if approve else workflow.reject
    with store.transaction() as tx:
        return step(tx, override_id, actor=actor, now=datetime.now(UTC), note=note or "")


def withdraw(store: Store, actor: Actor, override_id: int) -> Override:
    """The proposer withdraws a proposal that nobody has reviewed yet."""
    with store.transaction() as tx:
        return workflow.withdraw(tx, override_id, actor=actor, now=datetime.now(UTC))


def list_overrides(store: Store, status: str | None = None, customer_id: str | None = None) -> list[Override]:
    with store.read() as tx:
        return workflow.find(tx, status, customer_id)
