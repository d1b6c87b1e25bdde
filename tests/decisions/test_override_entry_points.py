"""One override workflow behind three entry points: the command line, the admin API and the review desk.

Each goes through ``decisions.overrides``, so each enforces the 366-day cap, and each writes the
override, its audit record, the ``override.approved`` outbox event and the change-feed row in one
transaction: a crash injected after all of them are written, before the commit, leaves none.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ownergate import changefeed
from ownergate.access.roles import Actor, Role
from ownergate.cli import _register, app
from ownergate.cli.run import run_cli
from ownergate.decisions import customers as book
from ownergate.decisions.customers import Customer
from ownergate.errors import InputError
from ownergate.review import dossier
from ownergate.service import overrides as admin_api
from ownergate.store import Store, open_store

ANA = Actor(1, "ana", Role.analyst)
BOB = Actor(2, "bob", Role.approver)
TOO_LONG = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
SOON = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()


class Crash(Exception):
    """Stands for the process dying after every write of the step and before its commit."""


def _customer(store: Store) -> None:
    with store.transaction() as tx:
        book.save(tx, [Customer("c1", "Acme Ltd", "GB")], datetime.now(UTC))


def _written(store: Store) -> dict[str, Any]:
    with store.read() as tx:
        return {
            "overrides": tx.fetchall("SELECT status FROM overrides ORDER BY id"),
            "events": tx.fetchall("SELECT event_type FROM outbox_events ORDER BY seq"),
            "changes": tx.fetchall("SELECT customer_ids FROM decision_changes ORDER BY id"),
            "audit": tx.fetchall("SELECT action FROM audit_log ORDER BY seq"),
        }


@pytest.fixture
def db(tmp_path: Path) -> Any:
    """A migrated SQLite file with customer c1 (the command line opens it by path)."""
    path = tmp_path / "store.sqlite3"
    store = open_store(f"sqlite:///{path}")
    _customer(store)
    _register()
    yield store, str(path)
    store.close()


def _cli(path: str, *args: str) -> int:
    return run_cli(app, ["--db", path, *args])


# Each entry point's propose and approve, as the edge calls the library.
def _cli_propose(store: Store, path: str, expires: str) -> None:
    code = _cli(path, "overrides", "propose", "c1", "--decision", "allow", "--justification", "checked the register",
                "--expires", expires, "--actor", "ana")  # fmt: skip
    if code == InputError.exit_code:
        raise InputError("refused")
    assert code == 0


def _cli_approve(store: Store, path: str, oid: int) -> None:
    assert _cli(path, "overrides", "approve", str(oid), "--actor", "bob") == 0


def _admin_propose(store: Store, path: str, expires: str) -> None:
    admin_api.propose(store, ANA, "c1", "allow", "checked the register", expires)


def _admin_approve(store: Store, path: str, oid: int) -> None:
    admin_api.review(store, BOB, oid, True, "ok")


def _desk_propose(store: Store, path: str, expires: str) -> None:
    dossier.propose_override(store, ANA, "c1", "allow", "checked the register", expires, datetime.now(UTC))


def _desk_approve(store: Store, path: str, oid: int) -> None:
    dossier.review_override(store, BOB, oid, True, "ok", datetime.now(UTC))


ENTRY_POINTS = {
    "cli": (_cli_propose, _cli_approve),
    "admin-api": (_admin_propose, _admin_approve),
    "review-desk": (_desk_propose, _desk_approve),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_every_entry_point_caps_the_duration(db: tuple[Store, str], entry: str) -> None:
    store, path = db
    propose, _ = ENTRY_POINTS[entry]
    with pytest.raises(InputError):
        propose(store, path, TOO_LONG)
    assert _written(store)["overrides"] == []
    propose(store, path, SOON)
    assert _written(store)["overrides"] == [("proposed",)]


def test_the_cli_says_why_it_refuses_a_long_override(db: tuple[Store, str], capsys: pytest.CaptureFixture[str]) -> None:
    _, path = db
    code = _cli(path, "overrides", "propose", "c1", "--decision", "deny", "--justification", "sanctioned owner",
                "--expires", TOO_LONG)  # fmt: skip
    assert code == InputError.exit_code
    assert "an override may last at most 366 days" in capsys.readouterr().err


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_approval_writes_event_and_change_with_the_override(db: tuple[Store, str], entry: str) -> None:
    store, path = db
    propose, approve = ENTRY_POINTS[entry]
    propose(store, path, SOON)
    before = _written(store)
    approve(store, path, 1)
    after = _written(store)
    assert after["overrides"] == [("approved",)]
    assert after["events"] == [*before["events"], ("override.approved",)]
    assert after["changes"] == [*before["changes"], ('["c1"]',)]
    assert after["audit"] == [*before["audit"], ("override.approved",)]


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_a_crash_before_commit_leaves_no_override_event_or_change(
    db: tuple[Store, str], entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, path = db
    propose, approve = ENTRY_POINTS[entry]
    propose(store, path, SOON)
    before = _written(store)
    real = changefeed.record_change
    woken: list[int] = []

    def record_then_crash(tx: Any, st: Store, ids: Any) -> int:
        real(tx, st, ids)  # the override row, its audit record and its event are already written
        raise Crash

    monkeypatch.setattr(changefeed, "record_change", record_then_crash)
    monkeypatch.setattr(changefeed, "published", lambda st, change: woken.append(change))
    with pytest.raises(Crash):
        approve(store, path, 1)
    assert _written(store) == before  # still proposed; no event, no change row, no audit record
    assert woken == []  # and no replica was told


def test_replicas_are_woken_only_after_the_commit(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _customer(store)
    seen: list[int] = []

    def published(st: Store, change: int) -> None:
        with st.read() as tx:  # a new transaction: the change must already be committed
            seen.append(int(tx.scalar("SELECT COUNT(*) FROM decision_changes WHERE id = ?", (change,))))

    monkeypatch.setattr(changefeed, "published", published)
    with store.transaction() as tx:
        changefeed.announce(tx, ["c1"])
        assert seen == []
    assert seen == [1]
    with pytest.raises(Crash), store.transaction() as tx:
        changefeed.announce(tx, ["c1"])
        raise Crash
    assert seen == [1]  # a rolled-back change wakes nobody
