"""Evidence: the small subgraph that carries a node over a rule's threshold, traced back to seeds.

For a threshold rule, a node restricted in round ``r`` is carried by its owners restricted in
earlier rounds (their stakes alone pass the threshold), so walking back along those edges ends
at seeds and never goes round a cycle. A ``possible`` node is explained with the upper bounds,
and ``possible_because`` names what made it possible: the edges of unknown size or given as a
range, and the owners whose country is unknown (possible seeds); a node in a rule's review tier
is explained by the restricted owners' stakes in it. Parallel edges folded into one cite every
row they came from (``sources``); ``source`` is the row whose share was counted.
Under the per-owner (UK) rule the walk follows the one seed whose group carries the node; under
look-through it follows every owner with a positive effective stake. Each edge names its source
record. :meth:`Evidence.describe` renders it as lines a person can read::

    Acme SG: restricted under anthropic (restricted owners hold 100%; more than 50% needed)
    Acme SG <- 100% Acme Holdings KY (HQ China, unsupported region) [source: bods rec-1]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ownergate.ownership import fixpoint
from ownergate.ownership.graph import EdgeKind, FloatArray, IntArray, View
from ownergate.ownership.ranges import CODES, Status
from ownergate.ownership.rules import Method, Rule

if TYPE_CHECKING:
    from ownergate.ownership.resolution import Resolution

#: the most edges one piece of evidence lists
MAX_EDGES = 200


@dataclass(slots=True)
class EvidenceEdge:
    owner_id: str
    owner_name: str
    owned_id: str
    owned_name: str
    share_min: float | None  # None: control of unknown size
    share_max: float | None
    kind: str
    source: str | None  # the row whose share was counted
    owner_seed: str  # why the owner is a seed ("HQ China, unsupported region"); "" if not a seed
    depth: int  # 0 for the node's own owners, 1 for theirs ...
    sources: list[str] = field(default_factory=list)  # every row folded into this edge
    note: str = ""  # how the rule counts the edge, when not as its share ("joint holder: counts in full")

    def share_text(self) -> str:
        if self.share_min is None or self.share_max is None:
            return "control (size unknown)"
        if abs(self.share_max - self.share_min) < 1e-12:
            return f"{self.share_min * 100:g}%"
        return f"{self.share_min * 100:g}-{self.share_max * 100:g}%"


@dataclass(slots=True)
class Evidence:
    node_id: str
    name: str
    rule: str
    status: Status
    share_min: float
    share_max: float
    threshold: str  # "more than 50%", "50% or more"
    seed: str = ""  # why the node itself is a seed, if it is one
    bound: str = ""  # "lower" or "upper": the bounds the edges were taken from
    edges: list[EvidenceEdge] = field(default_factory=list)
    truncated: bool = False
    possible_because: list[str] = field(default_factory=list)  # the uncertain facts a possible result rests on
    citation: str = ""  # the rule's legal basis

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data

    def describe(self) -> str:
        stake = pct_range(self.share_min, self.share_max)
        head = f"{self.name}: {self.status.value} under {self.rule}"
        if self.seed:
            head += f" (itself a seed: {self.seed})"
        elif self.status is Status.CLEAR:
            head += f" (restricted owners hold {stake}; {self.threshold} needed)"
        else:
            head += f" (restricted owners hold {stake}; {self.threshold} needed)"
        lines = [head]
        for e in self.edges:
            who = f"({e.owner_seed})" if e.owner_seed else "(restricted through its owners)"
            if len(e.sources) > 1:
                src = f" [sources: {'; '.join(e.sources)}; counted: {e.source}]"
            else:
                src = f" [source: {e.source}]" if e.source else ""
            note = f" [{e.note}]" if e.note else ""
            lines.append(f"{'  ' * e.depth}{e.owned_name} <- {e.share_text()} {e.owner_name} {who}{src}{note}")
        if self.truncated:
            lines.append(f"... (more than {MAX_EDGES} edges)")
        lines += [f"possible because: {why}" for why in self.possible_because]
        if self.citation:
            lines.append(f"rule basis: {self.citation}")
        return "\n".join(lines)


def pct_range(lo: float, hi: float) -> str:
    """A stake as text: ``51%``, or ``40-60%`` for a range."""
    return f"{lo * 100:.4g}%" if abs(hi - lo) < 1e-12 else f"{lo * 100:.4g}-{hi * 100:.4g}%"


def build_evidence(res: Resolution, i: int) -> Evidence:
    g, rule = res.graph, res.rule
    code = CODES[res.status[i]]
    ev = Evidence(
        node_id=g.node_ids[i],
        name=g.name(i),
        rule=rule.name,
        status=code,
        share_min=float(res.share_min[i]),
        share_max=float(res.share_max[i]),
        threshold=rule.comparison(),
        seed=rule.seed_reason(g, i, res.as_of) if res.seeds[i] else "",
        citation=rule.citation,
    )
    if code is Status.CLEAR or res.seeds[i]:
        return ev
    if res.maybe[i] and code is Status.POSSIBLE:
        ev.possible_because.append(f"{g.name(i)}: {rule.unknown_reason(g, i)}")
    undetermined = res.exempt[1][i] and rule.exempt_countries and code is Status.POSSIBLE
    if undetermined and res.lower.restricted[i]:
        ev.possible_because.append(
            f"{g.name(i)}: country unknown, so it cannot be shown to be outside the rule"
            f" (entities of {', '.join(sorted(rule.exempt_countries))} are)"
        )
        ev.bound = "lower"
        _walk(res, ev, i, res.lower, res.w_lo, res.lower.round_.__getitem__, lookthrough=False)
        return ev
    upper = code is Status.POSSIBLE
    ev.bound = "upper" if upper else "lower"
    fp = res.upper if upper else res.lower
    w = res.w_hi if upper else res.w_lo
    rounds: Callable[[IntArray], IntArray] = fp.round_.__getitem__
    if rule.method is Method.PER_OWNER and fp.via is not None:
        group = _group_rounds(res.view, w, int(fp.via[i]), rule)  # the one person whose holdings carry i

        def rounds(nodes: IntArray) -> IntArray:
            return np.array([group.get(n, -1) for n in nodes.tolist()], np.int64)

    _walk(res, ev, i, fp, w, rounds, lookthrough=rule.method is Method.LOOKTHROUGH)
    if upper:
        ev.possible_because += _uncertain(res, ev)
        if not fp.restricted[i] and rule.review_at is not None:
            ev.possible_because.append(
                f"restricted owners may hold {pct_range(ev.share_min, ev.share_max)}, at or above the review tier"
                f" of {rule.review_at * 100:g}%"
            )
    return ev


def _uncertain(res: Resolution, ev: Evidence) -> list[str]:
    """The uncertain facts among the evidence edges: shares of unknown size or given as ranges, owners of
    unknown country."""
    found = []
    for e in ev.edges:
        where = f" [source: {e.source}]" if e.source else ""
        if e.share_min is None:
            found.append(f"{e.owner_name} -> {e.owned_name}: control of unknown size{where}")
        elif e.share_max is not None and e.share_max - e.share_min > 1e-12:
            found.append(f"{e.owner_name} -> {e.owned_name}: a share given as a range, {e.share_text()}{where}")
        if e.owner_seed.startswith("country unknown"):
            found.append(f"{e.owner_name}: {e.owner_seed}")
    return found


def _group_rounds(view: View, w: FloatArray, seed: int, rule: Rule) -> dict[int, int]:
    """The round each node joins ``seed``'s own group (the aggregated fixpoint seeded by it alone),
    from the per-owner pair table of that one seed: the group's edges only, no n-sized arrays."""
    pairs = fixpoint.per_owner_pairs(view, w, np.array([seed], np.int64), rule)
    joined = pairs.round_ >= 0
    return dict(zip(pairs.node[joined].tolist(), pairs.round_[joined].tolist(), strict=True))


