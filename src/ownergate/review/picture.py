"""The ownership picture: a customer's upstream owners as an SVG drawn by Graphviz ``dot``.

:func:`layout` chooses what to draw and writes DOT text; :func:`render` runs ``dot -Tsvg``.
Owners sit above what they own; the edges that decide the verdict (the evidence's edges) are
drawn thick and red; companies are boxes, persons ellipses; each node shows its countries and
flags (an unsupported region, the lists it is on); each edge its share or range. Hovering a node
or an edge shows its id and source (SVG ``<title>``).

A large cone stays readable: the decisive path is always drawn, then the nearest owners (the
direct owners of what is drawn, largest stakes first, level by level) up to ``max_nodes``;
everything else is summarised as one "+N more owners" node beside the node it owns.

Nothing a name contains reaches the SVG as markup: DOT strings are escaped (quotes, backslashes,
``&``, control characters), Graphviz escapes its text output, node names are opaque (``n0``,
``n1`` ...), and the SVG is refused if it nevertheless contains a script or an event attribute.
"""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ownergate.errors import ConfigError, StoreError
from ownergate.ownership.graph import EdgeKind, OwnershipGraph
from ownergate.policy.countries import UnsupportedRegions

MAX_NODES = 40  # owners drawn before the rest are summarised
MAX_CONE = 20_000  # owners looked at (nearest first); a larger cone's summaries count at least this many
DOT_TIMEOUT = 15.0  # seconds
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# markup that could act (Graphviz never writes it from escaped DOT; refused if it ever does)
_UNSAFE_SVG = re.compile(r"<\s*(script|foreignObject|iframe|a)\b|<[^>]*\s(on[a-z]+|href|xlink:href)\s*=", re.IGNORECASE)
_TITLE = re.compile(r"<title>([^<]*)</title>")
_DECISIVE = "#b3261e"


@dataclass(slots=True)
class Dot:
    """DOT text and what it shows: nodes drawn, owners summarised, and the hover text per DOT name."""

    text: str
    shown: int
    hidden: int
    titles: dict[str, str] = field(default_factory=dict)


