"""The ownership graph as arrays: node ids and attributes, edges as parallel numpy arrays, CSR views.

Nodes are numbered ``0 .. n-1`` in the order of ``node_ids``. An edge ``e`` says that node
``owner[e]`` holds between ``share_min[e]`` and ``share_max[e]`` (fractions in [0, 1]) of node
``owned[e]``; both are NaN for control of unknown size. Each edge has a kind (shares, voting,
control), an optional validity period and an optional source record.

Rules read the graph through a :class:`View`: the edges of the kinds a rule counts, valid on a
date, with parallel edges between the same two nodes folded into one (the largest bound of
each side wins, so the same stake reported by two sources is not counted twice), in both
out-CSR (by owner) and in-CSR (by owned) order. Views are cached on the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

import numpy as np
import numpy.typing as npt

from ownergate.errors import InputError

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class EdgeKind(IntEnum):
    """What an edge gives its owner."""

    SHARES = 0
    VOTING = 1
    CONTROL = 2

    @classmethod
    def parse(cls, text: str) -> EdgeKind:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise InputError(f"unknown edge kind {text!r} (expected shares, voting or control)") from None


class NodeKind(StrEnum):
    COMPANY = "company"
    PERSON = "person"
    STATE = "state"  # a state or state body (BODS state/stateBody, FtM PublicBody, a government)
    ARRANGEMENT = "arrangement"  # a joint holding or other arrangement (BODS arrangement): its members hold it jointly


_NO_DATE = np.datetime64("NaT", "D")
#: per-node country codes, or (positions, categories)
Countries = Sequence[str | None] | tuple[npt.NDArray[np.int32], Sequence[str | None]]


@dataclass(frozen=True, slots=True)
class View:
    """The folded edges one rule counts, in both CSR orders. ``rep`` maps a view edge to a raw edge."""

    n: int
    src: Int32Array  # sorted by (src, dst): the out-CSR order
    dst: Int32Array
    lo: FloatArray  # the known lower bound (0 when only control of unknown size is known)
    hi: FloatArray  # the known upper bound (0 likewise)
    unk: BoolArray  # True when some folded edge is control of unknown size
    rep: IntArray  # a raw edge index that carries this view edge (for its source record)
    members: IntArray  # the raw edges folded into each view edge, grouped by view edge

    member_ptr: IntArray  # view edge k folds members[member_ptr[k] : member_ptr[k + 1]]
    out_ptr: IntArray  # n + 1
    in_ptr: IntArray  # n + 1
    in_order: IntArray  # view edge indices sorted by dst

    def out_edges(self, nodes: IntArray | Int32Array) -> IntArray:
        """All view edge indices leaving ``nodes``, concatenated."""
        return _gather(self.out_ptr, nodes)

    def in_edges(self, nodes: IntArray | Int32Array) -> IntArray:
        """All view edge indices entering ``nodes``, concatenated."""
        return self.in_order[_gather(self.in_ptr, nodes)]

    def raw_edges(self, e: int) -> list[int]:
        """Every raw edge folded into view edge ``e`` (one when nothing was folded)."""
        found: list[int] = self.members[self.member_ptr[e] : self.member_ptr[e + 1]].tolist()
        return found


def _gather(ptr: IntArray, nodes: IntArray | Int32Array) -> IntArray:
    starts = ptr[nodes]
    lengths = ptr[nodes + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64)


def _ptr(sorted_keys: Int32Array, n: int) -> IntArray:
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(sorted_keys, minlength=n), out=ptr[1:])
    return ptr


def _bucket_order(rows: Int32Array, cols: Int32Array, n: int, sort_cols: bool) -> IntArray:
    """Positions of the pairs ordered by row (a counting sort, O(n + m)), and by column within a row if asked."""
    from scipy.sparse import _sparsetools, csr_array

    m = len(rows)
    kind = np.int32 if max(n, m) < 2**31 - 1 else np.int64
    indptr = np.empty(n + 1, kind)
    indices = np.empty(m, kind)
    order = np.empty(m, np.int64)
    _sparsetools.coo_tocsr(
        n,
        n,
        m,
        rows.astype(kind, copy=False),
        cols.astype(kind, copy=False),
        np.arange(m, dtype=np.int64),
        indptr,
        indices,
        order,
    )
    if sort_cols:
        matrix = csr_array((order, indices, indptr), shape=(n, n), copy=False)
        matrix.has_sorted_indices = False
        matrix.sort_indices()
        order = np.asarray(matrix.data, np.int64)
    return order


def _dates(values: Sequence[date | None] | npt.NDArray[np.datetime64] | None, m: int) -> npt.NDArray[np.datetime64]:
    if values is None:  # no dates: one shared NaT, read-only, instead of m of them
        return np.broadcast_to(_NO_DATE, (m,))
    if isinstance(values, np.ndarray):
        return values.astype("datetime64[D]")
    return np.array([np.datetime64(v, "D") if v is not None else _NO_DATE for v in values], dtype="datetime64[D]")


class OwnershipGraph:
    """Nodes with attributes and ownership edges, held as arrays."""

    __slots__ = (
        "_index",
        "_kinds",
        "_views",
        "country_codes",
        "dated",
        "default_source",
        "edge_kind",
        "edge_source",
        "hq_code",
        "inc_code",
        "lists",
        "names",
        "nationality",
        "node_ids",
        "node_kind",
        "owned",
        "owner",
        "residence",
        "share_max",
        "share_min",
        "valid_from",
        "valid_to",
    )

    node_ids: Sequence[str]
    owner: Int32Array
    owned: Int32Array
    share_min: FloatArray
    share_max: FloatArray
    edge_kind: npt.NDArray[np.uint8]
    valid_from: npt.NDArray[np.datetime64]
    valid_to: npt.NDArray[np.datetime64]
    dated: bool  # whether any edge has a validity date (views on a date filter only then)
    edge_source: Sequence[str | None] | None
    default_source: str | None  # without per-edge sources: edge e is "<default_source> row e+1"
    names: Sequence[str | None] | None
    country_codes: list[str]
    hq_code: npt.NDArray[np.int16]
    inc_code: npt.NDArray[np.int16]
    lists: dict[int, tuple[str, ...]]
    node_kind: Sequence[str | None] | None
    nationality: dict[int, str]
    residence: dict[int, str]
    _index: Mapping[str, int] | None  # built on first use; a dict, or a ChainMap over another graph's
    _views: dict[tuple[frozenset[int], date | None], View]
    _kinds: dict[str, BoolArray]  # node kind -> mask, built on first use

    def __init__(self) -> None:
        raise TypeError("build an OwnershipGraph with OwnershipGraph.from_edges(...)")

    @classmethod
    def from_edges(
        cls,
        node_ids: Sequence[str],
        owner_idx: npt.ArrayLike,
        owned_idx: npt.ArrayLike,
        share_min: npt.ArrayLike,
        share_max: npt.ArrayLike,
        *,
        kind: npt.ArrayLike | None = None,
        valid_from: Sequence[date | None] | npt.NDArray[np.datetime64] | None = None,
        valid_to: Sequence[date | None] | npt.NDArray[np.datetime64] | None = None,
        sources: Sequence[str | None] | None = None,
        default_source: str | None = None,
        names: Sequence[str | None] | None = None,
        hq_country: Countries | None = None,
        incorporation_country: Countries | None = None,
        lists: Mapping[int, Iterable[str]] | Sequence[Iterable[str] | None] | None = None,
        node_kind: Sequence[str | None] | None = None,
        nationality: Mapping[int, str] | None = None,
        residence: Mapping[int, str] | None = None,
    ) -> OwnershipGraph:
        """Build a graph from parallel edge arrays (indices into ``node_ids``) and node attributes.

        Countries are codes (``CN``, ``UA-43``), one per node, or ``(codes, categories)``: an
        integer array of positions into a list of codes. Shares are fractions; NaN in both
        ``share_min`` and ``share_max`` means control of unknown size; NaN only in ``share_min``
        means "at most ``share_max``" (lower bound 0).
        """
        g = object.__new__(cls)
        n = len(node_ids)
        g.node_ids = node_ids if isinstance(node_ids, Sequence) else list(node_ids)  # columns stay columns
        g._index = None
        g._views = {}
        g._kinds = {}
        g.owner = np.ascontiguousarray(owner_idx, dtype=np.int32)
        g.owned = np.ascontiguousarray(owned_idx, dtype=np.int32)
        m = len(g.owner)
        lo = np.array(share_min, dtype=np.float64, copy=True).reshape(-1)
        hi = np.array(share_max, dtype=np.float64, copy=True).reshape(-1)
        if not (len(g.owned) == len(lo) == len(hi) == m):
            raise InputError("owner, owned, share_min and share_max must have the same length")
        if m and (g.owner.min() < 0 or g.owner.max() >= n or g.owned.min() < 0 or g.owned.max() >= n):
            raise InputError("an edge names a node index outside node_ids")
        lo[np.isnan(lo) & ~np.isnan(hi)] = 0.0
        known = ~np.isnan(lo) & ~np.isnan(hi)
        bad = known & ((lo < -1e-12) | (hi > 1 + 1e-12) | (lo > hi + 1e-12))
        if bad.any():
            e = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"edge #{e + 1}: shares must satisfy 0 <= share_min <= share_max <= 1 (got {lo[e]}, {hi[e]})"
            )
        g.share_min, g.share_max = lo, hi
        g.edge_kind = np.zeros(m, np.uint8) if kind is None else np.ascontiguousarray(kind, dtype=np.uint8).reshape(-1)
        g.valid_from, g.valid_to = _dates(valid_from, m), _dates(valid_to, m)
        g.dated = any(
            v is not None and not np.isnat(d).all() for v, d in ((valid_from, g.valid_from), (valid_to, g.valid_to))
        )
        g.edge_source = sources if sources is None or isinstance(sources, Sequence) else list(sources)
        g.default_source = default_source
        g.names = names
        g.country_codes = [""]
        g.hq_code = g._encode(hq_country, n)
        g.inc_code = g._encode(incorporation_country, n)
        g.lists = _sparse_lists(lists)
        g.node_kind = node_kind if node_kind is None or isinstance(node_kind, Sequence) else list(node_kind)
        g.nationality = dict(nationality or {})
        g.residence = dict(residence or {})
        return g

    def _encode(self, values: Countries | None, n: int) -> npt.NDArray[np.int16]:
        """Country codes as small integers into ``country_codes`` (0: unknown)."""
        if values is None:
            return np.zeros(n, np.int16)
        if isinstance(values, tuple) and len(values) == 2 and isinstance(values[0], np.ndarray):
            positions, categories = values
            table = self._encode(list(categories), len(categories))
            return table[positions] if len(table) else np.zeros(n, np.int16)
        lookup: dict[str | None, int] = {c: i for i, c in enumerate(self.country_codes)}
        lookup[None] = 0
        for v in set(values):
            if v not in lookup:
                norm = (v or "").strip().upper()
                if norm not in lookup:
                    lookup[norm] = len(self.country_codes)
                    self.country_codes.append(norm)
                lookup[v] = lookup[norm]
        return np.fromiter(map(lookup.__getitem__, values), np.int16, count=n)

    # -- nodes --------------------------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.node_ids)

    @property
    def m(self) -> int:
        return len(self.owner)

    @property
    def index(self) -> Mapping[str, int]:
        if self._index is None:
            self._index = {nid: i for i, nid in enumerate(self.node_ids)}
        return self._index

    def idx(self, node_id: str) -> int:
        from ownergate.errors import NotFoundError

        try:
            return self.index[node_id]
        except KeyError:
            raise NotFoundError(f"no node {node_id!r} in the ownership graph") from None

    def kind_mask(self, kind: str) -> BoolArray:
        """Which nodes are of ``kind`` (all False when kinds are not recorded), cached."""
        found = self._kinds.get(kind)
        if found is None:
            if self.node_kind is None:
                found = np.zeros(self.n, np.bool_)
            else:
                found = np.fromiter((k == kind for k in self.node_kind), np.bool_, count=self.n)
            self._kinds[kind] = found
        return found

    def name(self, i: int) -> str:
        return (self.names[i] if self.names is not None else None) or self.node_ids[i]

    def hq(self, i: int) -> str | None:
        return self.country_codes[self.hq_code[i]] or None

    def incorporation(self, i: int) -> str | None:
        return self.country_codes[self.inc_code[i]] or None

    def node_lists(self, i: int) -> tuple[str, ...]:
        return self.lists.get(i, ())

    def source(self, e: int) -> str | None:
        if self.edge_source is not None:
            return self.edge_source[e]
        return f"{self.default_source} row {e + 1}" if self.default_source else None

    # -- views --------------------------------------------------------------------------------

    def view(self, kinds: Iterable[EdgeKind] = tuple(EdgeKind), as_of: date | None = None) -> View:
        """The folded edges of ``kinds`` valid on ``as_of`` (every edge when None), cached."""
        key = (frozenset(int(k) for k in kinds), as_of if self.dated else None)
        cached = self._views.get(key)
        if cached is None:
            cached = self._views[key] = self._build_view(*key)
        return cached

    def _build_view(self, kinds: frozenset[int], as_of: date | None) -> View:
        keep = np.isin(self.edge_kind, np.array(sorted(kinds), np.uint8))
        if as_of is not None:  # view() passes a date only when some edge has one
            day = np.datetime64(as_of, "D")
            keep &= np.isnat(self.valid_from) | (self.valid_from <= day)
            keep &= np.isnat(self.valid_to) | (self.valid_to > day)
        n = self.n
        if keep.all():  # every edge: the sort order is the raw edge numbering itself
            raw = _bucket_order(self.owner, self.owned, n, sort_cols=True)
        else:
            raw = np.flatnonzero(keep)
            raw = raw[_bucket_order(self.owner[raw], self.owned[raw], n, sort_cols=True)]
        del keep
        src, dst = self.owner[raw], self.owned[raw]
        first = np.ones(len(raw), np.bool_)
        first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        starts = np.flatnonzero(first)
        hi = self.share_max[raw]
        unk = np.isnan(hi)
        lo = np.nan_to_num(self.share_min[raw], nan=0.0)
        hi = np.nan_to_num(hi, nan=0.0)
        if 0 < len(starts) < len(raw):  # fold parallel edges: the largest bound of each side wins
            lo = np.maximum.reduceat(lo, starts)
            hi = np.maximum.reduceat(hi, starts)
            unk = np.logical_or.reduceat(unk, starts)
            src, dst = src[starts], dst[starts]
            rep = raw[starts]
            member_ptr = np.append(starts, len(raw)).astype(np.int64)
        else:
            rep = raw
            member_ptr = np.arange(len(raw) + 1, dtype=np.int64)
        in_order = _bucket_order(dst, src, n, sort_cols=False)
        return View(
            n=n,
            src=src,
            dst=dst,
            lo=lo,
            hi=hi,
            unk=unk,
            rep=rep,
            members=raw,
            member_ptr=member_ptr,
            out_ptr=_ptr(src, n),
            in_ptr=_ptr(dst[in_order], n),
            in_order=in_order,
        )


def _sparse_lists(
    lists: Mapping[int, Iterable[str]] | Sequence[Iterable[str] | None] | None,
) -> dict[int, tuple[str, ...]]:
    if lists is None:
        return {}
    items = lists.items() if isinstance(lists, Mapping) else enumerate(lists)
    out: dict[int, tuple[str, ...]] = {}
    for i, values in items:
        if values:
            found = tuple(v.strip() for v in ([values] if isinstance(values, str) else values) if v and v.strip())
            if found:
                out[int(i)] = found
    return out


def reachable(
    graph: OwnershipGraph, start: Iterable[int], *, forward: bool, kinds: Iterable[EdgeKind] = tuple(EdgeKind)
) -> BoolArray:
    """Nodes reachable from ``start`` (included): along out-edges to what they own (``forward``), or
    along in-edges to their owners, by frontier over the CSR view."""
    view = graph.view(kinds)
    seen = np.zeros(graph.n, np.bool_)
    frontier = np.unique(np.fromiter(start, np.int64))
    seen[frontier] = True
    while frontier.size:
        nxt = np.unique(view.dst[view.out_edges(frontier)] if forward else view.src[view.in_edges(frontier)])
        frontier = nxt[~seen[nxt]].astype(np.int64)
        seen[frontier] = True
    return seen


def cone(graph: OwnershipGraph, node_id: str, kinds: Iterable[EdgeKind] = tuple(EdgeKind)) -> set[str]:
    """Every upstream owner of ``node_id`` (direct or indirect, through any edge of ``kinds``), itself excluded.

    A change to any node outside this set, or to any edge not entering it, cannot change the
    node's status under any rule: monitoring re-decides only the customers whose cone a change
    touches.
    """
    start = graph.idx(node_id)
    seen = reachable(graph, [start], forward=False, kinds=kinds)
    seen[start] = False
    return {graph.node_ids[i] for i in np.flatnonzero(seen).tolist()}
