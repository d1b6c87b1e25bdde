"""A command-line screen or decision on a store holding every shared list, beside the CLI's start-up.

Figures: ``ownergate screen NAME`` and ``ownergate decide ID`` (median wall time of repeated
subprocess runs, hyperfine-style, after one warm-up run that builds and saves the screening index),
each beside ``ownergate --version`` measured in the same run: the issue's target is the difference,
at most 300 ms for a screen and 500 ms for a decision. Also the first call after a list load, which
builds and saves the index, and loading the saved index in-process beside building it.
"""

from __future__ import annotations

import os
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


def _wall(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - started


def _median(args: list[str], env: dict[str, str]) -> float:
    return statistics.median(_wall(args, env) for _ in range(RUNS))


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
    return [
        Result("cli", "screen NAME (Latin), more than --version", (latin - version) * ms, "ms", None, "", "<= 300 ms"),
        Result("cli", "screen NAME (Han), more than --version", (han - version) * ms, "ms", None, "", "<= 300 ms"),
        Result(
            "cli", "decide ID --dry-run, more than --version", (decided - version) * ms, "ms", None, "", "<= 500 ms"
        ),
        Result("cli", "ownergate --version (start-up)", version * ms, "ms"),
        Result("cli", "screen NAME with the saved index", latin * ms, "ms", first * ms, "first call: build + save"),
        Result("cli", "saved index loaded in-process", load_s * ms, "ms", build_s * ms, "index built from the store"),
    ]
