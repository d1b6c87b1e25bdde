"""Re-decision on an ownership change in a synthetic 1e6-edge graph (bench/synthetic.py).

One edge from a listed owner is raised over 50%: only the customers downstream of its owned end
are re-decided, and what they get equals a decision over the whole graph.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from ownergate.decisions import customers as book_store
from ownergate.decisions.customers import Customer
from ownergate.decisions.service import open_book
from ownergate.monitor.redecide import downstream, on_nodes, redecide, upstream_subgraph
from ownergate.ownership import OwnershipGraph
from ownergate.ownership.ranges import Status
from ownergate.ownership.resolution import resolve
from ownergate.ownership.rules import get_rule
from ownergate.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from synthetic import COUNTRIES, Synthetic, generate

N = 645_000  # about 1,000,000 edges


def graph_of(syn: Synthetic, lo: np.ndarray, hi: np.ndarray) -> OwnershipGraph:
    return OwnershipGraph.from_edges(
        syn.node_ids(), syn.owner, syn.owned, lo, hi,
        hq_country=[COUNTRIES[c] for c in syn.hq],
        lists={int(i): ("us-ofac-sdn",) for i in syn.listed},
    )  # fmt: skip


@pytest.fixture(scope="module")
def change() -> tuple[Synthetic, OwnershipGraph, OwnershipGraph, str]:
    """The graph before and after one listed owner's stake in a clear subsidiary goes over 50%."""
    syn = generate(N)
    assert syn.m >= 1_000_000
    before = graph_of(syn, syn.share_min, syn.share_max)
    statuses = [resolve(before, get_rule(rule)) for rule in ("anthropic", "ofac")]
    listed = set(syn.listed.tolist())
    for e in np.flatnonzero(syn.share_max < 0.4).tolist():
        owner, owned = int(syn.owner[e]), int(syn.owned[e])
        node = f"n{owned}"
        clear = owner in listed and all(s.status_of(node) is Status.CLEAR for s in statuses)
        if clear and 3 <= len(downstream(before, [node])) <= 200:
            lo, hi = syn.share_min.copy(), syn.share_max.copy()
            lo[e] = hi[e] = 0.6
            return syn, before, graph_of(syn, lo, hi), node
    raise AssertionError("no listed minority stake in a clear subsidiary")


def test_downstream_and_cone_are_array_walks(change: tuple[Synthetic, OwnershipGraph, OwnershipGraph, str]) -> None:
    _, before, _, node = change
    below = downstream(before, [node])
    assert node in below
    cone = upstream_subgraph(before, [node])
    assert set(cone.node_ids) == {node} | set(_cone(before, node))


def _cone(graph: OwnershipGraph, node: str) -> set[str]:
    from ownergate.ownership.graph import cone

    return cone(graph, node)


def test_ownership_change_redecides_its_cone_only(
    sqlite_store: Store, change: tuple[Synthetic, OwnershipGraph, OwnershipGraph, str]
) -> None:
    syn, before, after, node = change
    below = downstream(after, [node])
    rng = np.random.default_rng(7)
    others = {f"n{i}" for i in rng.choice(syn.n, 300, replace=False).tolist()} - below
    book = [Customer(f"c-{nid}", f"Company {nid}", entity_id=nid) for nid in sorted(below | others)]
    with sqlite_store.transaction() as tx:
        book_store.save(tx, book, datetime.now(UTC))
    redecide(sqlite_store, book, dict.fromkeys([c.id for c in book], "initial"), "anthropic", graph=before)

    affected = set(on_nodes(book, below))
    chosen = [c for c in book if c.id in affected]
    outcome = redecide(sqlite_store, chosen, dict.fromkeys(affected, "ownership:X.csv"), "anthropic", graph=after)
    assert set(outcome.redecided) == {f"c-{nid}" for nid in below}
    changed = {c.customer: c for c in outcome.changes}
    assert changed[f"c-{node}"].after == "deny"
    assert "owned-by-listed-party" in changed[f"c-{node}"].codes

    # The whole book decided over the whole new graph agrees, and differs from before only below the change.
    full = open_book(sqlite_store, "anthropic", None, book, graph=after)
    with sqlite_store.read() as tx:
        stored = dict(tx.fetchall("SELECT customer_id, decision FROM decisions WHERE is_current = 1"))
        causes = dict(tx.fetchall("SELECT customer_id, cause FROM decisions WHERE is_current = 1"))
    for c in book:
        assert full.decide(c, "now").decision.value == stored[c.id], c.id
    assert {cid for cid, cause in causes.items() if cause != "initial"} <= affected
    assert all(causes[c.id] == "initial" for c in book if c.entity_id in others)
