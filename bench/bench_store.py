"""The store's write path against raw sqlite3 executemany on the same rows."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from common import Result, timed
from ownergate.store import open_store

ROWS = [(f"key-{i}", f"value-{i}") for i in range(100_000)]


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'b.sqlite3'}")

        def ours() -> None:
            with store.transaction() as tx:
                tx.execute("DELETE FROM store_meta")
                tx.executemany("INSERT INTO store_meta (key, value) VALUES (?, ?)", ROWS)

        raw = sqlite3.connect(Path(tmp) / "raw.sqlite3")
        raw.execute("CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

        def plain() -> None:
            with raw:
                raw.execute("DELETE FROM store_meta")
                raw.executemany("INSERT INTO store_meta (key, value) VALUES (?, ?)", ROWS)

        ours_s, plain_s = timed(ours, 3), timed(plain, 3)
        store.close()
        raw.close()
    return [Result("store", "insert 100k rows (SQLite)", ours_s, "s", plain_s, "raw sqlite3")]
