"""verify names the first record an attacker with database access altered, removed or reordered."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ownergate.audit import AuditRecord, Problem, record_hash, verify
from ownergate.store import Store

Filler = Callable[[Store, int], list[AuditRecord]]
Dropper = Callable[[Store], None]


def tamper(store: Store, drop_guards: Dropper, *statements: tuple[str, tuple[object, ...]]) -> None:
    drop_guards(store)
    with store.transaction() as tx:
        for sql, params in statements:
            tx.execute(sql, params)


def test_empty_and_intact_chains_verify(store: Store, fill: Filler) -> None:
    report = verify(store)
    assert (report.ok, report.records, report.head_seq) == (True, 0, 0)
    made = fill(store, 12)
    report = verify(store)
    assert report.ok, report.reason
    assert (report.records, report.head_seq, report.head_hash) == (12, 12, made[-1].hash)
    assert report.first_bad_seq is None and report.problem is None


def test_altered_details(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    fill(store, 10)
    tamper(store, drop_guards, ("UPDATE audit_log SET details = ? WHERE seq = 6", ('{"n":999}',)))
    report = verify(store)
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 6, Problem.ALTERED)


def test_altered_record_with_its_hash_rewritten(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    made = fill(store, 10)
    r = made[3]  # seq 4: the attacker changes the actor and recomputes this record's hash
    forged = record_hash(r.seq, r.at, "mallory", r.action, r.subject, r.details, r.prev_hash)
    tamper(store, drop_guards, ("UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 4", ("mallory", forged)))
    report = verify(store)
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 4, Problem.ALTERED)


def test_altered_time_of_the_first_record(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    fill(store, 3)
    tamper(store, drop_guards, ("UPDATE audit_log SET at = ? WHERE seq = 1", ("2025-12-31T00:00:00.000000Z",)))
    assert (verify(store).first_bad_seq, verify(store).problem) == (1, Problem.ALTERED)


def test_removed_record(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    fill(store, 10)
    tamper(store, drop_guards, ("DELETE FROM audit_log WHERE seq = 7", ()))
    report = verify(store)
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 7, Problem.REMOVED)
    assert report.records == 6


def test_removed_record_with_later_seqs_renumbered(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    fill(store, 10)
    tamper(
        store,
        drop_guards,
        ("DELETE FROM audit_log WHERE seq = 3", ()),
        *[("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq - 1, seq)) for seq in range(4, 11)],
        ("UPDATE audit_head SET seq = 9 WHERE id = 1", ()),
    )
    report = verify(store)
    assert (report.ok, report.first_bad_seq) == (False, 3)


def test_removed_tail(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    fill(store, 10)
    tamper(store, drop_guards, ("DELETE FROM audit_log WHERE seq >= 9", ()))
    report = verify(store)
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 9, Problem.REMOVED)


def test_reordered_records(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    fill(store, 10)
    tamper(
        store,
        drop_guards,
        ("UPDATE audit_log SET seq = -1 WHERE seq = 5", ()),
        ("UPDATE audit_log SET seq = 5 WHERE seq = 8", ()),
        ("UPDATE audit_log SET seq = 8 WHERE seq = -1", ()),
    )
    report = verify(store)
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 5, Problem.REORDERED)


def test_record_inserted_past_the_head(store: Store, fill: Filler) -> None:
    made = fill(store, 4)
    last = made[-1]
    fake = ("2026-06-01T00:00:00.000000Z", "mallory", "x", "y", "{}", last.hash)
    with store.transaction() as tx:  # inserting is allowed; the head does not move
        tx.execute(
            "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (5, *fake, record_hash(5, *fake)),
        )
    report = verify(store)
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 5, Problem.INSERTED)


def test_first_of_several_tamperings_is_named(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    fill(store, 20)
    tamper(
        store,
        drop_guards,
        ("UPDATE audit_log SET subject = 'x' WHERE seq = 15", ()),
        ("DELETE FROM audit_log WHERE seq = 11", ()),
    )
    assert verify(store).first_bad_seq == 11


@pytest.mark.parametrize("seq", [1, 2, 13, 25])
def test_any_single_alteration_is_found_at_its_seq(
    sqlite_store: Store, fill: Filler, drop_guards: Dropper, seq: int
) -> None:
    fill(sqlite_store, 25)
    tamper(sqlite_store, drop_guards, ("UPDATE audit_log SET action = 'edited' WHERE seq = ?", (seq,)))
    report = verify(sqlite_store)
    assert (report.first_bad_seq, report.problem) == (seq, Problem.ALTERED)
    assert f"seq {seq}" in report.summary()
