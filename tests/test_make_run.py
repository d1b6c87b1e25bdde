"""`make run` as a newcomer runs it: it says where its lists came from and serves on OWNERGATE_PORT.

The publishers are not contacted (``OWNERGATE_OFFLINE=1``): the list folder is the fallback a
machine without network uses. ``make -o install`` skips the install step, which the test's own
``.venv`` has already done.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _make_run(env: dict[str, str], port: int, log: Path) -> str:
    """Start `make run`, wait until /healthz answers, stop it; return what it printed."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "-o", "install", "run"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                assert proc.poll() is None, log.read_text()
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            else:
                pytest.fail(f"make run did not serve on port {port}: {log.read_text()}")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    return log.read_text()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.skipif(not (ROOT / ".venv/bin/ownergate").exists(), reason="no .venv: run `make install-dev` first")
def test_make_run_serves_on_the_port_and_says_where_its_lists_came_from(tmp_path: Path, testdata: Path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "dpl_2023-11-30.txt").symlink_to(testdata / "csl/dpl_2023-11-30.txt")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OWNERGATE_") and not k.startswith("MAKE")}
    env |= {
        "OWNERGATE_DB": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "OWNERGATE_HOST": "127.0.0.1",
        "OWNERGATE_PORT": str(port),
        "OWNERGATE_OFFLINE": "1",
        "OWNERGATE_LISTS_FROM": str(lists),
    }
    first = _make_run(env, port, tmp_path / "first.log")
    assert f"lists update: loaded the folder {lists}" in first
    assert "us-bis-dpl: loaded" in first and f"serving on http://127.0.0.1:{port}/" in first

    # Offline again, with no folder: the real list stays, no sample is added, and it still serves.
    port = _free_port()
    second = _make_run({**env, "OWNERGATE_LISTS_FROM": "", "OWNERGATE_PORT": str(port)}, port, tmp_path / "second.log")
    assert "the store holds real lists (us-bis-dpl)" in second
    assert "make run: lists not updated; serving the lists already in the store" in second
    status = subprocess.run(
        [str(ROOT / ".venv/bin/ownergate"), "lists", "status"], env=env, capture_output=True, text=True, check=True
    )
    assert "sample-" not in status.stdout and "us-bis-dpl" in status.stdout
