"""The incremental resolver always equals a full recompute (property test on random graphs with cycles)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownergate.ownership import OwnershipGraph, Status, get_rule, resolve
from ownergate.ownership.incremental import IncrementalResolver

from .helpers import graph

N = 7
SHARES = st.sampled_from([0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 1.0, (0.25, 0.5), (0.5, 0.75), (0.0, 0.3), None])
EDGE = st.tuples(st.integers(0, N - 1), st.integers(0, N - 1), SHARES)
OP = st.one_of(
    st.tuples(st.just("add"), EDGE),
    st.tuples(st.just("remove"), st.tuples(st.integers(0, N - 1), st.integers(0, N - 1))),
    st.tuples(st.just("add_seed"), st.integers(0, N - 1)),
    st.tuples(st.just("remove_seed"), st.integers(0, N - 1)),
)


def build(edges: list[tuple[int, int, object]]) -> OwnershipGraph:
    folded: dict[tuple[int, int], object] = {}
    for u, v, s in edges:
        folded[(u, v)] = s  # the resolver's add_edge replaces a pair's share
    return graph([f"n{i}" for i in range(N)], [(f"n{u}", f"n{v}", s) for (u, v), s in folded.items()])  # type: ignore[misc]


def apply(inc: IncrementalResolver, op: tuple[str, object]) -> set[str]:
    name, arg = op
    if name == "add":
        u, v, s = arg  # type: ignore[misc]
        lo, hi = (s, s) if not isinstance(s, tuple) else s
        return inc.add_edge(f"n{u}", f"n{v}", lo, hi)
    if name == "remove":
        u, v = arg  # type: ignore[misc]
        return inc.remove_edge(f"n{u}", f"n{v}")
    if name == "add_seed":
        return inc.add_seed(f"n{arg}")
    return inc.remove_seed(f"n{arg}")


def full_recompute_not_expected() -> set[str]:
    raise AssertionError("a single edit recomputed the whole graph")


def check(
    rule: str,
    edges: list[tuple[int, int, object]],
    seeds: list[int],
    ops: list[tuple[str, object]],
    cone_limit: int | None = None,
) -> None:
    """After every op: statuses, the changed set and share ranges equal a full recompute's."""
    g = build(edges)
    inc = IncrementalResolver(g, rule, seeds=[f"n{s}" for s in seeds])
    if cone_limit is None:
        inc._recompute = full_recompute_not_expected  # type: ignore[method-assign]
    else:
        inc.state.limit = cone_limit  # type: ignore[attr-defined]
    before = inc.statuses()
    for op in ops:
        changed = apply(inc, op)
        full = resolve(inc.to_graph(), rule, seeds=np.array(inc.seeds, np.bool_))
        now = inc.statuses()
        expected = {nid: full.status_of(nid) for nid in inc.ids}
        assert now == expected, op
        assert changed == {nid for nid in now if before.get(nid, Status.CLEAR) is not now[nid]}, op
        for i, nid in enumerate(inc.ids):
            lo, hi = inc.share_range(nid)
            assert lo == pytest.approx(full.share_min[i], abs=1e-9)
            assert hi == pytest.approx(full.share_max[i], abs=1e-9)
        before = now


@settings(max_examples=300, deadline=None)
@given(
    rule=st.sampled_from(["ofac", "anthropic"]),
    edges=st.lists(EDGE, max_size=14),
    seeds=st.lists(st.integers(0, N - 1), max_size=3),
    ops=st.lists(OP, min_size=1, max_size=8),
)
def test_incremental_equals_full_recompute(rule: str, edges, seeds, ops) -> None:  # type: ignore[no-untyped-def]
    check(rule, edges, seeds, ops)


@settings(max_examples=300, deadline=None)
@given(
    rule=st.sampled_from(["uk", "lookthrough"]),
    edges=st.lists(EDGE, max_size=14),
    seeds=st.lists(st.integers(0, N - 1), max_size=3),
    ops=st.lists(OP, min_size=1, max_size=8),
)
def test_per_owner_and_lookthrough_equal_full_recompute(rule: str, edges, seeds, ops) -> None:  # type: ignore[no-untyped-def]
    check(rule, edges, seeds, ops)


@settings(max_examples=60, deadline=None)
@given(
    edges=st.lists(EDGE, max_size=14),
    seeds=st.lists(st.integers(0, N - 1), max_size=3),
    ops=st.lists(OP, min_size=1, max_size=8),
)
def test_lookthrough_falls_back_to_a_full_recompute_on_a_large_cone(edges, seeds, ops) -> None:  # type: ignore[no-untyped-def]
    check("lookthrough", edges, seeds, ops, cone_limit=1)


def test_removing_the_outside_stake_frees_a_cycle() -> None:
    g = graph(["x+us-ofac-sdn", "a", "b"], [("x", "a", 0.6), ("a", "b", 1.0), ("b", "a", 1.0)])
    inc = IncrementalResolver(g, "ofac")
    assert inc.status("b") is Status.RESTRICTED
    assert inc.remove_edge("x", "a") == {"a", "b"}
    assert inc.status("a") is Status.CLEAR and inc.status("b") is Status.CLEAR
    assert inc.add_edge("x", "b", 0.25, 0.5) == {"a", "b"}
    assert inc.status("a") is Status.POSSIBLE


def test_rule_out_of_force_only_moves_seeds() -> None:
    g = graph(["x+us-bis-entity", "a"], [("x", "a", 0.9)])
    inc = IncrementalResolver(g, "bis", as_of=date(2026, 1, 1))
    assert inc.status("a") is Status.CLEAR
    assert inc.add_edge("x", "a", 1.0) == set()
    assert inc.add_seed("a") == {"a"}
    assert inc.remove_seed("x") == {"x"}


