"""Keep a resolution up to date as single edges and seeds change, without a full recompute.

The state is, for each bound (lower, upper), who is restricted and every node's stake held by
restricted owners. A change that can only raise stakes (a new edge, a larger share, a new
seed) continues the frontier iteration from where it stopped: the least fixpoint above a
pre-fixpoint is reached by the same rounds. A change that lowers a stake uses delete and
re-derive: the restricted nodes downstream of the change (through restricted nodes) are
un-restricted, their stakes withdrawn from their targets, and then every one of them whose
remaining stake still passes is restricted again, with propagation. That is exactly the least
fixpoint again, including around cycles (two companies holding each other do not keep each
other restricted once the outside stake is gone).

Edges are the folded pairs of :class:`~ownergate.ownership.graph.View`: ``add_edge`` on a pair
that exists replaces its share. Only rules with the aggregate method are updated in place; for
the per-owner (UK) and look-through rules every change recomputes the whole graph (correct,
not fast). Each method returns the ids whose status changed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import numpy as np

from ownergate.ownership.graph import EdgeKind, OwnershipGraph
from ownergate.ownership.ranges import CODES, Status
from ownergate.ownership.resolution import resolve
from ownergate.ownership.rules import Method, Rule, get_rule

Share = tuple[float, float, bool]  # lower, upper, includes control of unknown size


class _Bound:
    """One bound's restricted flags and stakes, with the edge weights it uses."""

    __slots__ = ("restricted", "rule", "stake", "upper")

    def __init__(self, rule: Rule, upper: bool, restricted: list[bool], stake: list[float]) -> None:
        self.rule, self.upper, self.restricted, self.stake = rule, upper, restricted, stake

    def weight(self, share: Share) -> float:
        lo, hi, unk = share
        base = hi if self.upper else lo
        return max(base, self.rule.unknown_upper if self.upper else self.rule.unknown_lower) if unk else base

    def passes(self, stake: float) -> bool:
        return bool(self.rule.passes(np.array([stake]))[0])


