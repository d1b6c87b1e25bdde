"""The audit chain: verify over 1,000,000 records, and appends per second.

- ``audit verify`` over N records (OWNERGATE_BENCH_AUDIT_RECORDS, default 1,000,000) on SQLite,
  beside the floor for the same work: a raw sqlite3 cursor reading the same rows and hashing the
  same bytes with hashlib, with no checks. Target <= 30 s (issue 7).
- appends/s through ``append`` (one transaction each, and 10,000 in one transaction) beside plain
  INSERTs of the same rows through the same store.
- With OWNERGATE_BENCH_PG=postgresql://... set, verify is also timed on PostgreSQL.

The chain is written with ``record_hash`` and bulk INSERTs (appending a million records one by
one would time the appender, which is measured separately).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from common import Result, timed
from ownergate.audit import GENESIS, append, record_hash, verify
from ownergate.store import Store, open_store

RECORDS = int(os.environ.get("OWNERGATE_BENCH_AUDIT_RECORDS", "1000000"))
PG_URL = os.environ.get("OWNERGATE_BENCH_PG")
APPENDS = 2_000
APPENDS_ONE_TX = 10_000
INSERT = (
    "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def chain(count: int) -> Iterator[tuple[object, ...]]:
    prev = GENESIS
    for seq in range(1, count + 1):
        at = f"2026-01-{1 + seq % 28:02d}T{seq % 24:02d}:00:00.000000Z"
        details = f'{{"customer":"c-{seq % 100_000}","from":"allow","reason":"list.load sdn_2024-05-03","to":"deny"}}'
        fields = (seq, at, "monitor", "verdict.change", f"customer:{seq % 100_000}", details, prev)
        prev = record_hash(*fields)
        yield (*fields, prev)


def fill(store: Store, count: int) -> None:
    rows = chain(count)
    last = (0, GENESIS)
    while batch := [row for _, row in zip(range(50_000), rows, strict=False)]:
        with store.transaction() as tx:
            tx.executemany(INSERT, batch)
        last = (batch[-1][0], batch[-1][-1])
    with store.transaction() as tx:
        tx.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", last)


def floor(path: Path) -> None:
    """Read and hash every row the plain way: the least verify can cost."""
    conn = sqlite3.connect(path)
    cur = conn.execute("SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq")
    while rows := cur.fetchmany(10_000):
        for row in rows:
            hashlib.sha256(json.dumps(list(row[:7]), ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    conn.close()


def checked_verify(store: Store) -> None:
    report = verify(store)
    assert report.ok and report.records == RECORDS, report.summary()


def appends(tmp: str) -> list[Result]:
    store = open_store(f"sqlite:///{Path(tmp) / 'appends.sqlite3'}")
    details = {"customer": "c-1", "from": "allow", "to": "deny"}

    def ours() -> None:
        for i in range(APPENDS):
            with store.transaction() as tx:
                append(tx, actor="bench", action="verdict.change", subject=f"customer:{i}", details=details)

    def plain() -> None:
        for _i in range(APPENDS):
            with store.transaction() as tx:
                tx.execute(
                    "INSERT INTO store_meta (key, value) VALUES (?, ?)", (f"{uuid.uuid4()}", json.dumps(details))
                )

    def ours_one_tx() -> None:
        with store.transaction() as tx:
            for i in range(APPENDS_ONE_TX):
                append(tx, actor="bench", action="verdict.change", subject=f"customer:{i}", details=details)

    def plain_one_tx() -> None:
        with store.transaction() as tx:
            for _ in range(APPENDS_ONE_TX):
                tx.execute(
                    "INSERT INTO store_meta (key, value) VALUES (?, ?)", (f"{uuid.uuid4()}", json.dumps(details))
                )

    rates = [APPENDS / timed(f) for f in (ours, plain)] + [
        APPENDS_ONE_TX / timed(f) for f in (ours_one_tx, plain_one_tx)
    ]
    store.close()
    return [
        Result("audit", "appends/s, a transaction each (SQLite)", rates[0], "rows/s", rates[1], "plain INSERT"),
        Result("audit", "appends/s, 10k in one transaction (SQLite)", rates[2], "rows/s", rates[3], "plain INSERT"),
    ]


def run() -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "audit.sqlite3"
        store = open_store(f"sqlite:///{path}")
        fill(store, RECORDS)
        ours, base = timed(lambda: checked_verify(store)), timed(lambda: floor(path))
        store.close()
        label = f"audit verify, {RECORDS:,} records (SQLite)"
        results.append(Result("audit", label, ours, "s", base, "raw read + sha256", "<= 30 s"))
        results.extend(appends(tmp))
    if PG_URL:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        store = open_store(f"{PG_URL}?schema={schema}")
        try:
            fill(store, RECORDS)
            ours = timed(lambda: checked_verify(store))
            results.append(
                Result("audit", f"audit verify, {RECORDS:,} records (PostgreSQL)", ours, "s", target="<= 30 s")
            )
        finally:
            store.drop_schema()  # type: ignore[attr-defined]
            store.close()
    return results
