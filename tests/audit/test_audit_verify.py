"""verify names the first record an attacker with database access altered, removed or reordered."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownergate.audit import AuditRecord, Problem, record_hash, verify
from ownergate.store import Store

Filler = Callable[[Store, int], list[AuditRecord]]
Dropper = Callable[[Store], None]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


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


def rewrite_from(store: Store, made: list[AuditRecord], seq: int, actor: str) -> None:
    """The attack hash chaining alone cannot show: alter a record, then rehash it and all after it."""
    prev = made[seq - 2].hash if seq > 1 else made[0].prev_hash
    with store.transaction() as tx:
        for r in made[seq - 1 :]:
            who = actor if r.seq == seq else r.actor
            digest = record_hash(r.seq, r.at, who, r.action, r.subject, r.details, prev)
            tx.execute(
                "UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?", (who, prev, digest, r.seq)
            )
            prev = digest
        tx.execute("UPDATE audit_head SET hash = ? WHERE id = 1", (prev,))


def test_anchor_kept_outside_shows_a_full_rewrite(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    made = fill(store, 8)
    anchor = {verify(store).head_seq: verify(store).head_hash}  # printed by an earlier verify, kept elsewhere
    drop_guards(store)
    rewrite_from(store, made, 3, "mallory")
    assert verify(store).ok  # the chain alone is consistent again
    report = verify(store, anchor)
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 8, Problem.ALTERED)
    assert verify(store, {2: made[1].hash}).ok  # records before the rewrite still match their anchors


def test_anchor_past_the_end_shows_a_cut(store: Store, fill: Filler, drop_guards: Dropper) -> None:
    made = fill(store, 6)
    tamper(
        store,
        drop_guards,
        ("DELETE FROM audit_log WHERE seq > 4", ()),
        ("UPDATE audit_head SET seq = 4, hash = ? WHERE id = 1", (made[3].hash,)),
    )
    assert verify(store).ok
    report = verify(store, {6: made[5].hash})
    assert (report.ok, report.first_bad_seq, report.problem) == (False, 5, Problem.REMOVED)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    entries=st.lists(
        st.tuples(st.text(min_size=1, max_size=12).filter(str.strip), st.dictionaries(st.text(max_size=8), JSON)),
        min_size=1,
        max_size=12,
    ),
    data=st.data(),
)
def test_property_any_one_changed_field_is_named(
    tmp_path_factory: pytest.TempPathFactory,
    drop_guards: Dropper,
    entries: list[tuple[str, dict[str, object]]],
    data: st.DataObject,
) -> None:
    from ownergate.audit import append
    from ownergate.store import open_store

    with open_store(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.sqlite3'}") as store:
        for actor, details in entries:
            with store.transaction() as tx:
                append(tx, actor=actor, action="prop.test", subject="s", details=details)
        assert verify(store).ok
        seq = data.draw(st.integers(1, len(entries)))
        column = data.draw(st.sampled_from(["at", "actor", "action", "subject", "details", "prev_hash", "hash"]))
        drop_guards(store)
        with store.transaction() as tx:
            tx.execute(f"UPDATE audit_log SET {column} = {column} || 'x' WHERE seq = ?", (seq,))  # noqa: S608
        report = verify(store)
        assert not report.ok
        # a changed hash column shows at the next record's link, or at the head for the last one
        assert report.first_bad_seq == seq
