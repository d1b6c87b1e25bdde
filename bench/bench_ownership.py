"""The ownership engine on a synthetic graph, each figure beside a plain Python worklist on the same graph.

Scale: ``OWNERGATE_BENCH_SCALE`` nodes (default 1e6, about 1.5 edges per node; the issue's
targets are at 1e7). The incremental figures always use 1e6 nodes (about 1.5e6 edges), for
anthropic, uk (the listed nodes as its seeds) and lookthrough.
``OWNERGATE_BENCH_SPARK=1`` adds Spark local mode on the 1e6-node graph, in-process and through
``graph resolve --engine spark`` (minutes); ``python bench/bench_ownership.py --spark`` runs only that.
The CSV-to-arrays, fixpoint and look-through part runs in a child process, so its peak memory
is its own.
"""

from __future__ import annotations

import csv
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np

from common import Result, peak_rss_mb, percentiles, timed
from ownergate.ownership import IncrementalResolver, OwnershipGraph, Status, resolve
from ownergate.ownership.evidence import build_evidence
from ownergate.ownership.fixpoint import Fixpoint, aggregate, per_owner, per_owner_pairs, python_worklist, weights
from ownergate.ownership.graph import BoolArray, FloatArray, Int32Array, IntArray, View
from ownergate.ownership.lookthrough import lookthrough
from ownergate.ownership.rules import TOLERANCE, Rule, get_rule
from ownergate.ownership.sources.edges_csv import graph_from_csv
from synthetic import Synthetic, generate

HERE = Path(__file__).resolve().parent
DAY = date(2026, 1, 1)


def scale() -> int:
    return int(float(os.environ.get("OWNERGATE_BENCH_SCALE", "1e6")))