def _walk(
    res: Resolution,
    ev: Evidence,
    start: int,
    fp: fixpoint.Fixpoint,
    w: Any,
    rounds_of: Callable[[Any], Any],
    lookthrough: bool,
) -> None:
    """Depth first from ``start`` back along carrying edges, so each owner's own owners follow it."""
    view = res.view

    def carriers(v: int) -> Iterator[tuple[int, int]]:
        edges = view.in_order[view.in_ptr[v] : view.in_ptr[v + 1]]
        owners = view.src[edges]
        if lookthrough:
            keep = (w[edges] > 0) & ((fp.stake[owners] > 0) | res.seeds[owners])
        else:
            rounds = rounds_of(owners)
            mine = int(rounds_of(np.array([v]))[0])
            if mine < 0:  # not carried over the threshold (a review tier): every restricted owner's stake
                mine = np.iinfo(np.int32).max
            keep = (w[edges] > 0) & (rounds >= 0) & (rounds < mine)
        yield from zip(edges[keep].tolist(), owners[keep].tolist(), strict=True)

    stack = [(start, carriers(start))]
    done = {start}
    while stack:
        v, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            stack.pop()
            continue
        if len(ev.edges) >= MAX_EDGES:
            ev.truncated = True
            return
        e, u = nxt
        ev.edges.append(_edge(res, e, u, v, len(stack) - 1, ev.bound == "upper"))
        if u not in done and not res.seeds[u] and not res.maybe[u]:
            done.add(u)
            stack.append((u, carriers(u)))


_KIND_NAMES = {int(k): k.name.lower() for k in EdgeKind}


def _edge(res: Resolution, e: int, u: int, v: int, depth: int, upper: bool) -> EvidenceEdge:
    g, view = res.graph, res.view
    unknown = bool(view.unk[e]) and view.hi[e] == 0
    members = view.raw_edges(e)
    raw = _carrier(g, members, upper) if len(members) > 1 else int(view.rep[e])
    if res.seeds[u]:
        owner_seed = res.rule.seed_reason(g, u, res.as_of)
    elif res.maybe[u]:
        owner_seed = res.rule.unknown_reason(g, u)
    else:
        owner_seed = ""
    return EvidenceEdge(
        owner_id=g.node_ids[u],
        owner_name=g.name(u),
        owned_id=g.node_ids[v],
        owned_name=g.name(v),
        share_min=None if unknown else float(view.lo[e]),
        share_max=None if unknown else float(view.hi[e]),
        kind=_KIND_NAMES[int(g.edge_kind[raw])],
        source=g.source(raw),
        owner_seed=owner_seed,
        depth=depth,
        sources=[s for s in (g.source(m) for m in members) if s],
        note="joint holder: counts as holding all of it" if _joint(res, v) else "",
    )


def _joint(res: Resolution, v: int) -> bool:
    joint = res.rule.joint(res.graph)
    return joint is not None and bool(joint[v])


def _carrier(g: Any, members: list[int], upper: bool) -> int:
    """Of the rows folded into one edge, the one whose bound was counted (the largest; unknown size last)."""
    values = g.share_max[members] if upper else g.share_min[members]
    known = ~np.isnan(values)
    if not known.any():
        return members[0]
    return members[int(np.argmax(np.where(known, values, -1.0)))]
