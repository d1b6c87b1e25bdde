"""Ownership: sources, the graph as arrays, the rules, evidence, incremental updates, Spark backend.

The public API::

    graph = OwnershipGraph.from_edges(node_ids, owner_idx, owned_idx, share_min, share_max, ...)
    graph = load_graph(store, as_of=None)
    res = resolve(graph, "ofac")            # or a Rule; seeds=..., as_of=...
    res.status_of("acme"), res.share_min, res.share_max, res.evidence("acme").describe()
    cone(graph, "acme")                    # every upstream owner of a node
    IncrementalResolver(graph, "ofac").add_edge(...)  # -> the nodes whose status changed
"""

from ownergate.ownership.evidence import Evidence, EvidenceEdge
from ownergate.ownership.graph import EdgeKind, NodeKind, OwnershipGraph, cone
from ownergate.ownership.incremental import IncrementalResolver
from ownergate.ownership.ranges import Status
from ownergate.ownership.resolution import Resolution, resolve
from ownergate.ownership.rules import RULES, Method, Rule, get_rule

__all__ = [
    "RULES",
    "EdgeKind",
    "Evidence",
    "EvidenceEdge",
    "IncrementalResolver",
    "Method",
    "NodeKind",
    "OwnershipGraph",
    "Resolution",
    "Rule",
    "Status",
    "cone",
    "get_rule",
    "resolve",
]
