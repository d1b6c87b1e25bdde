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

A frontier reads its flags, stakes and seeds through small protocols, so the same code can run
over every node (lists) or over a part of the graph (dicts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ownergate.ownership.rules import TOLERANCE, Rule

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


class Bound:
    """The lower or the upper reading of shares under a rule: an edge's weight, and whether a stake passes."""

    __slots__ = ("limit", "strict", "unknown", "upper")

    def __init__(self, rule: Rule, upper: bool) -> None:
        self.upper, self.strict = upper, rule.strict
        self.unknown = rule.unknown_upper if upper else rule.unknown_lower
        self.limit = rule.threshold + TOLERANCE if rule.strict else rule.threshold - TOLERANCE

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
