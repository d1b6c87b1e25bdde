"""Monitoring: re-decide what a change affects, beside re-deciding the whole book.

- List update: a book of N customers (OWNERGATE_BENCH_MONITOR_CUSTOMERS, default 20,000; the issue's
  size is 100,000) named from GLEIF legal names plus 20 names the SDN list added in 2024. The
  book is decided against SDN 2023-05-02, SDN 2024-05-03 is loaded, then one watch cycle
  (``run_cycle(update=False)``: find the affected customers, re-decide them, record verdicts,
  outbox events and audit, store the run report) is timed. Baseline: deciding the whole book once.
  Target <= 30 s at 100,000 customers.
- Ownership change: a synthetic graph of about 1,000,000 edges (bench/synthetic.py;
  OWNERGATE_BENCH_MONITOR_NODES, default 645,000 nodes) with a customer on every tenth node;
  one listed owner's stake in a subsidiary goes over 50%. Timed: the downstream walk, picking
  the customers, and re-deciding them over their upstream cone (views of the new graph built).
  Baseline: re-deciding the whole book over the whole graph. Target <= 100 ms.
"""

from __future__ import annotations

import csv
import gzip
import os
import tempfile
import time
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import numpy as np

from common import Result, testdata, timed
from ownergate.decisions import customers as book_store
from ownergate.decisions.customers import Customer
from ownergate.decisions.service import decide_all, open_book, record_verdicts
from ownergate.lists.loader import load_paths
from ownergate.monitor.redecide import downstream, on_nodes, redecide
from ownergate.monitor.watch import run_cycle
from ownergate.ownership import OwnershipGraph
from ownergate.store import Store, open_store
from synthetic import COUNTRIES, Synthetic, generate

CUSTOMERS = int(os.environ.get("OWNERGATE_BENCH_MONITOR_CUSTOMERS", "20000"))
NODES = int(os.environ.get("OWNERGATE_BENCH_MONITOR_NODES", "645000"))
ADDED_NAMES = 20


def _book(data: Path) -> list[Customer]:
    from ownergate.lists.loader import parse_path

    old = {e.entry_id for e in parse_path(data / "ofac/sdn_2023-05-02.csv").lists["us-ofac-sdn"]}
    new = parse_path(data / "ofac/sdn_2024-05-03.csv").lists["us-ofac-sdn"]
    added = [e.name for e in new if e.entry_id not in old and e.schema == "organization"][::50][:ADDED_NAMES]
    book = [Customer(f"sdn-{i}", n) for i, n in enumerate(added)]
    with gzip.open(data / "gleif/gleif_l1_names_2025-10_dev.csv.gz", "rt", encoding="utf-8") as handle:
        rows = islice(csv.DictReader(handle), CUSTOMERS - len(book))
        book += [Customer(f"lei-{r['lei']}", r["legal_name"], country=r["legal_address_country"] or None) for r in rows]
    return book


def _list_update(store: Store, data: Path) -> list[Result]:
    load_paths(store, [data / "ofac/sdn_2023-05-02.csv"])
    with store.transaction() as tx:
        book_store.save(tx, _book(data), datetime.now(UTC))
    whole = timed(lambda: record_verdicts(store, list(decide_all(store)), cause="initial"))
    load = timed(lambda: load_paths(store, [data / "ofac/sdn_2024-05-03.csv"]))
    started = time.perf_counter()
    report = run_cycle(store, update=False)
    cycle = time.perf_counter() - started
    n = f"{CUSTOMERS:,} customers"
    return [
        Result("monitor", "load SDN 2024 (diff vs 2023)", load, "s"),
        Result(
            "monitor", f"SDN 2023->2024: re-decide + events ({n}; {report.redecided} re-decided,"
            f" {len(report.changes)} changed)", cycle, "s", whole, "decide the whole book", "<= 30 s at 100,000",
        ),
    ]  # fmt: skip


def _graph(syn: Synthetic, lo: np.ndarray, hi: np.ndarray) -> OwnershipGraph:
    return OwnershipGraph.from_edges(
        syn.node_ids(), syn.owner, syn.owned, lo, hi,
        hq_country=[COUNTRIES[c] for c in syn.hq], lists={int(i): ("us-ofac-sdn",) for i in syn.listed},
    )  # fmt: skip


def _ownership(store: Store) -> list[Result]:
    syn = generate(NODES)
    before = _graph(syn, syn.share_min, syn.share_max)
    listed = set(syn.listed.tolist())
    edge = next(
        e for e in np.flatnonzero(syn.share_max < 0.4).tolist()
        if int(syn.owner[e]) in listed and 3 <= len(downstream(before, [f"n{int(syn.owned[e])}"])) <= 200
    )  # fmt: skip
    lo, hi = syn.share_min.copy(), syn.share_max.copy()
    lo[edge] = hi[edge] = 0.6
    after = _graph(syn, lo, hi)
    changed = f"n{int(syn.owned[edge])}"
    book = [Customer(f"c-n{i}", f"Company n{i}", entity_id=f"n{i}") for i in range(0, syn.n, 10)]
    book += [Customer(f"c-{n}", f"Company {n}", entity_id=n) for n in downstream(before, [changed]) if int(n[1:]) % 10]
    with store.transaction() as tx:
        book_store.save(tx, book, datetime.now(UTC))
    whole_started = time.perf_counter()
    full = open_book(store, "anthropic", None, book, graph=before)
    record_verdicts(store, [full.decide(c, "now") for c in book], cause="initial")
    whole = time.perf_counter() - whole_started
    after.view()  # a watcher holding the new graph has its views and id index (built once per load)
    _ = after.index
    started = time.perf_counter()
    below = downstream(after, [changed])
    ids = set(on_nodes(book, below))
    outcome = redecide(store, [c for c in book if c.id in ids], dict.fromkeys(ids, "ownership:bench"), "anthropic",
                       graph=after)  # fmt: skip
    cone = time.perf_counter() - started
    return [
        Result(
            "monitor", f"ownership change: re-decide its cone ({syn.m:,} edges, {len(book):,} customers,"
            f" {len(outcome.redecided)} re-decided)", cone * 1000, "ms", whole * 1000,
            "decide the whole book over the whole graph", "<= 100 ms",
        )
    ]  # fmt: skip


def run() -> list[Result]:
    data = testdata()
    with tempfile.TemporaryDirectory(prefix="ownergate-bench-monitor-") as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'lists.sqlite3'}")
        results = _list_update(store, data)
        store.close()
        store = open_store(f"sqlite:///{Path(tmp) / 'ownership.sqlite3'}")
        results += _ownership(store)
        store.close()
    return results
