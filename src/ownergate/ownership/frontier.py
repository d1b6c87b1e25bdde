"""Aggregated least fixpoints kept up to date edge by edge, for the incremental resolver.

A :class:`Frontier` is one bound's aggregated fixpoint: who is restricted and every node's stake
held by restricted owners. A change that can only raise stakes (a new edge, a larger share, a new
seed) continues the frontier iteration from where it stopped: the least fixpoint above a
pre-fixpoint is reached by the same rounds. A change that lowers a stake uses delete and
re-derive: the restricted nodes downstream of the change (through restricted nodes) are
un-restricted, their stakes withdrawn from their targets, and then every one of them whose
remaining stake still passes is restricted again, with propagation. That is exactly the least
fixpoint again, including around cycles (two companies holding each other do not keep each
other restricted once the outside stake is gone).

A frontier runs over every node (the aggregate rules: flags and stakes in lists, all seeds) or
over one seed's group (:class:`PerOwner`, the UK rule: dicts, that seed alone), so a per-owner
edit redoes only the groups that hold the edge's owner, and only the part of each the edit reaches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Protocol, cast

from ownergate.ownership.rules import Rule

Share = tuple[float, float, bool]  # lower, upper, includes control of unknown size
Out = list[dict[int, Share]]  # per owner: owned node -> share
Note = Callable[[int], None]  # hears of a node before its status can change


class Flags(Protocol):
    def __getitem__(self, i: int, /) -> bool: ...


class MutableFlags(Flags, Protocol):
    def __setitem__(self, i: int, value: bool, /) -> None: ...


class Stakes(Protocol):
    def __getitem__(self, i: int, /) -> float: ...
    def __setitem__(self, i: int, value: float, /) -> None: ...


def clipped(lower: float, upper: float) -> tuple[float, float]:
    """A stake range as reported: each end clipped to [0, 1]."""
    return (min(1.0, max(0.0, lower)), min(1.0, max(0.0, upper)))


class Bound:
    """The lower or the upper reading of shares under a rule: an edge's weight, and whether a stake passes."""

    __slots__ = ("limit", "strict", "unknown", "upper")

    def __init__(self, rule: Rule, upper: bool) -> None:
        self.upper, self.strict = upper, rule.strict
        self.unknown = rule.unknown_upper if upper else rule.unknown_lower
        self.limit = rule.limit

    def weight(self, share: Share | None) -> float:
        if share is None:
            return 0.0
        lo, hi, unk = share
        base = hi if self.upper else lo
        return max(base, self.unknown) if unk else base

    def passes(self, stake: float) -> bool:
        """The scalar form of :meth:`Rule.passes`."""
        return stake > self.limit if self.strict else stake >= self.limit


class Frontier:
    """One aggregated least fixpoint under one bound; ``note`` hears of each node before its flag flips."""

    __slots__ = ("bound", "note", "out", "restricted", "seeds", "stake")

    def __init__(
        self, bound: Bound, out: Out, seeds: Flags, restricted: MutableFlags, stake: Stakes, note: Note
    ) -> None:
        self.bound, self.out, self.seeds, self.note = bound, out, seeds, note
        self.restricted, self.stake = restricted, stake

    def edge(self, u: int, v: int, old: Share | None, new: Share | None) -> None:
        """The edge ``u -> v`` went from ``old`` to ``new`` (None: absent); ``out`` already holds ``new``."""
        if not self.restricted[u]:
            return
        delta = self.bound.weight(new) - self.bound.weight(old)
        if delta == 0:
            return
        self.stake[v] += delta
        if delta > 0:
            if not self.restricted[v] and self.bound.passes(self.stake[v]):
                self.propagate([v])
        elif self.restricted[v] and not self.seeds[v]:
            self.lower([v])

    def seed(self, i: int, on: bool) -> None:
        """Node ``i`` became a seed (``on``) or stopped being one; ``seeds`` already says so."""
        if on and not self.restricted[i]:
            self.propagate([i])
        elif not on and self.restricted[i]:
            self.lower([i])

    def propagate(self, start: list[int]) -> None:
        """Restrict ``start`` and continue the frontier iteration from there."""
        out, stake, restricted, weight, passes = (
            self.out,
            self.stake,
            self.restricted,
            self.bound.weight,
            self.bound.passes,
        )
        work = list(start)
        for i in work:
            self._flip(i, True)
        while work:
            u = work.pop()
            for v, share in out[u].items():
                stake[v] += weight(share)
                if not restricted[v] and passes(stake[v]):
                    self._flip(v, True)
                    work.append(v)

    def lower(self, start: list[int]) -> None:
        """Delete ``start`` and what it carries, then re-derive what still passes."""
        gone = self._overdelete(start)
        again = [i for i in gone if self.seeds[i] or self.bound.passes(self.stake[i])]
        if again:
            self.propagate(again)

    def _overdelete(self, start: list[int]) -> list[int]:
        """Un-restrict ``start`` and every non-seed restricted node downstream of it; withdraw their stakes."""
        out, stake, restricted, seeds, weight = self.out, self.stake, self.restricted, self.seeds, self.bound.weight
        gone = [i for i in start if restricted[i]]
        for i in gone:
            self._flip(i, False)
        k = 0
        while k < len(gone):
            u = gone[k]
            k += 1
            for v, share in out[u].items():
                stake[v] -= weight(share)
                if restricted[v] and not seeds[v]:
                    self._flip(v, False)
                    gone.append(v)
        return gone

    def _flip(self, i: int, restricted: bool) -> None:
        self.note(i)
        self.restricted[i] = restricted


