"""Tiny named graphs for the rule cases: nodes as ``id[:HQ][+list]``, edges as ``(owner, owned, share)``.

A node without ``:HQ`` is headquartered in ``DEFAULT_HQ`` (a supported, non-U.S. country), so the
cases test the rule they name; ``id:?`` is a node of unknown country."""

from __future__ import annotations

from ownergate.ownership import OwnershipGraph

Edge = tuple[str, str, float | tuple[float, float] | None]

#: the headquarters of a node the case gives none
DEFAULT_HQ = "FR"


def graph(nodes: list[str], edges: list[Edge], sources: bool = True) -> OwnershipGraph:
    ids, hq, lists = [], [], []
    for spec in nodes:
        spec, _, listed = spec.partition("+")
        nid, _, country = spec.partition(":")
        ids.append(nid)
        hq.append(None if country == "?" else country or DEFAULT_HQ)
        lists.append(listed.split(";") if listed else None)
    index = {n: i for i, n in enumerate(ids)}
    lo, hi = [], []
    for _, _, share in edges:
        if share is None:
            lo.append(float("nan"))
            hi.append(float("nan"))
        elif isinstance(share, tuple):
            lo.append(share[0])
            hi.append(share[1])
        else:
            lo.append(share)
            hi.append(share)
    return OwnershipGraph.from_edges(
        ids,
        [index[o] for o, _, _ in edges],
        [index[d] for _, d, _ in edges],
        lo,
        hi,
        sources=[f"test {o}->{d}" for o, d, _ in edges] if sources else None,
        names=[n.title() for n in ids],
        hq_country=hq,
        lists=lists,
    )