def python_csv(entities: Path, edges: Path) -> int:
    """The plain way: csv module, a dict from id to number, lists of tuples."""
    gc.disable()
    try:
        with entities.open(newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            index = {row[0]: i for i, row in enumerate(reader)}
        out = []
        with edges.open(newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            for row in reader:
                out.append((index[row[0]], index[row[1]], float(row[2] or "nan"), float(row[3] or "nan")))
        return len(out)
    finally:
        gc.enable()


def python_lookthrough(n: int, edges: list[tuple[int, int, float]], seeds: list[int]) -> list[float]:
    """Plain Python residual pushing: each change to a node's value is pushed along its out-edges."""
    out: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for u, v, s in edges:
        out[u].append((v, s))
    seed = set(seeds)
    value = [0.0] * n
    work = [(s, 1.0) for s in seeds]
    for s in seeds:
        value[s] = 1.0
    while work:
        u, delta = work.pop()
        for v, s in out[u]:
            if v in seed or value[v] >= 1.0:
                continue
            add = min(delta * s, 1.0 - value[v])
            value[v] += add
            if add > 1e-13:
                work.append((v, add))
    return value


def worker(entities: Path, edges: Path) -> dict[str, float]:
    """CSV to arrays, the aggregated fixpoint and look-through, with their Python baselines."""
    started = time.perf_counter()
    g = graph_from_csv(entities, edges)
    csv_s = time.perf_counter() - started
    anthropic, lt = get_rule("anthropic"), get_rule("lookthrough")
    started = time.perf_counter()
    view = g.view(anthropic.kinds, DAY)
    view_s = time.perf_counter() - started
    seeds = anthropic.seeds(g, DAY)
    w = weights(view, anthropic, upper=False)
    fix_s = timed(lambda: aggregate(view, w, seeds, anthropic), 3)
    lt_seeds = lt.seeds(g, DAY)
    lt_s = timed(lambda: lookthrough(view, w, lt_seeds, lt), 1)
    peak = peak_rss_mb()
    restricted = aggregate(view, w, seeds, anthropic).restricted
    edge_list = list(zip(view.src.tolist(), view.dst.tolist(), w.tolist(), strict=True))
    seed_list = np.flatnonzero(seeds).tolist()
    started = time.perf_counter()
    plain = python_worklist(g.n, edge_list, seed_list, anthropic.threshold, anthropic.strict)
    plain_fix_s = time.perf_counter() - started
    assert plain == restricted.tolist(), "the Python worklist disagrees with the array engine"
    started = time.perf_counter()
    python_lookthrough(g.n, edge_list, np.flatnonzero(lt_seeds).tolist())
    plain_lt_s = time.perf_counter() - started
    del edge_list, plain
    plain_csv_s = timed(lambda: python_csv(entities, edges), 1)
    return {
        "n": g.n,
        "m": g.m,
        "csv_s": csv_s,
        "plain_csv_s": plain_csv_s,
        "view_s": view_s,
        "fix_s": fix_s,
        "plain_fix_s": plain_fix_s,
        "lt_s": lt_s,
        "plain_lt_s": plain_lt_s,
        "peak_mb": peak,
        "restricted": int(restricted.sum()),
    }


_CLI = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
)


def cli_run(entities: Path, edges: Path, out: Path) -> tuple[float, float]:
    """Wall time and peak memory of the ``graph resolve`` command, in a process of its own."""
    command = [sys.executable, "-m", "ownergate", "graph", "resolve", "--entities", str(entities)]
    command += ["--edges", str(edges), "--policy", "anthropic", "--out", str(out)]
    run = subprocess.run([sys.executable, "-c", _CLI, *command], capture_output=True, text=True, check=True)
    seconds, mb = run.stdout.split()
    return float(seconds), float(mb)


def arrays_part(n: int) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        entities, edges = generate(n).write_csv(Path(tmp))
        gc.collect()
        run = subprocess.run(
            [sys.executable, str(Path(__file__)), "--worker", str(entities), str(edges)],
            capture_output=True,
            text=True,
            check=True,
        )
        cli_s, cli_mb = cli_run(entities, edges, Path(tmp) / "R.csv")
    r = json.loads(run.stdout.strip().splitlines()[-1])
    size = f"{r['n']:.0e} nodes, {r['m']:.2e} edges"
    return [
        Result(
            "ownership",
            f"ownergate graph resolve, anthropic, E.csv + X.csv to R.csv with evidence ({size})",
            cli_s,
            "s",
            target="report",
        ),
        Result("ownership", f"the same command's peak memory ({size})", cli_mb, "MB", target="<= 4096 MB at 1e7"),
        Result(
            "ownership",
            f"arrays from CSV ({size})",
            r["csv_s"],
            "s",
            r["plain_csv_s"],
            "csv module + dict",
            "<= 30 s at 1e7",
        ),
        Result("ownership", f"CSR view build ({size})", r["view_s"], "s"),
        Result(
            "ownership",
            f"aggregated fixpoint, anthropic ({size})",
            r["fix_s"],
            "s",
            r["plain_fix_s"],
            "Python worklist",
            "<= 1 s at 1e7",
        ),
        Result(
            "ownership",
            f"look-through ({size})",
            r["lt_s"],
            "s",
            r["plain_lt_s"],
            "Python residual push",
            "<= 15 s at 1e7",
        ),
        Result(
            "ownership",
            f"peak memory: CSV, arrays, fixpoint, look-through ({size})",
            r["peak_mb"],
            "MB",
            target="<= 4096 MB at 1e7",
        ),
    ]


def edit_times(inc: IncrementalResolver, syn: Synthetic, count: int = 2000) -> list[float]:
    """Milliseconds per random edge edit (a third removals, the rest new shares).

    Half the edits are on edges drawn from the whole graph, half on edges whose owner the rule
    restricts (or, for look-through, gives a value) when the edits start, so that they move
    stakes: edits on edges no restricted owner touches cost next to nothing and would flatter
    the figure.
    """
    rng = random.Random(7)
    ids = syn.node_ids()
    status = inc.statuses()
    involved = np.array([status[i] is not Status.CLEAR or inc.share_range(i)[1] > 0 for i in ids], np.bool_)
    busy = np.flatnonzero(involved[syn.owner]).tolist()
    samples = []
    for k in range(count):
        e = rng.choice(busy) if k % 2 and busy else rng.randrange(syn.m)
        u, v = int(syn.owner[e]), int(syn.owned[e])
        started = time.perf_counter()
        if k % 3 == 0:
            inc.remove_edge(ids[u], ids[v])
        else:
            share = rng.choice([0.1, 0.3, 0.5, 0.7, 1.0])
            inc.set_share(ids[u], ids[v], share)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def full_recompute(syn: Synthetic, rule: str, seeds: list[str] | None) -> None:
    resolve(syn.graph(), rule, seeds=seeds, as_of=DAY)


def incremental_part() -> list[Result]:
    """Edge edits under an aggregate rule, the per-owner rule (the listed nodes as UK seeds) and look-through."""
    syn = generate(1_000_000)
    g = syn.graph()
    size = f"{g.m:.2e} edges"
    results = []
    for rule, seeds in (("anthropic", None), ("uk", [f"n{i}" for i in syn.listed.tolist()]), ("lookthrough", None)):
        inc = IncrementalResolver(g, rule, seeds=seeds, as_of=DAY)
        p50, p99 = percentiles(edit_times(inc, syn))
        del inc
        full = timed(partial(full_recompute, syn, rule, seeds), 2) * 1000
        results += [
            Result(
                "ownership",
                f"incremental edge change, {rule}, median ({size})",
                p50,
                "ms",
                full,
                "full recompute (arrays)",
                "<= 1 ms",
            ),
            Result(
                "ownership",
                f"incremental edge change, {rule}, p99 ({size})",
                p99,
                "ms",
                full,
                "full recompute (arrays)",
            ),
        ]
    edge_list = list(zip(syn.owner.tolist(), syn.owned.tolist(), np.nan_to_num(syn.share_min).tolist(), strict=True))
    seeds = np.flatnonzero(get_rule("anthropic").seeds(g)).tolist()
    started = time.perf_counter()
    python_worklist(g.n, edge_list, seeds, 0.5, True)
    plain = (time.perf_counter() - started) * 1000
    results.append(Result("ownership", f"full Python worklist, anthropic ({size})", plain, "ms"))
    return results


def evidence_part(n: int) -> list[Result]:
    g = generate(n).graph()
    res = resolve(g, "anthropic", as_of=DAY)
    flagged = np.flatnonzero((res.status > 0) & ~res.seeds)
    rng = np.random.default_rng(3)
    chosen = [g.node_ids[int(i)] for i in rng.choice(flagged, size=min(300, flagged.size), replace=False)]
    g.index  # noqa: B018  (the id index, built once)
    samples = []
    for nid in chosen:
        started = time.perf_counter()
        res.evidence(nid)
        samples.append((time.perf_counter() - started) * 1000)
    view, rounds = res.view, res.lower.round_.tolist()
    inn: defaultdict[int, list[int]] = defaultdict(list)
    for s, d in zip(view.src.tolist(), view.dst.tolist(), strict=True):
        inn[d].append(s)
    plain = []
    for nid in chosen:
        started = time.perf_counter()
        stack, seen, found = [g.idx(nid)], set(), []
        while stack:
            v = stack.pop()
            for u in inn[v]:
                if 0 <= rounds[u] < rounds[v] and u not in seen:
                    seen.add(u)
                    found.append((u, v))
                    stack.append(u)
        plain.append((time.perf_counter() - started) * 1000)
    return [
        Result(
            "ownership",
            f"evidence for one entity, median ({g.n:.0e} nodes)",
            percentiles(samples)[0],
            "ms",
            percentiles(plain)[0],
            "Python DFS, ids only",
            "<= 1 ms",
        ),
        Result(
            "ownership",
            f"evidence for one entity under uk, 10,000 seeds, median ({g.n:.0e} nodes)",
            uk_evidence_ms(g, rng),
            "ms",
            target="<= 1 ms",
        ),
    ]


def uk_evidence_ms(g: OwnershipGraph, rng: np.random.Generator) -> float:
    """Median evidence time under the per-owner rule (one person's group, rebuilt for each entity)."""
    seeds = np.zeros(g.n, np.bool_)
    seeds[rng.choice(g.n, size=min(10_000, g.n), replace=False)] = True
    res = resolve(g, "uk", seeds=seeds, as_of=DAY)
    flagged = np.flatnonzero((res.status > 0) & ~res.seeds)
    samples = []
    for i in rng.choice(flagged, size=min(300, flagged.size), replace=False).tolist():
        started = time.perf_counter()
        build_evidence(res, i)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)[0]


