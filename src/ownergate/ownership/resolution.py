"""Resolve a graph under a rule: per-node status, the restricted owners' stake range, and evidence."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from ownergate.errors import ConfigError, InputError
from ownergate.ownership import fixpoint
from ownergate.ownership.evidence import Evidence, build_evidence
from ownergate.ownership.fixpoint import Fixpoint
from ownergate.ownership.graph import BoolArray, FloatArray, OwnershipGraph, View
from ownergate.ownership.lookthrough import lookthrough
from ownergate.ownership.ranges import CODES, Status, combine
from ownergate.ownership.rules import Method, Rule, get_rule


class Resolution:
    """The result of :func:`resolve`: arrays over the graph's nodes, and evidence on demand."""

    __slots__ = (
        "_share_max",
        "_share_min",
        "as_of",
        "exempt",
        "graph",
        "in_force",
        "lower",
        "maybe",
        "rule",
        "seeds",
        "status",
        "upper",
        "view",
        "w_hi",
        "w_lo",
    )

    def __init__(
        self,
        graph: OwnershipGraph,
        rule: Rule,
        as_of: date,
        view: View,
        seeds: BoolArray,
        w_lo: FloatArray,
        w_hi: FloatArray,
        lower: Fixpoint,
        upper: Fixpoint,
        in_force: bool,
        maybe: BoolArray | None = None,
    ) -> None:
        self.graph, self.rule, self.as_of, self.view, self.seeds = graph, rule, as_of, view, seeds
        self.w_lo, self.w_hi, self.lower, self.upper, self.in_force = w_lo, w_hi, lower, upper, in_force
        self.maybe = maybe if maybe is not None else np.zeros(graph.n, np.bool_)  # seeds of unknown country
        self.exempt = rule.exemption(graph)  # (exempt, undetermined) owned entities
        review = rule.reviews(upper.stake) if in_force and rule.review_at is not None else None
        self.status = combine(lower, upper, review, seeds, self.exempt if rule.exempt_countries else None)
        self._share_min: FloatArray | None = None
        self._share_max: FloatArray | None = None

    @property
    def share_min(self) -> FloatArray:
        """The restricted owners' stake in each node under the lower bounds, in [0, 1]."""
        if self._share_min is None:
            self._share_min = np.clip(self.lower.stake, 0.0, 1.0)
        return self._share_min

    @property
    def share_max(self) -> FloatArray:
        """The same under the upper bounds."""
        if self._share_max is None:
            self._share_max = np.clip(self.upper.stake, 0.0, 1.0)
        return self._share_max

    def status_of(self, node_id: str) -> Status:
        return CODES[int(self.status[self.graph.idx(node_id)])]

    def counts(self) -> dict[str, int]:
        found = np.bincount(self.status, minlength=3)
        return {s.value: int(found[i]) for i, s in enumerate(CODES)}

    def evidence(self, node_id: str) -> Evidence:
        """Why ``node_id`` has its status: the owners and shares that carry it, traced to seeds."""
        return build_evidence(self, self.graph.idx(node_id))

    def rows(self) -> Iterator[tuple[str, Status, float, float]]:
        lo, hi = self.share_min, self.share_max
        for i, nid in enumerate(self.graph.node_ids):
            yield nid, CODES[self.status[i]], float(lo[i]), float(hi[i])


def _seed_masks(
    graph: OwnershipGraph, rule: Rule, seeds: npt.ArrayLike | None, as_of: date, maybe: npt.ArrayLike | None = None
) -> tuple[BoolArray, BoolArray]:
    """``(seeds, maybe)``: the rule's own (with the parties of unknown country as possible seeds), or
    the ones given (no possible seeds unless ``maybe`` is given too)."""
    if seeds is None:
        return rule.seed_masks(graph, as_of)
    mask = _seed_mask(graph, rule, seeds, as_of)
    extra = np.zeros(graph.n, np.bool_) if maybe is None else _seed_mask(graph, rule, maybe, as_of)
    return mask, extra & ~mask


