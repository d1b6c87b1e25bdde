"""The ownership graph as a customer book sees it: the known graph plus customers and declared owners.

Customers that are not nodes of the known graph, and every declared owner, become extra nodes;
each declaration becomes an edge whose source names the customer's declaration and its date.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ownergate.ownership.columns import Chain
from ownergate.ownership.graph import Countries, EdgeKind, OwnershipGraph


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


def _countries(graph: OwnershipGraph, codes: np.ndarray, extra: Sequence[str | None]) -> Countries:
    """The graph's country codes followed by ``extra``'s, as positions into one list of codes
    (the graph's own encoding tidies and merges the new ones)."""
    categories: list[str | None] = [*graph.country_codes, *extra]
    added = np.arange(len(graph.country_codes), len(categories), dtype=np.int32)
    return np.concatenate([codes.astype(np.int32), added]), categories


def augment(graph: OwnershipGraph, extra: Extra) -> OwnershipGraph:
    """A new graph: ``graph`` with ``extra``'s nodes and edges appended (node ids stay unique).

    The graph's own columns are chained, not copied, and its id index is shared under the new
    nodes' ids, so extending a graph of millions of nodes with a book costs the book.
    """
    n = graph.n
    added = {node_id: n + offset for offset, node_id in enumerate(extra.node_ids)}
    index: ChainMap[str, int] = ChainMap(added, graph.index)  # type: ignore[arg-type]  # read only
    owner = np.concatenate([graph.owner, np.array([index[e[0]] for e in extra.edges], np.int32)])
    owned = np.concatenate([graph.owned, np.array([index[e[1]] for e in extra.edges], np.int32)])
    lo = np.concatenate([graph.share_min, np.array([e[2] for e in extra.edges], np.float64)])
    hi = np.concatenate([graph.share_max, np.array([e[3] for e in extra.edges], np.float64)])
    kind = np.concatenate([graph.edge_kind, np.full(len(extra.edges), int(EdgeKind.SHARES), np.uint8)])
    no_date = np.full(len(extra.edges), np.datetime64("NaT", "D"))
    if graph.edge_source is not None:
        base_sources: Sequence[str | None] = graph.edge_source
    else:
        base_sources = [graph.source(e) for e in range(graph.m)]
    lists: dict[int, tuple[str, ...]] = dict(graph.lists)
    for offset, node_lists in enumerate(extra.lists):
        if node_lists:
            lists[n + offset] = node_lists
    dated = graph.dated
    g = OwnershipGraph.from_edges(
        Chain(graph.node_ids, extra.node_ids),
        owner,
        owned,
        lo,
        hi,
        kind=kind,
        valid_from=np.concatenate([graph.valid_from, no_date]) if dated else None,
        valid_to=np.concatenate([graph.valid_to, no_date]) if dated else None,
        sources=Chain(base_sources, [e[4] for e in extra.edges]),
        names=Chain(graph.names if graph.names is not None else [None] * n, extra.names),
        hq_country=_countries(graph, graph.hq_code, extra.hq),
        incorporation_country=_countries(graph, graph.inc_code, extra.incorporation),
        lists=lists,
        node_kind=Chain(graph.node_kind if graph.node_kind is not None else [None] * n, extra.kinds),
        nationality=graph.nationality,
        residence=graph.residence,
    )
    g._index = index
    return g
