"""Prometheus metrics, kept by hand in plain dicts: counts and latency histograms per decision.

Each worker process keeps its own (scrape each, or run one worker per replica).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Mapping

BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1.0)


class Histogram:
    __slots__ = ("counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds


class Metrics:
    """Check counts by (endpoint, decision, status) and latency by (endpoint, decision)."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = {}
        self.latency: dict[tuple[str, str], Histogram] = {}
        self.admin: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()  # the gRPC server observes from its own threads

    def observe(self, endpoint: str, decision: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (endpoint, decision, status)
            self.requests[key] = self.requests.get(key, 0) + 1
            hist = self.latency.get((endpoint, decision))
            if hist is None:
                hist = self.latency[(endpoint, decision)] = Histogram()
            hist.observe(seconds)

    def observe_admin(self, method: str, status: int) -> None:
        with self._lock:
            self.admin[(method, status)] = self.admin.get((method, status), 0) + 1

    def render(self, gauges: Mapping[str, tuple[str, float]]) -> str:
        """The Prometheus text exposition format; ``gauges`` maps name -> (help, value)."""
        lines = [
            "# HELP ownergate_checks_total Checks answered, by endpoint, decision and HTTP status.",
            "# TYPE ownergate_checks_total counter",
        ]
        with self._lock:
            for (endpoint, decision, status), count in sorted(self.requests.items()):
                lines.append(
                    f'ownergate_checks_total{{endpoint="{endpoint}",decision="{decision}",status="{status}"}} {count}'
                )
            lines += [
                "# HELP ownergate_check_seconds Time to answer a check, by endpoint and decision.",
                "# TYPE ownergate_check_seconds histogram",
            ]
            for (endpoint, decision), hist in sorted(self.latency.items()):
                labels = f'endpoint="{endpoint}",decision="{decision}"'
                running = 0
                for bound, count in zip((*BUCKETS, float("inf")), hist.counts, strict=True):
                    running += count
                    le = "+Inf" if bound == float("inf") else f"{bound:g}"
                    lines.append(f'ownergate_check_seconds_bucket{{{labels},le="{le}"}} {running}')
                lines.append(f"ownergate_check_seconds_sum{{{labels}}} {hist.total:.9f}")
                lines.append(f"ownergate_check_seconds_count{{{labels}}} {running}")
            lines += [
                "# HELP ownergate_admin_requests_total Admin API calls by method and HTTP status.",
                "# TYPE ownergate_admin_requests_total counter",
            ]
            for (method, status), count in sorted(self.admin.items()):
                lines.append(f'ownergate_admin_requests_total{{method="{method}",status="{status}"}} {count}')
        for name, (help_text, value) in gauges.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value:g}"]
        return "\n".join(lines) + "\n"
