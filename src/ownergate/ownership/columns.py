"""Read-only columns for a graph's per-node and per-edge text: ten million values without ten
million Python objects until one is asked for.

- :class:`StringColumn`: strings over an Arrow array (node ids, names read from CSV);
- :class:`TextColumn`: the same with gaps (``None`` for a null);
- :class:`SourceColumn`: each edge's source label, ``<source> <record> (<file>)``, formed on access;
- :class:`Chain`: one column after another (a graph extended with a customer book).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, cast, overload

import pyarrow as pa

T = TypeVar("T")
_BLOCK = 65536


def _flat(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


class _Column(Sequence[T]):
    """Values over an Arrow string array (Arrow gives ``str``, or ``None`` for a null)."""

    __slots__ = ("_array",)

    def __init__(self, array: pa.Array | pa.ChunkedArray) -> None:
        self._array = _flat(array)

    def __len__(self) -> int:
        return len(self._array)

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return cast("list[T]", self._array[i].to_pylist())
        return cast("T", self._array[i].as_py())

    def __iter__(self) -> Iterator[T]:
        for start in range(0, len(self._array), _BLOCK):
            yield from self._array.slice(start, _BLOCK).to_pylist()


class TextColumn(_Column[str | None]):
    """Strings, or None for nulls (names, kinds)."""

    __slots__ = ()


class StringColumn(_Column[str]):
    """Strings with no nulls (node ids)."""

    __slots__ = ()


class SourceColumn(Sequence[str | None]):
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

    @overload
    def __getitem__(self, i: int) -> str | None: ...
    @overload
    def __getitem__(self, i: slice) -> list[str | None]: ...
    def __getitem__(self, i: int | slice) -> str | list[str | None] | None:
        if isinstance(i, slice):
            return list(self._labels(self._source[i], self._record[i], self._file[i]))
        return self.label(self._source[i].as_py(), self._record[i].as_py(), self._file[i].as_py())

    def _labels(self, source: pa.Array, record: pa.Array, file: pa.Array) -> Iterator[str]:
        for s, r, f in zip(source.to_pylist(), record.to_pylist(), file.to_pylist(), strict=True):
            yield self.label(s, r, f)

    def __iter__(self) -> Iterator[str | None]:
        for start in range(0, len(self), _BLOCK):
            yield from self._labels(*(a.slice(start, _BLOCK) for a in (self._source, self._record, self._file)))


class Chain(Sequence[T]):
    """``first`` followed by ``second``, without copying either."""

    __slots__ = ("_first", "_second")

    def __init__(self, first: Sequence[T], second: Sequence[T]) -> None:
        self._first, self._second = first, second

    def __len__(self) -> int:
        return len(self._first) + len(self._second)

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        k = len(self._first)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._first[i] if i < k else self._second[i - k]

    def __iter__(self) -> Iterator[T]:
        yield from self._first
        yield from self._second
