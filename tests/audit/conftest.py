"""Audit fixtures: a store with a known chain, and an attacker who can drop the guards."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ownergate.audit import AuditRecord, append
from ownergate.clock import FixedClock
from ownergate.store import Store

Filler = Callable[[Store, int], list[AuditRecord]]


def _fill(store: Store, count: int) -> list[AuditRecord]:
    """Append ``count`` records, one transaction each, one minute apart from 2026-01-01."""
    clock = FixedClock("2026-01-01T00:00:00Z")
    made = []
    for i in range(count):
        with store.transaction() as tx:
            made.append(
                append(
                    tx,
                    actor=f"user-{i % 3}",
                    action="list.load" if i % 2 else "override.approve",
                    subject=f"customer:{i}",
                    details={"n": i, "note": 'Ünïcode, "quotes"\nand a newline', "nested": {"b": [1, 2.5], "a": None}},
                    clock=clock,
                )
            )
        clock.advance(60)
    return made


@pytest.fixture
def fill() -> Filler:
    return _fill


def _drop_guards(store: Store) -> None:
    """What an attacker with DB access does first: remove the append-only triggers."""
    with store.transaction() as tx:
        if store.dialect == "sqlite":
            tx.execute("DROP TRIGGER audit_log_no_update")
            tx.execute("DROP TRIGGER audit_log_no_delete")
        else:
            tx.execute("DROP TRIGGER audit_log_no_change ON audit_log")
            tx.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")


@pytest.fixture
def drop_guards() -> Callable[[Store], None]:
    return _drop_guards
