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
import difflib
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
from ownergate.policy.countries import known_code
from ownergate.sources.registry import known_lists
from ownergate.sources.text import text_problem

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


def read_header(path: Path) -> list[str]:
    """The header line alone (reading it through Arrow would parse, and hold, the whole file)."""
    try:
        with path.open("rb") as fh:
            line = fh.readline(1 << 20)
        found = next(csv.reader([line.decode("utf-8-sig")]), None)
    except FileNotFoundError:
        raise SourceFormatError(str(path), None, "no such file") from None
    except OSError as exc:
        raise SourceFormatError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SourceFormatError(str(path), "line 1", f"unreadable header: {exc}") from None
    if not found:
        raise SourceFormatError(str(path), None, "the file is empty")
    return found


def _read(path: Path, required: tuple[str, ...], optional: tuple[str, ...], floats: tuple[str, ...] = ()) -> pa.Table:
    header = read_header(path)
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
        if "UTF8" in str(exc):
            _refuse_bad_utf8(path)
        raise SourceFormatError(str(path), None, str(exc).replace("\n", " ")) from None
    return table.rename_columns(wanted)


def _refuse_bad_utf8(path: Path) -> None:
    """Name the line and byte of the first invalid UTF-8 (Arrow's message names only the column)."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise SourceFormatError(
                    str(path), f"line {number}", f"not valid UTF-8 text (byte 0x{line[exc.start]:02x})"
                ) from None


_CONTROL = "[\\x00-\\x1f\\x7f-\\x9f]"  # RE2: C0 and C1 control characters and DEL


def check_text(path: Path, col: pa.Array | pa.ChunkedArray, column: str, *, required: bool) -> None:
    """Refuse, naming the first bad row, an id or name column holding an empty value (when
    ``required``) or a control character; one vectorised pass over the column."""
    bad = pc.match_substring_regex(col, _CONTROL)
    if required:
        bad = pc.or_(bad, pc.equal(pc.utf8_trim_whitespace(col), ""))
    if pc.any(bad).as_py():
        k = int(pc.indices_nonzero(pc.fill_null(bad, False)).to_numpy()[0])
        problem = text_problem(col[k].as_py(), column) or f"{column} is not valid"
        raise SourceFormatError(str(path), f"data row {k + 1}", problem)


def _upper(col: pa.ChunkedArray) -> pa.Array:
    return pc.utf8_upper(pc.utf8_trim_whitespace(col.combine_chunks()))


def _sparse(col: pa.ChunkedArray) -> dict[int, str]:
    return nonempty(pc.utf8_trim_whitespace(col.combine_chunks()))


def read_entities(path: Path) -> EntityColumns:
    t = _read(path, ENTITY_COLUMNS, ENTITY_OPTIONAL)
    ids = pc.utf8_trim_whitespace(t["id"].combine_chunks())
    check_text(path, ids, "id", required=True)
    check_text(path, t["name"], "name", required=False)
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
    for column, values in (("hq_country", out.hq), ("incorporation_country", out.inc)):
        _check_countries(path, column, values)
    known = sorted(known_lists())
    out.lists = {i: _list_ids(path, i, text, known) for i, text in _sparse(t["lists"]).items()}
    out.optional = {c: _sparse(t[c]) for c in ENTITY_OPTIONAL if c in t.column_names}
    for column in ("nationality", "residence"):
        for i, text in out.optional.get(column, {}).items():
            for part in text.split(";"):
                if part.strip() and known_code(part) is None:
                    raise SourceFormatError(str(path), f"data row {i + 1}", _not_a_code(column, part.strip()))
    for i, kind in out.optional.get("kind", {}).items():
        if kind not in tuple(NodeKind):
            kinds = ", ".join(k.value for k in NodeKind)
            raise SourceFormatError(str(path), f"data row {i + 1}", f"kind {kind!r} is not one of {kinds}")
    return out


def _not_a_code(column: str, value: str) -> str:
    return f"{column} {value!r} is not an ISO 3166-1 alpha-2 country or ISO 3166-2 region code (such as CN or UA-43)"


def _check_countries(path: Path, column: str, values: pa.Array) -> None:
    """Every non-empty value of a country column is a code; else an error naming the first bad row."""
    for value in pc.unique(values).to_pylist():
        if value and known_code(value) is None:
            k = int(pc.indices_nonzero(pc.equal(values, value)).to_numpy()[0])
            raise SourceFormatError(str(path), f"data row {k + 1}", _not_a_code(column, value))


def _list_ids(path: Path, i: int, text: str, known: list[str]) -> tuple[str, ...]:
    """The ``;``-separated list ids of one row, each a known list (``us-ofac-sdn``, or with a program:
    ``us-ofac-sdn:SDGT``); a comma, an unknown or misspelt id is an error naming the row."""
    where = f"data row {i + 1}"
    if "," in text or "|" in text:
        raise SourceFormatError(
            str(path), where, f"lists {text!r}: separate list ids with ';' (us-ofac-sdn;eu-fsf), not ',' or '|'"
        )
    out = []
    for token in (x.strip() for x in text.split(";")):
        if not token:
            continue
        base = token.split(":", 1)[0]
        if base not in known:
            close = difflib.get_close_matches(base.lower(), known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SourceFormatError(str(path), where, f"lists: unknown list id {token!r}{hint}; known: docs/lists.md")
        out.append(token)
    return tuple(out)


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
    check_text(path, t["owner_id"], "owner_id", required=True)
    check_text(path, t["owned_id"], "owned_id", required=True)
    ids = pc.unique(pa.chunked_array(t["owner_id"].chunks + t["owned_id"].chunks))
    del t
    return CsvRecords(str(path), edges=EdgeRows(path, read_edges(path, ids), ids))
