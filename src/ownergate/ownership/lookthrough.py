"""Look-through (effective) ownership: the least fixpoint of ``x = min(1, seeds + W^T x)``.

``x[v]`` is the sum over all ownership paths from seeds to ``v`` of the product of the shares
along the path, capped at 1; seeds hold 1. The iteration starts from the seeds and only ever
grows, so it converges to the least fixpoint from below, and the cap makes cycles (two
companies each owning all of the other) terminate. Only the part of the graph reachable from
the seeds is iterated. :class:`LiveLookthrough` keeps the same values up to date edge by edge.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from ownergate.ownership.fixpoint import Fixpoint
from ownergate.ownership.frontier import Bound, Note, Out, Share, clipped
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


class LiveLookthrough:
    """Look-through values kept up to date edge by edge, per bound, for the incremental resolver.

    A change at node ``v`` (an edge into it, or its seed flag) can only change ``v`` and what lies
    downstream of it. A rise is pushed downstream as residuals (each node adds what its owners'
    values rose by, times their shares, capped at 1): from the old least fixpoint, a pre-fixpoint
    below the new one, that reaches the new one. A fall can leave a cycle holding itself up, so the
    downstream cone of ``v`` (through nodes of positive value that are not seeds) is reset to 0 and
    its least fixpoint found again by the same pushes, everything outside it held fixed. Nothing
    outside the cone can move: its owners are outside it too, or seeds.
    """

    __slots__ = ("bounds", "flags", "inn", "limit", "note", "out", "seeds", "value")

    def __init__(
        self,
        rule: Rule,
        out: Out,
        seeds: list[bool],
        value: tuple[list[float], list[float]],
        note: Note,
        seeds_hi: list[bool] | None = None,
    ) -> None:
        self.bounds = (Bound(rule, False), Bound(rule, True))
        self.out, self.seeds, self.value, self.note = out, seeds, value, note
        self.flags = (seeds, seeds_hi if seeds_hi is not None else seeds)  # each bound's seeds
        self.inn: list[list[int]] = [[] for _ in out]  # per owned node: its owners
        for u, targets in enumerate(out):
            for v in targets:
                self.inn[v].append(u)
        self.limit = max(1000, len(out) // 25)  # a larger cone: recompute with arrays

    def code(self, i: int) -> int:
        lower, upper = self.bounds
        if self.seeds[i] or lower.passes(self.value[0][i]):
            return 2
        return 1 if self.flags[1][i] or upper.passes(self.value[1][i]) else 0

    def share_range(self, i: int) -> tuple[float, float]:
        return clipped(self.value[0][i], self.value[1][i])

    def grow(self) -> None:
        self.inn.append([])
        for value in self.value:
            value.append(0.0)

    def edge(self, u: int, v: int, old: Share | None, new: Share | None) -> bool:
        if old is None:
            self.inn[v].append(u)
        elif new is None:
            self.inn[v].remove(u)
        for k, bound in enumerate(self.bounds):
            if self.flags[k][v]:
                continue
            owner = self.value[k][u]
            delta = bound.weight(new) - bound.weight(old)
            if owner == 0 or delta == 0:
                continue
            if delta > 0:
                self._push(k, {v: delta * owner})
            elif not self._recompute_cone(k, v):
                return False
        return True

    def seed(self, i: int, on: bool) -> bool:
        for k in range(len(self.bounds)):
            if self.flags[k][i]:  # a seed of this bound (now): it holds 1
                rise = 1.0 - self.value[k][i]
                self.value[k][i] = 1.0
                if rise > 0:
                    self._push(k, self._onward(k, i, rise))
            elif not self._recompute_cone(k, i):
                return False
        return True

    def _onward(self, k: int, u: int, rise: float) -> dict[int, float]:
        """What ``u``'s value rising by ``rise`` adds to each node it owns (seeds hold still)."""
        weight, seeds = self.bounds[k].weight, self.flags[k]
        found: dict[int, float] = {}
        for v, share in self.out[u].items():
            w = weight(share)
            if w > 0 and not seeds[v]:
                found[v] = w * rise
        return found

    def _push(self, k: int, pending: dict[int, float]) -> None:
        """Add ``pending`` to the nodes' values (capped at 1) and push each rise on, until it is below ``CONVERGED``."""
        value, out, seeds, weight, note = self.value[k], self.out, self.flags[k], self.bounds[k].weight, self.note
        queue = deque(pending)
        while queue:
            u = queue.popleft()
            was = value[u]
            now = min(1.0, was + pending.pop(u))
            rise = now - was
            if rise <= 0:
                continue
            note(u)
            value[u] = now
            if rise <= CONVERGED:
                continue
            for v, share in out[u].items():
                w = weight(share)
                if w > 0 and not seeds[v]:
                    if v in pending:
                        pending[v] += w * rise
                    else:
                        pending[v] = w * rise
                        queue.append(v)

    def _recompute_cone(self, k: int, v: int) -> bool:
        """The least fixpoint again on the cone below ``v`` after a fall; False when the cone is too large."""
        value, out, seeds = self.value[k], self.out, self.flags[k]
        if seeds[v] or value[v] == 0:
            return True
        cone, work = {v}, [v]
        while work:
            for x in out[work.pop()]:
                if x not in cone and value[x] > 0 and not seeds[x]:
                    cone.add(x)
                    work.append(x)
            if len(cone) > self.limit:
                return False
        for x in cone:
            self.note(x)
            value[x] = 0.0
        weight, inn = self.bounds[k].weight, self.inn
        pending: dict[int, float] = {}
        for x in cone:
            stake = sum(weight(out[u][x]) * value[u] for u in inn[x])
            if stake > 0:
                pending[x] = stake
        self._push(k, pending)
        return True
