"""Unknown never means clean: removing a fact from a random graph never turns a restricted or
possible node clear, under every built-in rule (Hypothesis).

A fact is removed as the data would lose it: a party's country (a company's or state's
headquarters and incorporation; a person's nationality, residence or both), a share (the edge
stays, its size unknown), or a list (the rule's list could not be read).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ownergate.ownership import OwnershipGraph, Status, get_rule, resolve

N = 6
DAY = date(2025, 10, 1)  # the BIS Affiliates Rule in force
RULES = ["anthropic", "ofac", "bis", "eu", "uk", "lookthrough"]
COUNTRIES = st.sampled_from([None, "CN", "US", "FR", "RU", "VE", "UA-43"])
LISTS = st.sampled_from([None, ["us-ofac-sdn"], ["us-dod-1260h"], ["eu-fsf"], ["uk-sanctions"], ["us-bis-entity"]])
SHARES = st.sampled_from([0.1, 0.25, 0.3, 0.5, 0.51, 0.6, 1.0, (0.25, 0.5), (0.4, 0.6), None])


@dataclass
class Node:
    kind: str
    hq: str | None
    inc: str | None
    nationality: str | None
    residence: str | None
    lists: list[str] | None


@dataclass
class World:
    nodes: list[Node]
    edges: dict[tuple[int, int], object] = field(default_factory=dict)

    def graph(self) -> OwnershipGraph:
        pairs = list(self.edges.items())
        lo = [float("nan") if s is None else (s[0] if isinstance(s, tuple) else s) for _, s in pairs]
        hi = [float("nan") if s is None else (s[1] if isinstance(s, tuple) else s) for _, s in pairs]
        return OwnershipGraph.from_edges(
            [f"n{i}" for i in range(N)],
            [u for (u, _), _ in pairs],
            [v for (_, v), _ in pairs],
            lo,
            hi,
            sources=[f"row {k + 1}" for k in range(len(pairs))],
            hq_country=[n.hq for n in self.nodes],
            incorporation_country=[n.inc for n in self.nodes],
            lists=[n.lists for n in self.nodes],
            node_kind=[n.kind for n in self.nodes],
            nationality={i: n.nationality for i, n in enumerate(self.nodes) if n.nationality},
            residence={i: n.residence for i, n in enumerate(self.nodes) if n.residence},
        )


NODE = st.builds(
    Node, st.sampled_from(["company", "person", "state"]), COUNTRIES, COUNTRIES, COUNTRIES, COUNTRIES, LISTS
)
WORLD = st.builds(
    World,
    st.lists(NODE, min_size=N, max_size=N),
    st.dictionaries(st.tuples(st.integers(0, N - 1), st.integers(0, N - 1)), SHARES, max_size=12),
)
REMOVAL = st.one_of(
    st.tuples(st.just("country"), st.integers(0, N - 1), st.sampled_from(["all", "nationality", "residence"])),
    st.tuples(st.just("share"), st.integers(0, 11), st.just("")),
    st.tuples(st.just("list"), st.integers(0, N - 1), st.just("")),
)


def statuses(world: World, rule: str, unavailable: tuple[str, ...] = ()) -> dict[str, Status]:
    r = get_rule(rule, lists_unavailable=unavailable) if unavailable else rule
    res = resolve(world.graph(), r, as_of=DAY)
    return {nid: res.status_of(nid) for nid in res.graph.node_ids}


def remove(world: World, what: tuple[str, int, str]) -> tuple[World, tuple[str, ...]]:
    name, k, part = what
    nodes = list(world.nodes)
    edges = dict(world.edges)
    if name == "country":
        node = nodes[k]
        if part == "all" or node.kind != "person":
            nodes[k] = replace(node, hq=None, inc=None, nationality=None, residence=None)
        else:
            nodes[k] = replace(node, **{part: None})
        return World(nodes, edges), ()
    if name == "share":
        if edges:
            key = sorted(edges)[k % len(edges)]
            edges[key] = None
        return World(nodes, edges), ()
    return World(nodes, edges), tuple(world.nodes[k].lists or ["us-ofac-sdn"])


@settings(max_examples=150, deadline=None)
@given(world=WORLD, rule=st.sampled_from(RULES), what=REMOVAL)
def test_removing_a_fact_never_clears(world: World, rule: str, what: tuple[str, int, str]) -> None:
    before = statuses(world, rule)
    smaller, unavailable = remove(world, what)
    after = statuses(smaller, rule, unavailable)
    for nid, status in before.items():
        if status is not Status.CLEAR:
            assert after[nid] is not Status.CLEAR, (nid, status, what)


def test_a_missing_list_makes_every_party_possible() -> None:
    world = World([Node("company", "FR", None, None, None, None) for _ in range(N)], {(0, 1): 1.0})
    assert set(statuses(world, "ofac").values()) == {Status.CLEAR}
    after = statuses(world, "ofac", ("us-ofac-sdn",))
    assert set(after.values()) == {Status.POSSIBLE}
    res = resolve(world.graph(), get_rule("ofac", lists_unavailable=("us-ofac-sdn",)), as_of=DAY)
    assert "list unavailable: us-ofac-sdn" in res.evidence("n0").describe()
