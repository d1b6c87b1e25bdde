"""The command line as a user runs it: a real subprocess, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ownergate import __version__


def ownergate(*args: str, env_db: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownergate", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_help_lists_every_command() -> None:
    from ownergate.cli import _register, app

    _register()
    result = ownergate("--help")
    assert result.returncode == 0
    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    assert names, "no command registered"
    for name in names:
        assert name and name in result.stdout


def test_version() -> None:
    result = ownergate("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"ownergate {__version__}"


def test_store_info_json(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    result = ownergate("--db", str(db), "--create", "store", "info", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["backend"] == "sqlite"
    assert info["schema_version"] >= 1
    assert db.exists()


def test_expected_error_is_one_line_without_traceback() -> None:
    result = ownergate("--db", "mysql://root:hunter2@h/db", "store", "info")
    assert result.returncode == 2
    assert result.stderr.startswith("ownergate: error: unsupported store URL")
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_command_fails() -> None:
    result = ownergate("no-such-command")
    assert result.returncode != 0
    assert "no-such-command" in result.stderr
