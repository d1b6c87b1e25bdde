"""`ownergate keys` and `ownergate tokens` as real subprocesses: secrets printed once, stored hashed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from service_helpers import add_customer

from ownergate.service.keys import KEY_PATTERN
from ownergate.store import open_store


def _run(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownergate", "--db", db, "--create", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_keys_issue_list_revoke(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    store = open_store(db)
    add_customer(store, "gb-widgets", "allow")
    store.close()
    issued = _run(db, "keys", "issue", "gb-widgets", "--label", "prod")
    assert issued.returncode == 0, issued.stderr
    key = issued.stdout.strip()
    assert KEY_PATTERN.fullmatch(key)
    listed = _run(db, "keys", "list")
    assert key[:12] in listed.stdout and key not in listed.stdout
    assert _run(db, "keys", "issue", "nobody").returncode == 4  # NotFoundError
    revoked = _run(db, "keys", "revoke", key)
    assert revoked.returncode == 0 and "revoked" in revoked.stdout and key not in revoked.stdout
    again = _run(db, "keys", "revoke", key)
    assert again.returncode == 5 and "already revoked" in again.stderr  # ConflictError
    assert _run(db, "keys", "revoke", "not a key").returncode == 3
    assert _run(db, "keys", "list").stdout.strip() == ""


def test_tokens_issue_and_roles(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.sqlite3")
    issued = _run(db, "tokens", "issue", "--role", "approver", "--name", "bob")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    assert token.startswith("og_admin_") and len(token) == 41
    bad = _run(db, "tokens", "issue", "--role", "superuser", "--name", "eve")
    assert bad.returncode == 3 and "unknown role" in bad.stderr
    listed = _run(db, "tokens", "list").stdout
    assert "bob" in listed and "approver" in listed and token not in listed
    assert _run(db, "tokens", "revoke", "1").returncode == 0
