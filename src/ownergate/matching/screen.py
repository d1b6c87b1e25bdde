"""Screening as the rest of ownergate uses it: the index of a store's current lists, kept in
memory and rebuilt when a snapshot changes, and bulk screening of a CSV file.
"""

from __future__ import annotations

import csv
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownergate.errors import InputError, OwnergateError
from ownergate.matching import saved
from ownergate.matching.index import ScreeningIndex, build_index
from ownergate.sources.model import Schema
from ownergate.store import Store

_CACHE: dict[str, tuple[str, ScreeningIndex]] = {}
_LOCK = threading.Lock()
log = logging.getLogger(__name__)


def _snapshots(store: Store) -> list[tuple[str, int, str, str]]:
    """(list id, snapshot id, content hash, loaded at) of each list's current snapshot."""
    from ownergate.lists.repository import current_snapshots  # type: ignore[import-not-found, unused-ignore]

    return [(s.list_id, s.snapshot_id, str(s.content_hash), str(s.loaded_at)) for s in current_snapshots(store)]


def index_home_of(store: Store) -> Path | None:
    """The folder where ``store``'s screening indexes are saved (see :func:`saved.index_home`)."""
    from ownergate.settings import load_settings

    return saved.index_home(store.redacted_url(), getattr(store, "path", None), load_settings().index_dir)


def index_for_store(store: Store) -> ScreeningIndex:
    """The index over ``store``'s current list entries.

    Kept in memory per store, and saved on disk beside the store (:mod:`.saved`), both keyed by the
    current snapshot of every list: a load that changes any of them makes the next call build a
    fresh index (and save it) instead of reading the old one.
    """
    from ownergate.lists.repository import current_entries  # type: ignore[import-not-found, unused-ignore]

    snapshots = _snapshots(store)
    key = saved.index_key(snapshots)
    where = store.redacted_url()
    with _LOCK:
        cached = _CACHE.get(where)
        if cached is not None and cached[0] == key:
            return cached[1]
        home = index_home_of(store)
        index: ScreeningIndex | None = saved.load(home / key) if home is not None else None
        if index is None:
            index = build_index(current_entries(store))
            if home is not None and saved.index_key(_snapshots(store)) == key:  # no load ran meanwhile
                _save(index, home, key, snapshots)
        _CACHE[where] = (key, index)
        return index


def _save(index: ScreeningIndex, home: Path, key: str, snapshots: list[tuple[str, int, str, str]]) -> None:
    """Save ``index``; a folder that cannot be written costs speed, never a screening."""
    if not saved.writable(home):
        log.warning("screening index not saved: %s is not writable", home)
        return
    try:
        saved.save(index, home, key, snapshots)
    except (OSError, ValueError) as exc:
        log.warning("screening index not saved in %s: %s", home, exc)


@dataclass(slots=True)
class Query:
    """One row of a screening file."""

    id: str
    name: str
    country: str | None = None
    schema: Schema = Schema.ORGANIZATION


def parse_schema(value: str | None, where: str) -> Schema:
    if value is None or value.strip() == "":
        return Schema.ORGANIZATION
    try:
        return Schema(value.strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Schema)
        raise InputError(f"{where}: schema {value!r} is not one of {allowed}") from None


def read_queries(path: Path) -> Iterator[Query]:
    """The rows of a screening CSV (header with at least ``id,name``; optional ``country,schema``)."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in ("id", "name") if c not in header]
        if missing:
            raise InputError(f"{path}: line 1: header lacks column(s) {', '.join(missing)}")
        try:
            for row in reader:
                where = f"{path}: line {reader.line_num}"
                ident, name = (row.get("id") or "").strip(), row.get("name") or ""
                if not ident:
                    raise InputError(f"{where}: id is empty")
                country = (row.get("country") or "").strip() or None
                yield Query(ident, name, country, parse_schema(row.get("schema"), where))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: line {reader.line_num}: {exc}") from None


OUT_COLUMNS = ("id", "rank", "score", "list", "entry_id", "matched_name")


def screen_file(
    index: ScreeningIndex,
    source: Path,
    out: Path,
    *,
    limit: int = 10,
    threshold: float | None = None,
    progress: Callable[[int], Any] | None = None,
) -> tuple[int, int]:
    """Screen every row of ``source`` and write one row per hit to ``out``; (queries, hits).

    A row whose name or country is invalid is reported as an :class:`InputError` naming its line.
    """
    queries = hits = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUT_COLUMNS)
        for n, query in enumerate(read_queries(source), start=2):
            try:
                found = index.search(
                    query.name, country=query.country, schema=query.schema, limit=limit, threshold=threshold
                )
            except OwnergateError as exc:
                raise InputError(f"{source}: line {n}: {exc}") from None
            for rank, hit in enumerate(found, start=1):
                writer.writerow((query.id, rank, f"{hit.score:.4f}", hit.list_id, hit.entry_id, hit.matched_name))
            queries += 1
            hits += len(found)
            if progress is not None:
                progress(1)
    return queries, hits
