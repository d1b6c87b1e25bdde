"""ownergate's own CSV contract: ``E.csv`` (entities) and ``X.csv`` (edges).

- ``E.csv``: ``id,name,hq_country,incorporation_country,lists`` (lists ``;``-separated list ids);
  optional ``kind`` (company/person/state/arrangement), ``nationality``, ``residence``.
- ``X.csv``: ``owner_id,owned_id,share_min,share_max`` as fractions in [0, 1]; an exact share has
  min = max; both empty means control of unknown size. Optional ``kind`` (shares/voting/control),
  ``source``, ``source_record``, ``valid_from``, ``valid_to`` (ISO dates).

Files are read column-wise with Arrow's CSV reader and ids are mapped to node numbers with one
hash lookup per column, so ten million edges never become ten million Python objects.
Customers' declared owners arrive in the same layout (source ``declaration``).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ownergate.errors import SourceFormatError
from ownergate.ownership.columns import Blocks, StringColumn, codes, nonempty
from ownergate.ownership.graph import EdgeKind, NodeKind, OwnershipGraph
from ownergate.ownership.sources.records import EdgeRecord, EntityRecord, ExceptionRecord

ENTITY_COLUMNS = ("id", "name", "hq_country", "incorporation_country", "lists")
ENTITY_OPTIONAL = ("kind", "nationality", "residence")
EDGE_COLUMNS = ("owner_id", "owned_id", "share_min", "share_max")
EDGE_OPTIONAL = ("kind", "source", "source_record", "valid_from", "valid_to")


@dataclass
class EntityColumns:
    ids: pa.Array
    names: pa.Array
    hq: pa.Array
    inc: pa.Array
    lists: dict[int, tuple[str, ...]] = field(default_factory=dict)
    optional: dict[str, dict[int, str]] = field(default_factory=dict)  # kind/nationality/residence, sparse


@dataclass
class EdgeColumns:
    owner: npt.NDArray[np.int32]
    owned: npt.NDArray[np.int32]
    lo: npt.NDArray[np.float64]
    hi: npt.NDArray[np.float64]
    extra: dict[str, list[str]] = field(default_factory=dict)  # optional columns, as text


def _header(path: Path) -> list[str]:
    """The header line alone (reading it through Arrow would parse, and hold, the whole file)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except FileNotFoundError:
        raise SourceFormatError(str(path), None, "no such file") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SourceFormatError(str(path), "line 1", f"unreadable header: {exc}") from None
    if not header:
        raise SourceFormatError(str(path), None, "the file is empty")
    return header


def _read(path: Path, required: tuple[str, ...], optional: tuple[str, ...], floats: tuple[str, ...] = ()) -> pa.Table:
    header = _header(path)
    names = {h.strip().lower(): h for h in header}
    missing = [c for c in required if c not in names]
    if missing:
        raise SourceFormatError(str(path), "line 1", f"missing column(s) {', '.join(missing)} (header: {header})")
    wanted = [c for c in (*required, *optional) if c in names]
    types = {names[c]: (pa.float64() if c in floats else pa.string()) for c in wanted}
    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=[names[c] for c in wanted],
                strings_can_be_null=False,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid as exc:
        raise SourceFormatError(str(path), None, str(exc).replace("\n", " ")) from None
    return table.rename_columns(wanted)


def _upper(col: pa.ChunkedArray) -> pa.Array:
    return pc.utf8_upper(pc.utf8_trim_whitespace(col.combine_chunks()))


def _sparse(col: pa.ChunkedArray) -> dict[int, str]:
    return nonempty(pc.utf8_trim_whitespace(col.combine_chunks()))


def read_entities(path: Path) -> EntityColumns:
    t = _read(path, ENTITY_COLUMNS, ENTITY_OPTIONAL)
    ids = pc.utf8_trim_whitespace(t["id"].combine_chunks())
    # pc.unique: one hash pass (count_distinct takes four times as long and twice the memory)
    if (len(ids) and len(pc.unique(ids)) != len(ids)) or pc.any(pc.equal(ids, "")).as_py():
        seen: set[str] = set()
        for k, nid in enumerate(ids.to_pylist()):
            if not nid or nid in seen:
                raise SourceFormatError(
                    str(path), f"data row {k + 1}", "id is empty" if not nid else f"id {nid!r} appears twice"
                )
            seen.add(nid)
    out = EntityColumns(ids, t["name"].combine_chunks(), _upper(t["hq_country"]), _upper(t["incorporation_country"]))
    out.lists = {i: tuple(x.strip() for x in text.split(";") if x.strip()) for i, text in _sparse(t["lists"]).items()}
    out.optional = {c: _sparse(t[c]) for c in ENTITY_OPTIONAL if c in t.column_names}
    for i, kind in out.optional.get("kind", {}).items():
        if kind not in tuple(NodeKind):
            known = ", ".join(k.value for k in NodeKind)
            raise SourceFormatError(str(path), f"data row {i + 1}", f"kind {kind!r} is not one of {known}")
    return out


