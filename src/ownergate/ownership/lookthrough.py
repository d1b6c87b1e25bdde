"""Look-through (effective) ownership: the least fixpoint of ``x = min(1, seeds + W^T x)``.

``x[v]`` is the sum over all ownership paths from seeds to ``v`` of the product of the shares
along the path, capped at 1; seeds hold 1. The iteration starts from the seeds and only ever
grows, so it converges to the least fixpoint from below, and the cap makes cycles (two
companies each owning all of the other) terminate. Only the part of the graph reachable from
the seeds is iterated.
"""

from __future__ import annotations

import numpy as np

from ownergate.ownership.fixpoint import Fixpoint
from ownergate.ownership.graph import BoolArray, FloatArray, IntArray, View
from ownergate.ownership.rules import Rule

#: stop when no value moves by more than this
CONVERGED = 1e-13
MAX_ROUNDS = 100_000


def reachable(view: View, start: IntArray) -> IntArray:
    """Every node reachable from ``start`` along edges (``start`` included), sorted."""
    seen = np.zeros(view.n, np.bool_)
    seen[start] = True
    frontier = start
    while frontier.size:
        nxt = np.unique(view.dst[view.out_edges(frontier)])
        frontier = nxt[~seen[nxt]].astype(np.int64)
        seen[frontier] = True
    return np.flatnonzero(seen)


def lookthrough(view: View, w: FloatArray, seeds: BoolArray, rule: Rule) -> Fixpoint:
    n = view.n
    value = np.zeros(n, np.float64)
    round_ = np.full(n, -1, np.int32)
    seed_idx = np.flatnonzero(seeds)
    value[seed_idx] = 1.0
    if seed_idx.size:
        cone = reachable(view, seed_idx)
        edges = view.out_edges(cone)
        edges = edges[w[edges] > 0]
        src, dst, we = view.src[edges], view.dst[edges], w[edges]
        free = ~seeds[dst]  # seeds stay at 1
        src, dst, we = src[free], dst[free], we[free]
        local, dst_local = np.unique(dst, return_inverse=True)
        for _ in range(MAX_ROUNDS):
            new = np.minimum(1.0, np.bincount(dst_local, weights=we * value[src], minlength=local.size))
            delta = float(np.max(np.abs(new - value[local]))) if local.size else 0.0
            value[local] = new
            if delta <= CONVERGED:
                break
    restricted = rule.passes(value) | seeds
    round_[restricted] = 1
    round_[seed_idx] = 0
    stake = value.copy()
    return Fixpoint(restricted, round_, stake)
