"""The store: one schema, versioned migrations, SQLite (embedded) and PostgreSQL behind one interface."""

from ownergate.store.base import Store, Transaction
from ownergate.store.connect import open_store

__all__ = ["Store", "Transaction", "open_store"]
