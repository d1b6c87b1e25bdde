"""Least fixpoints of the threshold rules, by frontier iteration on CSR arrays.

A node is restricted when it is a seed, or when the weights of the edges from restricted owners
into it pass the rule's threshold. Starting from the seeds, each round adds the out-edges of the
nodes restricted in the previous round to their targets' stakes and restricts the targets that
now pass. Stakes only grow, so the iteration stops at the least fixpoint, and each edge is added
once: the work is linear in the edges leaving restricted nodes.

``round_`` records the round a node became restricted (0 for seeds, -1 never). Evidence uses
it: the owners restricted in earlier rounds carry a node over the threshold on their own, so a
justification never goes round a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ownergate.ownership.graph import BoolArray, FloatArray, Int32Array, IntArray, View
from ownergate.ownership.rules import Rule


@dataclass(frozen=True, slots=True)
class Fixpoint:
    """One bound's result: who is restricted, since which round, and the stake held by restricted owners."""

    restricted: BoolArray
    round_: Int32Array
    stake: FloatArray
    via: IntArray | None = None  # per-owner rules: the seed whose holdings carry each node (-1 none)


def weights(view: View, rule: Rule, upper: bool) -> FloatArray:
    """Each view edge's weight under the lower or upper bounds, control of unknown size substituted."""
    base = view.hi if upper else view.lo
    unknown = rule.unknown_upper if upper else rule.unknown_lower
    if not view.unk.any():
        return base
    return np.where(view.unk, np.maximum(base, unknown), base)


def aggregate(view: View, w: FloatArray, seeds: BoolArray, rule: Rule) -> Fixpoint:
    """The aggregated least fixpoint: stakes of all restricted owners add up."""
    n = view.n
    stake = np.zeros(n, np.float64)
    round_ = np.full(n, -1, np.int32)
    frontier = np.flatnonzero(seeds)
    round_[frontier] = 0
    _advance(view, w, rule, stake, round_, frontier, 0, None)
    return Fixpoint(round_ >= 0, round_, stake)


def _advance(
    view: View,
    w: FloatArray,
    rule: Rule,
    stake: FloatArray,
    round_: Int32Array,
    frontier: IntArray,
    r: int,
    touched: list[IntArray] | None,
) -> None:
    """Run rounds from ``frontier`` (restricted in round ``r``) until nothing new passes."""
    n = view.n
    stamp = np.empty(n, np.int64)  # scratch for de-duplicating targets without sorting or hashing
    while frontier.size:
        r += 1
        edges = view.out_edges(frontier)
        if not edges.size:
            break
        targets = view.dst[edges]
        if edges.size > n // 32:
            stake += np.bincount(targets, weights=w[edges], minlength=n)
        else:
            np.add.at(stake, targets, w[edges])
        positions = np.arange(targets.size, dtype=np.int64)
        stamp[targets] = positions
        cand = targets[stamp[targets] == positions].astype(np.int64)
        if touched is not None:
            touched.append(cand)
        cand = cand[round_[cand] < 0]
        frontier = cand[rule.passes(stake[cand])]
        round_[frontier] = r


def per_owner(view: View, w: FloatArray, seeds: BoolArray, rule: Rule) -> Fixpoint:
    """The non-aggregated fixpoint: one seed at a time, a node restricted by one seed's group.

    The result is the union over seeds ``s`` of the aggregated fixpoint seeded by ``s`` alone;
    ``stake`` is the largest single group's stake and ``via`` names that seed.
    """
    n = view.n
    stake = np.zeros(n, np.float64)
    best = np.zeros(n, np.float64)
    via = np.full(n, -1, np.int64)
    out_round = np.full(n, -1, np.int32)
    scratch_round = np.full(n, -1, np.int32)
    for s in np.flatnonzero(seeds):
        touched: list[IntArray] = [np.array([s], np.int64)]
        scratch_round[s] = 0
        _advance(view, w, rule, stake, scratch_round, np.array([s], np.int64), 0, touched)
        nodes = np.unique(np.concatenate(touched))
        won = nodes[(scratch_round[nodes] >= 0) & ((via[nodes] < 0) | (stake[nodes] > best[nodes]))]
        via[won] = s
        first = nodes[
            (scratch_round[nodes] >= 0) & ((out_round[nodes] < 0) | (scratch_round[nodes] < out_round[nodes]))
        ]
        out_round[first] = scratch_round[first]
        np.maximum.at(best, nodes, stake[nodes])
        stake[nodes] = 0.0
        scratch_round[nodes] = -1
    out_round[seeds] = 0
    via[seeds] = np.flatnonzero(seeds)
    return Fixpoint(out_round >= 0, out_round, best, via)


def seed_only(n: int, seeds: BoolArray) -> Fixpoint:
    """The result when a rule is not in force: the seeds themselves, nothing more."""
    return Fixpoint(seeds.copy(), np.where(seeds, 0, -1).astype(np.int32), np.zeros(n, np.float64))


def python_worklist(
    n: int, edges: list[tuple[int, int, float]], seeds: list[int], threshold: float, strict: bool
) -> list[bool]:
    """The same aggregated fixpoint as a plain Python worklist over adjacency lists (the baseline)."""
    out: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for u, v, s in edges:
        out[u].append((v, s))
    restricted = [False] * n
    stake = [0.0] * n
    work = list(seeds)
    for s in seeds:
        restricted[s] = True
    while work:
        u = work.pop()
        for v, s in out[u]:
            stake[v] += s
            if not restricted[v] and (stake[v] > threshold + 1e-9 if strict else stake[v] >= threshold - 1e-9):
                restricted[v] = True
                work.append(v)
    return restricted