def per_seed_loop(view: View, w: FloatArray, seeds: BoolArray, rule: Rule) -> Fixpoint:
    """The per-owner engine before the (seed, node) frontier, kept as the baseline: one seed at a time."""
    n = view.n
    stake = np.zeros(n, np.float64)
    best = np.zeros(n, np.float64)
    via = np.full(n, -1, np.int64)
    out_round = np.full(n, -1, np.int32)
    scratch_round = np.full(n, -1, np.int32)
    for s in np.flatnonzero(seeds):
        touched: list[IntArray] = [np.array([s], np.int64)]
        scratch_round[s] = 0
        _advance_touched(view, w, rule, stake, scratch_round, np.array([s], np.int64), touched)
        nodes = np.unique(np.concatenate(touched))
        won = nodes[(scratch_round[nodes] >= 0) & ((via[nodes] < 0) | (stake[nodes] > best[nodes]))]
        via[won] = s
        first = nodes[
            (scratch_round[nodes] >= 0) & ((out_round[nodes] < 0) | (scratch_round[nodes] < out_round[nodes]))
        ]
        out_round[first] = scratch_round[first]
        np.maximum.at(best, nodes, stake[nodes])
        stake[nodes] = 0.0
        scratch_round[nodes] = -1
    out_round[seeds] = 0
    via[seeds] = np.flatnonzero(seeds)
    return Fixpoint(out_round >= 0, out_round, best, via)