class _One:
    """The seed flags of one seed's group: that seed alone."""

    __slots__ = ("seed",)

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __getitem__(self, i: int) -> bool:
        return i == self.seed


def _ignore(i: int) -> None:
    pass


class _Groups:
    """One bound of :class:`PerOwner`: a frontier per seed, and per node the seeds whose group restricts
    it (``holders``) or holds a stake in it (``touching``); ``stake`` is the largest group's stake."""

    __slots__ = ("bound", "flipped", "groups", "holders", "note", "out", "stake", "touching")

    def __init__(self, bound: Bound, out: Out, note: Note) -> None:
        self.bound, self.out, self.note = bound, out, note
        self.groups: dict[int, Frontier] = {}
        self.holders: dict[int, set[int]] = {}
        self.touching: dict[int, set[int]] = {}
        self.stake = [0.0] * len(out)
        self.flipped: list[int] = []  # the nodes the group being edited flipped

    def _heard(self, i: int) -> None:
        self.note(i)
        self.flipped.append(i)

    def add(self, s: int) -> None:
        group = self.groups[s] = Frontier(
            self.bound, self.out, _One(s), defaultdict(bool), defaultdict(float), self._heard
        )
        group.propagate([s])
        self._settle(s, group, [])

    def drop(self, s: int) -> None:
        group = self.groups.pop(s)
        restricted = cast(dict[int, bool], group.restricted)  # a group's flags and stakes are dicts (add)
        stake = cast(dict[int, float], group.stake)
        for i, flag in restricted.items():
            if flag:
                self.note(i)
                _discard(self.holders, i, s)
        for i in stake:
            _discard(self.touching, i, s)
        self._restake(stake)

    def edge(self, u: int, v: int, old: Share | None, new: Share | None) -> None:
        for s in list(self.holders.get(u, ())):
            group = self.groups[s]
            group.edge(u, v, old, new)
            self._settle(s, group, [v])

    def _settle(self, s: int, group: Frontier, moved: list[int]) -> None:
        """Carry the flips of ``s``'s group into ``holders``, and its changed stakes into ``touching``."""
        touched = set(moved)
        for i in self.flipped:
            if group.restricted[i]:
                self.holders.setdefault(i, set()).add(s)
            else:
                _discard(self.holders, i, s)
            touched.update(self.out[i])
        self.flipped.clear()
        for i in touched:
            self.touching.setdefault(i, set()).add(s)
        self._restake(touched)

    def _restake(self, nodes: Iterable[int]) -> None:
        groups = self.groups
        for i in nodes:
            self.stake[i] = max((groups[s].stake[i] for s in self.touching.get(i, ())), default=0.0)


def _discard(index: dict[int, set[int]], i: int, s: int) -> None:
    found = index.get(i)
    if found is not None:
        found.discard(s)
        if not found:
            del index[i]


class PerOwner:
    """The per-owner (UK) fixpoint kept up to date: the union over seeds ``s`` of the aggregated fixpoint
    seeded by ``s`` alone, per bound; a node's stake is the largest single group's (``fixpoint.per_owner``).

    An edge ``u -> v`` matters only to the groups that restrict ``u``; a seed added or removed adds or
    drops its own group.
    """

    __slots__ = ("bounds", "note", "seeds")

    def __init__(self, rule: Rule, out: Out, seeds: list[bool], note: Note) -> None:
        self.seeds = seeds
        self.note: Note = _ignore  # building the groups is not an edit
        self.bounds = (_Groups(Bound(rule, False), out, self._note), _Groups(Bound(rule, True), out, self._note))
        for s in [i for i, on in enumerate(seeds) if on]:
            self.seed(s, True)
        self.note = note

    def _note(self, i: int) -> None:
        self.note(i)

    def code(self, i: int) -> int:
        lower, upper = self.bounds
        return 2 if self.seeds[i] or i in lower.holders else 1 if i in upper.holders else 0

    def share_range(self, i: int) -> tuple[float, float]:
        lower, upper = self.bounds
        return clipped(lower.stake[i], upper.stake[i])

    def grow(self) -> None:
        for b in self.bounds:
            b.stake.append(0.0)

    def edge(self, u: int, v: int, old: Share | None, new: Share | None) -> bool:
        for b in self.bounds:
            b.edge(u, v, old, new)
        return True

    def seed(self, i: int, on: bool) -> bool:
        for b in self.bounds:
            if on:
                b.add(i)
            else:
                b.drop(i)
        return True
