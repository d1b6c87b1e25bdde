"""What the matching benchmark screens: every list in ../shared/data loaded into a temporary store
by the lists area (``ownergate.lists.update``), and the GLEIF population of legal names."""

from __future__ import annotations

import csv
import gzip
import tempfile
import time
from pathlib import Path

from ownergate.lists.repository import current_entries
from ownergate.lists.update import update
from ownergate.matching.index import ScreeningIndex
from ownergate.sources.model import Entry
from ownergate.store import open_store


def entries(data: Path) -> list[Entry]:
    """The current entries of every list under ``data``, loaded as ``ownergate lists update --from`` does."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'lists.sqlite3'}")
        try:
            update(store, from_dir=data)
            return list(current_entries(store))
        finally:
            store.close()


def gleif_names(data: Path) -> list[tuple[str, str]]:
    """(legal name, country) of every GLEIF record in the development extract."""
    with gzip.open(data / "gleif/gleif_l1_names_2025-10_dev.csv.gz", "rt", encoding="utf-8") as handle:
        return [(row["legal_name"], row["legal_address_country"]) for row in csv.DictReader(handle)]


#: The index the bulk-screening workers search (set before the worker processes fork).
INDEX: ScreeningIndex | None = None


def screen_chunk(chunk: list[str]) -> tuple[float, list[tuple[str, str, float]]]:
    """CPU seconds spent, and (name, matched name, score) of every name in ``chunk`` with a hit."""
    assert INDEX is not None
    out = []
    started = time.process_time()
    for name in chunk:
        hits = INDEX.search(name, limit=1)
        if hits:
            out.append((name, hits[0].matched_name, hits[0].score))
    return time.process_time() - started, out