def _advance_touched(
    view: View,
    w: FloatArray,
    rule: Rule,
    stake: FloatArray,
    round_: Int32Array,
    frontier: IntArray,
    touched: list[IntArray],
) -> None:
    """The old engine's rounds for one seed, recording every node a round touches."""
    n, r = view.n, 0
    stamp = np.empty(n, np.int64)
    while frontier.size:
        r += 1
        edges = view.out_edges(frontier)
        if not edges.size:
            break
        targets = view.dst[edges]
        if edges.size > n // 32:
            stake += np.bincount(targets, weights=w[edges], minlength=n)
        else:
            np.add.at(stake, targets, w[edges])
        positions = np.arange(targets.size, dtype=np.int64)
        stamp[targets] = positions
        cand = targets[stamp[targets] == positions].astype(np.int64)
        touched.append(cand)
        cand = cand[round_[cand] < 0]
        frontier = cand[rule.passes(stake[cand])]
        round_[frontier] = r


def check_per_owner(new: Fixpoint, old: Fixpoint, view: View, w: FloatArray, seeds: BoolArray, rule: Rule) -> None:
    """The two engines agree; ``via`` may differ only where the two seeds' stakes tie within the tolerance."""
    assert new.restricted.tolist() == old.restricted.tolist()
    assert new.round_.tolist() == old.round_.tolist()
    assert np.allclose(new.stake, old.stake, rtol=0, atol=1e-12)
    assert new.via is not None and old.via is not None
    differ = np.flatnonzero(new.via != old.via)
    if differ.size:
        pairs = per_owner_pairs(view, w, seeds, rule)
        keys = pairs.seed * view.n + pairs.node
        mine = pairs.stake[np.searchsorted(keys, new.via[differ] * view.n + differ)]
        theirs = pairs.stake[np.searchsorted(keys, old.via[differ] * view.n + differ)]
        assert (np.abs(mine - theirs) <= TOLERANCE).all() and (new.via[differ] < old.via[differ]).all()


