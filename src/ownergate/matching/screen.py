"""Screening as the rest of ownergate uses it: the index of a store's current lists, kept in
memory and rebuilt when a snapshot changes, and bulk screening of a CSV file.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownergate.errors import InputError, OwnergateError
from ownergate.matching.index import ScreeningIndex, build_index
from ownergate.sources.model import Schema
from ownergate.store import Store

_CACHE: dict[str, tuple[tuple[tuple[str, int], ...], ScreeningIndex]] = {}
_LOCK = threading.Lock()


def index_for_store(store: Store) -> ScreeningIndex:
    """The index over ``store``'s current list entries; cached until any list's snapshot changes."""
    # The lists area provides these; imported here so matching does not depend on it at import time.
    from ownergate.lists.repository import (  # type: ignore[import-not-found, unused-ignore]
        current_entries,
        current_snapshot_ids,
    )

    key: tuple[tuple[str, int], ...] = tuple(sorted(current_snapshot_ids(store).items()))
    where = store.redacted_url()
    with _LOCK:
        cached = _CACHE.get(where)
        if cached is not None and cached[0] == key:
            return cached[1]
        index = build_index(current_entries(store))
        _CACHE[where] = (key, index)
        return index


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
