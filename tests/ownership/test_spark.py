"""The Spark backend gives the numpy engine's results on the same small graphs (random ones with cycles too)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import numpy as np
import pytest

from ownergate.ownership import OwnershipGraph, get_rule, resolve

from .helpers import Edge, graph

pytest.importorskip("pyspark")
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]  # one local Spark JVM


@pytest.fixture(scope="session")  # one JVM however xdist interleaves the group's modules
def spark() -> Iterator[Any]:
    from ownergate.ownership.spark import session

    s = session("local[2]")
    yield s
    s.stop()


def random_case(seed: int, n: int = 10, m: int = 18) -> tuple[list[str], list[Edge]]:
    rng = np.random.default_rng(seed)
    shares: list[Any] = [0.1, 0.25, 0.3, 0.5, 0.6, 1.0, (0.25, 0.5), None]
    edges: dict[tuple[int, int], Any] = {}
    for _ in range(m):
        u, v = (int(x) for x in rng.integers(0, n, 2))
        edges[(u, v)] = shares[int(rng.integers(0, len(shares)))]
    nodes = [
        f"n{i}" + {0: "+us-ofac-sdn;uk-sanctions", 1: "+us-ofac-sdn;uk-sanctions", 2: ":CN"}.get(i, "")
        for i in range(n)
    ]
    return nodes, [(f"n{u}", f"n{v}", s) for (u, v), s in edges.items()]


CASES = [
    (["x:CN+us-ofac-sdn;uk-sanctions", "a", "b", "c"], [("x", "a", 0.6), ("a", "b", 0.7), ("b", "c", 0.8)]),
    (["x+us-ofac-sdn;uk-sanctions", "y+us-ofac-sdn;uk-sanctions", "c"], [("x", "c", 0.25), ("y", "c", 0.25)]),
    (["x+us-ofac-sdn;uk-sanctions", "a", "b"], [("x", "a", 0.6), ("a", "b", 1.0), ("b", "a", 1.0)]),
    (["x:RU", "a", "b"], [("x", "a", (0.25, 0.75)), ("x", "b", None), ("a", "b", 0.3)]),
    (["x:?", "a", "b:?", "c:CN"], [("x", "a", 0.6), ("a", "b", 0.6), ("c", "b", 0.3)]),
]


def disjoint_union(cases: list[tuple[list[str], list[Edge]]]) -> OwnershipGraph:
    """Many small graphs as one (ids prefixed per case): one Spark run checks them all."""
    nodes: list[str] = []
    edges: list[Edge] = []
    for k, (ns, es) in enumerate(cases):
        nodes += [f"g{k}_{spec}" for spec in ns]
        edges += [(f"g{k}_{u}", f"g{k}_{v}", s) for u, v, s in es]
    return graph(nodes, edges)


@pytest.mark.parametrize("rule", ["ofac", "anthropic", "uk", "lookthrough"])
def test_spark_matches_numpy(spark: Any, rule: str) -> None:
    from ownergate.ownership.spark import resolve_spark

    # Look-through on random cycles converges geometrically (dozens of Spark rounds): the named
    # cases, cycles included, keep that check short.
    cases = CASES + ([] if rule == "lookthrough" else [random_case(s) for s in range(4)])
    g = disjoint_union(cases)
    expected = resolve(g, rule)
    status, lower, upper = resolve_spark(g, rule, spark=spark)
    assert status.tolist() == expected.status.tolist()
    assert expected.counts()["restricted"] > 0
    assert np.allclose(lower.stake, expected.lower.stake, atol=1e-9)
    assert np.allclose(upper.stake, expected.upper.stake, atol=1e-9)
    for mine, theirs in ((lower, expected.lower), (upper, expected.upper)):  # what evidence walks back along
        assert mine.round_.tolist() == theirs.round_.tolist()
        assert (mine.via is None) == (theirs.via is None)
        if mine.via is not None and theirs.via is not None:
            assert mine.via.tolist() == theirs.via.tolist()


@pytest.mark.parametrize("rule", ["ofac", "uk"])
def test_spark_resolution_gives_the_same_evidence(spark: Any, rule: str) -> None:
    from ownergate.ownership.spark import resolve_on_spark

    g = disjoint_union(CASES + [random_case(s) for s in range(4)])
    expected = resolve(g, rule)
    res = resolve_on_spark(g, rule, spark=spark)
    for nid in g.node_ids:
        assert res.evidence(nid).to_dict() == expected.evidence(nid).to_dict(), nid


def test_spark_matches_numpy_with_review_tier_and_exemption(spark: Any) -> None:
    from ownergate.ownership.spark import resolve_spark

    cases = [
        *CASES,
        (
            ["x+us-bis-entity;us-ofac-sdn", "us:US", "de:DE", "u:?", "v:?"],
            [("x", "us", 1.0), ("us", "de", 1.0), ("x", "u", 0.6), ("x", "v", 0.3)],
        ),
    ]
    g = disjoint_union(cases)
    day = date(2025, 10, 1)
    for rule in (get_rule("bis"), get_rule("ofac", review_at=0.25)):
        expected = resolve(g, rule, as_of=day)
        status, _, _ = resolve_spark(g, rule, as_of=day, spark=spark)
        assert status.tolist() == expected.status.tolist(), rule.name
        assert expected.counts()["possible"] > 0
