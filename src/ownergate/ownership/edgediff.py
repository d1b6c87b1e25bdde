"""What reloading a file changes among its stored edges: kept, moved, dropped and added.

An edge is its key (owner, owned, shares, kind, source, validity) and its source record (where in
the file it was). Stored and new edges are matched as multisets, on 128-bit digests of their keys
held in numpy arrays, so a file of ten million edges costs arrays, not ten million Python tuples:

1. edges with the same key and the same record are kept as they are;
2. of the rest, edges with the same key are kept and *moved* (the stored row takes the new record);
3. stored edges left over are dropped, new ones left over are added.

A digest collision (two different keys with one 128-bit digest) has odds of about 1e-24 for ten
million edges; it would keep a stored edge in place of a new one.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import blake2b

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Key = tuple[object, ...]


def _normal(value: object) -> object:
    """One spelling per value: 1 and 1.0 are the same share."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def digest(values: Iterable[object]) -> tuple[int, int]:
    """A 128-bit digest of a key (or a record) as two signed 64-bit integers."""
    raw = blake2b(repr(tuple(_normal(v) for v in values)).encode(), digest_size=16).digest()
    return int.from_bytes(raw[:8], "little", signed=True), int.from_bytes(raw[8:], "little", signed=True)


class Digests:
    """Key and record digests of many edges, appended one at a time, read as arrays."""

    __slots__ = ("_key0", "_key1", "_rec")

    def __init__(self) -> None:
        self._key0, self._key1, self._rec = array("q"), array("q"), array("q")  # 8 bytes a value

    def add(self, key: Key, record: str) -> None:
        k0, k1 = digest(key)
        self._key0.append(k0)
        self._key1.append(k1)
        self._rec.append(digest((record,))[0])

    def __len__(self) -> int:
        return len(self._key0)

    def arrays(self) -> tuple[IntArray, IntArray, IntArray]:
        return tuple(np.frombuffer(a, np.int64).copy() for a in (self._key0, self._key1, self._rec))  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Difference:
    """Positions into the stored edges (``old``) and the new ones (``new``)."""

    kept_old: IntArray  # stored edges kept as they are ...
    moved_old: IntArray  # stored edges kept, taking the record of ...
    moved_new: IntArray  # ... these new ones (pairwise)
    dropped: IntArray  # stored edges the file no longer holds
    added: IntArray  # new edges no stored one matches


def _pairs(old: tuple[IntArray, ...], new: tuple[IntArray, ...]) -> tuple[IntArray, IntArray]:
    """Equal rows of ``old`` and ``new`` (parallel key columns) paired one to one, as many as each holds."""
    n_old = len(old[0])
    columns = [np.concatenate([a, b]) for a, b in zip(old, new, strict=True)]
    side = np.concatenate([np.zeros(n_old, np.int8), np.ones(len(new[0]), np.int8)])
    order = np.lexsort((side, *reversed(columns)))
    keys = [c[order] for c in columns]
    start = np.ones(len(order), np.bool_)
    if len(order):
        start[1:] = np.logical_or.reduce([k[1:] != k[:-1] for k in keys])
    group = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    olds = np.bincount(group, weights=side[order] == 0, minlength=len(first)).astype(np.int64)
    news = np.bincount(group, minlength=len(first)) - olds
    rank = np.arange(len(order)) - first[group]  # an old row's rank among its group's old rows
    is_old = side[order] == 0
    take = is_old & (rank < news[group])
    at = np.flatnonzero(take)
    partner = at + olds[group[at]]  # the new row of the same rank sits after the group's old rows
    return order[at], order[partner] - n_old


def difference(old: tuple[IntArray, IntArray, IntArray], new: tuple[IntArray, IntArray, IntArray]) -> Difference:
    """Match stored and new edges: same key and record first, then same key (a move)."""
    kept_old, kept_new = _pairs(old, new)
    rest_old = np.setdiff1d(np.arange(len(old[0])), kept_old, assume_unique=True)
    rest_new = np.setdiff1d(np.arange(len(new[0])), kept_new, assume_unique=True)
    moved_o, moved_n = _pairs(tuple(a[rest_old] for a in old[:2]), tuple(a[rest_new] for a in new[:2]))
    moved_old, moved_new = rest_old[moved_o], rest_new[moved_n]
    dropped = np.setdiff1d(rest_old, moved_old, assume_unique=True)
    added = np.setdiff1d(rest_new, moved_new, assume_unique=True)
    return Difference(np.sort(kept_old), moved_old, moved_new, dropped, added)