class IncrementalResolver:
    """A resolution of ``graph`` under ``rule`` that follows edits; each edit returns the changed ids."""

    def __init__(
        self,
        graph: OwnershipGraph,
        rule: str | Rule,
        seeds: Iterable[str] | None = None,
        as_of: date | None = None,
    ) -> None:
        self.rule = get_rule(rule)
        self.as_of = as_of
        res = resolve(graph, self.rule, seeds=list(seeds) if seeds is not None else None, as_of=as_of)
        self.in_force = res.in_force
        self.ids: list[str] = list(graph.node_ids)
        self.index: dict[str, int] = {nid: i for i, nid in enumerate(self.ids)}
        self.seeds: list[bool] = res.seeds.tolist()
        view = res.view
        self.out: list[dict[int, Share]] = [{} for _ in self.ids]
        for s, d, lo, hi, unk in zip(
            view.src.tolist(), view.dst.tolist(), view.lo.tolist(), view.hi.tolist(), view.unk.tolist(), strict=True
        ):
            self.out[s][d] = (lo, hi, unk)
        self.bounds = (
            _Bound(self.rule, False, res.lower.restricted.tolist(), res.lower.stake.tolist()),
            _Bound(self.rule, True, res.upper.restricted.tolist(), res.upper.stake.tolist()),
        )
        self._before: dict[int, int] = {}  # status codes before the current edit, of nodes it flipped

    # -- reading ------------------------------------------------------------------------------

    def _code(self, i: int) -> int:
        lower, upper = self.bounds
        return 2 if lower.restricted[i] else 1 if upper.restricted[i] else 0

    def status(self, node_id: str) -> Status:
        return CODES[self._code(self.index[node_id])]

    def statuses(self) -> dict[str, Status]:
        return {nid: CODES[self._code(i)] for i, nid in enumerate(self.ids)}

    def share_range(self, node_id: str) -> tuple[float, float]:
        i = self.index[node_id]
        return (min(1.0, max(0.0, self.bounds[0].stake[i])), min(1.0, max(0.0, self.bounds[1].stake[i])))

    def to_graph(self) -> OwnershipGraph:
        """The current edges and seeds as a graph (its own seeds via ``lists``: ``_seed``)."""
        owner, owned, lo, hi = [], [], [], []
        for s, targets in enumerate(self.out):
            for d, (a, b, unk) in targets.items():
                owner.append(s)
                owned.append(d)
                lo.append(math.nan if unk and a == 0 else a)
                hi.append(math.nan if unk and b == 0 else b)
        return OwnershipGraph.from_edges(self.ids, owner, owned, lo, hi)

    # -- edits --------------------------------------------------------------------------------

    def _node(self, node_id: str) -> int:
        i = self.index.get(node_id)
        if i is None:
            i = self.index[node_id] = len(self.ids)
            self.ids.append(node_id)
            self.seeds.append(False)
            self.out.append({})
            for b in self.bounds:
                b.restricted.append(False)
                b.stake.append(0.0)
        return i

    def add_edge(
        self,
        owner_id: str,
        owned_id: str,
        share_min: float | None,
        share_max: float | None = None,
        kind: EdgeKind = EdgeKind.SHARES,
    ) -> set[str]:
        """Add (or replace) the edge ``owner -> owned``; ``None`` shares: control of unknown size."""
        if kind not in self.rule.kinds:
            return set()
        if share_max is None:
            share_max = share_min
        unk = share_max is None
        share = (share_min or 0.0, share_max or 0.0, unk)
        return self._set(self._node(owner_id), self._node(owned_id), share)

    def set_share(
        self, owner_id: str, owned_id: str, share_min: float | None, share_max: float | None = None
    ) -> set[str]:
        return self.add_edge(owner_id, owned_id, share_min, share_max)

    def remove_edge(self, owner_id: str, owned_id: str) -> set[str]:
        u, v = self.index.get(owner_id), self.index.get(owned_id)
        if u is None or v is None or v not in self.out[u]:
            return set()
        return self._set(u, v, None)

    def add_seed(self, node_id: str) -> set[str]:
        i = self._node(node_id)
        if self.seeds[i]:
            return set()
        self.seeds[i] = True
        if self.rule.method is not Method.AGGREGATE:
            return self._recompute()
        self._before = {}
        for b in self.bounds:
            if b.restricted[i]:
                continue
            if self.in_force:
                self._propagate(b, [i])
            else:
                self._flip(b, i, True)
        return self._changed()

    def remove_seed(self, node_id: str) -> set[str]:
        i = self.index.get(node_id)
        if i is None or not self.seeds[i]:
            return set()
        self.seeds[i] = False
        if self.rule.method is not Method.AGGREGATE:
            return self._recompute()
        self._before = {}
        for b in self.bounds:
            if not b.restricted[i]:
                continue
            if self.in_force:
                self._rederive(b, self._overdelete(b, [i]))
            else:
                self._flip(b, i, False)
        return self._changed()

    # -- the work -----------------------------------------------------------------------------

    def _set(self, u: int, v: int, share: Share | None) -> set[str]:
        old = self.out[u].get(v)
        if share is None:
            del self.out[u][v]
        else:
            self.out[u][v] = share
        if self.rule.method is not Method.AGGREGATE:
            return self._recompute()
        self._before = {}
        if not self.in_force:
            return set()
        for b in self.bounds:
            if not b.restricted[u]:
                continue
            delta = (b.weight(share) if share else 0.0) - (b.weight(old) if old else 0.0)
            if delta == 0:
                continue
            b.stake[v] += delta
            if delta > 0:
                if not b.restricted[v] and b.passes(b.stake[v]):
                    self._propagate(b, [v])
            elif b.restricted[v] and not self.seeds[v]:
                self._rederive(b, self._overdelete(b, [v]))
        return self._changed()

    def _propagate(self, b: _Bound, start: list[int]) -> None:
        """Restrict ``start`` and continue the frontier iteration from there."""
        work = list(start)
        for i in work:
            self._flip(b, i, True)
        while work:
            u = work.pop()
            for v, share in self.out[u].items():
                b.stake[v] += b.weight(share)
                if not b.restricted[v] and b.passes(b.stake[v]):
                    self._flip(b, v, True)
                    work.append(v)

    def _overdelete(self, b: _Bound, start: list[int]) -> list[int]:
        """Un-restrict ``start`` and every non-seed restricted node downstream of it; withdraw their stakes."""
        gone = [i for i in start if b.restricted[i]]
        for i in gone:
            self._flip(b, i, False)
        k = 0
        while k < len(gone):
            u = gone[k]
            k += 1
            for v, share in self.out[u].items():
                b.stake[v] -= b.weight(share)
                if b.restricted[v] and not self.seeds[v]:
                    self._flip(b, v, False)
                    gone.append(v)
        return gone

    def _rederive(self, b: _Bound, gone: list[int]) -> None:
        again = [i for i in gone if self.seeds[i] or b.passes(b.stake[i])]
        if again:
            self._propagate(b, again)

    def _flip(self, b: _Bound, i: int, restricted: bool) -> None:
        self._before.setdefault(i, self._code(i))
        b.restricted[i] = restricted

    def _changed(self) -> set[str]:
        return {self.ids[i] for i, code in self._before.items() if self._code(i) != code}

    def _recompute(self) -> set[str]:
        old = self.statuses()
        graph = self.to_graph()
        seeds = np.array(self.seeds, np.bool_)
        res = resolve(graph, self.rule, seeds=seeds, as_of=self.as_of)
        self.bounds = (
            _Bound(self.rule, False, res.lower.restricted.tolist(), res.lower.stake.tolist()),
            _Bound(self.rule, True, res.upper.restricted.tolist(), res.upper.stake.tolist()),
        )
        return {nid for nid, s in self.statuses().items() if old.get(nid, Status.CLEAR) is not s}
