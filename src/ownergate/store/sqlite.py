"""The embedded backend: one SQLite file in WAL mode, so readers never wait for a loader."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from ownergate.errors import StoreError, StoreMissing, StoreReplaced
from ownergate.store.base import Params, Row, Store, Transaction


class SqliteTransaction(Transaction):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Params = ()) -> None:
        self.conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self.conn.executemany(sql, (tuple(r) for r in rows))

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    def iterate(self, sql: str, params: Params = (), batch: int = 5000) -> Iterator[Row]:
        cur = self.conn.execute(sql, tuple(params))
        while rows := cur.fetchmany(batch):
            yield from (tuple(r) for r in rows)


class SqliteStore(Store):
    dialect = "sqlite"

    def __init__(self, url: str, path: Path | str, create: bool = True) -> None:
        super().__init__(url)
        self.path = str(path)
        if self.path != ":memory:":
            if not create and not Path(self.path).exists():
                raise StoreMissing(
                    f"store file {self.path} does not exist: create it with `ownergate store migrate`"
                    " (or pass --create), or correct the path"
                )
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open SQLite store {self.path}: {exc}") from exc
        self.opened_as = self.identity()

    def identity(self) -> tuple[int, int] | None:
        """The (device, inode) of the file at the store's path now; None in memory or when no file is there."""
        if self.path == ":memory:":
            return None
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return (found.st_dev, found.st_ino)

    def check_identity(self) -> None:
        """:class:`StoreError` when the path no longer names the file this connection opened.

        The connection keeps reading the file it opened, even after that file is deleted, moved,
        or replaced by another at the same path; a long-lived reader (a service replica) calls this
        on every refresh so it never serves a store nobody can change any more.
        """
        if self.path == ":memory:":
            return
        now = self.identity()
        if now is None:
            raise StoreReplaced(f"store file {self.path} was deleted or moved while open")
        if now != self.opened_as:
            raise StoreReplaced(f"store file {self.path} was replaced by another file while open")

    def _begin(self, write: bool) -> Transaction:
        # IMMEDIATE takes the write lock up front so two writers never deadlock mid-transaction.
        self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        return SqliteTransaction(self.conn)

    def _commit(self, tx: Transaction) -> None:
        self.conn.execute("COMMIT")

    def _rollback(self, tx: Transaction) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()
