"""The store interface shared by the SQLite and PostgreSQL backends.

SQL is written once, with ``?`` placeholders, and every value is passed as a parameter;
the PostgreSQL backend rewrites placeholders to ``%s``. A :class:`Transaction` is the only
way to run SQL: it commits when its block ends and rolls back on any exception, so a
failed load leaves the store exactly as it was.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

Row = tuple[Any, ...]
Params = Sequence[Any]


class Transaction(abc.ABC):
    """A unit of work on one connection.

    :attr:`store` is the store it runs on; :meth:`after_commit` queues what must happen only once
    the block is committed (waking replicas), never when it rolls back.
    """

    store: Store
    _after_commit: list[Callable[[], None]]

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` after this transaction commits (dropped if it rolls back)."""
        self._after_commit.append(action)

    @abc.abstractmethod
    def execute(self, sql: str, params: Params = ()) -> None: ...

    @abc.abstractmethod
    def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    @abc.abstractmethod
    def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.fetchone(sql, params)
        return row[0] if row else None

    @abc.abstractmethod
    def iterate(self, sql: str, params: Params = (), batch: int = 5000) -> Iterator[Row]:
        """Stream rows without loading them all."""


class Store(abc.ABC):
    """A connection to one ownergate database."""

    #: "sqlite" or "postgresql": the only place callers may branch on the backend
    dialect: str = ""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.RLock()
        self._current: tuple[Transaction, bool] | None = None

    @abc.abstractmethod
    def _begin(self, write: bool) -> Transaction: ...

    @abc.abstractmethod
    def _commit(self, tx: Transaction) -> None: ...

    @abc.abstractmethod
    def _rollback(self, tx: Transaction) -> None: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Transaction]:
        """Run a block atomically: all of it is committed, or none of it.

        A block opened inside another on the same thread joins the outer transaction (a read
        inside a write, or a read inside a read); a write inside a read-only block is refused.
        """
        with self._lock:
            outer = self._current
            if outer is not None:
                tx, outer_write = outer
                if write and not outer_write:
                    from ownergate.errors import StoreError

                    raise StoreError("a write transaction cannot be opened inside a read-only one")
                yield tx
                return
            tx = self._begin(write)
            tx.store, tx._after_commit = self, []
            self._current = (tx, write)
            try:
                yield tx
            except BaseException:
                self._current = None
                self._rollback(tx)
                raise
            else:
                self._current = None
                self._commit(tx)
        for action in tx._after_commit:
            action()

    def check_identity(self) -> None:
        """:class:`~ownergate.errors.StoreError` when the store was replaced, moved or deleted since it
        was opened (an SQLite file; a server-side store has no such identity)."""
        return None

    def interrupt(self) -> None:
        """Make a call that waits on this store's connection in another thread fail now (PostgreSQL:
        the socket is cut); the store must be closed and opened again afterwards."""
        return None

    def read(self) -> Any:
        """A read-only transaction (a consistent view of one snapshot)."""
        return self.transaction(write=False)

    def migrate(self) -> list[int]:
        """Apply every pending migration; return the versions applied."""
        from ownergate.store.migrations import apply_migrations

        return apply_migrations(self)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def redacted_url(self) -> str:
        """The URL without any password, safe to print or log."""
        from ownergate.store.connect import redact

        return redact(self.url)
