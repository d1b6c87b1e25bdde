"""The store's contract, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

from ownergate.errors import ConfigError
from ownergate.store import Store, open_store
from ownergate.store.connect import redact
from ownergate.store.info import describe
from ownergate.store.migrations import available, render


def test_migrations_applied_once(store: Store) -> None:
    versions = sorted(available())
    info = describe(store)
    assert info["schema_version"] == versions[-1]
    assert store.migrate() == []  # a second run applies nothing
    assert info["tables"]["schema_migrations"] == len(versions)


def test_transaction_commits(store: Store) -> None:
    with store.transaction() as tx:
        tx.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("a", "1"))
    with store.read() as tx:
        assert tx.scalar("SELECT value FROM store_meta WHERE key = ?", ("a",)) == "1"


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    with store.transaction() as tx:
        tx.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("kept", "1"))
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("lost", "2"))
        tx.execute("UPDATE store_meta SET value = ? WHERE key = ?", ("changed", "kept"))
        raise RuntimeError("boom")
    with store.read() as tx:
        assert tx.fetchall("SELECT key, value FROM store_meta ORDER BY key") == [("kept", "1")]


def test_parameters_are_never_interpolated(store: Store) -> None:
    hostile = "x'); DROP TABLE store_meta; --"
    with store.transaction() as tx:
        tx.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", (hostile, "100%?"))
    with store.read() as tx:
        assert tx.scalar("SELECT value FROM store_meta WHERE key = ?", (hostile,)) == "100%?"


def test_executemany_and_iterate(store: Store) -> None:
    rows = [(f"k{i:05d}", str(i)) for i in range(12_001)]
    with store.transaction() as tx:
        tx.executemany("INSERT INTO store_meta (key, value) VALUES (?, ?)", rows)
    with store.read() as tx:
        streamed = list(tx.iterate("SELECT key, value FROM store_meta ORDER BY key", batch=1000))
    assert streamed == rows


def test_render_substitutes_dialect_types() -> None:
    sql = "CREATE TABLE t (id {{id}}, b {{blob}});\n-- comment\nCREATE INDEX i ON t (b);"
    assert render(sql, "sqlite") == [
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB);",
        "CREATE INDEX i ON t (b);",
    ]
    assert "BYTEA" in render(sql, "postgresql")[0]


def test_bad_urls_are_refused() -> None:
    with pytest.raises(ConfigError, match="unsupported store URL"):
        open_store("mysql://root:pw@host/db")
    with pytest.raises(ConfigError, match="names no file"):
        open_store("sqlite://")


def test_redact_hides_passwords() -> None:
    assert redact("postgresql://alice:s3cret@db:5432/x") == "postgresql://alice:***@db:5432/x"
    assert "s3cret" not in redact("postgresql://alice:s3cret@db/x")


def test_nested_blocks_join_the_outer_transaction(store: Store) -> None:
    with store.transaction() as outer:
        outer.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("n", "1"))
        with store.read() as inner:
            assert inner.scalar("SELECT value FROM store_meta WHERE key = ?", ("n",)) == "1"
    with pytest.raises(RuntimeError), store.transaction() as outer:
        outer.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("m", "1"))
        with store.transaction() as inner:
            inner.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("m2", "1"))
        raise RuntimeError("the outer block fails: the inner write goes with it")
    with store.read() as tx:
        assert tx.fetchall("SELECT key FROM store_meta ORDER BY key") == [("n",)]


def test_write_inside_read_is_refused(store: Store) -> None:
    from ownergate.errors import StoreError

    with pytest.raises(StoreError, match="inside a read-only"), store.read(), store.transaction():
        pass
    with store.transaction() as tx:  # the store is usable afterwards
        tx.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("ok", "1"))
