"""Real HTTP on 127.0.0.1: signed delivery, the CLI, and a worker killed mid-delivery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ownergate.clock import SystemClock
from ownergate.monitor.outbox import DeliveryStatus, enqueue, event_status, outbox_status
from ownergate.monitor.webhooks import HttpxTransport, add_endpoint, deliver_due, verify_signature
from ownergate.store import Store, open_store

SECRET = "whsec-real-91c3d0e5"
SECRET_ENV = "OWNERGATE_TEST_HOOK_SECRET"


@dataclass
class Receiver:
    """A real HTTP receiver in the test process (the ``receiver`` fixture).

    It records every request as it arrives (headers and body, before answering), answers each
    with the next status from ``statuses`` (200 once they run out), and hangs on request number
    ``hang_on`` until the test ends: that is how a test catches a worker in the middle of a send.
    """

    url: str = ""
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    hang_on: int | None = None  # 1-based number of the request to hang on
    hanging: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ids(self) -> list[str]:
        with self.lock:
            return [headers["ownergate-event-id"] for headers, _ in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with state.lock:
                state.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                number = len(state.requests)
                status = state.statuses.pop(0) if state.statuses else 200
            if number == state.hang_on:
                state.hanging.set()
                state.release.wait(30)
                return
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/ownergate"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def ownergate(db: str, *args: str, secret: bool = True) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
    if secret:
        env[SECRET_ENV] = SECRET
    return subprocess.Popen(
        [sys.executable, "-m", "ownergate", "--db", db, "--create", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(db: str, *args: str, secret: bool = True) -> tuple[int, str, str]:
    proc = ownergate(db, *args, secret=secret)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def enqueue_events(store: Store, count: int) -> list[str]:
    with store.transaction() as tx:
        return [enqueue(tx, "verdict.changed", {"customer": f"c-{i}", "verdict": "deny"}) for i in range(count)]


def test_real_receiver_verifies_signatures(sqlite_store: Store, receiver: Receiver) -> None:
    clock = SystemClock()
    add_endpoint(sqlite_store, receiver.url, SECRET_ENV, actor="admin", clock=clock)
    ids = enqueue_events(sqlite_store, 3)
    receiver.statuses = [500]
    transport = HttpxTransport(timeout=5)
    try:
        report = deliver_due(sqlite_store, transport, clock, secrets=lambda name: SECRET)
    finally:
        transport.close()
    assert (report.attempted, report.delivered, report.retrying) == (3, 2, 1)
    assert receiver.ids() == ids
    for headers, body in receiver.requests:
        assert verify_signature(SECRET, headers, body, now=time.time())
        assert json.loads(body)["id"] == headers["ownergate-event-id"]
    assert [s.status for s in event_status(sqlite_store, ids[0])] == [DeliveryStatus.PENDING]


def test_cli_add_list_deliver_status(tmp_path: Path, receiver: Receiver) -> None:
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    code, out, err = run(db, "webhooks", "add", receiver.url, "--secret-env", SECRET_ENV, secret=False)
    assert code == 0, err
    assert out.strip() == f"webhook 1 added: {receiver.url} (secret from ${SECRET_ENV})"
    assert f"${SECRET_ENV} is not set here" in err
    with open_store(db) as store:
        ids = enqueue_events(store, 4)

    code, out, err = run(db, "webhooks", "deliver", "--once", secret=False)
    assert code == 0, err
    assert "0 attempted" in out and f"skipped (secret unset): {receiver.url}" in out
    code, out, err = run(db, "webhooks", "deliver", "--once")
    assert (code, out.strip()) == (0, "4 attempted, 4 delivered, 0 to retry, 0 dead"), err
    assert receiver.ids() == ids

    code, out, err = run(db, "webhooks", "list")
    assert code == 0, err
    assert out.splitlines() == [
        "4 events: 0 pending, 4 delivered, 0 dead",
        f"1  {receiver.url}  secret ${SECRET_ENV}  pending 0  delivered 4  dead 0",
    ]
    code, out, err = run(db, "webhooks", "status", ids[2])
    assert code == 0, err
    (state,) = json.loads(out)
    assert (state["event_id"], state["status"], state["attempts"], state["last_status"]) == (
        ids[2],
        "delivered",
        1,
        200,
    )
    assert run(db, "webhooks", "status", "evt_missing")[0] == 4
    code, _, err = run(db, "webhooks", "add", "ftp://x", "--secret-env", SECRET_ENV)
    assert code == 3 and "not an http" in err
    code, out, err = run(db, "audit", "verify")
    assert code == 0 and "1 records" in out, err
    code, out, err = run(db, "webhooks", "list", "--json")
    assert code == 0 and json.loads(out)["secret_env"] == {"1": SECRET_ENV}
    assert SECRET not in out + err


@pytest.mark.slow
def test_two_workers_share_the_outbox_without_double_sends(store: Store, receiver: Receiver) -> None:
    add_endpoint(store, receiver.url, SECRET_ENV, actor="admin", clock=SystemClock())
    ids = enqueue_events(store, 60)
    workers = [ownergate(store.url, "webhooks", "deliver", "--once") for _ in range(2)]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    sent = [int(out.split()[0]) for out, _ in outputs]
    assert sum(sent) == 60  # every delivery claimed by exactly one worker
    assert sorted(receiver.ids()) == sorted(ids)
    assert outbox_status(store).delivered == 60


@pytest.mark.slow
def test_worker_killed_mid_delivery_loses_nothing(store: Store, receiver: Receiver) -> None:
    add_endpoint(store, receiver.url, SECRET_ENV, actor="admin", clock=SystemClock())
    ids = enqueue_events(store, 6)
    receiver.hang_on = 3  # the third request never gets an answer: the worker is killed during it
    worker = ownergate(store.url, "webhooks", "deliver", "--timeout", "2", "--interval", "0.1")
    try:
        assert receiver.hanging.wait(60), "the worker never reached the third delivery"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()
    assert worker.returncode == -signal.SIGKILL
    assert receiver.ids() == ids[:3]
    states = {i: event_status(store, i)[0] for i in ids}
    assert [states[i].status for i in ids] == ["delivered"] * 2 + ["pending"] * 4
    assert states[ids[2]].attempts == 1  # claimed, sent, never recorded: leased, not lost

    time.sleep(5.2)  # the lease of a killed send: 2 * timeout + 1 seconds
    code, out, err = run(store.url, "webhooks", "deliver", "--once", "--timeout", "2")
    assert (code, out.strip()) == (0, "4 attempted, 4 delivered, 0 to retry, 0 dead"), err
    received = receiver.ids()
    assert received[:3] == ids[:3]
    assert sorted(received[3:]) == sorted(ids[2:])  # the interrupted event again, with the same id, and the rest
    bodies = [body for headers, body in receiver.requests if headers["ownergate-event-id"] == ids[2]]
    assert len(bodies) == 2 and bodies[0] == bodies[1]  # a receiver dedupes it by id
    for headers, body in receiver.requests:
        assert verify_signature(SECRET, headers, body, now=time.time())
    status = outbox_status(store)
    assert (status.events, status.pending, status.delivered, status.dead) == (6, 0, 6, 0)
