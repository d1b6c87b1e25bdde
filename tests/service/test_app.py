"""The service's root and health endpoints, in process and as a real server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from service_helpers import load_policy_lists

from ownergate import __version__
from ownergate.service.app import create_app
from ownergate.store import open_store


def test_root_and_health(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    open_store(url).close()
    with TestClient(create_app(url)) as client:
        assert client.get("/").json() == {"name": "ownergate", "version": __version__}
        health = client.get("/healthz")
    assert health.status_code == 200
    # no lists loaded: checks still answer from the table, but the service says it is degraded
    assert health.json()["status"] == "degraded"
    assert [r["code"] for r in health.json()["lists"]] == ["lists-missing"]
    assert health.json()["table"]["loaded"] is True
    store = open_store(url)
    load_policy_lists(store)
    store.close()
    with TestClient(create_app(url)) as client:
        health = client.get("/healthz")
    assert health.json()["status"] == "ok" and health.json()["lists"] == []
    assert health.json()["policy"].startswith("anthropic@")  # the policy in force (the default here)


def test_unreachable_store_is_503_not_500() -> None:
    with TestClient(create_app("postgresql://nobody@127.0.0.1:1/none"), raise_server_exceptions=False) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["error"] == "store-unavailable"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_subprocess(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ownergate",
            "--db",
            str(tmp_path / "s.sqlite3"),
            "--create",
            "serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, "server exited early"
                assert time.monotonic() < deadline, "server did not start in 30 s"
                time.sleep(0.2)
        assert response.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/").json()["name"] == "ownergate"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out
