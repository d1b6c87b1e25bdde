"""Least fixpoints of the threshold rules, by frontier iteration on CSR arrays.

A node is restricted when it is a seed, or when the weights of the edges from restricted owners
into it pass the rule's threshold. Starting from the seeds, each round adds the out-edges of the
nodes restricted in the previous round to their targets' stakes and restricts the targets that
now pass. Stakes only grow, so the iteration stops at the least fixpoint, and each edge is added
once: the work is linear in the edges leaving restricted nodes.

``round_`` records the round a node became restricted (0 for seeds, -1 never). Evidence uses
it: the owners restricted in earlier rounds carry a node over the threshold on their own, so a
justification never goes round a cycle.

The per-owner (UK) rule runs the same rounds on ``(seed, node)`` pairs, every seed's group on its
own and all groups at once, in a table sorted by pair (:func:`per_owner_pairs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ownergate.ownership.graph import BoolArray, FloatArray, Int32Array, IntArray, View
from ownergate.ownership.rules import TOLERANCE, Rule


@dataclass(frozen=True, slots=True)
class Fixpoint:
    """One bound's result: who is restricted, since which round, and the stake held by restricted owners."""

    restricted: BoolArray
    round_: Int32Array
    stake: FloatArray
    via: IntArray | None = None  # per-owner rules: the seed whose holdings carry each node (-1 none)


def weights(view: View, rule: Rule, upper: bool, joint: BoolArray | None = None) -> FloatArray:
    """Each view edge's weight under the lower or upper bounds, control of unknown size substituted;
    an edge into a ``joint`` node (an arrangement whose members each hold all of it) weighs 1."""
    base = view.hi if upper else view.lo
    unknown = rule.unknown_upper if upper else rule.unknown_lower
    w = base if not view.unk.any() else np.where(view.unk, np.maximum(base, unknown), base)
    if joint is not None:
        w = np.where(joint[view.dst], 1.0, w)
    return w


def aggregate(view: View, w: FloatArray, seeds: BoolArray, rule: Rule) -> Fixpoint:
    """The aggregated least fixpoint: stakes of all restricted owners add up."""
    n = view.n
    stake = np.zeros(n, np.float64)
    round_ = np.full(n, -1, np.int32)
    frontier = np.flatnonzero(seeds)
    round_[frontier] = 0
    _advance(view, w, rule, stake, round_, frontier, 0)
    return Fixpoint(round_ >= 0, round_, stake)


def _advance(
    view: View, w: FloatArray, rule: Rule, stake: FloatArray, round_: Int32Array, frontier: IntArray, r: int
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
        cand = cand[round_[cand] < 0]
        frontier = cand[rule.passes(stake[cand])]
        round_[frontier] = r


@dataclass(frozen=True, slots=True)
class Pairs:
    """Per-owner groups as a table of (seed, node) pairs, sorted by seed then node.

    A pair is in the table when the node is the seed itself or the target of an edge from a node
    restricted in that seed's group. ``stake`` is what the seed's group holds in the node; ``round_``
    the round the node became restricted in the group (0 for the seed, -1 touched but not restricted).
    """

    seed: IntArray
    node: IntArray
    stake: FloatArray
    round_: Int32Array


def per_owner_pairs(view: View, w: FloatArray, seeds: BoolArray | IntArray, rule: Rule) -> Pairs:
    """Every seed's aggregated fixpoint seeded by that seed alone, all seeds at once.

    ``seeds`` is a mask over the nodes, or the seeds' node numbers in increasing order (one seed's
    group, for evidence, then costs that group, not a pass over every node).

    Each round expands the frontier pairs (restricted in the previous round) along their nodes'
    out-edges, sums the weights per target pair and merges them into a table sorted by the key
    ``seed position * n + node``; the pairs that now pass join the next frontier. A round costs the
    frontier's edges (sorted) plus one pass over the table, never an array of ``n``.
    """
    n = view.n
    starts = (np.flatnonzero(seeds) if seeds.dtype == np.bool_ else seeds).astype(np.int64)
    keys = np.arange(starts.size, dtype=np.int64) * n + starts
    stake = np.zeros(keys.size, np.float64)
    round_ = np.zeros(keys.size, np.int32)
    frontier = keys
    r = 0
    while frontier.size:
        r += 1
        group, nodes = np.divmod(frontier, n)
        edges = view.out_edges(nodes)
        if not edges.size:
            break
        fanout = view.out_ptr[nodes + 1] - view.out_ptr[nodes]
        targets, inverse = np.unique(np.repeat(group * n, fanout) + view.dst[edges], return_inverse=True)
        added = np.bincount(inverse, weights=w[edges], minlength=targets.size)
        at = np.searchsorted(keys, targets)
        new = (at >= keys.size) | (keys[np.minimum(at, keys.size - 1)] != targets)
        keys = np.insert(keys, at[new], targets[new])
        stake = np.insert(stake, at[new], 0.0)
        round_ = np.insert(round_, at[new], -1)
        at += np.cumsum(new) - new  # where each target sits once the new keys are in
        stake[at] += added
        cand = at[round_[at] < 0]
        passed = cand[rule.passes(stake[cand])]
        round_[passed] = r
        frontier = keys[passed]
    group, node = np.divmod(keys, n)
    return Pairs(starts[group], node, stake, round_)


def per_owner(view: View, w: FloatArray, seeds: BoolArray, rule: Rule) -> Fixpoint:
    """The non-aggregated fixpoint: a node is restricted when one seed's group carries it.

    The result is the union over seeds ``s`` of the aggregated fixpoint seeded by ``s`` alone
    (:func:`per_owner_pairs`). ``round_`` is the earliest round in which a group restricts a node;
    ``stake`` the largest single group's stake in it, over every group that reaches it (restricting
    or not). ``via`` is the seed whose group restricts the node with the largest stake; stakes
    within the rule tolerance of the largest tie, and a tie goes to the lowest seed index, so the
    choice does not depend on the order sums were taken in. A seed is its own ``via``; -1 when no
    group restricts the node.
    """
    n = view.n
    pairs = per_owner_pairs(view, w, seeds, rule)
    best = np.zeros(n, np.float64)
    np.maximum.at(best, pairs.node, pairs.stake)
    held = pairs.round_ >= 0
    node, stake, seed = pairs.node[held], pairs.stake[held], pairs.seed[held]
    round_ = np.full(n, np.iinfo(np.int32).max, np.int32)
    np.minimum.at(round_, node, pairs.round_[held])
    top = np.full(n, -np.inf)
    np.maximum.at(top, node, stake)
    near = stake >= top[node] - TOLERANCE
    via = np.full(n, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(via, node[near], seed[near])
    restricted = round_ < np.iinfo(np.int32).max
    round_[~restricted] = -1
    via[~restricted] = -1
    via[seeds] = np.flatnonzero(seeds)
    return Fixpoint(restricted, round_, best, via)


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
