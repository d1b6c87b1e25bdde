"""Loading into the store, snapshots, diffs, as-of queries and atomicity: run on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from ownergate.errors import NotFoundError, SourceFormatError
from ownergate.lists import (
    current_entries,
    current_snapshot_ids,
    entries_as_of,
    get_entry,
    last_diff,
    load_paths,
    snapshots,
)
from ownergate.lists.model import LoadStatus
from ownergate.lists.repository import current_snapshots, entries_at
from ownergate.lists.update import sample_paths
from ownergate.store import Store


def _rows(path: Path) -> dict[str, list[str]]:
    text = path.read_text("utf-8").rstrip("\x1a")
    return {r[0]: [v.strip() for v in r] for r in csv.reader(io.StringIO(text)) if r and r[0].strip()}


def _state(store: Store) -> list[tuple[object, ...]]:
    """Status plus the row count of every lists table: equal before and after a failed load."""
    status = [(s.list_id, s.snapshot_id, s.entries, s.loaded_at, s.content_hash) for s in current_snapshots(store)]
    with store.read() as tx:
        counts = [
            tx.scalar(f"SELECT COUNT(*) FROM {t}")  # noqa: S608
            for t in ("list_info", "list_snapshot", "list_entry", "list_name", "list_identifier", "list_country")
        ]
    return [*status, tuple(counts)]


def test_sample_loads_and_reads_back(store: Store) -> None:
    results = load_paths(store, sample_paths())
    assert {r.list_id for r in results} == {"sample-sanctions", "sample-export-control"}
    assert all(r.status is LoadStatus.LOADED for r in results)
    entries = list(current_entries(store, ["sample-sanctions"]))
    assert len(entries) == 8
    entry = get_entry(store, "sample-sanctions", "S-0003")
    assert entry.name == "Ivan Examplov" and entry.provenance.source_file == "sample-sanctions.csv"
    assert entry.provenance.record == "line 7"  # after the three comment lines and the header
    loaded = {r.list_id: r.snapshot_id for r in results}
    assert entry.provenance.snapshot_id == loaded["sample-sanctions"]
    assert any(a.script == "Cyrl" for a in entry.aliases)
    assert entry.raw["id"] == "S-0003"
    assert set(current_snapshot_ids(store)) == {"sample-sanctions", "sample-export-control"}
    with pytest.raises(NotFoundError):
        get_entry(store, "sample-sanctions", "nope")
    with pytest.raises(NotFoundError):
        last_diff(store, "never-loaded")


def test_same_file_twice_records_no_change(store: Store) -> None:
    path = sample_paths()[0]
    first = load_paths(store, [path])[0]
    second = load_paths(store, [path])[0]
    assert second.status is LoadStatus.UNCHANGED and second.snapshot_id != first.snapshot_id
    diff = last_diff(store, first.list_id)
    assert (diff.from_snapshot, diff.to_snapshot) == (first.snapshot_id, second.snapshot_id)
    assert diff.added == diff.removed == diff.changed == ()
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM list_entry WHERE list_id = ?", (first.list_id,)) == first.entries


@pytest.mark.slow  # tens of seconds: real lists or subprocesses
def test_sdn_2023_to_2024_diff_is_exact(store: Store, testdata: Path) -> None:
    old_path, new_path = testdata / "ofac/sdn_2023-05-02.csv", testdata / "ofac/sdn_2024-05-03.csv"
    old, new = _rows(old_path), _rows(new_path)
    load_paths(store, [old_path])
    (result,) = load_paths(store, [new_path])
    diff = last_diff(store, "us-ofac-sdn")
    assert set(diff.added) == set(new) - set(old)
    assert set(diff.removed) == set(old) - set(new)
    assert set(diff.changed) == {k for k in set(old) & set(new) if old[k] != new[k]}
    assert (result.added, result.removed, result.changed) == (len(diff.added), len(diff.removed), len(diff.changed))
    assert all(diff.changed_fields[k] for k in diff.changed)
    # Older snapshots stay queryable, by date and by snapshot id.
    then = {e.entry_id for e in entries_as_of(store, datetime(2023, 6, 1), ["us-ofac-sdn"])}
    assert then == set(old)
    now = {e.entry_id for e in entries_as_of(store, datetime(2024, 6, 1), ["us-ofac-sdn"])}
    assert now == set(new) == {e.entry_id for e in current_entries(store, ["us-ofac-sdn"])}
    assert list(entries_as_of(store, datetime(2020, 1, 1), ["us-ofac-sdn"])) == []
    first = snapshots(store, "us-ofac-sdn")[0]
    assert {e.entry_id for e in entries_at(store, first.snapshot_id)} == set(old)
    # Each entry traces to the snapshot that loaded its version: unchanged ones to the first load.
    unchanged = next(iter(set(old) & set(new) - set(diff.changed)))
    assert get_entry(store, "us-ofac-sdn", unchanged).provenance.snapshot_id == diff.from_snapshot
    assert get_entry(store, "us-ofac-sdn", diff.changed[0]).provenance.snapshot_id == diff.to_snapshot
    changed = diff.changed[0]
    assert (
        get_entry(store, "us-ofac-sdn", changed, first.snapshot_id).raw != get_entry(store, "us-ofac-sdn", changed).raw
    )


def test_failed_multi_file_load_changes_nothing(store: Store, testdata: Path, tmp_path: Path) -> None:
    load_paths(store, sample_paths())
    before = _state(store)
    garbage = tmp_path / "sdn.csv"
    garbage.write_bytes((testdata / "ofac/sdn_2024-05-03.csv").read_bytes()[:100_000] + b'\n99,"CUT')
    with pytest.raises(SourceFormatError, match=r"sdn\.csv"):
        load_paths(store, [testdata / "csl/dpl_2023-11-30.txt", garbage])
    assert _state(store) == before
    truncated = tmp_path / "un.xml"
    truncated.write_bytes((testdata / "un/UN_consolidated.xml").read_bytes()[:50_000])
    with pytest.raises(SourceFormatError, match=r"un.xml: line \d+"):
        load_paths(store, [sample_paths()[0], truncated])
    assert _state(store) == before


def test_failed_write_rolls_back(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure in the middle of writing (after some lists were written) leaves nothing behind."""
    from ownergate.lists import loader

    load_paths(store, sample_paths()[:1])
    before = _state(store)
    real = loader._insert_versions
    calls = []

    def failing(*args: object, **kw: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_insert_versions", failing)
    with pytest.raises(RuntimeError):
        load_paths(store, [*sample_paths(), sample_paths()[1]], list_id="other")
    assert _state(store) == before


def test_enhanced_xml_and_csl_load(store: Store, testdata: Path) -> None:
    results = load_paths(store, [testdata / "csl/consolidated_2022-05.csv.gz"])
    lists = {r.list_id: r.entries for r in results}
    assert lists["us-bis-entity"] == 2001 and "us-bis-meu" in lists and "us-ofac-nscmic" in lists
    status = {s.list_id: s for s in current_snapshots(store)}
    assert status["us-bis-entity"].entries == 2001 and status["us-bis-entity"].published == "2022-05-01"
