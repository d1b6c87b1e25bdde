"""R.csv: one row per entity, ``id,status,share_min,share_max,evidence``.

The evidence column holds :meth:`Evidence.describe` for restricted and possible entities (its
lines joined with `` | ``) and is empty for clear ones.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ownergate.ownership.evidence import build_evidence
from ownergate.ownership.ranges import CODES
from ownergate.ownership.resolution import Resolution

COLUMNS = ("id", "status", "share_min", "share_max", "evidence")


def write_resolution(res: Resolution, path: Path, block: int = 65536) -> None:
    """Write R.csv block by block: evidence is built by node number (no id -> number map of every
    node), and no column becomes a list of ten million Python objects."""
    names = [c.value for c in CODES]
    ids = iter(res.graph.node_ids)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for start in range(0, res.graph.n, block):
            stop = min(start + block, res.graph.n)
            status = res.status[start:stop].tolist()
            lo, hi = res.share_min[start:stop].tolist(), res.share_max[start:stop].tolist()
            for k, code in enumerate(status):
                evidence = build_evidence(res, start + k).describe().replace("\n", " | ") if code else ""
                w.writerow((next(ids), names[code], f"{lo[k]:.6g}", f"{hi[k]:.6g}", evidence))
