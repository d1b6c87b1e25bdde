"""`ownergate policy activate`: one policy in force for the store, audited; decide uses it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownergate.audit.chain import records
from ownergate.decisions import customers as book
from ownergate.decisions.service import decide
from ownergate.errors import PolicyError
from ownergate.policy import repository
from ownergate.store import Store


def _customer(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,name,country,hq_country\nacme,Acme Widgets GmbH,DE,DE\n")
    book.import_files(store, path, None, datetime.now(UTC))


def test_nothing_activated_is_the_default_and_says_so(store: Store) -> None:
    with store.read() as tx:
        active = repository.active_policy(tx)
    assert (active.name, active.activated) == ("anthropic", False)
    assert "the default" in active.describe()


def test_activate_is_audited_and_decide_uses_it(store: Store, tmp_path: Path) -> None:
    _customer(store, tmp_path)
    assert decide(store, "acme").policy == "anthropic"
    now = datetime.now(UTC)
    with store.transaction() as tx:
        assert repository.activate(tx, "eu", "alice", now)
    with store.transaction() as tx:
        assert not repository.activate(tx, "eu", "alice", now)  # already active: nothing new
    with store.read() as tx:
        active = repository.active_policy(tx)
        trail = [r for r in records(tx) if r.action == "policy.activated"]
    assert (active.name, active.activated, active.activated_by) == ("eu", True, "alice")
    assert len(trail) == 1 and trail[0].subject == "policy:eu" and trail[0].actor == "alice"
    details = json.loads(trail[0].details)
    assert details["from"] == "anthropic" and details["to"] == "eu"
    assert decide(store, "acme").policy == "eu"
    assert decide(store, "acme", "uk").policy == "uk"  # told otherwise


def test_an_unknown_policy_cannot_be_activated(store: Store) -> None:
    with store.transaction() as tx, pytest.raises(PolicyError, match="no policy 'eux'"):
        repository.activate(tx, "eux", "alice", datetime.now(UTC))
    with store.read() as tx:
        assert repository.active_policy(tx).activated is False


def ownergate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownergate", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_activate_then_decide(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    (tmp_path / "c.csv").write_text("id,name,country,hq_country\nacme,Acme Widgets GmbH,DE,DE\n")
    assert ownergate("--db", db, "--create", "customers", "import", str(tmp_path / "c.csv")).returncode == 0
    before = ownergate("--db", db, "decide", "acme", "--json", "--dry-run")
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout)["policy"] == "anthropic"
    assert "policy: anthropic (the default: no policy activated" in before.stderr
    activated = ownergate("--db", db, "policy", "activate", "us-export-controls", "--actor", "alice")
    assert activated.returncode == 0 and "us-export-controls: activated" in activated.stdout
    listed = json.loads(ownergate("--db", db, "policy", "list", "--json").stdout)
    assert listed["active"]["name"] == "us-export-controls" and listed["active"]["activated_by"] == "alice"
    after = ownergate("--db", db, "decide", "acme", "--json", "--dry-run")
    assert json.loads(after.stdout)["policy"] == "us-export-controls" and "the default" not in after.stderr


def test_watch_redecides_a_book_decided_under_another_policy(store: Store, tmp_path: Path) -> None:
    """After `policy activate`, the next watch cycle re-decides every customer under the new policy."""
    from ownergate.decisions.service import decide_all, record_verdicts
    from ownergate.monitor.watch import run_cycle

    _customer(store, tmp_path)
    record_verdicts(store, list(decide_all(store)), cause="initial")
    with store.transaction() as tx:
        repository.activate(tx, "uk", "alice", datetime.now(UTC))
    report = run_cycle(store, update=False)
    assert report.policy is not None and report.policy.startswith("uk@")
    with store.read() as tx:
        assert tx.fetchall("SELECT policy, cause FROM decisions WHERE is_current = 1") == [
            ("uk", f"policy:{report.policy}")
        ]
    assert run_cycle(store, update=False).redecided == 0  # settled
