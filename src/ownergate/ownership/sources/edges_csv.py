"""ownergate's own CSV contract: ``E.csv`` (entities) and ``X.csv`` (edges).

- ``E.csv``: ``id,name,hq_country,incorporation_country,lists`` (lists ``;``-separated list ids);
  optional ``kind`` (company/person), ``nationality``, ``residence``.
- ``X.csv``: ``owner_id,owned_id,share_min,share_max`` as fractions in [0, 1]; an exact share has
  min = max; both empty means control of unknown size. Optional ``kind`` (shares/voting/control),
  ``source``, ``source_record``, ``valid_from``, ``valid_to`` (ISO dates).

The readers build parallel columns, not one object per row, so ten million edges fit in memory
and in seconds. Customers' declared owners arrive in the same layout (source ``declaration``).
"""

from __future__ import annotations

import csv
import gc
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

import numpy as np

from ownergate.errors import SourceFormatError
from ownergate.ownership.graph import EdgeKind, NodeKind, OwnershipGraph
from ownergate.ownership.sources.records import EdgeRecord, EntityRecord, Parsed

ENTITY_COLUMNS = ("id", "name", "hq_country", "incorporation_country", "lists")
EDGE_COLUMNS = ("owner_id", "owned_id", "share_min", "share_max")
EDGE_OPTIONAL = ("kind", "source", "source_record", "valid_from", "valid_to")
NAN = float("nan")

csv.field_size_limit(1 << 24)


@dataclass
class EntityColumns:
    ids: list[str] = field(default_factory=list)
    names: list[str | None] = field(default_factory=list)
    hq: list[str | None] = field(default_factory=list)
    inc: list[str | None] = field(default_factory=list)
    lists: dict[int, tuple[str, ...]] = field(default_factory=dict)
    kind: dict[int, str] = field(default_factory=dict)
    nationality: dict[int, str] = field(default_factory=dict)
    residence: dict[int, str] = field(default_factory=dict)


@dataclass
class EdgeColumns:
    owner: array[int]
    owned: array[int]
    lo: array[float]
    hi: array[float]
    extra: dict[str, list[str]] = field(default_factory=dict)  # optional columns, as text


def _header(path: Path, reader: object, wanted: tuple[str, ...]) -> dict[str, int]:
    try:
        header = next(reader)  # type: ignore[call-overload]
    except StopIteration:
        raise SourceFormatError(str(path), None, "the file is empty") from None
    cols = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [c for c in wanted if c not in cols]
    if missing:
        raise SourceFormatError(str(path), "line 1", f"missing column(s) {', '.join(missing)} (header: {header})")
    return cols


CHUNK = 500_000


def _chunks(reader: Iterator[list[str]], width: int, path: Path) -> Iterator[tuple[int, list[tuple[str, ...]]]]:
    """Blocks of rows transposed into columns, with the number of data rows before the block."""
    done = 0
    while True:
        rows = [r for r in islice(reader, CHUNK) if r]
        if not rows:
            return
        short = [k for k, r in enumerate(rows) if len(r) < width]
        if short:
            k = short[0]
            raise SourceFormatError(str(path), f"data row {done + k + 1}", f"expected {width} columns, got {rows[k]!r}")
        yield done, list(zip(*rows, strict=False))
        done += len(rows)


def _upper(values: tuple[str, ...]) -> list[str | None]:
    return [v.strip().upper() or None for v in values]


def read_entities(path: Path) -> EntityColumns:
    out = EntityColumns()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        cols = _header(path, reader, ENTITY_COLUMNS)
        c_id, c_name, c_hq, c_inc, c_lists = (cols[c] for c in ENTITY_COLUMNS)
        optional = {c: cols[c] for c in ("kind", "nationality", "residence") if c in cols}
        for done, block in _chunks(reader, len(cols), path):
            out.ids.extend(block[c_id])
            out.names.extend([v or None for v in block[c_name]])
            out.hq.extend(_upper(block[c_hq]))
            out.inc.extend(_upper(block[c_inc]))
            for k, text in enumerate(block[c_lists]):
                if text:
                    out.lists[done + k] = tuple(t.strip() for t in text.split(";") if t.strip())
            for name, c in optional.items():
                target = getattr(out, name)
                for k, text in enumerate(block[c]):
                    if text.strip():
                        target[done + k] = text.strip()
    if "" in out.ids or len(set(out.ids)) != len(out.ids):
        seen: set[str] = set()
        for k, nid in enumerate(out.ids):
            if not nid or nid in seen:
                problem = "id is empty" if not nid else f"id {nid!r} appears twice"
                raise SourceFormatError(str(path), f"data row {k + 1}", problem)
            seen.add(nid)
    for i, kind in out.kind.items():
        if kind not in (NodeKind.COMPANY, NodeKind.PERSON):
            raise SourceFormatError(str(path), f"data row {i + 1}", f"kind {kind!r} is not company or person")
    return out


def _floats(path: Path, done: int, name: str, values: tuple[str, ...]) -> array[float]:
    try:
        return array("d", map(float, [v or "nan" for v in values]))
    except ValueError:
        for k, v in enumerate(values):
            try:
                float(v or "nan")
            except ValueError:
                raise SourceFormatError(
                    str(path), f"data row {done + k + 1}", f"{name} {v!r} is not a number"
                ) from None
        raise


