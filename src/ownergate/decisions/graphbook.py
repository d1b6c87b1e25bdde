"""The ownership graph as a customer book sees it: the known graph plus customers and declared owners.

Customers that are not nodes of the known graph, and every declared owner, become extra nodes;
each declaration becomes an edge whose source names the customer's declaration and its date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ownergate.ownership.graph import EdgeKind, OwnershipGraph


@dataclass(slots=True)
class Extra:
    """Nodes and edges to add to a graph."""

    node_ids: list[str] = field(default_factory=list)
    names: list[str | None] = field(default_factory=list)
    hq: list[str | None] = field(default_factory=list)
    incorporation: list[str | None] = field(default_factory=list)
    lists: list[tuple[str, ...]] = field(default_factory=list)
    kinds: list[str | None] = field(default_factory=list)
    edges: list[tuple[str, str, float, float, str]] = field(default_factory=list)  # owner, owned, lo, hi, source

    def add_node(
        self,
        node_id: str,
        name: str,
        hq: str | None,
        incorporation: str | None,
        lists: Sequence[str],
        kind: str = "company",
    ) -> None:
        self.node_ids.append(node_id)
        self.names.append(name)
        self.hq.append(hq)
        self.incorporation.append(incorporation)
        self.lists.append(tuple(lists))
        self.kinds.append(kind)


def _decode(graph: OwnershipGraph, codes: np.ndarray) -> list[str | None]:
    table = [c or None for c in graph.country_codes]
    return [table[c] for c in codes.tolist()]


def augment(graph: OwnershipGraph, extra: Extra) -> OwnershipGraph:
    """A new graph: ``graph`` with ``extra``'s nodes and edges appended (node ids stay unique)."""
    n = graph.n
    index = dict(graph.index)
    for offset, node_id in enumerate(extra.node_ids):
        index[node_id] = n + offset
    node_ids = [*graph.node_ids, *extra.node_ids]
    owner = np.concatenate([graph.owner, np.array([index[e[0]] for e in extra.edges], np.int32)])
    owned = np.concatenate([graph.owned, np.array([index[e[1]] for e in extra.edges], np.int32)])
    lo = np.concatenate([graph.share_min, np.array([e[2] for e in extra.edges], np.float64)])
    hi = np.concatenate([graph.share_max, np.array([e[3] for e in extra.edges], np.float64)])
    kind = np.concatenate([graph.edge_kind, np.full(len(extra.edges), int(EdgeKind.SHARES), np.uint8)])
    no_date = np.full(len(extra.edges), np.datetime64("NaT", "D"))
    base_sources = graph.edge_source if graph.edge_source is not None else [None] * graph.m
    base_names = graph.names if graph.names is not None else [None] * n
    base_kinds = graph.node_kind if graph.node_kind is not None else [None] * n
    lists: dict[int, tuple[str, ...]] = dict(graph.lists)
    for offset, node_lists in enumerate(extra.lists):
        if node_lists:
            lists[n + offset] = node_lists
    return OwnershipGraph.from_edges(
        node_ids,
        owner,
        owned,
        lo,
        hi,
        kind=kind,
        valid_from=np.concatenate([graph.valid_from, no_date]),
        valid_to=np.concatenate([graph.valid_to, no_date]),
        sources=[*base_sources, *(e[4] for e in extra.edges)],
        names=[*base_names, *extra.names],
        hq_country=[*_decode(graph, graph.hq_code), *extra.hq],
        incorporation_country=[*_decode(graph, graph.inc_code), *extra.incorporation],
        lists=lists,
        node_kind=[*base_kinds, *extra.kinds],
        nationality=graph.nationality,
        residence=graph.residence,
    )


def empty_graph() -> OwnershipGraph:
    return OwnershipGraph.from_edges([], [], [], [], [])
