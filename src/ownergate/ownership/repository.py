"""The ownership tables in the store: load files into them (atomically), read a graph out of them.

``load_ownership`` parses every file first, then writes everything in one transaction: a file
that fails leaves the store exactly as it was. Loading a file again replaces what that file
loaded before (rows are keyed by the file's name; only the difference is written, and removed
edges are logged for monitoring). Entities are merged by id: a later file fills
in what an earlier one left empty.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ownergate import audit
from ownergate.ownership.columns import SourceColumn, StringColumn, TextColumn, codes, nonempty
from ownergate.ownership.edgediff import Digests, Key, difference
from ownergate.ownership.graph import EdgeKind, OwnershipGraph
from ownergate.ownership.sources.formats import parse_file
from ownergate.ownership.sources.records import EdgeRecord, EntityRecord, Records
from ownergate.sources.text import sha256_of
from ownergate.store import Store, Transaction


@dataclass
class FileResult:
    path: str
    format: str
    entities: int
    edges: int
    exceptions: int


@dataclass
class LoadResult:
    files: list[FileResult] = field(default_factory=list)

    @property
    def entities(self) -> int:
        return sum(f.entities for f in self.files)

    @property
    def edges(self) -> int:
        return sum(f.edges for f in self.files)

    @property
    def exceptions(self) -> int:
        return sum(f.exceptions for f in self.files)


_UPSERT_ENTITY = """
INSERT INTO ownership_entities (id, name, kind, hq_country, incorporation_country, nationality, residence,
    identifiers, lists, source, source_record, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    name = COALESCE(excluded.name, ownership_entities.name),
    kind = excluded.kind,
    hq_country = COALESCE(excluded.hq_country, ownership_entities.hq_country),
    incorporation_country = COALESCE(excluded.incorporation_country, ownership_entities.incorporation_country),
    nationality = COALESCE(excluded.nationality, ownership_entities.nationality),
    residence = COALESCE(excluded.residence, ownership_entities.residence),
    identifiers = CASE WHEN excluded.identifiers = '{}' THEN ownership_entities.identifiers
                       ELSE excluded.identifiers END,
    lists = CASE WHEN excluded.lists = '' THEN ownership_entities.lists ELSE excluded.lists END,
    source = excluded.source,
    source_record = excluded.source_record,
    updated_at = excluded.updated_at
WHERE COALESCE(excluded.name, ownership_entities.name) IS DISTINCT FROM ownership_entities.name
    OR excluded.kind IS DISTINCT FROM ownership_entities.kind
    OR COALESCE(excluded.hq_country, ownership_entities.hq_country) IS DISTINCT FROM ownership_entities.hq_country
    OR COALESCE(excluded.incorporation_country, ownership_entities.incorporation_country)
        IS DISTINCT FROM ownership_entities.incorporation_country
    OR COALESCE(excluded.nationality, ownership_entities.nationality) IS DISTINCT FROM ownership_entities.nationality
    OR COALESCE(excluded.residence, ownership_entities.residence) IS DISTINCT FROM ownership_entities.residence
    OR (excluded.identifiers <> '{}' AND excluded.identifiers <> ownership_entities.identifiers)
    OR (excluded.lists <> '' AND excluded.lists <> ownership_entities.lists)
    OR excluded.source <> ownership_entities.source
    OR excluded.source_record <> ownership_entities.source_record
"""
_EDGE_KEY = "owner_id, owned_id, share_min, share_max, kind, source, valid_from, valid_to"
_INSERT_EDGE = f"""
INSERT INTO ownership_edges ({_EDGE_KEY}, source_file, source_record, loaded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""  # noqa: S608  (column names only)
_INSERT_EXCEPTION = """
INSERT INTO ownership_exceptions (entity_id, category, reason, source, source_file, source_record)
VALUES (?, ?, ?, ?, ?, ?)
"""


def _entity_row(e: EntityRecord, now: str) -> tuple[object, ...]:
    return (
        e.id,
        e.name,
        str(e.kind),
        e.hq_country,
        e.incorporation_country,
        e.nationality,
        e.residence,
        json.dumps(e.identifiers, sort_keys=True, ensure_ascii=False),
        ";".join(e.lists),
        e.source,
        e.source_record,
        now,
    )


def _edge_key(e: EdgeRecord) -> Key:
    return (
        e.owner_id,
        e.owned_id,
        e.share_min,
        e.share_max,
        e.kind.name.lower(),
        e.source,
        e.valid_from.isoformat() if e.valid_from else None,
        e.valid_to.isoformat() if e.valid_to else None,
    )


def write_parsed(tx: Transaction, parsed: Records, source_file: str) -> None:
    """Replace what ``source_file`` loaded before with ``parsed`` (inside the caller's transaction).

    Only the difference is written (``ownership.edgediff``, on key digests in arrays): edges the
    file still holds keep their rows (and ids; a record that only moved, say to another row, has
    its ``source_record`` updated in place), new ones are inserted, and the ones it no longer holds
    are deleted and logged in ``ownership_edge_removals``; entities are touched (``updated_at``)
    only when a field changes.
    So monitoring, which follows new edge ids, removals and ``updated_at``, re-decides exactly
    what a reload changed, and reloading the same file changes nothing.
    """
    now = datetime.now(UTC).isoformat()
    stored, stored_ids = Digests(), array("q")
    query = f"SELECT id, source_record, {_EDGE_KEY} FROM ownership_edges WHERE source_file = ?"  # noqa: S608
    for row in tx.iterate(query, (source_file,)):
        stored_ids.append(int(row[0]))
        stored.add(tuple(row[2:]), row[1])
    added: Sequence[EdgeRecord] = parsed.edges  # a first load: every edge, written as it is read
    moved: list[tuple[str, int]] = []
    gone: list[int] = []
    if stored_ids:
        new = Digests()
        for e in parsed.edges:
            new.add(_edge_key(e), e.source_record)
        diff = difference(stored.arrays(), new.arrays())
        ids = np.frombuffer(stored_ids, np.int64)
        gone = ids[diff.dropped].tolist()
        target = np.full(len(new), -1, np.int64)
        target[diff.moved_new] = ids[diff.moved_old]
        target[diff.added] = -2
        added = []
        if len(diff.added) or len(diff.moved_new):  # else every edge stayed where it was
            for e, to in zip(parsed.edges, target.tolist(), strict=True):
                if to == -2:
                    added.append(e)
                elif to >= 0:
                    moved.append((e.source_record, to))
    tx.executemany("UPDATE ownership_edges SET source_record = ? WHERE id = ?", moved)
    for start in range(0, len(gone), 500):
        chunk = gone[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        logged = f"SELECT owner_id, owned_id, source_file, ? FROM ownership_edges WHERE id IN ({marks})"  # noqa: S608
        tx.execute(
            f"INSERT INTO ownership_edge_removals (owner_id, owned_id, source_file, removed_at) {logged}", (now, *chunk)
        )
        tx.execute(f"DELETE FROM ownership_edges WHERE id IN ({marks})", tuple(chunk))  # noqa: S608
    tx.execute("DELETE FROM ownership_exceptions WHERE source_file = ?", (source_file,))
    entities = parsed.entities if parsed.unique_ids else _merged(parsed.entities)
    tx.executemany(_UPSERT_ENTITY, (_entity_row(e, now) for e in entities))
    add_edges(tx, added, source_file, now)
    tx.executemany(
        _INSERT_EXCEPTION,
        ((x.entity_id, x.category, x.reason, x.source, source_file, x.source_record) for x in parsed.exceptions),
    )


def add_edges(tx: Transaction, edges: Iterable[EdgeRecord], source_file: str, now: str | None = None) -> None:
    """Insert edges (e.g. a customer's declared owners, source ``declaration``) in the caller's transaction."""
    stamp = now or datetime.now(UTC).isoformat()
    tx.executemany(_INSERT_EDGE, ((*_edge_key(e), source_file, e.source_record, stamp) for e in edges))


def _merged(entities: Sequence[EntityRecord]) -> list[EntityRecord]:
    """One record per id: later records fill the fields earlier ones left empty."""
    by_id: dict[str, EntityRecord] = {}
    for e in entities:
        old = by_id.get(e.id)
        if old is None:
            by_id[e.id] = e
            continue
        for name in ("name", "hq_country", "incorporation_country", "nationality", "residence"):
            if getattr(e, name):
                setattr(old, name, getattr(e, name))
        old.identifiers.update(e.identifiers)
        old.lists = tuple(dict.fromkeys(old.lists + e.lists))
    return list(by_id.values())


def load_ownership(
    store: Store, paths: Sequence[Path | str], format: str | None = None, *, actor: str = "system"
) -> LoadResult:
    """Parse ``paths`` (format detected from each file unless given) and load them in one transaction,
    with one ``ownership.load`` audit record per file (its SHA-256 and counts) in that transaction."""
    parsed = [parse_file(Path(p), format) for p in paths]
    result = LoadResult()
    with store.transaction() as tx:
        for p in parsed:
            name = Path(p.path).name
            write_parsed(tx, p, name)
            done = FileResult(p.path, p.format, len(p.entities), len(p.edges), len(p.exceptions))
            result.files.append(done)
            details = {
                "file": name,
                "format": p.format,
                "sha256": sha256_of(Path(p.path)),
                "entities": done.entities,
                "edges": done.edges,
                "exceptions": done.exceptions,
            }
            audit.append(tx, actor=actor, action="ownership.load", subject=f"file:{name}", details=details)
    return result


_ENTITY_SELECT = (
    "SELECT id, name, kind, hq_country, incorporation_country, nationality, residence, lists FROM ownership_entities"
)
_EDGE_SELECT = (
    "SELECT owner_id, owned_id, share_min, share_max, kind, source, source_record, source_file, "
    "valid_from, valid_to FROM ownership_edges"
)
_SHARES = ("share_min", "share_max")
_VALID_ON = "(valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to > ?)"


def load_graph(store: Store, as_of: date | datetime | None = None) -> OwnershipGraph:
    """The graph of every stored entity and edge (only the edges valid on ``as_of`` when given).

    Edges may name ids with no entity row (a GLEIF parent with no Level 1 record): they become
    nodes with no attributes. Each edge's source reads ``<source> <record> (<file>)``.
    """
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    with store.read() as tx:
        entities = _columns(tx.iterate(f"{_ENTITY_SELECT} ORDER BY id"), _ENTITY_FIELDS)
        sql = _EDGE_SELECT
        params: tuple[str, ...] = ()
        if day is not None:
            sql, params = f"{sql} WHERE {_VALID_ON}", (day.isoformat(), day.isoformat())
        edges = _columns(tx.iterate(f"{sql} ORDER BY id", params), _EDGE_FIELDS, _SHARES)
    return _graph(entities, edges)


def load_upstream(store: Store, node_ids: Iterable[str], as_of: date | datetime | None = None) -> OwnershipGraph:
    """The part of the stored graph that can decide ``node_ids``: the ones stored, every owner above
    them (through edges of any kind valid on ``as_of``), and the edges into those nodes.

    The same graph as cutting :func:`load_graph`'s down to that upstream cone (what monitoring's
    ``upstream_subgraph`` does), read with one recursive query per table instead of the whole
    graph, so deciding one customer costs its cone, not the store.
    """
    start = sorted(set(node_ids))
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    if not start:
        return _graph(_columns([], _ENTITY_FIELDS), _columns([], _EDGE_FIELDS, _SHARES))
    valid, dates = (f" AND {_VALID_ON}", (day.isoformat(), day.isoformat())) if day is not None else ("", ())
    seeds = ", ".join("(?)" for _ in start)
    up = (
        f"WITH RECURSIVE up(id) AS (VALUES {seeds} UNION SELECT owner_id FROM ownership_edges"  # noqa: S608
        f" JOIN up ON owned_id = up.id WHERE 1 = 1{valid})"
    )
    with store.read() as tx:
        into_up = f"{up} {_EDGE_SELECT} WHERE owned_id IN (SELECT id FROM up){valid} ORDER BY id"  # noqa: S608
        edges = tx.fetchall(into_up, (*start, *dates, *dates))
        nodes = {e[0] for e in edges} | {e[1] for e in edges}
        in_up = f"{up} {_ENTITY_SELECT} WHERE id IN (SELECT id FROM up) ORDER BY id"  # noqa: S608
        entities = tx.fetchall(in_up, (*start, *dates))
        # a start node known only as the owner in some edge (no entity row, owned by nobody) is a node too
        nodes |= {r[0] for r in entities}
        loose = [n for n in start if n not in nodes]
        if loose:
            marks = ", ".join("?" for _ in loose)
            found = tx.fetchall(
                f"SELECT DISTINCT owner_id FROM ownership_edges WHERE owner_id IN ({marks}){valid}",  # noqa: S608
                (*loose, *dates),
            )
            loose = sorted(r[0] for r in found)
    return _graph(_columns(entities, _ENTITY_FIELDS), _columns(edges, _EDGE_FIELDS, _SHARES), loose)


_ENTITY_FIELDS = ("id", "name", "kind", "hq_country", "incorporation_country", "nationality", "residence", "lists")
_EDGE_FIELDS = (
    "owner_id",
    "owned_id",
    "share_min",
    "share_max",
    "kind",
    "source",
    "source_record",
    "source_file",
    "valid_from",
    "valid_to",
)
Columns = dict[str, pa.Array]


def _columns(rows: Iterable[Sequence[Any]], fields: Sequence[str], floats: Sequence[str] = ()) -> Columns:
    """Rows as Arrow columns, a block at a time: millions of rows never sit in memory as tuples."""
    types = [pa.float64() if f in floats else pa.string() for f in fields]
    chunks: list[list[pa.Array]] = [[] for _ in fields]
    it = iter(rows)
    while block := list(islice(it, 65536)):
        for k, values in enumerate(zip(*block, strict=True)):
            chunks[k].append(pa.array(values, type=types[k]))
    return {f: pa.chunked_array(c, type=t).combine_chunks() for f, c, t in zip(fields, chunks, types, strict=True)}


def _dates(col: pa.Array) -> npt.NDArray[np.datetime64] | None:
    """ISO dates (or timestamps: their date part) as datetime64[D]; None when no edge has one."""
    if col.null_count == len(col):
        return None
    day = pc.utf8_slice_codeunits(col, 0, 10)
    day = pc.if_else(pc.equal(day, ""), pa.scalar(None, pa.string()), day)
    return np.asarray(pc.cast(day, pa.date32()).to_numpy(zero_copy_only=False), "datetime64[D]")


def _graph(entities: Columns, edges: Columns, keep_ids: Sequence[str] = ()) -> OwnershipGraph:
    """A graph from entity and edge columns: entities first (in their order), then the ids edges
    name without an entity row, in the order the edges first name them (owner before owned), then
    ``keep_ids`` (nodes with neither)."""
    ids, owner, owned = entities["id"], edges["owner_id"], edges["owned_id"]
    m = len(owner)
    both = pa.concat_arrays([owner, owned])
    order = np.empty(2 * m, np.int64)
    order[0::2], order[1::2] = np.arange(m), np.arange(m, 2 * m)
    ends = both.take(pa.array(order))  # each edge's owner, then its owned
    unnamed = pc.unique(ends.filter(pc.invert(pc.is_in(ends, value_set=ids))))
    node_ids = pa.concat_arrays([ids, unnamed.cast(pa.string()), pa.array(list(keep_ids), pa.string())])
    pad = pa.nulls(len(node_ids) - len(ids), pa.string())
    found = np.asarray(pc.index_in(both, value_set=node_ids).to_numpy(), np.int32)

    def padded(name: str) -> pa.Array:
        return pa.concat_arrays([entities[name], pad])

    kinds = edges["kind"].dictionary_encode()
    kind_codes = np.array([int(EdgeKind.parse(k)) for k in kinds.dictionary.to_pylist()] or [0], np.uint8)
    share_min, share_max = (
        np.asarray(edges[c].to_numpy(zero_copy_only=False), np.float64) for c in ("share_min", "share_max")
    )
    return OwnershipGraph.from_edges(
        StringColumn(node_ids),
        found[:m],
        found[m:],
        share_min,
        share_max,
        kind=kind_codes[np.asarray(kinds.indices.to_numpy(), np.int64)] if m else None,
        valid_from=_dates(edges["valid_from"]),
        valid_to=_dates(edges["valid_to"]),
        sources=SourceColumn(edges["source"], edges["source_record"], edges["source_file"]),
        names=TextColumn(padded("name")),
        hq_country=codes(padded("hq_country")),
        incorporation_country=codes(padded("incorporation_country")),
        lists={i: text.split(";") for i, text in nonempty(entities["lists"]).items()},
        node_kind=TextColumn(padded("kind")),
        nationality=nonempty(entities["nationality"]),
        residence=nonempty(entities["residence"]),
    )