def _indices(path: Path, done: int, name: str, values: tuple[str, ...], index: dict[str, int]) -> array[int]:
    try:
        return array("i", map(index.__getitem__, values))
    except KeyError as exc:
        k = values.index(exc.args[0])
        raise SourceFormatError(
            str(path), f"data row {done + k + 1}", f"{name} {exc.args[0]!r} is not a known entity id"
        ) from None


def read_edges(path: Path, index: dict[str, int]) -> EdgeColumns:
    """Read X.csv; every owner and owned id must be a key of ``index`` (id -> node number)."""
    out = EdgeColumns(array("i"), array("i"), array("d"), array("d"))
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        cols = _header(path, reader, EDGE_COLUMNS)
        c_o, c_d, c_lo, c_hi = (cols[c] for c in EDGE_COLUMNS)
        extra = {c: cols[c] for c in EDGE_OPTIONAL if c in cols}
        out.extra = {c: [] for c in extra}
        for done, block in _chunks(reader, len(cols), path):
            out.owner.extend(_indices(path, done, "owner_id", block[c_o], index))
            out.owned.extend(_indices(path, done, "owned_id", block[c_d], index))
            out.lo.extend(_floats(path, done, "share_min", block[c_lo]))
            out.hi.extend(_floats(path, done, "share_max", block[c_hi]))
            for name, c in extra.items():
                out.extra[name].extend(v.strip() for v in block[c])
    _check_shares(path, out)
    return out


def _check_shares(path: Path, cols: EdgeColumns) -> None:
    lo = np.frombuffer(cols.lo, np.float64) if len(cols.lo) else np.empty(0)
    hi = np.frombuffer(cols.hi, np.float64) if len(cols.hi) else np.empty(0)
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


@contextmanager
def _no_gc() -> Iterator[None]:
    """Millions of small containers would set off the cycle collector again and again: pause it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def graph_from_csv(entities: Path, edges: Path) -> OwnershipGraph:
    """An :class:`OwnershipGraph` straight from E.csv and X.csv."""
    with _no_gc():
        ents = read_entities(entities)
        index = {nid: i for i, nid in enumerate(ents.ids)}
        cols = read_edges(edges, index)
    kinds = cols.extra.get("kind")
    sources = cols.extra.get("source")
    g = OwnershipGraph.from_edges(
        ents.ids,
        np.frombuffer(cols.owner, np.int32) if len(cols.owner) else np.empty(0, np.int32),
        np.frombuffer(cols.owned, np.int32) if len(cols.owned) else np.empty(0, np.int32),
        np.frombuffer(cols.lo, np.float64) if len(cols.lo) else np.empty(0),
        np.frombuffer(cols.hi, np.float64) if len(cols.hi) else np.empty(0),
        kind=[EdgeKind.parse(k or "shares") for k in kinds] if kinds is not None else None,
        valid_from=_dates(cols.extra.get("valid_from")),
        valid_to=_dates(cols.extra.get("valid_to")),
        sources=[f"{s or edges.name} {r}".strip() for s, r in zip(sources, cols.extra["source_record"], strict=True)]
        if sources is not None and "source_record" in cols.extra
        else sources,
        default_source=edges.name,
        names=ents.names,
        hq_country=ents.hq,
        incorporation_country=ents.inc,
        lists=ents.lists,
        node_kind=[ents.kind.get(i) for i in range(len(ents.ids))] if ents.kind else None,
        nationality=ents.nationality,
        residence=ents.residence,
    )
    g._index = index
    return g


def is_entities(header: list[str]) -> bool:
    return set(ENTITY_COLUMNS) <= {h.strip().lower() for h in header}


def is_edges(header: list[str]) -> bool:
    return set(EDGE_COLUMNS) <= {h.strip().lower() for h in header}


def parse(path: Path) -> Parsed:
    """Read one E.csv or X.csv (told apart by header) into records, for the store."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), [])
    out = Parsed(str(path), "edges-csv")
    if is_entities(header):
        ents = read_entities(path)
        for i, nid in enumerate(ents.ids):
            out.entities.append(
                EntityRecord(
                    id=nid,
                    name=ents.names[i],
                    kind=NodeKind(ents.kind.get(i, NodeKind.COMPANY)),
                    hq_country=ents.hq[i],
                    incorporation_country=ents.inc[i],
                    lists=ents.lists.get(i, ()),
                    nationality=ents.nationality.get(i),
                    residence=ents.residence.get(i),
                    source=path.name,
                    source_record=f"row {i + 1}",
                )
            )
        return out
    if not is_edges(header):
        raise SourceFormatError(str(path), "line 1", f"neither an entities nor an edges header: {header}")
    ids: dict[str, int] = {}
    names: list[str] = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            for key in ("owner_id", "owned_id"):
                nid = (row.get(key) or "").strip()
                if nid and nid not in ids:
                    ids[nid] = len(names)
                    names.append(nid)
    cols = read_edges(path, ids)
    for k in range(len(cols.owner)):
        lo, hi = cols.lo[k], cols.hi[k]
        x = {name: values[k] for name, values in cols.extra.items()}
        out.edges.append(
            EdgeRecord(
                owner_id=names[cols.owner[k]],
                owned_id=names[cols.owned[k]],
                share_min=None if lo != lo else lo,
                share_max=None if hi != hi else hi,
                kind=EdgeKind.parse(x.get("kind") or "shares"),
                source=x.get("source") or path.name,
                source_record=x.get("source_record") or f"row {k + 1}",
                valid_from=date.fromisoformat(x["valid_from"]) if x.get("valid_from") else None,
                valid_to=date.fromisoformat(x["valid_to"]) if x.get("valid_to") else None,
            )
        )
    return out