def test_uk_removing_the_controlling_edge_frees_what_is_held_through_it() -> None:
    g = graph(
        ["x+uk-sanctions", "z+uk-sanctions", "a", "b", "c"],
        [("x", "a", 0.6), ("a", "b", 0.8), ("a", "c", 0.4), ("x", "c", 0.2), ("z", "b", 0.3)],
    )
    inc = IncrementalResolver(g, "uk")
    assert [inc.status(n) for n in "abc"] == [Status.RESTRICTED] * 3
    assert inc.remove_edge("x", "a") == {"a", "b", "c"}
    assert inc.share_range("b") == pytest.approx((0.3, 0.3))  # z's holding alone
    assert inc.share_range("c") == pytest.approx((0.2, 0.2))  # x's direct holding alone
    assert inc.add_edge("x", "a", 0.51) == {"a", "b", "c"}


def test_uk_two_seeds_of_30_percent_each_are_not_aggregated() -> None:
    g = graph(["x+uk-sanctions;us-ofac-sdn", "y+uk-sanctions;us-ofac-sdn", "a"], [("x", "a", 0.3)])
    inc, ofac = IncrementalResolver(g, "uk"), IncrementalResolver(g, "ofac")
    assert inc.add_edge("y", "a", 0.3) == set()
    assert ofac.add_edge("y", "a", 0.3) == {"a"}
    assert inc.share_range("a") == pytest.approx((0.3, 0.3))
    assert inc.set_share("x", "a", 0.6) == {"a"}
    assert inc.remove_seed("x") == {"x", "a"}


def test_lookthrough_cycle_of_full_holdings_terminates_and_is_freed() -> None:
    g = graph(["x+us-ofac-sdn", "a", "b"], [("x", "a", 0.6), ("a", "b", 1.0), ("b", "a", 1.0)])
    inc = IncrementalResolver(g, "lookthrough")
    assert inc.status("a") is Status.RESTRICTED and inc.status("b") is Status.RESTRICTED
    assert inc.remove_edge("x", "a") == {"a", "b"}
    assert inc.share_range("a") == (0.0, 0.0) and inc.share_range("b") == (0.0, 0.0)
    assert inc.add_edge("x", "b", 0.1) == {"a", "b"}  # the cycle carries 10% round to the cap
    assert inc.share_range("a") == pytest.approx((1.0, 1.0))


def test_lookthrough_chain_multiplies_down_below_the_threshold() -> None:
    g = graph(["x+us-ofac-sdn", "a", "b", "c"], [])
    inc = IncrementalResolver(g, "lookthrough")
    assert inc.add_edge("x", "a", 0.6) == {"a"}
    assert inc.add_edge("a", "b", 0.7) == set()
    assert inc.add_edge("b", "c", 0.8) == set()
    assert inc.share_range("c") == pytest.approx((0.336, 0.336))
    assert inc.set_share("x", "a", 1.0) == {"b", "c"}  # 0.7 and 0.56
    assert inc.remove_seed("x") == {"x", "a", "b", "c"}


COUNTRY = st.sampled_from(["CN", "FR", "US", "?"])


def check_own_seeds(
    rule: object, hqs: list[str], edges: list[tuple[int, int, object]], ops: list[tuple[str, object]]
) -> None:
    """Seeds from the graph itself (parties of unknown country are possible seeds), a review tier or an
    exemption: after every edit the live statuses and the changed set equal a full recompute's."""
    nodes = [f"n{i}:{hq}" for i, hq in enumerate(hqs)]
    folded: dict[tuple[int, int], object] = {}
    for u, v, s in edges:
        folded[(u, v)] = s
    g = graph(nodes, [(f"n{u}", f"n{v}", s) for (u, v), s in folded.items()])  # type: ignore[misc]
    inc = IncrementalResolver(g, rule)  # type: ignore[arg-type]
    inc._recompute = full_recompute_not_expected  # type: ignore[method-assign]
    before = inc.statuses()
    for op in ops:
        changed = apply(inc, op)
        full = resolve(
            inc.to_graph(), inc.rule, seeds=np.array(inc.seeds, np.bool_), maybe=np.array(inc.maybe, np.bool_)
        )
        now = inc.statuses()
        expected = {nid: full.status_of(nid) for nid in inc.ids}
        if inc.rule.exempt_countries:  # to_graph() carries no countries: the exemption from the first graph
            assert {k for k, v in now.items() if v is Status.CLEAR} >= {
                inc.ids[i] for i, e in enumerate(inc.exempt) if e and not inc.seeds[i]
            }
        else:
            assert now == expected, op
        assert changed == {nid for nid in now if before.get(nid, Status.CLEAR) is not now[nid]}, op
        before = now


@settings(max_examples=200, deadline=None)
@given(
    rule=st.sampled_from(
        ["anthropic", get_rule("ofac", review_at=0.25), get_rule("anthropic", review_at=0.3), "lookthrough"]
    ),
    hqs=st.lists(COUNTRY, min_size=N, max_size=N),
    edges=st.lists(EDGE, max_size=12),
    ops=st.lists(OP, min_size=1, max_size=6),
)
def test_possible_seeds_and_review_tier_follow_edits(rule, hqs, edges, ops) -> None:  # type: ignore[no-untyped-def]
    check_own_seeds(rule, hqs, edges, ops)


def test_a_node_an_edit_adds_is_of_unknown_country() -> None:
    g = graph(["cn:CN", "a:FR"], [("cn", "a", 0.3)])
    inc = IncrementalResolver(g, "anthropic")
    assert inc.status("a") is Status.CLEAR
    assert inc.add_edge("new", "a", 0.3) == {"new", "a"}
    assert inc.status("new") is Status.POSSIBLE and inc.status("a") is Status.POSSIBLE
