"""The distributed backend: the same fixpoints as plain PySpark DataFrame joins (``ownergate[spark]``).

Edges are a DataFrame ``(src, dst, w_lo, w_hi)`` of node numbers and the two bounds' weights
(control of unknown size already substituted), seeds a DataFrame ``(node)``. Each bound runs:

- aggregate: restricted nodes joined to their out-edges, stakes summed per target, targets that
  pass the threshold added (tagged with the round), until a round adds nobody;
- per owner (UK): the same on ``(seed, node)`` pairs, so each seed's group accumulates on its
  own, all seeds at once; per node the earliest round and the seed whose group carries it with
  the largest stake (``via``, ties within the tolerance to the lowest seed);
- look-through: ``x = min(1, sum(w * x[src]))`` for non-seeds, seeds at 1, until no value moves
  by more than 1e-13.

Results come back as numpy arrays in the same :class:`~ownergate.ownership.fixpoint.Fixpoint`
shape as the single-machine engine (rounds and ``via`` included), so :func:`resolve_on_spark`
gives a :class:`~ownergate.ownership.resolution.Resolution` whose evidence is built exactly as the
array engine's. Only DataFrame operations run on the cluster: executors start no Python worker.
Data crosses as Arrow tables with pyspark 4 (row lists with 3.5). The conformance tests are
``tests/ownership/test_spark.py`` (local) and ``tests/ownership/test_spark_cluster.py`` (a
standalone master with two workers, through ``ownergate graph resolve --engine spark``).
"""

from __future__ import annotations

import re
import socket
import time
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ownergate.errors import ConfigError
from ownergate.ownership.fixpoint import Fixpoint
from ownergate.ownership.graph import BoolArray, FloatArray, OwnershipGraph, View
from ownergate.ownership.rules import TOLERANCE, Method, Rule

if TYPE_CHECKING:
    from ownergate.ownership.resolution import Resolution

CONVERGED = 1e-13
MAX_ROUNDS = 10_000
#: the master used when none is given
LOCAL = "local[2]"
#: driver and executor memory: the fixpoints keep node numbers and weights only
MEMORY = "1g"
#: how long a ``spark://`` master may take to give the application its first executor
EXECUTOR_WAIT_S = 60.0
CONNECT_TIMEOUT_S = 5.0

_LOCAL = re.compile(r"local(\[(\d+|\*)(,\d+)?\])?")
_STANDALONE = re.compile(r"spark://([^,/:]+:\d+)(,[^,/:]+:\d+)*")


def check_master(master: str) -> None:
    """Refuse a master that is neither ``local[N]`` nor a reachable ``spark://host:port[,host:port]``."""
    if _LOCAL.fullmatch(master):
        return
    if not _STANDALONE.fullmatch(master):
        raise ConfigError(f"Spark master {master!r}: give local[N] or spark://host:port")
    problems = []
    for address in master.removeprefix("spark://").split(","):
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S):
                return
        except OSError as exc:
            problems.append(f"{address}: {exc.strerror or exc}")
    raise ConfigError(f"cannot reach the Spark master {master} ({'; '.join(problems)})")


def session(master: str = LOCAL, memory: str = MEMORY, wait_s: float = EXECUTOR_WAIT_S) -> Any:
    """A Spark session on ``master`` tuned for small shuffles (the caller stops it).

    A ``spark://`` master must answer and give at least one executor within ``wait_s`` seconds;
    otherwise, or when pyspark is missing, a :class:`ConfigError` names the master."""
    check_master(master)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError(
            f"the Spark backend (master {master}) needs the optional extra: pip install 'ownergate[spark]'"
        ) from None
    try:
        spark = (
            SparkSession.builder.master(master)
            .appName("ownergate-ownership")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.default.parallelism", "4")
            .config("spark.driver.memory", memory)
            .config("spark.executor.memory", memory)
            .getOrCreate()
        )
    except Exception as exc:  # the JVM did not start (no Java, a bad setting): one line, no traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"could not start Spark on master {master}: {first}") from None
    spark.sparkContext.setLogLevel("ERROR")
    if master.startswith("spark://"):
        _await_executors(spark, master, wait_s)
    return spark


