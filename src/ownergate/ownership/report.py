"""R.csv: one row per entity, ``id,status,share_min,share_max,evidence``.

The evidence column holds :meth:`Evidence.describe` for restricted and possible entities (its
lines joined with `` | ``) and is empty for clear ones.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ownergate.ownership.ranges import CODES
from ownergate.ownership.resolution import Resolution

COLUMNS = ("id", "status", "share_min", "share_max", "evidence")


def write_resolution(res: Resolution, path: Path) -> None:
    lo, hi = res.share_min, res.share_max
    flagged = set(np.flatnonzero(res.status > 0).tolist())
    ids = res.graph.node_ids
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i, nid in enumerate(ids):
            evidence = res.evidence(nid).describe().replace("\n", " | ") if i in flagged else ""
            w.writerow((nid, CODES[res.status[i]].value, f"{lo[i]:.6g}", f"{hi[i]:.6g}", evidence))
