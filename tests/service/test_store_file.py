"""A store file replaced, moved or deleted under a running service fails closed at once; a SQLite
path that does not exist is refused by every command but ``store migrate`` unless ``--create``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from service_helpers import Gate, free_port, seed_gate, wait_for

from ownergate.errors import StoreMissing
from ownergate.service import keys
from ownergate.service.app import create_app
from ownergate.store import open_store


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Gate, Path]]:
    path = tmp_path / "a.sqlite3"
    store = open_store(f"sqlite:///{path}")
    gate = seed_gate(store)
    store.close()
    # Fail-open staleness settings on purpose: a swapped store must fail closed whatever they say.
    with TestClient(create_app(f"sqlite:///{path}")) as client:
        yield client, gate, path


def _check(client: TestClient, key: str) -> httpx.Response:
    return client.post("/v1/check", json={"api_key": key})


def test_a_replaced_store_fails_closed(served: tuple[TestClient, Gate, Path], tmp_path: Path) -> None:
    client, gate, path = served
    key = gate.keys["gb-widgets"]
    assert _check(client, key).status_code == 200
    # B: a copy of A in which the key is revoked, moved over A (`mv B A`).
    other = tmp_path / "b.sqlite3"
    source = open_store(f"sqlite:///{path}", create=False)
    source.conn.execute(f"VACUUM INTO '{other}'")  # type: ignore[attr-defined]
    source.close()
    copy = open_store(f"sqlite:///{other}", create=False)
    keys.revoke_key(copy, key)
    copy.close()
    os.replace(other, path)
    wait_for(lambda: _check(client, key).status_code == 503, 2.0)
    body = _check(client, key).json()
    assert body["allow"] is False and body["reasons"][0]["code"] == "store-replaced"
    assert "replaced" in body["reasons"][0]["message"]
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["error"] == "store-replaced"
    assert health.json()["status"] != "ok"
    assert _check(client, gate.keys["sg-acme"]).status_code == 503  # nothing is answered from the old table


def test_a_deleted_store_fails_closed_and_is_not_recreated(served: tuple[TestClient, Gate, Path]) -> None:
    client, gate, path = served
    key = gate.keys["gb-widgets"]
    assert _check(client, key).status_code == 200
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    wait_for(lambda: _check(client, key).status_code == 503, 2.0)
    assert _check(client, key).json()["reasons"][0]["code"] == "store-replaced"
    assert client.get("/healthz").status_code == 503
    time.sleep(0.6)  # a few refreshes
    assert not path.exists()  # the refresher never creates an empty store in its place


def test_a_moved_store_fails_closed_until_it_is_back(served: tuple[TestClient, Gate, Path], tmp_path: Path) -> None:
    client, gate, path = served
    key = gate.keys["gb-widgets"]
    aside = tmp_path / "aside.sqlite3"
    path.rename(aside)
    wait_for(lambda: _check(client, key).status_code == 503, 2.0)
    assert not path.exists()
    aside.rename(path)  # the same file again
    wait_for(lambda: _check(client, key).status_code == 200, 2.0)
    assert client.get("/healthz").json()["status"] == "ok"


def test_a_service_over_a_missing_file_fails_closed(tmp_path: Path) -> None:
    path = tmp_path / "typo.sqlite3"
    with TestClient(create_app(f"sqlite:///{path}")) as client:
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["error"] == "store-missing"
        check = client.post("/v1/check", json={"api_key": "og_live_" + "a" * 32})
        assert check.status_code == 503 and check.json()["reasons"][0]["code"] == "store-missing"
    assert not path.exists()


def test_open_store_refuses_a_missing_file_without_create(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "store.sqlite3"
    with pytest.raises(StoreMissing, match=str(path)):
        open_store(f"sqlite:///{path}", create=False)
    with pytest.raises(StoreMissing):
        open_store(str(path), create=False)
    assert not path.exists() and not path.parent.exists()


def _og(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownergate", *args], capture_output=True, text=True, check=False, timeout=120
    )


def test_commands_refuse_a_missing_sqlite_path(tmp_path: Path) -> None:
    path = tmp_path / "typo.sqlite3"
    for args in (
        ("keys", "revoke", "og_live_" + "a" * 32),
        ("keys", "list"),
        ("store", "info"),
        ("serve", "--port", str(free_port())),
    ):
        result = _og("--db", str(path), *args)
        assert result.returncode == 3, (args, result.stderr)
        assert str(path) in result.stderr and "--create" in result.stderr
        assert not path.exists(), args
    created = _og("--db", str(path), "--create", "keys", "list", "--json")
    assert created.returncode == 0, created.stderr
    assert path.exists()


def test_store_migrate_creates(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    migrated = _og("--db", f"sqlite:///{path}", "store", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert path.exists()
    assert _og("--db", str(path), "store", "info").returncode == 0


def test_make_run_migrates_before_serving() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert recipe.index("store migrate") < recipe.index("lists update") < recipe.index("serve")