def _await_executors(spark: Any, master: str, wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() > 1:  # the driver counts as one
            return
        time.sleep(0.2)
    spark.stop()
    raise ConfigError(
        f"the Spark master {master} gave no executor within {wait_s:g} s (no worker alive with a free core and"
        f" {MEMORY} of memory?)"
    )


def _arrow() -> bool:
    from pyspark.sql import DataFrame

    return hasattr(DataFrame, "toArrow")  # pyspark 4


def _frame(spark: Any, columns: dict[str, npt.NDArray[Any]], schema: str) -> Any:
    """A DataFrame of numpy columns: as one Arrow table with pyspark 4, else as rows."""
    if _arrow():
        import pyarrow as pa

        return spark.createDataFrame(pa.table(columns))
    rows = list(zip(*(c.tolist() for c in columns.values()), strict=True))
    return spark.createDataFrame(rows, schema)


def _columns(df: Any, names: tuple[str, ...]) -> list[npt.NDArray[Any]]:
    if _arrow():
        table = df.select(*names).toArrow()
        return [table.column(c).to_numpy() for c in names]
    rows = df.select(*names).collect()
    return [np.array([r[c] for r in rows]) for c in names]


def _passes(col: Any, rule: Rule) -> Any:
    return col > rule.limit if rule.strict else col >= rule.limit


def _aggregate(edges: Any, seeds: Any, w: str, rule: Rule) -> tuple[Any, Any]:
    from pyspark.sql import functions as F

    restricted = seeds.select("node", F.lit(0).alias("round")).localCheckpoint()
    r = 0
    while True:
        r += 1
        stake = (
            restricted.join(edges, restricted.node == edges.src)
            .groupBy("dst")
            .agg(F.sum(w).alias("stake"))
            .withColumnRenamed("dst", "node")
        )
        new = stake.filter(_passes(F.col("stake"), rule)).select("node").join(restricted, "node", "left_anti")
        new = new.withColumn("round", F.lit(r)).localCheckpoint()
        if not new.take(1):
            return restricted, stake
        restricted = restricted.unionByName(new).localCheckpoint()


def _per_owner(edges: Any, seeds: Any, w: str, rule: Rule) -> tuple[Any, Any]:
    from pyspark.sql import functions as F

    pairs = seeds.select(F.col("node").alias("seed"), "node", F.lit(0).alias("round")).localCheckpoint()
    r = 0
    while True:
        r += 1
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
            .withColumn("round", F.lit(r))
        )
        new = new.localCheckpoint()
        if not new.take(1):
            break
        pairs = pairs.unionByName(new).localCheckpoint()
    best = stake.groupBy("node").agg(F.max("stake").alias("stake"))
    held = pairs.join(stake, ["seed", "node"], "left").fillna(0.0, ["stake"])
    top = held.groupBy("node").agg(F.max("stake").alias("top"), F.min("round").alias("first"))
    restricted = (
        held.join(top, "node")
        .filter(F.col("stake") >= F.col("top") - TOLERANCE)
        .groupBy("node")
        .agg(F.min("first").alias("round"), F.min("seed").alias("via"))
    )
    return restricted, best


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
    restricted = values.filter(_passes(F.col("x"), rule)).select("node", F.lit(1).alias("round"))
    return restricted, values.withColumnRenamed("x", "stake")


def _collect(n: int, restricted: Any, stake: Any, seeds: BoolArray, per_owner: bool) -> Fixpoint:
    """One bound's DataFrames as the array engine's :class:`Fixpoint` (seeds in round 0, their own ``via``)."""
    names = ("node", "round", "via") if per_owner else ("node", "round")
    found = _columns(restricted, names)
    node = found[0].astype(np.int64)
    mask = np.zeros(n, np.bool_)
    mask[node] = True
    mask |= seeds
    round_ = np.full(n, -1, np.int32)
    round_[node] = found[1]
    round_[seeds] = 0
    values = np.zeros(n, np.float64)
    at, stakes = _columns(stake, ("node", "stake"))
    values[at.astype(np.int64)] = stakes
    via = None
    if per_owner:
        via = np.full(n, -1, np.int64)
        via[node] = found[2]
        via[seeds] = np.flatnonzero(seeds)
    return Fixpoint(mask, round_, values, via)


def resolve_on_spark(
    graph: OwnershipGraph,
    rule: str | Rule,
    seeds: npt.ArrayLike | None = None,
    as_of: date | None = None,
    spark: Any | None = None,
    master: str = LOCAL,
) -> Resolution:
    """Resolve ``graph`` on Spark (the session given, else one on ``master``, stopped after): the same
    :class:`Resolution` as :func:`~ownergate.ownership.resolution.resolve`, evidence included."""
    from ownergate.ownership.resolution import resolve

    def on_spark(
        view: View, w_lo: FloatArray, w_hi: FloatArray, mask: BoolArray, maybe: BoolArray, r: Rule
    ) -> tuple[Fixpoint, Fixpoint]:
        active = spark or session(master)
        try:
            edges = _frame(
                active,
                {"src": view.src.astype(np.int64), "dst": view.dst.astype(np.int64), "w_lo": w_lo, "w_hi": w_hi},
                "src long, dst long, w_lo double, w_hi double",
            ).localCheckpoint()
            seed_df = _frame(active, {"node": np.flatnonzero(mask).astype(np.int64)}, "node long")
            hi_df = _frame(active, {"node": np.flatnonzero(mask | maybe).astype(np.int64)}, "node long")
            step = {Method.AGGREGATE: _aggregate, Method.PER_OWNER: _per_owner, Method.LOOKTHROUGH: _lookthrough}
            per_owner = r.method is Method.PER_OWNER
            lower = _collect(graph.n, *step[r.method](edges, seed_df, "w_lo", r), mask, per_owner)
            upper = _collect(graph.n, *step[r.method](edges, hi_df, "w_hi", r), mask | maybe, per_owner)
        finally:
            if spark is None:
                active.stop()
        return lower, upper

    return resolve(graph, rule, seeds, as_of, fixpoints=on_spark)


def resolve_spark(
    graph: OwnershipGraph,
    rule: str | Rule,
    seeds: npt.ArrayLike | None = None,
    as_of: date | None = None,
    spark: Any | None = None,
) -> tuple[npt.NDArray[np.uint8], Fixpoint, Fixpoint]:
    """Resolve ``graph`` on Spark: (status codes, lower fixpoint, upper fixpoint), as :func:`resolve` would."""
    res = resolve_on_spark(graph, rule, seeds, as_of, spark)
    return res.status, res.lower, res.upper
