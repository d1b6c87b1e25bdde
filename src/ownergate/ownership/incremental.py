"""Keep a resolution up to date as single edges and seeds change, without a full recompute.

Every rule is updated in place; each edit touches only what it can change:

- aggregate rules (ofac, anthropic, bis, eu): one :class:`~ownergate.ownership.frontier.Frontier`
  per bound over all nodes; increases continue the frontier, decreases delete and re-derive.
- per-owner (uk): :class:`~ownergate.ownership.frontier.PerOwner`, one frontier per seed and
  bound; an edge ``u -> v`` redoes only the groups that restrict ``u``, a seed adds or drops its group.
- look-through: :class:`~ownergate.ownership.lookthrough.LiveLookthrough`; increases push the
  added value downstream, decreases recompute the least fixpoint on the downstream cone of the
  change with everything outside it held fixed (a cone larger than a few percent of the graph
  falls back to a full recompute).

Parties of unknown country are seeds of a country rule under the upper bounds only (the upper
frontier and the upper look-through values read their own seed flags; the per-owner rule, which
seeds by list only, recomputes while any exist),
and a node an edit adds is such a party when the rule seeds by country and the seeds were not
given. The review tier and a rule's exempt entities (BIS: U.S. entities) are applied to the live
codes as :func:`~ownergate.ownership.ranges.combine` applies them to a full result.

Each state is exactly the least fixpoint a full recompute gives (look-through values to within
its convergence tolerance); a Hypothesis property test on random graphs with cycles checks every
rule after every edit. Edges are the folded pairs of :class:`~ownergate.ownership.graph.View`:
``add_edge`` on a pair that exists replaces its share. Each method returns the ids whose status
changed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Protocol

import numpy as np

from ownergate.ownership.frontier import Bound, Frontier, Note, Out, PerOwner, Share, clipped
from ownergate.ownership.graph import EdgeKind, OwnershipGraph
from ownergate.ownership.lookthrough import LiveLookthrough
from ownergate.ownership.ranges import CODES, Status, adjust
from ownergate.ownership.resolution import Resolution, resolve
from ownergate.ownership.rules import TOLERANCE, Method, Rule, get_rule


class _State(Protocol):
    """One rule's live result. ``edge`` and ``seed`` return False when a full recompute is cheaper."""

    def code(self, i: int) -> int: ...
    def share_range(self, i: int) -> tuple[float, float]: ...
    def grow(self) -> None: ...
    def edge(self, u: int, v: int, old: Share | None, new: Share | None) -> bool: ...
    def seed(self, i: int, on: bool) -> bool: ...


class _SeedsOnly:
    """A rule not in force (BIS Affiliates Rule before its date or suspended): the seeds and nothing more."""

    def __init__(self, seeds: list[bool], seeds_hi: list[bool]) -> None:
        self.seeds, self.seeds_hi = seeds, seeds_hi

    def code(self, i: int) -> int:
        return 2 if self.seeds[i] else 1 if self.seeds_hi[i] else 0

    def share_range(self, i: int) -> tuple[float, float]:
        return (0.0, 0.0)

    def grow(self) -> None:
        pass

    def edge(self, u: int, v: int, old: Share | None, new: Share | None) -> bool:
        return True

    def seed(self, i: int, on: bool) -> bool:
        return True


