"""Pin the lists API other areas code against: names and signatures."""

from __future__ import annotations

import inspect

import ownergate.lists as lists
from ownergate.sources import registry
from ownergate.sources.ofac_enhanced_xml import relationships


def test_exported_members() -> None:
    assert set(lists.__all__) == {
        "Diff", "LoadResult", "SnapshotInfo", "current_entries", "current_snapshot_ids", "entries_as_of",
        "entries_at", "get_entry", "last_diff", "load_paths", "snapshots",
    }  # fmt: skip


def test_signatures() -> None:
    def params(fn: object) -> list[str]:
        return list(inspect.signature(fn).parameters)  # type: ignore[arg-type]

    assert params(lists.current_entries) == ["store", "list_ids"]
    assert params(lists.entries_as_of) == ["store", "when", "list_ids"]
    assert params(lists.current_snapshot_ids) == ["store"]
    assert params(lists.last_diff) == ["store", "list_id"]
    assert params(lists.get_entry)[:3] == ["store", "list_id", "entry_id"]
    assert params(lists.load_paths)[:4] == ["store", "paths", "list_id", "format"]
    assert params(registry.detect) == ["path"]
    assert params(registry.read) == ["path", "format", "list_id"]
    assert params(relationships) == ["path"]
