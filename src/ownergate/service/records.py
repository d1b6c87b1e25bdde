"""Read-only views of customers and decisions for the admin API (the decisions area owns the writes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ownergate.decisions.effective import effective_decision
from ownergate.errors import NotFoundError
from ownergate.service.filters import where
from ownergate.store import Store

_CUSTOMER = "id, name, country, hq_country, billing_country, lei, entity_id, created_at, updated_at"
_CUSTOMER_FIELDS = [c.strip() for c in _CUSTOMER.split(",")]
_DECISION = "id, customer_id, decision, reasons, policy, policy_version, decided_at, as_of, cause, is_current"
_DECISION_FIELDS = [c.strip() for c in _DECISION.split(",")]


def _decision(row: tuple[Any, ...]) -> dict[str, Any]:
    found = dict(zip(_DECISION_FIELDS, row, strict=True))
    found["reasons"] = json.loads(found["reasons"])
    found["is_current"] = bool(found["is_current"])
    return found


def list_customers(store: Store, limit: int = 100, offset: int = 0, name: str | None = None) -> list[dict[str, Any]]:
    sql, params = f"SELECT {_CUSTOMER} FROM customers", []  # noqa: S608
    if name:
        sql += " WHERE LOWER(name) LIKE ?"
        params.append("%" + name.lower().replace("%", "").replace("_", "") + "%")
    sql += " ORDER BY id LIMIT ? OFFSET ?"
    with store.read() as tx:
        return [dict(zip(_CUSTOMER_FIELDS, r, strict=True)) for r in tx.fetchall(sql, [*params, limit, offset])]


def customer(store: Store, customer_id: str) -> dict[str, Any]:
    """A customer with the verdict in force now."""
    with store.read() as tx:
        row = tx.fetchone(f"SELECT {_CUSTOMER} FROM customers WHERE id = ?", (customer_id,))  # noqa: S608
        if row is None:
            raise NotFoundError(f"customer {customer_id!r} does not exist")
        found = effective_decision(tx, customer_id, datetime.now(UTC))
    result = dict(zip(_CUSTOMER_FIELDS, row, strict=True))
    result["verdict"] = None if found is None else {**found.as_json(), "override_expires_at": found.override_expires_at}
    return result


def decisions(
    store: Store, customer_id: str | None = None, decision: str | None = None, current: bool = True, limit: int = 100
) -> list[dict[str, Any]]:
    """Machine decisions, newest first: the current ones, or a customer's whole history."""
    clause, params = where(("customer_id = ?", customer_id), ("decision = ?", decision), ("is_current = 1", current))
    sql = f"SELECT {_DECISION} FROM decisions{clause} ORDER BY id DESC LIMIT ?"  # noqa: S608
    with store.read() as tx:
        return [_decision(r) for r in tx.fetchall(sql, [*params, limit])]