class _Aggregate:
    """An aggregate rule: one frontier per bound over every node, its flags and stakes in lists."""

    def __init__(
        self, rule: Rule, out: Out, seeds: list[bool], seeds_hi: list[bool], res: Resolution, note: Note
    ) -> None:
        self.restricted = (res.lower.restricted.tolist(), res.upper.restricted.tolist())
        self.stake = (res.lower.stake.tolist(), res.upper.stake.tolist())
        self.flags = (seeds, seeds_hi)
        self.bounds = (
            Frontier(Bound(rule, False), out, seeds, self.restricted[0], self.stake[0], note),
            Frontier(Bound(rule, True), out, seeds_hi, self.restricted[1], self.stake[1], note),
        )

    def code(self, i: int) -> int:
        lower, upper = self.restricted
        return 2 if lower[i] else 1 if upper[i] else 0

    def share_range(self, i: int) -> tuple[float, float]:
        lower, upper = self.stake
        return clipped(lower[i], upper[i])

    def grow(self) -> None:
        for restricted, stake in zip(self.restricted, self.stake, strict=True):
            restricted.append(False)
            stake.append(0.0)

    def edge(self, u: int, v: int, old: Share | None, new: Share | None) -> bool:
        for f in self.bounds:
            f.edge(u, v, old, new)
        return True

    def seed(self, i: int, on: bool) -> bool:
        for f, flags in zip(self.bounds, self.flags, strict=True):
            f.seed(i, flags[i])
        return True


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
        self.maybe: list[bool] = res.maybe.tolist()  # parties of unknown country: seeds under the upper bounds
        self.seeds_hi: list[bool] = (res.seeds | res.maybe).tolist()
        self.new_maybe = seeds is None and self.rule.seed_unsupported_hq  # a node an edit adds is of unknown country
        self.any_maybe = bool(res.maybe.any())
        self.exempt: list[bool] = res.exempt[0].tolist()
        self.undetermined: list[bool] = res.exempt[1].tolist()
        view = res.view
        joint = self.rule.joint(graph)
        self.joint: list[bool] = joint.tolist() if joint is not None else [False] * graph.n  # members hold all of it
        self.out: Out = [{} for _ in self.ids]
        for s, d, lo, hi, unk in zip(
            view.src.tolist(), view.dst.tolist(), view.lo.tolist(), view.hi.tolist(), view.unk.tolist(), strict=True
        ):
            self.out[s][d] = (1.0, 1.0, False) if self.joint[d] else (lo, hi, unk)
        self._before: dict[int, int] = {}  # status codes before the current edit, of nodes it may flip
        self._fresh: list[int] = []  # nodes the current edit added (clear before it)
        self.state = self._state(res)

    def _state(self, res: Resolution) -> _State:
        rule, note = self.rule, self._note
        if not self.in_force:
            return _SeedsOnly(self.seeds, self.seeds_hi)
        if rule.method is Method.AGGREGATE:
            return _Aggregate(rule, self.out, self.seeds, self.seeds_hi, res, note)
        if rule.method is Method.PER_OWNER:
            return PerOwner(rule, self.out, self.seeds, note)
        return LiveLookthrough(
            rule, self.out, self.seeds, (res.lower.stake.tolist(), res.upper.stake.tolist()), note, self.seeds_hi
        )

    # -- reading ------------------------------------------------------------------------------

    def code(self, i: int) -> int:
        """Node ``i``'s status code: the state's, with the review tier and the rule's exemption applied."""
        code = self.state.code(i)
        rule = self.rule
        review = rule.review_at is not None and self.in_force and self._reaches_review(i)
        if not review and not rule.exempt_countries:
            return code
        exempt = bool(rule.exempt_countries) and self.exempt[i]
        undetermined = bool(rule.exempt_countries) and self.undetermined[i]
        return adjust(code, review, self.seeds[i], exempt, undetermined)

    def _reaches_review(self, i: int) -> bool:
        assert self.rule.review_at is not None
        return self.state.share_range(i)[1] >= self.rule.review_at - TOLERANCE

    def status(self, node_id: str) -> Status:
        return CODES[self.code(self.index[node_id])]

    def statuses(self) -> dict[str, Status]:
        code = self.code
        return {nid: CODES[code(i)] for i, nid in enumerate(self.ids)}

    def share_range(self, node_id: str) -> tuple[float, float]:
        return self.state.share_range(self.index[node_id])

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
            self.maybe.append(self.new_maybe)
            self.any_maybe |= self.new_maybe
            self.seeds_hi.append(self.new_maybe)
            self.exempt.append(False)
            self.undetermined.append(True)
            self.joint.append(False)
            self.out.append({})
            self.state.grow()
            self._fresh.append(i)
            if self.new_maybe and not self._exact():
                self._recompute()
            elif self.new_maybe:
                self.state.seed(i, False)  # the upper frontier takes the new party as a seed
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
        return set() if self.seeds[i] else self._seed(i, True)

    def remove_seed(self, node_id: str) -> set[str]:
        i = self.index.get(node_id)
        return set() if i is None or not self.seeds[i] else self._seed(i, False)

    # -- the work -----------------------------------------------------------------------------

    def _exact(self) -> bool:
        """Whether the live state follows possible seeds itself (else each edit recomputes while any exist)."""
        return self.rule.method is not Method.PER_OWNER or not self.in_force or not self.any_maybe

    def _set(self, u: int, v: int, share: Share | None) -> set[str]:
        if share is not None and self.joint[v]:
            share = (1.0, 1.0, False)
        old = self.out[u].get(v)
        if share is None:
            del self.out[u][v]
        else:
            self.out[u][v] = share
        self._before, self._fresh = dict.fromkeys(self._fresh, 0), []
        if self.rule.review_at is not None:
            self._note_all()
        if not self._exact():
            return self._recompute()
        return self._changed() if self.state.edge(u, v, old, share) else self._recompute()

    def _seed(self, i: int, on: bool) -> set[str]:
        self._before, self._fresh = dict.fromkeys(self._fresh, 0), []
        if self.rule.review_at is not None:
            self._note_all()
        self._note(i)
        self.seeds[i] = on
        self.seeds_hi[i] = on or self.maybe[i]
        if not self._exact():
            return self._recompute()
        return self._changed() if self.state.seed(i, on) else self._recompute()

    def _note(self, i: int) -> None:
        if i not in self._before:
            self._before[i] = self.code(i)

    def _note_all(self) -> None:
        """Stakes that move without a status change in the state can cross the review tier: note every node."""
        for i in range(len(self.ids)):
            self._note(i)

    def _changed(self) -> set[str]:
        code = self.code
        return {self.ids[i] for i, before in self._before.items() if code(i) != before}

    def _recompute(self) -> set[str]:
        """The fallback: resolve the whole current graph again (the state may be half updated)."""
        code = self.code
        before = [self._before.get(i, code(i)) for i in range(len(self.ids))]
        res = resolve(
            self.to_graph(),
            self.rule,
            seeds=np.array(self.seeds, np.bool_),
            as_of=self.as_of,
            maybe=np.array(self.maybe, np.bool_),
        )
        self.state = self._state(res)
        code = self.code
        return {self.ids[i] for i, was in enumerate(before) if code(i) != was}
