"""Deciding a customer book: 100,000 customers (GLEIF names), a synthetic ownership graph, every list.

Figures: the whole book decided (with the owners' names screened for the first time, and again
with that screening kept), one decision on a prepared book (p50, p99), beside screening the same
names alone (the part of deciding that no decision can skip). Scale: OWNERGATE_BENCH_CUSTOMERS.
"""

from __future__ import annotations

import csv
import gzip
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from common import Result, peak_rss_mb, percentiles, testdata
from ownergate.decisions import customers as book
from ownergate.decisions.service import decide, decide_all, open_book
from ownergate.lists.update import update
from ownergate.matching.screen import index_for_store
from ownergate.ownership.repository import load_graph, load_ownership
from ownergate.store import Store, open_store
from synthetic import generate

N = int(os.environ.get("OWNERGATE_BENCH_CUSTOMERS", "100000"))


def _gleif(n: int) -> list[tuple[str, str]]:
    out = []
    with gzip.open(testdata() / "gleif/gleif_l1_names_2025-10_dev.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append((row["legal_name"], row["legal_address_country"]))
            if len(out) == n:
                break
    return out


def _single_decisions(store: Store, sample: list[book.Customer]) -> tuple[float, float]:
    """``decide(store, id)`` (reads the customer's upstream cone), beside a book over the whole stored graph."""
    cone, whole = [], []
    for c in sample:
        t = time.perf_counter()
        decide(store, c.id)
        cone.append((time.perf_counter() - t) * 1000)
    for c in sample[:3]:
        t = time.perf_counter()
        open_book(store, customers=[c], graph=load_graph(store, datetime.now(UTC))).decide(c, "now")
        whole.append((time.perf_counter() - t) * 1000)
    return statistics.median(cone), statistics.median(whole)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        update(store, from_dir=testdata())
        synthetic = generate(N)
        load_ownership(store, list(synthetic.write_csv(Path(tmp))))
        names = _gleif(N)
        customers = [
            book.Customer(f"c{i}", name, country=country if len(country) == 2 else None, entity_id=f"n{i}")
            for i, (name, country) in enumerate(names)
        ]
        with store.transaction() as tx:
            book.save(tx, customers, datetime.now(UTC))
        index = index_for_store(store)

        started = time.perf_counter()
        for name, country in names:
            index.search(name, country=country if len(country) == 2 else None, threshold=0.75)
        screening = time.perf_counter() - started

        started = time.perf_counter()
        first = list(decide_all(store))
        cold = time.perf_counter() - started
        started = time.perf_counter()
        list(decide_all(store))
        warm = time.perf_counter() - started

        prepared = open_book(store, customers=customers)
        sample = random.Random(7).sample(customers, min(2000, N))
        stamp = datetime.now(UTC).isoformat()
        samples = []
        for c in sample:
            t = time.perf_counter()
            prepared.decide(c, stamp)
            samples.append((time.perf_counter() - t) * 1000)
        p50, p99 = percentiles(samples)
        single, whole_graph = _single_decisions(store, sample[:50])
        counts = {d: sum(1 for v in first if v.decision.value == d) for d in ("allow", "review", "deny")}
        store.close()
    label = f"{N:,} customers"
    return [
        Result(
            "decisions", f"decide --all, {label}, owners screened", cold, "s", screening, "screening alone", "<= 120 s"
        ),
        Result("decisions", f"decide --all, {label}, owners kept", warm, "s", screening, "screening alone", "<= 120 s"),
        Result("decisions", "one decision on a prepared book, p50", p50, "ms", target="<= 5 ms"),
        Result("decisions", "one decision on a prepared book, p99", p99, "ms"),
        Result(
            "decisions",
            f"decide one customer from the store ({synthetic.m:,}-edge graph: reads its upstream cone), median",
            single,
            "ms",
            whole_graph,
            "reading the whole graph",
            "report",
        ),
        Result("decisions", f"verdicts: {counts}", sum(counts.values()), "customers"),
        Result("decisions", "peak memory", peak_rss_mb(), "MB"),
    ]
