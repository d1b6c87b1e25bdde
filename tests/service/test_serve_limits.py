"""A real ``ownergate serve``: slow headers and slow bodies are cut off, and ``--workers`` runs several
processes that all answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from service_helpers import seed_gate, serve_process

from ownergate.store import open_store

pytestmark = pytest.mark.slow


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, dict[str, str]]:
    url = f"sqlite:///{tmp_path / 'gate.sqlite3'}"
    store = open_store(url)
    gate = seed_gate(store)
    store.close()
    return url, gate.keys


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=10)
    return conn


def _closed_after(conn: socket.socket, drip: bytes, every: float, limit: float) -> tuple[float, bytes]:
    """Send ``drip`` a byte at a time every ``every`` s until the server closes; (seconds, what it said)."""
    started = time.monotonic()
    said = b""
    conn.settimeout(every)
    for byte in drip:
        try:
            conn.sendall(bytes([byte]))
        except OSError:
            break
        try:
            chunk = conn.recv(4096)
        except TimeoutError:
            assert time.monotonic() - started < limit, "the server never closed the slow connection"
            continue
        except OSError:
            break
        said += chunk
        if not chunk:
            break
    return time.monotonic() - started, said


SLOW_HEADERS = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 400 + b"\r\n\r\n"


def test_slow_headers_and_bodies_are_cut_off(db: tuple[str, dict[str, str]]) -> None:
    url, keys = db
    env = {"OWNERGATE_HEADER_TIMEOUT": "1", "OWNERGATE_BODY_TIMEOUT": "1"}
    with serve_process(url, **env) as base:
        # Headers a byte every 0.2 s: cut after about 1 s, with a 408.
        with _connect(base) as conn:
            took, said = _closed_after(conn, SLOW_HEADERS, 0.2, 5)
        assert took < 3 and said.startswith(b"HTTP/1.1 408"), (took, said)
        # A connection that never sends a byte.
        with _connect(base) as conn:
            conn.settimeout(5)
            started = time.monotonic()
            assert conn.recv(4096).startswith(b"HTTP/1.1 408")
            assert time.monotonic() - started < 3
        # Headers in time, then a body that trickles: 408 body-timeout, connection closed.
        body = b'{"api_key": "' + keys["gb-widgets"].encode() + b'"}'
        head = f"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        with _connect(base) as conn:
            conn.sendall(head)
            took, said = _closed_after(conn, body, 0.3, 5)
        assert said.startswith(b"HTTP/1.1 408") and b"body-timeout" in said, said
        assert took < 3
        # The same for the admin API and every other route.
        head = b"POST /admin/overrides HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        head += b"Content-Length: 500\r\n\r\n"
        with _connect(base) as conn:
            conn.sendall(head)
            took, said = _closed_after(conn, b"{" + b" " * 100, 0.3, 5)
        assert said.startswith(b"HTTP/1.1 408") and b"body-timeout" in said, said
        # Prompt clients are untouched, keep-alive included.
        with httpx.Client(base_url=base) as client:
            for _ in range(3):
                assert client.post("/v1/check", json={"api_key": keys["gb-widgets"]}).status_code == 200
                time.sleep(0.4)


def _listeners(port: str) -> list[int]:
    """The processes holding the socket that listens on ``port`` (from /proc/net/tcp and open fds)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{int(port):04X}") and fields[3] == "0A":
            inodes.add(fields[9])
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc")
def test_workers_serve_from_several_processes(db: tuple[str, dict[str, str]]) -> None:
    url, keys = db
    with serve_process(url, ("--workers", "2")) as base:
        for _ in range(20):
            assert httpx.post(f"{base}/v1/check", json={"api_key": keys["gb-widgets"]}).status_code == 200
            assert httpx.post(f"{base}/v1/check", json={"api_key": keys["sg-acme"]}).status_code == 403
        # The supervisor and its two workers share the listening socket.
        assert len(_listeners(base.rsplit(":", 1)[1])) == 3


def test_workers_must_be_positive(db: tuple[str, dict[str, str]]) -> None:
    url, _ = db
    done = subprocess.run(
        [sys.executable, "-m", "ownergate", "serve", "--db", url, "--workers", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3 and "--workers" in done.stderr
