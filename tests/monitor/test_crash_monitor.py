"""Kill real processes with SIGKILL in the middle of a list load and of a re-decision run.

After the kill the store is consistent: the previous list snapshot is intact, no verdict is half
written, a rerun completes, no decision event is lost or sent twice, and the audit chain verifies.
(The crash of webhook delivery is covered by tests/monitor/test_webhooks_delivery.py.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_redecide_lists import ADDED, book, changed_events, decisions

from ownergate.audit.verify import verify
from ownergate.decisions import customers as book_store
from ownergate.decisions.service import decide_all, record_verdicts
from ownergate.lists.loader import load_paths
from ownergate.lists.repository import current_snapshots
from ownergate.monitor.report import get
from ownergate.monitor.watch import run_cycle
from ownergate.store import Store, open_store

SRC = str(Path(__file__).resolve().parents[2] / "src")

# The child slows each step down (a sleep after it) so the parent can kill it in the middle.
LOAD_CHILD = """
import sys, time
from pathlib import Path
from ownergate.lists import loader
from ownergate.store import open_store
original = loader._load_list
def slow(*args, **kwargs):
    result = original(*args, **kwargs)
    print("written", flush=True)  # the snapshot is written, its transaction still open
    time.sleep(60)
    return result
loader._load_list = slow
loader.load_paths(open_store(sys.argv[1]), [Path(sys.argv[2])])
"""

REDECIDE_CHILD = """
import sys, time
from ownergate.monitor import redecide, watch
from ownergate.store import open_store
original = redecide.record_verdicts
def slow(*args, **kwargs):
    changed = original(*args, **kwargs)
    time.sleep(0.4)
    return changed
redecide.record_verdicts = slow
watch.run_cycle(open_store(sys.argv[1]), update=False, batch=1)
"""


def child(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def prepared(tmp_path: Path, testdata: Path) -> tuple[str, Store]:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = open_store(url)
    load_paths(store, [testdata / "ofac/sdn_2023-05-02.csv"])
    with store.transaction() as tx:
        book_store.save(tx, book(testdata), datetime.now(UTC))
    record_verdicts(store, list(decide_all(store)), cause="initial")
    return url, store


@pytest.mark.slow  # tens of seconds: real lists or subprocesses
def test_kill_mid_list_load_keeps_previous_snapshot(tmp_path: Path, testdata: Path) -> None:
    url, store = prepared(tmp_path, testdata)
    (before,) = current_snapshots(store)
    proc = child(LOAD_CHILD, url, str(testdata / "ofac/sdn_2024-05-03.csv"))
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "written"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    store.close()
    store = open_store(url)
    assert current_snapshots(store) == [before]
    with store.read() as tx:
        assert tx.scalar("PRAGMA integrity_check") == "ok"
        assert tx.scalar("SELECT COUNT(*) FROM list_entry WHERE valid_to IS NULL") == before.entries
    (result,) = load_paths(store, [testdata / "ofac/sdn_2024-05-03.csv"])  # a rerun loads it whole
    assert (result.added, result.removed) == (3107, 353)
    assert verify(store).ok
    store.close()


@pytest.mark.slow  # tens of seconds: real lists or subprocesses
def test_kill_mid_redecision_then_rerun_completes(tmp_path: Path, testdata: Path) -> None:
    url, store = prepared(tmp_path, testdata)
    load_paths(store, [testdata / "ofac/sdn_2024-05-03.csv"])
    events_before = len(changed_events(store))
    proc = child(REDECIDE_CHILD, url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(changed_events(store)) < events_before + 1:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    announced = len(changed_events(store)) - events_before
    assert 1 <= announced < len(ADDED)  # killed half way

    with store.read() as tx:
        (killed,) = tx.fetchall("SELECT id, status FROM monitor_runs")
    assert killed[1] == "running"
    report = run_cycle(store, update=False)  # the dead holder's lock is taken over
    assert get(store, int(killed[0])).status == "failed"
    assert report.status == "done"
    assert len(report.changes) == len(ADDED) - announced

    after = decisions(store)
    assert {c for c in ADDED if after[c] == "deny"} == set(ADDED)
    with store.read() as tx:
        assert tx.scalar(
            "SELECT COUNT(*) FROM (SELECT customer_id FROM decisions WHERE is_current = 1"
            " GROUP BY customer_id HAVING COUNT(*) > 1) t"
        ) == 0  # fmt: skip
    events = changed_events(store)[events_before:]
    assert sorted(e["customer"] for e in events) == sorted(ADDED)  # each announced once
    with store.read() as tx:
        ids = [r[0] for r in tx.fetchall("SELECT event_id FROM outbox_events")]
    assert len(ids) == len(set(ids))
    assert verify(store).ok
    store.close()