def quote(text: str, limit: int = 80) -> str:
    """``text`` as the inside of a DOT double-quoted string: no markup, no escapes, one line."""
    text = _CONTROL.sub(" ", text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def decisive_edges(reasons: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """(owner id, owned id) of every edge a reason's ownership evidence names."""
    found: set[tuple[str, str]] = set()
    for reason in reasons:
        for edge in (reason.get("evidence") or {}).get("edges") or []:
            if isinstance(edge, Mapping) and "owner_id" in edge and "owned_id" in edge:
                found.add((str(edge["owner_id"]), str(edge["owned_id"])))
    return found


def _cone(graph: OwnershipGraph, root: int, as_of: date | None, limit: int = MAX_CONE) -> dict[int, list[int]]:
    """The cone's nodes (root included, at most about ``limit``, nearest first) -> the view edges entering each."""
    view = graph.view(tuple(EdgeKind), as_of)
    into: dict[int, list[int]] = {}
    frontier = np.array([root], np.int64)
    while frontier.size and len(into) < limit:
        for v in frontier.tolist():
            into[v] = view.in_edges(np.array([v], np.int64)).tolist()
        owners = np.unique(view.src[view.in_edges(frontier)]).astype(np.int64)
        frontier = np.array([u for u in owners.tolist() if u not in into], np.int64)
    return into


def select(
    graph: OwnershipGraph, root: int, decisive: set[tuple[str, str]], as_of: date | None, max_nodes: int
) -> tuple[list[int], dict[int, list[int]]]:
    """The nodes to draw (root and decisive path first, then nearest owners) and the whole cone."""
    into = _cone(graph, root, as_of)
    view = graph.view(tuple(EdgeKind), as_of)
    ids = graph.node_ids
    keep = [root]
    kept = {root}
    for v in into:  # the decisive path, whatever the budget
        for e in into[v]:
            u = int(view.src[e])
            if (ids[u], ids[v]) in decisive and u not in kept:
                kept.add(u)
                keep.append(u)
    level = list(keep)
    while level and len(keep) < max_nodes:
        owners = sorted(
            ((float(view.hi[e]), int(view.src[e])) for v in level for e in into.get(v, [])),
            key=lambda pair: -pair[0],
        )
        level = []
        for _, u in owners:
            if u not in kept and len(keep) < max_nodes:
                kept.add(u)
                keep.append(u)
                level.append(u)
    return keep, into


def _upstream(start: Iterable[int], into: Mapping[int, list[int]], src: Any, skip: set[int]) -> set[int]:
    seen: set[int] = set()
    stack = [u for u in start if u not in skip]
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        stack += [int(src[e]) for e in into.get(v, []) if int(src[e]) not in skip]
    return seen


def _share(lo: float, hi: float, unknown: bool) -> str:
    if unknown and hi == 0:
        return "control (size unknown)"
    if abs(hi - lo) < 1e-12:
        return f"{lo * 100:.4g}%"
    return f"{lo * 100:.4g}–{hi * 100:.4g}%"


def _node_lines(graph: OwnershipGraph, i: int, regions: UnsupportedRegions) -> tuple[list[str], list[str]]:
    kind = (graph.node_kind[i] if graph.node_kind is not None else None) or "company"
    hq, inc = graph.hq(i), graph.incorporation(i)
    where = [f"HQ {hq}" if hq else "", f"inc. {inc}" if inc and inc != hq else ""]
    lines = [graph.name(i), " · ".join([kind, *[w for w in where if w]])]
    flags = [
        f"unsupported region: {regions.name(c)}" for c in dict.fromkeys([hq, inc]) if c and regions.is_unsupported(c)
    ]
    if graph.node_lists(i):
        flags.append("listed: " + ", ".join(graph.node_lists(i)))
    return lines, flags


def layout(
    graph: OwnershipGraph,
    root_id: str,
    regions: UnsupportedRegions,
    decisive: set[tuple[str, str]] | None = None,
    as_of: date | None = None,
    max_nodes: int = MAX_NODES,
) -> Dot:
    """DOT text of ``root_id``'s ownership cone, collapsed to about ``max_nodes`` owners."""
    decisive = decisive or set()
    root = graph.idx(root_id)
    keep, into = select(graph, root, decisive, as_of, max_nodes)
    view = graph.view(tuple(EdgeKind), as_of)
    kept = set(keep)
    name = {v: f"n{k}" for k, v in enumerate(keep)}
    out = ["digraph ownership {", '  graph [rankdir=TB, nodesep=0.35, ranksep=0.6, fontname="sans-serif"];']
    out.append('  node [fontname="sans-serif", fontsize=11, shape=box, style="rounded,filled", fillcolor="#ffffff"];')
    out.append('  edge [fontname="sans-serif", fontsize=10, color="#555555"];')
    titles: dict[str, str] = {}
    on_path = {owner for owner, _ in decisive} | {owned for _, owned in decisive}
    for v in keep:
        lines, flags = _node_lines(graph, v, regions)
        label = "\\n".join(quote(x) for x in [*lines, *("⚑ " + f for f in flags)])
        attrs = [f'label="{label}"']
        if graph.node_kind is not None and graph.node_kind[v] == "person":
            attrs.append("shape=ellipse")
        if flags:
            attrs.append('fillcolor="#fde2df"')
        if v == root:
            attrs += ["penwidth=2.5", 'fillcolor="#dbe9f7"' if not flags else 'color="#1d4f91"']
        if graph.node_ids[v] in on_path:
            attrs.append(f'color="{_DECISIVE}"')
        out.append(f"  {name[v]} [{', '.join(attrs)}];")
        titles[name[v]] = f"{graph.node_ids[v]} — {' · '.join([*lines[1:], *flags])}"
    hidden_total: set[int] = set()
    for v in keep:
        hidden_owners: list[int] = []
        for e in into.get(v, []):
            u = int(view.src[e])
            if u not in kept:
                hidden_owners.append(u)
                continue
            decisive_edge = (graph.node_ids[u], graph.node_ids[v]) in decisive
            text = _share(float(view.lo[e]), float(view.hi[e]), bool(view.unk[e]))
            kind = EdgeKind(int(graph.edge_kind[int(view.rep[e])])).name.lower()
            label = text if kind == "shares" else f"{text} ({kind})"
            attrs = [f'label="{quote(label)}"']
            if decisive_edge:
                attrs += [f'color="{_DECISIVE}"', f'fontcolor="{_DECISIVE}"', "penwidth=3"]
            edge = f"{name[u]}->{name[v]}"
            out.append(f"  {edge} [{', '.join(attrs)}];")
            source = graph.source(int(view.rep[e])) or "no source recorded"
            titles[html.escape(edge, quote=False).replace("-", "&#45;")] = f"{label} — source: {source}"
        if hidden_owners:
            further = _upstream(hidden_owners, into, view.src, kept)
            hidden_total |= further
            more = f"m{name[v]}"
            extra = len(further) - len(set(hidden_owners))
            label = f"+{len(set(hidden_owners))} more owners" + (f"\\n(+{extra} further up)" if extra > 0 else "")
            out.append(f'  {more} [label="{label}", shape=note, style="dashed", fillcolor="#f4f4f4"];')
            out.append(f'  {more}->{name[v]} [style=dashed, color="#999999"];')
            titles[more] = f"{len(further)} owners not drawn: far from the decisive path"
    out.append("}")
    titles["ownership"] = f"Owners of {graph.name(root)}"
    return Dot("\n".join(out) + "\n", len(keep), len(hidden_total), titles)


def render(dot: Dot, timeout: float = DOT_TIMEOUT) -> str:
    """The SVG of ``dot`` (Graphviz ``dot -Tsvg``), without prolog, with the hover titles filled in."""
    try:
        done = subprocess.run(
            ["dot", "-Tsvg"], input=dot.text.encode("utf-8"), capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise ConfigError(
            "Graphviz is not installed: the ownership picture needs `dot` (apt-get install graphviz)"
        ) from None
    except subprocess.TimeoutExpired:
        raise StoreError(f"Graphviz took more than {timeout:g}s to draw the ownership picture") from None
    if done.returncode != 0:
        raise ConfigError(f"Graphviz failed: {done.stderr.decode('utf-8', 'replace')[:300]}")
    svg = done.stdout.decode("utf-8")
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = _TITLE.sub(lambda m: f"<title>{html.escape(dot.titles.get(m.group(1), ''), quote=False)}</title>", svg)
    if _UNSAFE_SVG.search(svg):
        raise ConfigError("the ownership picture contained active content and was refused")
    return svg


def picture(
    graph: OwnershipGraph,
    root_id: str,
    regions: UnsupportedRegions,
    reasons: Sequence[Mapping[str, Any]] = (),
    as_of: date | None = None,
    max_nodes: int = MAX_NODES,
) -> tuple[str, Dot]:
    """The SVG of a customer's cone with its verdict's decisive edges highlighted, and the DOT behind it."""
    dot = layout(graph, root_id, regions, decisive_edges(reasons), as_of, max_nodes)
    return render(dot), dot
