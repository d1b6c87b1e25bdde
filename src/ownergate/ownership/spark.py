"""The distributed backend: the same fixpoints as plain PySpark DataFrame joins (``ownergate[spark]``).

Edges are a DataFrame ``(src, dst, w_lo, w_hi)`` of node numbers and the two bounds' weights
(control of unknown size already substituted), seeds a DataFrame ``(node)``. Each bound runs:

- aggregate: restricted nodes joined to their out-edges, stakes summed per target, targets that
  pass the threshold added, until a round adds nobody;
- per owner (UK): the same on ``(seed, node)`` pairs, so each seed's group accumulates on its
  own, all seeds at once;
- look-through: ``x = min(1, sum(w * x[src]))`` for non-seeds, seeds at 1, until no value moves
  by more than 1e-13.

Results come back as numpy arrays in the same :class:`~ownergate.ownership.fixpoint.Fixpoint`
shape as the single-machine engine, and :func:`resolve_spark` checks them against nothing: the
conformance test does (``tests/ownership/test_spark.py``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from ownergate.errors import ConfigError
from ownergate.ownership import fixpoint
from ownergate.ownership.fixpoint import Fixpoint
from ownergate.ownership.graph import BoolArray, OwnershipGraph
from ownergate.ownership.ranges import combine
from ownergate.ownership.rules import Method, Rule, get_rule

CONVERGED = 1e-13
MAX_ROUNDS = 10_000


def session(master: str = "local[2]") -> Any:
    """A local Spark session tuned for small shuffles (the caller stops it)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("the Spark backend needs the optional extra: pip install 'ownergate[spark]'") from None
    spark = (
        SparkSession.builder.master(master)
        .appName("ownergate-ownership")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _passes(col: Any, rule: Rule) -> Any:
    return col > rule.limit if rule.strict else col >= rule.limit


def _aggregate(edges: Any, seeds: Any, w: str, rule: Rule) -> tuple[Any, Any]:
    from pyspark.sql import functions as F

    restricted = seeds.select("node").localCheckpoint()
    while True:
        stake = (
            restricted.join(edges, restricted.node == edges.src)
            .groupBy("dst")
            .agg(F.sum(w).alias("stake"))
            .withColumnRenamed("dst", "node")
        )
        new = stake.filter(_passes(F.col("stake"), rule)).select("node").join(restricted, "node", "left_anti")
        new = new.localCheckpoint()
        if not new.take(1):
            return restricted, stake
        restricted = restricted.union(new).localCheckpoint()


def _per_owner(edges: Any, seeds: Any, w: str, rule: Rule) -> tuple[Any, Any]:
    from pyspark.sql import functions as F

    pairs = seeds.select(F.col("node").alias("seed"), "node").localCheckpoint()
    while True:
        stake = (
            pairs.join(edges, pairs.node == edges.src)
            .groupBy("seed", "dst")
            .agg(F.sum(w).alias("stake"))
            .withColumnRenamed("dst", "node")
        )
        new = (
            stake.filter(_passes(F.col("stake"), rule))
            .select("seed", "node")
            .join(pairs, ["seed", "node"], "left_anti")
        )
        new = new.localCheckpoint()
        if not new.take(1):
            best = stake.groupBy("node").agg(F.max("stake").alias("stake"))
            return pairs.select("node").distinct(), best
        pairs = pairs.union(new).localCheckpoint()


def _lookthrough(edges: Any, seeds: Any, w: str, rule: Rule) -> tuple[Any, Any]:
    from pyspark.sql import functions as F

    seed_values = seeds.select("node", F.lit(1.0).alias("x"))
    values = seed_values.localCheckpoint()
    for _ in range(MAX_ROUNDS):
        pushed = (
            values.join(edges, values.node == edges.src)
            .groupBy("dst")
            .agg(F.least(F.lit(1.0), F.sum(F.col(w) * F.col("x"))).alias("x"))
            .withColumnRenamed("dst", "node")
            .join(seeds, "node", "left_anti")
        )
        new = pushed.unionByName(seed_values).localCheckpoint()
        moved = (
            new.alias("a")
            .join(values.alias("b"), "node", "full_outer")
            .select(
                F.max(F.abs(F.coalesce(F.col("a.x"), F.lit(0.0)) - F.coalesce(F.col("b.x"), F.lit(0.0)))).alias("d")
            )
            .first()
        )
        values = new
        if moved is None or moved["d"] is None or moved["d"] <= CONVERGED:
            break
    restricted = values.filter(_passes(F.col("x"), rule)).select("node").union(seeds.select("node")).distinct()
    return restricted, values.withColumnRenamed("x", "stake")


def _collect(n: int, restricted: Any, stake: Any, seeds: BoolArray) -> Fixpoint:
    mask = np.zeros(n, np.bool_)
    rows = restricted.collect()
    if rows:
        mask[np.array([r["node"] for r in rows], np.int64)] = True
    values = np.zeros(n, np.float64)
    for r in stake.collect():
        values[r["node"]] = r["stake"]
    mask |= seeds
    round_ = np.where(mask, 1, -1).astype(np.int32)
    round_[seeds] = 0
    return Fixpoint(mask, round_, values)


def resolve_spark(
    graph: OwnershipGraph,
    rule: str | Rule,
    seeds: npt.ArrayLike | None = None,
    as_of: date | None = None,
    spark: Any | None = None,
) -> tuple[npt.NDArray[np.uint8], Fixpoint, Fixpoint]:
    """Resolve ``graph`` on Spark: (status codes, lower fixpoint, upper fixpoint), as :func:`resolve` would."""
    from ownergate.ownership.resolution import _seed_masks

    r = get_rule(rule)
    day = as_of or datetime.now(UTC).date()
    view = graph.view(r.kinds, day)
    mask, maybe = _seed_masks(graph, r, seeds, day)
    exempt = r.exemption(graph) if r.exempt_countries else None
    if not r.in_force(day):
        lower, upper = fixpoint.seed_only(graph.n, mask), fixpoint.seed_only(graph.n, mask | maybe)
        return combine(lower, upper, None, mask, exempt), lower, upper
    own = spark is None
    spark = spark or session()
    try:
        joint = r.joint(graph)
        w_lo, w_hi = fixpoint.weights(view, r, False, joint), fixpoint.weights(view, r, True, joint)
        rows = list(zip(view.src.tolist(), view.dst.tolist(), w_lo.tolist(), w_hi.tolist(), strict=True))
        edges = spark.createDataFrame(rows, "src long, dst long, w_lo double, w_hi double").localCheckpoint()
        seed_df = spark.createDataFrame([(int(i),) for i in np.flatnonzero(mask)], "node long")
        hi_df = spark.createDataFrame([(int(i),) for i in np.flatnonzero(mask | maybe)], "node long")
        step = {Method.AGGREGATE: _aggregate, Method.PER_OWNER: _per_owner, Method.LOOKTHROUGH: _lookthrough}[r.method]
        lower = _collect(graph.n, *step(edges, seed_df, "w_lo", r), mask)
        upper = _collect(graph.n, *step(edges, hi_df, "w_hi", r), mask | maybe)
    finally:
        if own:
            spark.stop()
    review = r.reviews(upper.stake) if r.review_at is not None else None
    return combine(lower, upper, review, mask, exempt), lower, upper
