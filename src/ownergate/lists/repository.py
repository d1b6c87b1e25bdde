"""Queries over the lists in the store: what every other area calls to read entries.

Each query runs in one read transaction, so it sees one consistent set of snapshots even while a
load is running; rows are fetched inside it and decoded into :class:`Entry` objects lazily.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from ownergate.errors import NotFoundError
from ownergate.lists import codec
from ownergate.lists.model import Diff, SnapshotInfo
from ownergate.sources.model import Entry
from ownergate.store import Store

_ENTRY_COLUMNS = "data, raw, source_file, record, valid_from"
_SNAPSHOT_COLUMNS = (
    "id, list_id, format, published, loaded_at, content_hash, source_files,"
    " entries, added, removed, changed, previous_id, file_sha256, files_sha256"
)


def _in(column: str, values: Sequence[str] | None) -> tuple[str, list[Any]]:
    if not values:
        return "", []
    return f" AND {column} IN ({', '.join('?' * len(values))})", list(values)


def _decode(rows: list[tuple[Any, ...]]) -> Iterator[Entry]:
    for data, raw, source_file, record, valid_from in rows:
        yield codec.decode(data, raw, source_file, record, int(valid_from))


def current_entries(store: Store, list_ids: Sequence[str] | None = None) -> Iterator[Entry]:
    """The entries of the latest snapshot of each list (of ``list_ids`` when given)."""
    where, params = _in("list_id", list_ids)
    with store.read() as tx:
        rows = tx.fetchall(
            f"SELECT {_ENTRY_COLUMNS} FROM list_entry WHERE valid_to IS NULL{where} ORDER BY list_id, id",  # noqa: S608
            params,
        )
    return _decode(rows)


def entries_at(store: Store, snapshot_id: int) -> Iterator[Entry]:
    """The entries of one snapshot exactly as it was loaded."""
    with store.read() as tx:
        list_id = tx.scalar("SELECT list_id FROM list_snapshot WHERE id = ?", (snapshot_id,))
        if list_id is None:
            raise NotFoundError(f"no list snapshot {snapshot_id}")
        rows = tx.fetchall(
            f"SELECT {_ENTRY_COLUMNS} FROM list_entry WHERE list_id = ? AND valid_from <= ?"  # noqa: S608
            " AND (valid_to IS NULL OR valid_to > ?) ORDER BY id",
            (list_id, snapshot_id, snapshot_id),
        )
    return _decode(rows)


def snapshot_as_of(store: Store, list_id: str, when: datetime) -> int | None:
    """The snapshot of ``list_id`` in force at ``when``: the latest published (or loaded) by then."""
    stamp = _utc(when)
    with store.read() as tx:
        value = tx.scalar(
            "SELECT id FROM list_snapshot WHERE list_id = ? AND effective_at <= ? ORDER BY effective_at DESC, id DESC"
            " LIMIT 1",
            (list_id, stamp),
        )
    return int(value) if value is not None else None


def entries_as_of(store: Store, when: datetime, list_ids: Sequence[str] | None = None) -> Iterator[Entry]:
    """What each list said at ``when``: the entries of its snapshot in force then (lists without one are absent).

    A snapshot is in force from its publication date (or, when the source states none, its load time).
    """
    stamp = _utc(when)
    where, params = _in("list_id", list_ids)
    with store.read() as tx:
        chosen = tx.fetchall(
            f"SELECT list_id, MAX(id) FROM list_snapshot s WHERE effective_at = ("  # noqa: S608
            " SELECT MAX(effective_at) FROM list_snapshot t WHERE t.list_id = s.list_id AND t.effective_at <= ?)"
            f"{where} GROUP BY list_id ORDER BY list_id",
            [stamp, *params],
        )
        rows: list[tuple[Any, ...]] = []
        for list_id, snapshot_id in chosen:
            rows += tx.fetchall(
                f"SELECT {_ENTRY_COLUMNS} FROM list_entry WHERE list_id = ? AND valid_from <= ?"  # noqa: S608
                " AND (valid_to IS NULL OR valid_to > ?) ORDER BY id",
                (list_id, snapshot_id, snapshot_id),
            )
    return _decode(rows)


def _utc(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def _snapshot(row: tuple[Any, ...]) -> SnapshotInfo:
    return SnapshotInfo(
        snapshot_id=int(row[0]),
        list_id=row[1],
        format=row[2],
        published=row[3],
        loaded_at=row[4],
        content_hash=row[5],
        source_files=tuple(json.loads(row[6])),
        entries=int(row[7]),
        added=int(row[8]),
        removed=int(row[9]),
        changed=int(row[10]),
        previous_id=int(row[11]) if row[11] is not None else None,
        file_sha256=row[12],
        files_sha256=json.loads(row[13]) if row[13] else {},
    )


def snapshots(store: Store, list_id: str | None = None) -> list[SnapshotInfo]:
    """Every snapshot (of one list when given), oldest first."""
    where, params = _in("list_id", [list_id] if list_id else None)
    with store.read() as tx:
        rows = tx.fetchall(f"SELECT {_SNAPSHOT_COLUMNS} FROM list_snapshot WHERE 1 = 1{where} ORDER BY id", params)  # noqa: S608
    return [_snapshot(r) for r in rows]


def current_snapshots(store: Store) -> list[SnapshotInfo]:
    """The latest snapshot of each list, by list id."""
    with store.read() as tx:
        rows = tx.fetchall(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM list_snapshot WHERE id IN"  # noqa: S608
            " (SELECT MAX(id) FROM list_snapshot GROUP BY list_id) ORDER BY list_id"
        )
    return [_snapshot(r) for r in rows]


def current_snapshot_ids(store: Store) -> dict[str, int]:
    """List id -> id of its latest snapshot."""
    return {s.list_id: s.snapshot_id for s in current_snapshots(store)}


def diff(store: Store, snapshot_id: int) -> Diff:
    """What snapshot ``snapshot_id`` changed against the previous snapshot of its list."""
    with store.read() as tx:
        head = tx.fetchone("SELECT list_id, previous_id FROM list_snapshot WHERE id = ?", (snapshot_id,))
        if head is None:
            raise NotFoundError(f"no list snapshot {snapshot_id}")
        rows = tx.fetchall("SELECT entry_id, change, fields FROM list_diff WHERE snapshot_id = ?", (snapshot_id,))
    groups: dict[str, list[str]] = {"added": [], "removed": [], "changed": []}
    fields: dict[str, tuple[str, ...]] = {}
    for entry_id, change, changed in rows:
        groups[change].append(entry_id)
        if change == "changed":
            fields[entry_id] = tuple(json.loads(changed))
    key = codec.natural_key
    return Diff(
        list_id=head[0],
        from_snapshot=int(head[1]) if head[1] is not None else None,
        to_snapshot=snapshot_id,
        added=tuple(sorted(groups["added"], key=key)),
        removed=tuple(sorted(groups["removed"], key=key)),
        changed=tuple(sorted(groups["changed"], key=key)),
        changed_fields=fields,
    )


def last_diff(store: Store, list_id: str) -> Diff:
    """The diff recorded by the last load of ``list_id``."""
    snapshot_id = current_snapshot_ids(store).get(list_id)
    if snapshot_id is None:
        raise NotFoundError(f"list {list_id!r} has never been loaded")
    return diff(store, snapshot_id)


def get_entry(store: Store, list_id: str, entry_id: str, snapshot_id: int | None = None) -> Entry:
    """One entry as the current snapshot (or snapshot ``snapshot_id``) has it, with its raw record."""
    with store.read() as tx:
        if snapshot_id is None:
            row = tx.fetchone(
                f"SELECT {_ENTRY_COLUMNS} FROM list_entry WHERE list_id = ? AND entry_id = ? AND valid_to IS NULL",  # noqa: S608
                (list_id, entry_id),
            )
        else:
            row = tx.fetchone(
                f"SELECT {_ENTRY_COLUMNS} FROM list_entry WHERE list_id = ? AND entry_id = ? AND valid_from <= ?"  # noqa: S608
                " AND (valid_to IS NULL OR valid_to > ?)",
                (list_id, entry_id, snapshot_id, snapshot_id),
            )
    if row is None:
        where = f"snapshot {snapshot_id} of " if snapshot_id is not None else ""
        raise NotFoundError(f"no entry {entry_id!r} in {where}list {list_id!r}")
    data, raw, source_file, record, valid_from = row
    return codec.decode(data, raw, source_file, record, int(valid_from))


def entry_names(store: Store, list_id: str, snapshot_id: int, entry_ids: Sequence[str]) -> dict[str, str]:
    """Entry id -> primary name, as snapshot ``snapshot_id`` of ``list_id`` has them (ids not there are left out)."""
    names: dict[str, str] = {}
    with store.read() as tx:
        for start in range(0, len(entry_ids), 500):
            where, params = _in("entry_id", list(entry_ids[start : start + 500]))
            rows = tx.fetchall(
                "SELECT entry_id, name FROM list_entry WHERE list_id = ? AND valid_from <= ?"  # noqa: S608
                f" AND (valid_to IS NULL OR valid_to > ?){where}",
                (list_id, snapshot_id, snapshot_id, *params),
            )
            names.update({str(i): str(n) for i, n in rows})
    return names
