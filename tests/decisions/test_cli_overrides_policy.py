"""The overrides and policy commands as an operator runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

SOON = (datetime.now(UTC) + timedelta(days=90)).date().isoformat()  # within the 366-day cap
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownergate", "--db", str(db), "--create", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_override_cli_four_eyes(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    assert _run(db, "customers", "import", str(EXAMPLES / "customers.csv")).returncode == 0
    proposed = _run(
        db, "overrides", "propose", "lookalike", "--decision", "allow", "--justification", "different company",
        "--expires", SOON, "--actor", "ana", "--json",
    )  # fmt: skip
    assert proposed.returncode == 0, proposed.stderr
    oid = str(json.loads(proposed.stdout)["id"])
    own = _run(db, "overrides", "approve", oid, "--actor", "ana")
    assert own.returncode == 6 and "a different person must approve it" in own.stderr
    pending = json.loads(_run(db, "overrides", "list", "--json").stdout)
    assert [p["id"] for p in pending] == [int(oid)]
    approved = _run(db, "overrides", "approve", oid, "--actor", "bob", "--note", "checked", "--json")
    assert approved.returncode == 0 and json.loads(approved.stdout)["status"] == "approved"
    assert json.loads(_run(db, "overrides", "list", "--json").stdout) == []
    trail = _run(db, "audit", "verify")
    assert trail.returncode == 0, trail.stdout + trail.stderr


def test_policy_cli(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    listed = json.loads(_run(db, "policy", "list", "--json").stdout)
    assert "anthropic" in listed["shipped"] and listed["installed"] == []
    assert "anthropic@" in _run(db, "policy", "validate", "anthropic").stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nversion: '1'\neffective_from: 2025-01-01\nlists: {deny: [nowhere]}\nscreening: {}\n")
    result = _run(db, "policy", "validate", str(bad))
    assert result.returncode == 3
    assert "line 4: lists.deny.0: unknown list id 'nowhere'" in result.stderr
    good = tmp_path / "good.yaml"
    good.write_text(bad.read_text().replace("nowhere", "us-ofac-sdn"))
    assert "installed" in _run(db, "policy", "install", str(good), "--actor", "admin").stdout
    assert "already installed" in _run(db, "policy", "install", str(good)).stdout
    changed = tmp_path / "changed.yaml"
    changed.write_text(good.read_text() + "description: changed\n")
    clash = _run(db, "policy", "install", str(changed))
    assert clash.returncode == 5 and "give the change a new version" in clash.stderr
