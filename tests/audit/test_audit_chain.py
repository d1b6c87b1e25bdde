"""Appending to the chain: the documented hash, one transaction with the change, append-only."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from collections.abc import Callable

import psycopg
import pytest

from ownergate.audit import GENESIS, AuditRecord, append, verify
from ownergate.audit.chain import head, records
from ownergate.clock import FixedClock
from ownergate.errors import InputError
from ownergate.store import Store, open_store

Filler = Callable[[Store, int], list[AuditRecord]]


def documented_hash(record: dict[str, object], details_text: str) -> str:
    """The recipe of docs/audit.md, written out independently of the library."""
    fields = [record[k] for k in ("seq", "at", "actor", "action", "subject")] + [details_text, record["prev_hash"]]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_records_chain_from_genesis(store: Store, fill: Filler) -> None:
    made = fill(store, 5)
    assert [r.seq for r in made] == [1, 2, 3, 4, 5]
    assert made[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(made):
        assert after.prev_hash == before.hash
    with store.read() as tx:
        stored = list(records(tx))
        assert head(tx) == (5, made[-1].hash)
    assert stored == made
    assert made[0].at == "2026-01-01T00:00:00.000000Z"
    assert made[1].at == "2026-01-01T00:01:00.000000Z"


def test_hash_follows_the_documented_recipe(store: Store, fill: Filler) -> None:
    for record in fill(store, 3):
        details = json.dumps(record.details_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert details == record.details
        assert documented_hash(record.as_dict(), details) == record.hash


def test_record_commits_with_the_change_or_not_at_all(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("policy", "v2"))
        append(tx, actor="alice", action="policy.change", subject="policy:default", details={"to": "v2"})
        raise RuntimeError("the change failed")
    with store.transaction() as tx:
        tx.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)", ("policy", "v3"))
        record = append(tx, actor="alice", action="policy.change", subject="policy:default", details={"to": "v3"})
    assert record.seq == 1  # the rolled-back append left no trace, not even a seq
    with store.read() as tx:
        assert [r.details_dict() for r in records(tx)] == [{"to": "v3"}]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"details": {"x": {1, 2}}}, "not plain JSON"),
        ({"details": {"x": float("nan")}}, "not plain JSON"),
        ({"actor": " "}, "non-empty actor"),
        ({"action": ""}, "non-empty action"),
    ],
)
def test_bad_records_are_refused(sqlite_store: Store, kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"actor": "alice", "action": "x", "subject": "s", "details": {}} | kwargs
    with pytest.raises(InputError, match=message), sqlite_store.transaction() as tx:
        append(tx, **fields)  # type: ignore[arg-type]
    with sqlite_store.read() as tx:
        assert head(tx) == (0, GENESIS)
        assert tx.scalar("SELECT COUNT(*) FROM audit_log") == 0


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 2"],
)
def test_audit_rows_cannot_be_changed(store: Store, fill: Filler, statement: str) -> None:
    made = fill(store, 3)
    with pytest.raises(Exception, match="append-only"), store.transaction() as tx:
        tx.execute(statement)
    with store.read() as tx:
        assert list(records(tx)) == made


_FORGED = "(2, '2030-01-01T00:00:00.000000Z', 'mallory', 'x', '', '{}', '" + "0" * 64 + "', '" + "1" * 64 + "')"
_COLUMNS = "(seq, at, actor, action, subject, details, prev_hash, hash)"


@pytest.mark.parametrize("verb", ["INSERT OR REPLACE INTO", "REPLACE INTO"])
def test_replace_cannot_swap_an_audit_record_on_sqlite(sqlite_store: Store, fill: Filler, verb: str) -> None:
    # REPLACE deletes the row it conflicts with without firing the DELETE trigger (recursive_triggers off)
    made = fill(sqlite_store, 3)
    with pytest.raises(Exception, match="append-only: REPLACE refused"), sqlite_store.transaction() as tx:
        tx.execute(f"{verb} audit_log {_COLUMNS} VALUES {_FORGED}")
    with sqlite_store.read() as tx:
        assert list(records(tx)) == made


@pytest.mark.postgres
def test_upsert_cannot_swap_an_audit_record_on_postgres(pg_url: str, fill: Filler) -> None:
    with open_store(pg_url) as store:
        made = fill(store, 3)
        with pytest.raises(Exception, match="append-only"), store.transaction() as tx:
            tx.execute(
                f"INSERT INTO audit_log {_COLUMNS} VALUES {_FORGED}"  # noqa: S608
                " ON CONFLICT (seq) DO UPDATE SET actor = EXCLUDED.actor, hash = EXCLUDED.hash"
            )
        with store.read() as tx:
            assert list(records(tx)) == made


@pytest.mark.postgres
def test_truncate_is_refused_on_postgres(pg_url: str, fill: Filler) -> None:
    with open_store(pg_url) as store:
        fill(store, 2)
        with pytest.raises(Exception, match="append-only"), store.transaction() as tx:
            tx.execute("TRUNCATE audit_log")
        with store.read() as tx:
            assert tx.scalar("SELECT COUNT(*) FROM audit_log") == 2


def test_clock_is_used_for_times(sqlite_store: Store) -> None:
    clock = FixedClock("2030-02-03T04:05:06.789Z")
    with sqlite_store.transaction() as tx:
        record = append(tx, actor="a", action="b", subject="", details={}, clock=clock)
    assert record.at == "2030-02-03T04:05:06.789000Z"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "DROP TRIGGER audit_log_no_change ON audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DELETE FROM audit_head",
    ],
)
def test_service_role_of_the_docs_can_append_but_not_unguard(pg_url: str, fill: Filler, statement: str) -> None:
    """The non-owner role docs/audit.md recommends: appends work, changes and unguarding are refused."""
    role = f"og_app_{uuid.uuid4().hex[:12]}"
    with open_store(pg_url) as store:
        fill(store, 3)
        schema = store.schema  # type: ignore[attr-defined]
        with store.transaction() as tx:
            for sql in (
                f'CREATE ROLE "{role}" NOLOGIN',
                f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"',
                f'GRANT SELECT, INSERT ON audit_log TO "{role}"',
                f'GRANT SELECT, UPDATE ON audit_head TO "{role}"',
            ):
                tx.execute(sql)
        try:
            with store.transaction() as tx:
                tx.execute(f'SET LOCAL ROLE "{role}"')
                append(tx, actor="service", action="verdict.change", subject="customer:1", details={})
            with pytest.raises(psycopg.errors.InsufficientPrivilege), store.transaction() as tx:
                tx.execute(f'SET LOCAL ROLE "{role}"')
                tx.execute(statement)
            report = verify(store)
            assert (report.ok, report.records) == (True, 4)
        finally:
            with store.transaction() as tx:
                tx.execute(f'DROP OWNED BY "{role}"')
                tx.execute(f'DROP ROLE "{role}"')
