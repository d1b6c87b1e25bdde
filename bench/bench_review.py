"""Review desk: drawing the ownership picture of a large cone, and the queue over a big book.

- picture: layout + ``dot -Tsvg`` of a generated cone (one customer, owners ``FANOUT`` wide and
  ``DEPTH`` deep), collapsed to 40 nodes, beside the baseline of drawing every node of the cone;
- queue: the open review items among ``OWNERGATE_BENCH_REVIEW_BOOK`` customers (5% in review),
  one SQL query, beside the baseline of computing every customer's effective verdict and
  filtering in Python (what ``decisions.effective`` gives enforcement).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from common import Result, timed
from ownergate.decisions.effective import effective_decisions
from ownergate.ownership.graph import OwnershipGraph
from ownergate.policy.countries import unsupported_regions
from ownergate.review.picture import layout, render
from ownergate.review.queue import open_items
from ownergate.store import open_store

FANOUT = int(os.environ.get("OWNERGATE_BENCH_REVIEW_FANOUT", "8"))
DEPTH = int(os.environ.get("OWNERGATE_BENCH_REVIEW_DEPTH", "3"))
BOOK = int(os.environ.get("OWNERGATE_BENCH_REVIEW_BOOK", "100000"))


def _cone(fanout: int, depth: int) -> OwnershipGraph:
    ids, owner, owned = ["c"], [], []
    level = [0]
    for _ in range(depth):
        nxt = []
        for parent in level:
            for k in range(fanout):
                ids.append(f"{ids[parent]}.{k}")
                owner.append(len(ids) - 1)
                owned.append(parent)
                nxt.append(len(ids) - 1)
        level = nxt
    share = [1.0 / fanout] * len(owner)
    hq = ["CN" if i % 7 == 0 else "DE" for i in range(len(ids))]
    return OwnershipGraph.from_edges(ids, owner, owned, share, share, hq_country=hq, incorporation_country=hq)


def _picture() -> list[Result]:
    graph = _cone(FANOUT, DEPTH)
    regions = unsupported_regions(date(2026, 1, 1))
    decisive = {("c.0", "c"), ("c.0.0", "c.0")}
    collapsed = timed(lambda: render(layout(graph, "c", regions, decisive)), repeat=3)
    everything = timed(lambda: render(layout(graph, "c", regions, decisive, max_nodes=graph.n)), repeat=1)
    return [
        Result(
            "review",
            f"ownership picture, {graph.n}-node cone collapsed to 40",
            collapsed * 1000,
            "ms",
            everything * 1000,
            "every node drawn",
            "readable at 200 nodes; < 1 s per page",
        )
    ]


def _queue() -> list[Result]:
    folder = Path(tempfile.mkdtemp(prefix="bench-review-"))
    try:
        store = open_store(f"sqlite:///{folder / 'q.sqlite3'}")
        now = datetime.now(UTC).isoformat()
        reasons = json.dumps([{"code": "possible-list-match", "message": "m", "evidence": {"list": "us-bis-entity"}}])
        with store.transaction() as tx:
            tx.executemany(
                "INSERT INTO customers (id, name, other_names, country, created_at, updated_at)"
                " VALUES (?, ?, '[]', ?, ?, ?)",
                [(f"c{i}", f"Customer {i}", "GB", now, now) for i in range(BOOK)],
            )
            tx.executemany(
                "INSERT INTO decisions (customer_id, decision, reasons, policy, policy_version, snapshots, decided_at,"
                " cause, is_current) VALUES (?, ?, ?, 'anthropic', '1', '{}', ?, 'bench', 1)",
                [
                    (f"c{i}", "review" if i % 20 == 0 else "allow", reasons if i % 20 == 0 else "[]", now)
                    for i in range(BOOK)
                ],
            )
        moment = datetime.now(UTC)
        queue_s = timed(lambda: open_items(store, moment), repeat=3)
        scan_s = timed(lambda: [d for d in effective_decisions(store, moment) if d.decision == "review"], repeat=1)
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        Result(
            "review",
            f"review queue, {BOOK // 20} items in a {BOOK}-customer book",
            queue_s * 1000,
            "ms",
            scan_s * 1000,
            "effective verdict of every customer",
            "< 1 s per page",
        )
    ]


def run() -> list[Result]:
    return _picture() + _queue()
