"""Helpers shared by the service tests (imported by name; pytest puts this folder on the path)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ownergate.lists.loader import Guards, load_paths
from ownergate.policy.loader import read_policy
from ownergate.service import auth, keys
from ownergate.store import Store

SHENZHEN_REASON = {
    "code": "owned-by-restricted-hq",
    "message": "wholly owned by Shenzhen Example Technology Co., Ltd., headquartered in CN",
    "evidence": {"parent": "Shenzhen Example Technology Co., Ltd.", "share": 1.0, "hq_country": "CN"},
}


def add_customer(store: Store, cid: str, decision: str | None, reasons: list[dict[str, Any]] | None = None) -> None:
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO customers (id, name, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (cid, f"Customer {cid}", cid[:2].upper(), "2026-01-01", "2026-01-01"),
        )
        if decision is not None:
            tx.execute(
                "INSERT INTO decisions (customer_id, decision, reasons, policy, policy_version, snapshots, decided_at)"
                " VALUES (?, ?, ?, 'test', '1', '{}', '2026-05-01')",
                (cid, decision, json.dumps(reasons or [])),
            )


@dataclass
class Gate:
    store: Store
    keys: dict[str, str]  # customer id -> API key


def load_policy_lists(store: Store) -> None:
    """Every list the active (default) policy denies on, one entry each, loaded now: /healthz is ok."""
    with tempfile.TemporaryDirectory() as folder:
        for list_id in sorted(read_policy("anthropic", None).deny_lists):
            path = Path(folder) / f"{list_id}.csv"
            path.write_text("id,name,aliases,country,type\n1,Zebulon Quarry Holdings Ltd,,PA,organization\n")
            # a placeholder in another format than the list's own: named and forced (integrity guards)
            load_paths(store, [path], list_id=list_id, guards=Guards(force=True))


def seed_gate(store: Store) -> Gate:
    load_policy_lists(store)
    add_customer(store, "sg-acme", "deny", [SHENZHEN_REASON])
    add_customer(store, "gb-widgets", "allow", [])
    add_customer(store, "us-review", "review", [{"code": "possible-match", "message": "name close", "evidence": {}}])
    add_customer(store, "nz-new", None)
    return Gate(
        store, {cid: keys.issue_key(store, cid).key for cid in ("sg-acme", "gb-widgets", "us-review", "nz-new")}
    )


def tokens(store: Store) -> dict[str, str]:
    """One admin token per role, named after its holder."""
    people = {"viewer": "vera", "analyst": "ana", "approver": "bob", "admin": "root"}
    return {role: auth.issue_token(store, name, role).token for role, name in people.items()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url + "/", timeout=1)
            return
        except httpx.TransportError:
            assert proc.poll() is None, "server exited early: " + log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"server did not start in {timeout} s"
            time.sleep(0.1)


@contextmanager
def serve_process(db_url: str, extra_args: tuple[str, ...] = (), **env: str) -> Iterator[str]:
    """A real server; its output goes to a file (a pipe nobody reads would block it)."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "serve.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "ownergate", "serve", "--db", db_url, "--port", str(port), *extra_args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env},
            )
            url = f"http://127.0.0.1:{port}"
            try:
                wait_until_up(url, proc, log)
                yield url
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def wait_for(predicate: Any, timeout: float) -> float:
    """Seconds until ``predicate()`` holds; fails after ``timeout``."""
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < timeout, f"not reached within {timeout} s"
        time.sleep(0.02)
    return time.monotonic() - started


class TcpProxy:
    """A loopback TCP proxy in a thread, which the test can cut like a network failure, or turn into
    a black hole (bytes in both directions silently dropped, connections left open) and restore."""

    def __init__(self, target_port: int) -> None:
        self.port = free_port()
        self.target_port = target_port
        self.loop = asyncio.new_event_loop()
        self.writers: list[asyncio.StreamWriter] = []
        self.dropping = False
        self.server: asyncio.base_events.Server | None = None
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(5)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port))
        ready.set()
        self.loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.writers += [writer, up_writer]

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    if self.dropping:
                        continue  # lost on the way: nobody is told
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        """Stop accepting and drop every open connection."""

        def close() -> None:
            assert self.server is not None
            self.server.close()
            for writer in self.writers:
                writer.transport.abort()

        self.loop.call_soon_threadsafe(close)
        time.sleep(0.2)

    def blackhole(self) -> None:
        """From now on, drop every byte silently (new connections are accepted, then hear nothing)."""
        self.dropping = True

    def restore(self) -> None:
        self.dropping = False

    def stop(self) -> None:
        def close_all() -> None:
            if self.server is not None:
                self.server.close()
            for writer in self.writers:
                writer.transport.abort()
            self.loop.call_later(0.05, self.loop.stop)  # one more turn lets the aborted sockets close

        self.loop.call_soon_threadsafe(close_all)
        self.thread.join(5)
        self.loop.close()
