"""Loading every list in the shared data into a fresh SQLite store: wall time, CPU time and peak
memory per source and in total, each beside the same source parsed without storing (the baseline).

Every measurement runs in a forked child, so each peak-memory figure is that work's own.
Targets (issue 3): the whole load in <= 20 s on the 2-core machine, <= 1 GB peak memory.
``OWNERGATE_BENCH_LISTS_PER_SOURCE=0`` skips the per-source figures (total only).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from common import Result, testdata
from ownergate.lists.discover import discover
from ownergate.lists.loader import load_paths, parse_path
from ownergate.lists.update import update
from ownergate.store import open_store


def _measure(conn: Connection, job: str, path: str, db: str) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    if job == "parse":
        parse_path(Path(path))
    elif job == "load":
        with open_store(f"sqlite:///{db}") as store:
            load_paths(store, [Path(path)])
    else:
        with open_store(f"sqlite:///{db}") as store:
            report = update(store, from_dir=Path(path))
            assert not report.failures, report.failures
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    conn.send((time.perf_counter() - started, time.process_time() - cpu, peak))
    conn.close()


def _child(job: str, path: Path, db: Path) -> tuple[float, float, float]:
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_measure, args=(child, job, str(path), str(db)))
    process.start()
    result: tuple[float, float, float] = parent.recv()
    process.join()
    return result


def run() -> list[Result]:
    data = testdata()
    results: list[Result] = []
    found = discover(data)
    with tempfile.TemporaryDirectory() as tmp:
        per_source = os.environ.get("OWNERGATE_BENCH_LISTS_PER_SOURCE", "1") != "0"
        parse_total = 0.0
        if per_source:
            db = Path(tmp) / "per-source.sqlite3"
            open_store(f"sqlite:///{db}").close()
            for path in found.paths:
                name = str(path.relative_to(data))
                p_wall, _, p_peak = _child("parse", path, db)
                wall, cpu, peak = _child("load", path, db)
                parse_total += p_wall
                results.append(Result("lists", f"load {name}", wall, "s", p_wall, "parse only"))
                results.append(Result("lists", f"peak memory {name}", peak, "MB", p_peak, "parse only"))
        db = Path(tmp) / "all.sqlite3"
        open_store(f"sqlite:///{db}").close()
        wall, cpu, peak = _child("all", data, db)
        results.append(
            Result("lists", "load every list (fresh SQLite, wall)", wall, "s", parse_total or None, "parse only",
                   "<= 20 s")
        )  # fmt: skip
        results.append(Result("lists", "load every list (CPU time)", cpu, "s"))
        results.append(Result("lists", "peak memory, every list", peak, "MB", target="<= 1024 MB"))
        again, _, _ = _child("all", data, db)
        results.append(Result("lists", "second update, nothing new", again, "s", wall, "first update"))
    return results
