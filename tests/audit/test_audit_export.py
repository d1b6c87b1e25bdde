"""Export for regulators, and the audit commands as a user runs them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownergate.audit import GENESIS, AuditRecord, ExportFormat, export
from ownergate.errors import InputError
from ownergate.store import Store, open_store

Filler = Callable[[Store, int], list[AuditRecord]]


def rechain(rows: list[dict[str, str]], prev: str) -> None:
    """Re-check an exported chain with nothing but hashlib and json, as a regulator would."""
    for row in rows:
        assert row["prev_hash"] == prev
        fields = [int(row["seq"]), row["at"], row["actor"], row["action"], row["subject"], row["details"], prev]
        text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        assert hashlib.sha256(text.encode()).hexdigest() == row["hash"]
        prev = row["hash"]


def test_jsonl_has_every_field_and_rechains(store: Store, fill: Filler) -> None:
    made = fill(store, 6)
    out = io.StringIO()
    assert export(store, out, fmt="jsonl") == 6
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3, 4, 5, 6]
    assert lines[2] == made[2].as_dict()
    assert set(lines[0]) == {"seq", "at", "actor", "action", "subject", "details", "prev_hash", "hash"}
    canon = [
        {**line, "details": json.dumps(line["details"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)}
        for line in lines
    ]
    rechain(canon, GENESIS)


def test_csv_since_a_date_rechains_from_its_first_prev_hash(store: Store, fill: Filler) -> None:
    made = fill(store, 6)  # one minute apart from 2026-01-01T00:00
    out = io.StringIO()
    since = datetime(2026, 1, 1, 0, 3, tzinfo=UTC)
    assert export(store, out, fmt=ExportFormat.CSV, since=since) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [int(r["seq"]) for r in rows] == [4, 5, 6]
    assert rows[0]["details"] == made[3].details
    assert "\n" in json.loads(rows[0]["details"])["note"]  # newlines survive CSV quoting
    rechain(rows, made[2].hash)


def test_unknown_format_is_refused(sqlite_store: Store) -> None:
    with pytest.raises(InputError, match="unknown export format 'xml'"):
        export(sqlite_store, io.StringIO(), fmt="xml")


def ownergate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownergate", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.slow  # tens of seconds: real lists or subprocesses
def test_cli_verify_and_export(tmp_path: Path, fill: Filler, drop_guards: Callable[[Store], None]) -> None:
    db = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    with open_store(db) as store:
        made = fill(store, 5)
    ok = ownergate("--db", db, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == f"audit chain ok: 5 records, head seq 5 hash {made[-1].hash}"

    anchored = ownergate(
        "--db", db, "audit", "verify", "--anchor", f"5:{made[-1].hash}", "--anchor", f"2:{made[1].hash}"
    )
    assert anchored.returncode == 0, anchored.stderr
    wrong = ownergate("--db", db, "audit", "verify", "--anchor", f"3:{made[1].hash}")
    assert wrong.returncode == 1 and "broken at seq 3 (altered)" in wrong.stderr
    malformed = ownergate("--db", db, "audit", "verify", "--anchor", "5")
    assert malformed.returncode == 3 and "is not SEQ:HASH" in malformed.stderr

    target = tmp_path / "out.csv"
    exported = ownergate(
        "--db", db, "audit", "export", "--since", "2026-01-01T00:02:00Z", "--format", "csv", "--out", str(target)
    )
    assert exported.returncode == 0, exported.stderr
    assert [r["seq"] for r in csv.DictReader(io.StringIO(target.read_text()))] == ["3", "4", "5"]
    jsonl = ownergate("--db", db, "audit", "export", "--since", "2026-01-02")
    assert jsonl.returncode == 0 and jsonl.stdout == ""
    bad = ownergate("--db", db, "audit", "export", "--since", "yesterday")
    assert bad.returncode == 3 and "'yesterday' is not a date" in bad.stderr

    with open_store(db) as store:
        drop_guards(store)
        with store.transaction() as tx:
            tx.execute("DELETE FROM audit_log WHERE seq = 2")
    broken = ownergate("--db", db, "audit", "verify", "--json")
    assert broken.returncode == 1
    report = json.loads(broken.stdout)
    assert (report["ok"], report["first_bad_seq"], report["problem"]) == (False, 2, "removed")
    plain = ownergate("--db", db, "audit", "verify")
    assert plain.returncode == 1 and "broken at seq 2 (removed)" in plain.stderr
