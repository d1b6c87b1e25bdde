"""What a store holds: backend, schema version, row counts."""

from __future__ import annotations

from typing import Any

from ownergate.store.base import Store


def tables(store: Store) -> list[str]:
    with store.read() as tx:
        if store.dialect == "sqlite":
            rows = tx.fetchall("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        else:
            rows = tx.fetchall("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    return sorted(r[0] for r in rows)


def describe(store: Store) -> dict[str, Any]:
    names = tables(store)
    counts: dict[str, int] = {}
    with store.read() as tx:
        version = tx.scalar("SELECT MAX(version) FROM schema_migrations")
        for name in names:
            # Table names come from the catalogue, never from user input.
            counts[name] = int(tx.scalar(f'SELECT COUNT(*) FROM "{name}"'))  # noqa: S608
    return {
        "backend": store.dialect,
        "url": store.redacted_url(),
        "schema_version": version,
        "tables": counts,
    }
