"""Shared helpers for benchmarks: the result row, the table, timers, peak memory, test data."""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    bench: str  # e.g. "store"
    metric: str  # e.g. "insert 100k rows"
    value: float
    unit: str  # "s", "ms", "us", "MB", "rows/s", "%", ...
    baseline: float | None = None  # the same work done the plain way, in the same run
    baseline_name: str = ""
    target: str = ""  # the target, e.g. "<= 20 s"


def print_table(results: list[Result]) -> None:
    header = ("bench", "metric", "value", "baseline", "ratio", "target")
    rows = []
    for r in results:
        base = f"{r.baseline:.4g} {r.unit} ({r.baseline_name})" if r.baseline is not None else "-"
        ratio = f"{r.baseline / r.value:.1f}x" if r.baseline and r.value else "-"
        rows.append((r.bench, r.metric, f"{r.value:.4g} {r.unit}", base, ratio, r.target or "-"))
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Best wall time of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of samples."""
    qs = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), qs[98]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def testdata() -> Path:
    return Path(os.environ.get("OWNERGATE_TESTDATA", Path(__file__).resolve().parent.parent.parent / "shared/data"))
