"""The per-owner (UK) fixpoint equals a plain Python worklist run seed by seed (property test, cycles and ranges)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ownergate.ownership import OwnershipGraph, get_rule, resolve
from ownergate.ownership.fixpoint import per_owner, per_owner_pairs, weights
from ownergate.ownership.rules import TOLERANCE, Rule

from .helpers import graph

N = 8
# Multiples of 1/8 add up exactly, so stakes that tie in exact arithmetic tie in floats as well.
SHARES = st.sampled_from([0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 1.0, (0.25, 0.5), (0.375, 0.625), (0.0, 0.25), None])
EDGES = st.lists(st.tuples(st.integers(0, N - 1), st.integers(0, N - 1), SHARES), max_size=24)

Group = tuple[dict[int, float], dict[int, int]]  # one seed's stakes and rounds, by node


def passes(rule: Rule, stake: float) -> bool:
    return stake > rule.threshold + TOLERANCE if rule.strict else stake >= rule.threshold - TOLERANCE


def group(out: list[list[tuple[int, float]]], seed: int, rule: Rule) -> Group:
    """The aggregated fixpoint seeded by ``seed`` alone, round by round, over adjacency lists."""
    stake: dict[int, float] = {seed: 0.0}
    rounds = {seed: 0}
    frontier, r = [seed], 0
    while frontier:
        r += 1
        touched: set[int] = set()
        for u in frontier:
            for v, s in out[u]:
                stake[v] = stake.get(v, 0.0) + s
                touched.add(v)
        frontier = sorted(v for v in touched if v not in rounds and passes(rule, stake[v]))
        rounds.update((v, r) for v in frontier)
    return stake, rounds


def reference(
    n: int, edges: list[tuple[int, int, float]], seeds: list[int], rule: Rule
) -> tuple[dict[int, Group], list[bool], list[int], list[float], list[int]]:
    """Per-seed groups, then restricted, round, stake and via as ``per_owner`` defines them."""
    out: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for u, v, s in edges:
        out[u].append((v, s))
    groups = {s: group(out, s, rule) for s in seeds}
    round_, stake, via = [-1] * n, [0.0] * n, [-1] * n
    for v in range(n):
        stake[v] = max([g[0].get(v, 0.0) for g in groups.values()], default=0.0)
        holding = {s: g[0].get(v, 0.0) for s, g in groups.items() if v in g[1]}
        if holding:
            round_[v] = min(groups[s][1][v] for s in holding)
            top = max(holding.values())
            via[v] = v if v in groups else min(s for s, x in holding.items() if x >= top - TOLERANCE)
    return groups, [r >= 0 for r in round_], round_, stake, via


def build(n: int, edges: list[tuple[int, int, object]]) -> OwnershipGraph:
    lo = [np.nan if s is None else s[0] if isinstance(s, tuple) else s for _, _, s in edges]
    hi = [np.nan if s is None else s[1] if isinstance(s, tuple) else s for _, _, s in edges]
    return OwnershipGraph.from_edges(
        [f"n{i}" for i in range(n)], [u for u, _, _ in edges], [v for _, v, _ in edges], lo, hi
    )


@settings(max_examples=300, deadline=None)
@given(
    edges=EDGES,
    seed_mask=st.lists(st.booleans(), min_size=N, max_size=N),
    threshold=st.sampled_from([0.25, 0.5, 0.75]),
    strict=st.booleans(),
)
def test_per_owner_equals_a_worklist_per_seed(
    edges: list[tuple[int, int, object]], seed_mask: list[bool], threshold: float, strict: bool
) -> None:
    rule = get_rule("uk", threshold=threshold, strict=strict)
    view = build(N, edges).view(rule.kinds)
    seeds = np.array(seed_mask, np.bool_)
    for upper in (False, True):
        w = weights(view, rule, upper)
        plain = list(zip(view.src.tolist(), view.dst.tolist(), w.tolist(), strict=True))
        groups, restricted, round_, stake, via = reference(N, plain, np.flatnonzero(seeds).tolist(), rule)
        got = per_owner(view, w, seeds, rule)
        assert got.restricted.tolist() == restricted
        assert got.round_.tolist() == round_
        assert np.allclose(got.stake, stake, rtol=0, atol=1e-12)
        assert got.via is not None and got.via.tolist() == via
        pairs = per_owner_pairs(view, w, seeds, rule)
        keys = list(zip(pairs.seed.tolist(), pairs.node.tolist(), strict=True))
        assert keys == sorted((s, v) for s, g in groups.items() for v in g[0])
        assert pairs.round_.tolist() == [groups[s][1].get(v, -1) for s, v in keys]
        assert np.allclose(pairs.stake, [groups[s][0][v] for s, v in keys], rtol=0, atol=1e-12)


def test_no_seeds() -> None:
    g = build(3, [(0, 1, 1.0), (1, 2, 1.0)])
    rule = get_rule("uk")
    view = g.view(rule.kinds)
    fp = per_owner(view, weights(view, rule, False), np.zeros(3, np.bool_), rule)
    assert fp.restricted.tolist() == [False] * 3 and fp.round_.tolist() == [-1] * 3
    assert fp.via is not None and fp.via.tolist() == [-1] * 3
    assert per_owner_pairs(view, weights(view, rule, False), np.zeros(3, np.bool_), rule).seed.size == 0


def test_via_ties_go_to_the_lowest_seed_whatever_the_order_of_sums() -> None:
    # X holds 30% of C; Y holds 10% directly and 20% through A, and 0.1 + 0.2 is 0.30000000000000004
    # in floats: within the tolerance that is a tie, and X comes first.
    sdn = "+uk-sanctions"
    g = graph(["x" + sdn, "y" + sdn, "a", "c"], [("x", "c", 0.3), ("y", "c", 0.1), ("y", "a", 1.0), ("a", "c", 0.2)])
    res = resolve(g, get_rule("uk", threshold=0.25))
    assert res.lower.via is not None and res.lower.via.tolist() == [0, 1, 1, 0]
    assert res.lower.stake[g.idx("c")] > 0.3
    lines = [line for line in res.evidence("c").describe().splitlines() if not line.startswith("rule basis: ")]
    assert lines[1:] == ["C <- 30% X (listed: uk-sanctions) [source: test x->c]"]
