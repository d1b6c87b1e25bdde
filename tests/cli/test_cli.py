"""The command line as a user runs it: a real subprocess, exit codes, one-line errors."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import typer

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
    text = ownergate("--db", str(db), "store", "info").stdout
    assert "{" not in text and "tables:\n" in text  # a table, not a dict repr
    assert re.search(r"^  customers +0$", text, re.MULTILINE)


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


def _commands(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path), command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_every_command_option_and_argument_has_help() -> None:
    from ownergate.cli import _register, app

    _register()
    found = list(_commands(typer.main.get_command(app), ("ownergate",)))
    assert len(found) > 40, "the walk must reach every command group"
    missing = [
        f"{path} {param.opts[0] if param.opts else param.name}"
        for path, command in found
        for param in command.params
        if param.name != "help" and not getattr(param, "help", None)
    ]
    missing += [path for path, command in found if not (command.help or command.short_help)]
    assert not missing, f"give these a help text: {missing}"


def test_serve_on_a_busy_port_fails_in_one_line_before_touching_the_store(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        db = tmp_path / "s.sqlite3"
        result = ownergate("--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.startswith(f"ownergate: error: cannot listen on 127.0.0.1:{port} (--port): ")
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert not db.exists()  # no store created or migrated