def per_owner_part(n: int = 1_000_000, count: int = 10_000) -> list[Result]:
    """The UK rule, both bounds, ``count`` seeds drawn (fixed seed) from all nodes, then from the largest owners."""
    g = generate(n).graph()
    uk = get_rule("uk")
    view = g.view(uk.kinds, DAY)
    bounds = [weights(view, uk, upper=False), weights(view, uk, upper=True)]
    holders = np.argsort(-np.diff(view.out_ptr), kind="stable")[: 2 * count]
    results = []
    for label, pool in (("any node", np.arange(g.n)), (f"the {2 * count:,} largest owners", holders)):
        seeds = np.zeros(g.n, np.bool_)
        seeds[np.random.default_rng(11).choice(pool, size=count, replace=False)] = True
        new_s = timed(lambda: [per_owner(view, w, seeds, uk) for w in bounds], 3)  # noqa: B023
        old_s = timed(lambda: [per_seed_loop(view, w, seeds, uk) for w in bounds], 3)  # noqa: B023
        for w in bounds:
            check_per_owner(per_owner(view, w, seeds, uk), per_seed_loop(view, w, seeds, uk), view, w, seeds, uk)
        pairs = sum(per_owner_pairs(view, w, seeds, uk).seed.size for w in bounds)
        metric = f"per-owner fixpoint, uk, both bounds, {count:,} seeds from {label} ({g.m:.2e} edges, {pairs:,} pairs)"
        results.append(Result("ownership", metric, new_s, "s", old_s, "per-seed loop"))
    return results


def spark_part() -> list[Result]:
    """Spark local[2], ``ofac``, at 1e6 nodes (1.57e6 edges): :func:`resolve_spark` in-process beside the
    numpy engine, then ``graph resolve --engine spark`` end to end (its own JVM, E.csv + X.csv to R.csv
    with evidence) beside ``--engine numpy`` in the same run; the two R.csv files must be identical."""
    from ownergate.ownership.spark import resolve_spark, session

    syn = generate(1_000_000)
    g = syn.graph()
    spark = session("local[2]")
    try:
        started = time.perf_counter()
        status, _, _ = resolve_spark(g, "ofac", as_of=DAY, spark=spark)
        spark_s = time.perf_counter() - started
    finally:
        spark.stop()
    numpy_s = timed(lambda: resolve(g, "ofac", as_of=DAY), 1)
    assert status.tolist() == resolve(g, "ofac", as_of=DAY).status.tolist()
    size = f"{g.m:.2e} edges"
    with tempfile.TemporaryDirectory() as tmp:
        entities, edges = syn.write_csv(Path(tmp))
        command = [sys.executable, "-m", "ownergate", "graph", "resolve", "--entities", str(entities)]
        command += ["--edges", str(edges), "--policy", "ofac", "--as-of", DAY.isoformat()]
        cli = {}
        for engine in ("numpy", "spark"):
            started = time.perf_counter()
            subprocess.run(
                [*command, "--out", f"{tmp}/{engine}.csv", "--engine", engine], capture_output=True, check=True
            )
            cli[engine] = time.perf_counter() - started
        assert Path(f"{tmp}/spark.csv").read_bytes() == Path(f"{tmp}/numpy.csv").read_bytes()
    return [
        Result("ownership", f"Spark local[2], ofac ({size})", spark_s, "s", numpy_s, "numpy engine", "report the time"),
        Result(
            "ownership",
            f"graph resolve --engine spark (local[2]), ofac, E.csv + X.csv to R.csv with evidence ({size})",
            cli["spark"],
            "s",
            cli["numpy"],
            "--engine numpy, same R.csv",
            "report the time",
        ),
    ]


def run() -> list[Result]:
    results = arrays_part(scale())
    results += incremental_part()
    results += evidence_part(min(scale(), 1_000_000))
    results += per_owner_part()
    if os.environ.get("OWNERGATE_BENCH_SPARK") == "1":
        results += spark_part()
    return results


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(worker(Path(sys.argv[2]), Path(sys.argv[3]))))
    else:
        from common import print_table

        print_table(spark_part() if sys.argv[1:] == ["--spark"] else run())
