"""A command-line screen or decision on a store holding every shared list, beside the CLI's start-up.

Figures: ``ownergate screen NAME`` and ``ownergate decide ID`` (median wall time of repeated
subprocess runs, hyperfine-style, after one warm-up run that builds and saves the screening index),
each beside ``ownergate --version`` measured in the same run: the issue's target is the difference,
at most 300 ms for a screen and 500 ms for a decision. Also the first call after a list load, which
builds and saves the index, and loading the saved index in-process beside building it.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Result, testdata
from ownergate.lists.repository import current_entries
from ownergate.lists.update import update
from ownergate.matching import screen as screening
from ownergate.matching.index import build_index
from ownergate.matching.saved import load
from ownergate.store import open_store

RUNS = int(os.environ.get("OWNERGATE_BENCH_CLI_RUNS", "7"))
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True, timeout=600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _wall(args: list[str], env: dict[str, str]) -> float:
    return _timed(args, env)[0]


def _median(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Median wall and median CPU seconds over :data:`RUNS` runs."""
    runs = [_timed(args, env) for _ in range(RUNS)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'lists.sqlite3'}"
        store = open_store(url)
        update(store, from_dir=testdata())
        env = {**os.environ, "OWNERGATE_DB": url}
        env.pop("OWNERGATE_INDEX_DIR", None)
        og = [sys.executable, "-m", "ownergate"]
        subprocess.run([*og, "customers", "import", str(EXAMPLES / "customers.csv"), "--owners",
                        str(EXAMPLES / "owners.csv")], env=env, check=True, capture_output=True)  # fmt: skip
        first = _wall([*og, "screen", "Rosneft"], env)  # builds and saves the index
        version = _median([*og, "--version"], env)
        latin = _median([*og, "screen", "Rosneft"], env)
        han = _median([*og, "screen", "中国电子科技集团公司"], env)
        decided = _median([*og, "decide", "sg-subsidiary", "--dry-run"], env)

        started = time.perf_counter()
        built = build_index(current_entries(store))
        build_s = time.perf_counter() - started
        home = screening.index_home_of(store)
        assert home is not None
        folder = next(p for p in home.iterdir() if not p.name.startswith("."))
        started = time.perf_counter()
        saved = load(folder)
        load_s = time.perf_counter() - started
        assert saved is not None and len(saved.names) == len(built.names)
        store.close()
    ms = 1000.0
    out = []
    for label, (wall, cpu), target in (
        ("screen NAME (Latin)", latin, "<= 300 ms"),
        ("screen NAME (Han)", han, "<= 300 ms"),
        ("decide ID --dry-run", decided, "<= 500 ms"),
    ):
        out.append(
            Result("cli", f"{label}, more than --version (CPU)", (cpu - version[1]) * ms, "ms", None, "", target)
        )
        out.append(
            Result("cli", f"{label}, more than --version (wall)", (wall - version[0]) * ms, "ms", None, "", target)
        )
        out.append(Result("cli", f"{label} (wall)", wall * ms, "ms", version[0] * ms, "ownergate --version"))
    out.append(Result("cli", "screen NAME after a list load (wall)", first * ms, "ms", latin[0] * ms, "saved index"))
    out.append(Result("cli", "saved index loaded in-process", load_s * ms, "ms", build_s * ms, "index built"))
    return out
