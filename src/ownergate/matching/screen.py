"""Screening as the rest of ownergate uses it: the index of a store's current lists, kept in
memory and rebuilt when a snapshot changes, and bulk screening of a CSV file.
"""

from __future__ import annotations

import csv
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
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
    birth_date: str | None = None
    line: int = 0  # the line of the file the row ends on


_BIRTH_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


def parse_birth_date(value: str | None, where: str) -> str | None:
    """A date of birth as lists give it: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; empty is None.

    Anything else is refused naming the place, never read as "no date": a date that cannot be read
    must not pass as one that was not given.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if _BIRTH_DATE.fullmatch(text):
        try:
            date.fromisoformat({4: f"{text}-01-01", 7: f"{text}-01", 10: text}[len(text)])
        except ValueError:
            pass
        else:
            return text
    raise InputError(f"{where}: birth_date {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


def parse_schema(value: str | None, where: str) -> Schema:
    if value is None or value.strip() == "":
        return Schema.ORGANIZATION
    try:
        return Schema(value.strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Schema)
        raise InputError(f"{where}: schema {value!r} is not one of {allowed}") from None


def read_queries(path: Path) -> Iterator[Query]:
    """The rows of a screening CSV (header with at least ``id,name``; optional ``country``, ``schema``,
    ``birth_date``)."""
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
                line = reader.line_num
                where = f"{path}: line {line}"
                ident, name = (row.get("id") or "").strip(), row.get("name") or ""
                if not ident:
                    raise InputError(f"{where}: id is empty")
                country = (row.get("country") or "").strip() or None
                schema = parse_schema(row.get("schema"), where)
                yield Query(ident, name, country, schema, parse_birth_date(row.get("birth_date"), where), line)
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
    lists: Sequence[str] | None = None,
    progress: Callable[[int], Any] | None = None,
) -> tuple[int, int]:
    """Screen every row of ``source`` and write one row per hit to ``out``; (queries, hits).

    Each row's ``country``, ``schema`` and ``birth_date`` columns count as they do for one query
    (:meth:`ScreeningIndex.search`). A row whose name, country, schema or date of birth is invalid
    is reported as an :class:`InputError` naming its line; ``lists`` narrows every row's screening.
    """
    queries = hits = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUT_COLUMNS)
        for query in read_queries(source):
            try:
                found = index.search(
                    query.name,
                    country=query.country,
                    schema=query.schema,
                    birth_date=query.birth_date,
                    lists=lists,
                    limit=limit,
                    threshold=threshold,
                )
            except OwnergateError as exc:
                raise InputError(f"{source}: line {query.line}: {exc}") from None
            for rank, hit in enumerate(found, start=1):
                writer.writerow((query.id, rank, f"{hit.score:.4f}", hit.list_id, hit.entry_id, hit.matched_name))
            queries += 1
            hits += len(found)
            if progress is not None:
                progress(1)
    return queries, hits