def _indices(
    path: Path, owner: pa.ChunkedArray, owned: pa.ChunkedArray, ids: pa.Array
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Both id columns as node numbers, with one hash table over ``ids``."""
    found = pc.index_in(pa.chunked_array(owner.chunks + owned.chunks, type=pa.string()), value_set=ids)
    if found.null_count:
        k = int(pc.indices_nonzero(pc.is_null(found)).to_numpy()[0])
        m = len(owner)
        name, row, value = ("owner_id", k, owner[k].as_py()) if k < m else ("owned_id", k - m, owned[k - m].as_py())
        raise SourceFormatError(str(path), f"data row {row + 1}", f"{name} {value!r} is not a known entity id")
    both = np.asarray(found.to_numpy(), np.int32)
    return both[: len(owner)], both[len(owner) :]


def _floats(col: pa.ChunkedArray) -> npt.NDArray[np.float64]:
    return np.asarray(col.to_numpy(), np.float64)


def read_edges(path: Path, ids: pa.Array) -> EdgeColumns:
    """Read X.csv; every owner and owned id must be one of ``ids`` (node ``i`` is ``ids[i]``)."""
    t = _read(path, EDGE_COLUMNS, EDGE_OPTIONAL, floats=("share_min", "share_max"))
    owner, owned = _indices(path, t["owner_id"], t["owned_id"], ids)
    out = EdgeColumns(
        owner,
        owned,
        _floats(t["share_min"]),
        _floats(t["share_max"]),
    )
    out.extra = {c: [(v or "").strip() for v in t[c].to_pylist()] for c in EDGE_OPTIONAL if c in t.column_names}
    _check(path, out)
    return out


def _check(path: Path, cols: EdgeColumns) -> None:
    lo, hi = cols.lo, cols.hi
    bad = (lo < 0) | (lo > 1) | (hi < 0) | (hi > 1) | (lo > hi) | (np.isnan(hi) & ~np.isnan(lo))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise SourceFormatError(
            str(path),
            f"data row {k + 1}",
            f"share_min {lo[k]:g} / share_max {hi[k]:g}: shares are fractions with 0 <= share_min <= share_max <= 1 "
            "(both empty for control of unknown size)",
        )
    for name in ("valid_from", "valid_to"):
        for k, text in enumerate(cols.extra.get(name, ())):
            if text:
                try:
                    date.fromisoformat(text)
                except ValueError:
                    raise SourceFormatError(str(path), f"data row {k + 1}", f"{name} {text!r} is not a date") from None
    for k, text in enumerate(cols.extra.get("kind", ())):
        if text and text.upper() not in EdgeKind.__members__:
            raise SourceFormatError(str(path), f"data row {k + 1}", f"kind {text!r} is not shares, voting or control")


def _dates(values: list[str] | None) -> list[date | None] | None:
    return [date.fromisoformat(v) if v else None for v in values] if values is not None else None


def graph_from_csv(entities: Path, edges: Path) -> OwnershipGraph:
    """An :class:`OwnershipGraph` straight from E.csv and X.csv."""
    ents = read_entities(entities)
    cols = read_edges(edges, ents.ids)
    kinds, sources, records = (cols.extra.get(c) for c in ("kind", "source", "source_record"))
    if sources is not None or records is not None:
        n = len(cols.owner)
        pairs = zip(sources or [edges.name] * n, records or [f"row {k + 1}" for k in range(n)], strict=True)
        labels: list[str | None] | None = [f"{s or edges.name} {r}".strip() for s, r in pairs]
    else:
        labels = None
    optional = ents.optional
    graph = OwnershipGraph.from_edges(
        StringColumn(ents.ids),
        cols.owner,
        cols.owned,
        cols.lo,
        cols.hi,
        kind=[EdgeKind.parse(k or "shares") for k in kinds] if kinds is not None else None,
        valid_from=_dates(cols.extra.get("valid_from")),
        valid_to=_dates(cols.extra.get("valid_to")),
        sources=labels,
        default_source=edges.name,
        names=StringColumn(ents.names),
        hq_country=codes(ents.hq),
        incorporation_country=codes(ents.inc),
        lists=ents.lists,
        node_kind=[optional["kind"].get(i) for i in range(len(ents.ids))] if optional.get("kind") else None,
        nationality=optional.get("nationality"),
        residence=optional.get("residence"),
    )
    del cols, ents
    pa.default_memory_pool().release_unused()  # the CSV tables are gone: give their pages back now
    return graph


def is_entities(header: list[str]) -> bool:
    return set(ENTITY_COLUMNS) <= {h.strip().lower() for h in header}


def is_edges(header: list[str]) -> bool:
    return set(EDGE_COLUMNS) <= {h.strip().lower() for h in header}


@dataclass
class CsvRecords:
    """One E.csv or X.csv as :class:`~ownergate.ownership.sources.records.Records`: its rows stay in
    Arrow columns and become records one block at a time, while they are written."""

    path: str
    format: str = "edges-csv"
    entities: Sequence[EntityRecord] = ()
    edges: Sequence[EdgeRecord] = ()
    exceptions: Sequence[ExceptionRecord] = ()
    unique_ids: bool = True  # read_entities refuses a repeated id


class EntityRows(Blocks[EntityRecord]):
    """E.csv's rows as records, made a block at a time from its columns."""

    def __init__(self, path: Path, ents: EntityColumns) -> None:
        self._path, self._ents = path, ents

    def __len__(self) -> int:
        return len(self._ents.ids)

    def _block(self, start: int, stop: int) -> list[EntityRecord]:
        ents, opt, length = self._ents, self._ents.optional, stop - start
        kinds, nationality, residence = (opt.get(c, {}) for c in ("kind", "nationality", "residence"))
        columns = (ents.ids, ents.names, ents.hq, ents.inc)
        rows = zip(*(c.slice(start, length).to_pylist() for c in columns), strict=True)
        return [
            EntityRecord(
                id=nid,
                name=name,
                kind=NodeKind(kinds.get(i, NodeKind.COMPANY)),
                hq_country=hq or None,
                incorporation_country=inc or None,
                lists=ents.lists.get(i, ()),
                nationality=nationality.get(i),
                residence=residence.get(i),
                source=self._path.name,
                source_record=f"row {i + 1}",
            )
            for i, (nid, name, hq, inc) in enumerate(rows, start)
        ]


class EdgeRows(Blocks[EdgeRecord]):
    """X.csv's rows as records, made a block at a time from its columns."""

    def __init__(self, path: Path, cols: EdgeColumns, ids: pa.Array) -> None:
        self._path, self._cols, self._ids = path, cols, ids

    def __len__(self) -> int:
        return len(self._cols.owner)

    def _block(self, start: int, stop: int) -> list[EdgeRecord]:
        cols, extra = self._cols, self._cols.extra
        owners = self._ids.take(pa.array(cols.owner[start:stop])).to_pylist()
        owned = self._ids.take(pa.array(cols.owned[start:stop])).to_pylist()
        out = []
        for k, (o, d, lo, hi) in enumerate(
            zip(owners, owned, cols.lo[start:stop].tolist(), cols.hi[start:stop].tolist(), strict=True), start
        ):
            x = {name: values[k] for name, values in extra.items()}
            out.append(
                EdgeRecord(
                    owner_id=o,
                    owned_id=d,
                    share_min=None if lo != lo else lo,
                    share_max=None if hi != hi else hi,
                    kind=EdgeKind.parse(x.get("kind") or "shares"),
                    source=x.get("source") or self._path.name,
                    source_record=x.get("source_record") or f"row {k + 1}",
                    valid_from=date.fromisoformat(x["valid_from"]) if x.get("valid_from") else None,
                    valid_to=date.fromisoformat(x["valid_to"]) if x.get("valid_to") else None,
                )
            )
        return out


def parse(path: Path, header: list[str]) -> CsvRecords:
    """Read one E.csv or X.csv (told apart by ``header``), checked, for the store."""
    if is_entities(header):
        return CsvRecords(str(path), entities=EntityRows(path, read_entities(path)))
    if not is_edges(header):
        raise SourceFormatError(str(path), "line 1", f"neither an entities nor an edges header: {header}")
    t = _read(path, EDGE_COLUMNS[:2], ())
    ids = pc.unique(pa.chunked_array(t["owner_id"].chunks + t["owned_id"].chunks))
    del t
    return CsvRecords(str(path), edges=EdgeRows(path, read_edges(path, ids), ids))