def _seed_mask(graph: OwnershipGraph, rule: Rule, seeds: npt.ArrayLike | None, as_of: date) -> BoolArray:
    if seeds is None:
        return rule.seeds(graph, as_of)
    arr = np.asarray(seeds)
    if arr.dtype == np.bool_:
        if arr.shape != (graph.n,):
            raise InputError(f"a seed mask must have one value per node ({graph.n}), got shape {arr.shape}")
        return arr.copy()
    mask = np.zeros(graph.n, np.bool_)
    if arr.size:
        if arr.dtype.kind in "US" or arr.dtype == object:
            arr = np.array([graph.idx(str(s)) for s in arr.reshape(-1)], np.int64)
        mask[arr.astype(np.int64)] = True
    return mask


def run(view: View, w: FloatArray, seeds: BoolArray, rule: Rule) -> Fixpoint:
    """One fixpoint of ``rule`` over ``view`` with edge weights ``w``."""
    if rule.method is Method.AGGREGATE:
        return fixpoint.aggregate(view, w, seeds, rule)
    if rule.method is Method.PER_OWNER:
        return fixpoint.per_owner(view, w, seeds, rule)
    return lookthrough(view, w, seeds, rule)


#: How a rule in force gets its two fixpoints: (view, w_lo, w_hi, seeds, possible seeds, rule) to
#: (lower, upper). On arrays here by default; the Spark backend passes its own.
Fixpoints = Callable[[View, FloatArray, FloatArray, BoolArray, BoolArray, Rule], tuple[Fixpoint, Fixpoint]]


def on_arrays(
    view: View, w_lo: FloatArray, w_hi: FloatArray, seeds: BoolArray, possible: BoolArray, rule: Rule
) -> tuple[Fixpoint, Fixpoint]:
    """The lower fixpoint from the seeds at the lowest weights, the upper from every possible seed too."""
    return run(view, w_lo, seeds, rule), run(view, w_hi, seeds | possible, rule)


def resolve(
    graph: OwnershipGraph,
    rule: str | Rule,
    seeds: npt.ArrayLike | None = None,
    as_of: date | None = None,
    maybe: npt.ArrayLike | None = None,
    fixpoints: Fixpoints = on_arrays,
) -> Resolution:
    """Resolve every node of ``graph`` under ``rule``.

    ``seeds`` overrides the rule's own seed selection: a boolean mask over the nodes, an array of
    node indices, or an array of node ids. ``as_of`` (default: today, UTC) selects the edges valid
    on that date and decides whether the rule is in force; when it is not (BIS Affiliates Rule
    before its effective date or while suspended) only the seeds themselves are restricted.
    """
    r = get_rule(rule)
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    day = as_of or datetime.now(UTC).date()
    view = graph.view(r.kinds, day)
    mask, possible = _seed_masks(graph, r, seeds, day, maybe)
    joint = r.joint(graph)
    w_lo, w_hi = fixpoint.weights(view, r, False, joint), fixpoint.weights(view, r, True, joint)
    in_force = r.in_force(day)
    if not in_force:
        lower = fixpoint.seed_only(graph.n, mask)
        upper = fixpoint.seed_only(graph.n, mask | possible) if possible.any() else lower
    else:
        lower, upper = fixpoints(view, w_lo, w_hi, mask, possible, r)
    return Resolution(graph, r, day, view, mask, w_lo, w_hi, lower, upper, in_force, possible)


class Engine(StrEnum):
    """Where :func:`resolve_with` computes: the array engine here, or Spark (local or a cluster)."""

    NUMPY = "numpy"
    SPARK = "spark"


def resolve_with(
    engine: Engine,
    graph: OwnershipGraph,
    rule: str | Rule,
    as_of: date | None = None,
    master: str | None = None,
) -> Resolution:
    """:func:`resolve` on ``engine``; ``master`` (Spark only) is ``local[N]`` or ``spark://host:port``,
    by default ``local[2]``. Both engines give the same statuses, stakes and evidence."""
    if engine is Engine.NUMPY:
        if master is not None:
            raise ConfigError(f"--master {master} applies to the Spark engine only (--engine spark)")
        return resolve(graph, rule, as_of=as_of)
    from ownergate.ownership.spark import LOCAL, resolve_on_spark

    return resolve_on_spark(graph, rule, as_of=as_of, master=master or LOCAL)
