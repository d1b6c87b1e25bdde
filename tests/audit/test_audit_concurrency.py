"""Two real processes appending at once never fork the chain."""

from __future__ import annotations

import itertools
import subprocess
import sys

from ownergate.audit import verify
from ownergate.audit.chain import records
from ownergate.store import Store

APPENDER = """
import sys
import time
from ownergate.audit import append
from ownergate.store import open_store

url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(url)
print("ready", flush=True)
sys.stdin.readline()  # start together
for i in range(count):
    with store.transaction() as tx:
        append(tx, actor=name, action="test.append", subject=f"{name}:{i}", details={"i": i})
    time.sleep(0.002)  # other work between changes, so the two writers interleave
store.close()
print("done", flush=True)
"""


def test_two_processes_append_without_forking(store: Store) -> None:
    count = 150
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, store.url, name, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("proc-a", "proc-b")
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "done"
    report = verify(store)
    assert report.ok, report.summary()
    assert report.records == 2 * count
    with store.read() as tx:
        chain = list(records(tx))
    assert [r.seq for r in chain] == list(range(1, 2 * count + 1))
    for name in ("proc-a", "proc-b"):  # each process's own records stay in its order
        mine = [r.details_dict()["i"] for r in chain if r.actor == name]
        assert mine == list(range(count))
    actors = [r.actor for r in chain]
    switches = sum(1 for a, b in itertools.pairwise(actors) if a != b)
    assert switches > 1, "the two processes did not overlap; the test proved nothing"
