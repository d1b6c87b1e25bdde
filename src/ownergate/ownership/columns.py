"""Read-only columns for a graph's per-node and per-edge text: ten million values without ten
million Python objects until one is asked for.

- :class:`Blocks`: the base: a sequence whose items are made on demand, a block at a time;
- :class:`StringColumn`: strings over an Arrow array (node ids, names read from CSV);
- :class:`TextColumn`: the same with gaps (``None`` for a null);
- :class:`SourceColumn`: each edge's source label, ``<source> <record> (<file>)``, formed on access;
- :class:`Chain`: one column after another (a graph extended with a customer book);
- :func:`nonempty` and :func:`codes`: an Arrow text column's filled rows, or its values as codes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, cast, overload

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

T = TypeVar("T")
_BLOCK = 65536


def _flat(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


class Blocks(Sequence[T]):
    """A sequence whose items are made on demand: ``_block(start, stop)`` makes a run of them,
    ``_one(i)`` a single one (by default a run of one); iteration goes a block at a time."""

    __slots__ = ()

    def _block(self, start: int, stop: int) -> list[T]:
        raise NotImplementedError

    def _one(self, i: int) -> T:
        return self._block(i, i + 1)[0]

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        n = len(self)
        if isinstance(i, slice):
            start, stop, step = i.indices(n)
            return self._block(start, stop)[::step] if start < stop else []
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._one(i)

    def __iter__(self) -> Iterator[T]:
        n = len(self)
        for start in range(0, n, _BLOCK):
            yield from self._block(start, min(start + _BLOCK, n))


class _Column(Blocks[T]):
    """Values over an Arrow string array (Arrow gives ``str``, or ``None`` for a null)."""

    __slots__ = ("_array",)

    def __init__(self, array: pa.Array | pa.ChunkedArray) -> None:
        self._array = _flat(array)

    def __len__(self) -> int:
        return len(self._array)

    def _block(self, start: int, stop: int) -> list[T]:
        return cast("list[T]", self._array.slice(start, stop - start).to_pylist())

    def _one(self, i: int) -> T:
        return cast("T", self._array[i].as_py())


class TextColumn(_Column[str | None]):
    """Strings, or None for nulls (names, kinds)."""

    __slots__ = ()


class StringColumn(_Column[str]):
    """Strings with no nulls (node ids)."""

    __slots__ = ()


class SourceColumn(Blocks[str | None]):
    """Each edge's source label, ``<source> <record> (<file>)``, formed when asked for."""

    __slots__ = ("_file", "_record", "_source")

    def __init__(
        self, source: pa.Array | pa.ChunkedArray, record: pa.Array | pa.ChunkedArray, file: pa.Array | pa.ChunkedArray
    ) -> None:
        self._source, self._record, self._file = _flat(source), _flat(record), _flat(file)

    def __len__(self) -> int:
        return len(self._source)

    @staticmethod
    def label(source: object, record: object, file: object) -> str:
        return f"{source} {record} ({file})".strip()

    def _block(self, start: int, stop: int) -> list[str | None]:
        parts = (a.slice(start, stop - start).to_pylist() for a in (self._source, self._record, self._file))
        return [self.label(s, r, f) for s, r, f in zip(*parts, strict=True)]

    def _one(self, i: int) -> str | None:
        return self.label(self._source[i].as_py(), self._record[i].as_py(), self._file[i].as_py())


class Chain(Blocks[T]):
    """``first`` followed by ``second``, without copying either."""

    __slots__ = ("_first", "_second")

    def __init__(self, first: Sequence[T], second: Sequence[T]) -> None:
        self._first, self._second = first, second

    def __len__(self) -> int:
        return len(self._first) + len(self._second)

    def _block(self, start: int, stop: int) -> list[T]:
        k = len(self._first)
        return [*self._first[start : min(stop, k)], *self._second[max(start - k, 0) : max(stop - k, 0)]]

    def _one(self, i: int) -> T:
        k = len(self._first)
        return self._first[i] if i < k else self._second[i - k]

    def __iter__(self) -> Iterator[T]:
        yield from self._first
        yield from self._second


def nonempty(col: pa.Array) -> dict[int, str]:
    """The rows of a text column that hold something (not null, not empty), by row number."""
    rows = pc.indices_nonzero(pc.fill_null(pc.not_equal(col, ""), False)).to_numpy()
    return dict(zip(rows.tolist(), col.take(pa.array(rows)).to_pylist(), strict=True))


def codes(col: pa.Array) -> tuple[npt.NDArray[np.int32], list[str | None]]:
    """A text column as positions into its distinct values (a null as ""), for a graph's countries."""
    enc = pc.fill_null(col, "").dictionary_encode()
    return np.asarray(enc.indices.to_numpy(), np.int32), enc.dictionary.to_pylist()
