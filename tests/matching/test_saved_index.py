"""The screening index saved beside the store (:mod:`ownergate.matching.saved`): used instead of a
rebuild, never used once a list load changes the snapshots it was built from, and giving exactly
the hits of a fresh build. Real lists (the UN list, then the BIS Denied Persons List) in a real
store, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ownergate.lists.loader import load_paths
from ownergate.lists.repository import current_entries
from ownergate.matching import saved, screen
from ownergate.matching.index import build_index
from ownergate.matching.saved import SavedIndex
from ownergate.matching.screen import index_for_store, index_home_of
from ownergate.sources.model import Schema
from ownergate.store import Store

UN = "un/UN_consolidated.xml"
DPL = "csl/dpl_2023-11-30.txt"
QUERIES = [
    ("KIM JONG UN", Schema.PERSON, None),
    ("Kim Jong-Un", Schema.PERSON, "KP"),
    ("Ким Чен Ын", Schema.PERSON, None),
    ("金正恩", Schema.PERSON, None),
    ("أسامة بن لادن", Schema.PERSON, None),
    ("Korea Mining Development Trading Corp", Schema.ORGANIZATION, None),
    ("KOMID", Schema.ORGANIZATION, "KP"),
    ("Al Qaida", Schema.ORGANIZATION, None),
    ("Tanchon Commercial Bank", Schema.ORGANIZATION, None),
    ("Acme Widgets Ltd", Schema.ORGANIZATION, None),
]


def _forget() -> None:
    """Drop the in-process copies, as a new process starts without them."""
    screen._CACHE.clear()


def _hits(index: object, lists: list[str] | None = None) -> list[list[dict[str, object]]]:
    assert hasattr(index, "search")
    return [
        [h.to_dict() for h in index.search(q, schema=s, country=c, lists=lists, threshold=0.5)] for q, s, c in QUERIES
    ]


@pytest.mark.slow
def test_saved_index_is_used_and_gives_the_hits_of_a_fresh_build(store: Store, testdata: Path) -> None:
    load_paths(store, [testdata / UN])
    _forget()
    built = index_for_store(store)
    assert not isinstance(built, SavedIndex)  # nothing saved yet: built, then saved
    home = index_home_of(store)
    assert home is not None
    folders = [p for p in home.iterdir() if not p.name.startswith(".")]
    assert len(folders) == 1 and (folders[0] / "meta.json").is_file()

    _forget()
    loaded = index_for_store(store)
    assert isinstance(loaded, SavedIndex) and loaded.folder == folders[0]
    fresh = build_index(current_entries(store))
    assert _hits(loaded) == _hits(fresh) == _hits(built)
    assert any(_hits(loaded)), "the queries find something"
    entry = loaded.entries[0]
    assert entry == fresh.entries[0] and entry.provenance == fresh.entries[0].provenance
    assert loaded.identifiers == dict(fresh.identifiers)


@pytest.mark.slow
def test_a_list_load_makes_the_saved_index_unused(store: Store, testdata: Path) -> None:
    load_paths(store, [testdata / UN])
    _forget()
    first = index_for_store(store)
    _forget()
    assert isinstance(index_for_store(store), SavedIndex)

    load_paths(store, [testdata / DPL])
    _forget()
    after = index_for_store(store)
    assert not isinstance(after, SavedIndex), "a load changed the snapshots: the old index is not read"
    assert "us-bis-dpl" in after.list_ids and "us-bis-dpl" not in first.list_ids
    _forget()
    again = index_for_store(store)
    assert isinstance(again, SavedIndex) and "us-bis-dpl" in again.list_ids
    assert _hits(again, ["us-bis-dpl", "un-sc"]) == _hits(build_index(current_entries(store)), ["us-bis-dpl", "un-sc"])


@pytest.mark.slow
def test_an_unreadable_saved_index_is_rebuilt(sqlite_store: Store, testdata: Path) -> None:
    load_paths(sqlite_store, [testdata / UN])
    _forget()
    index_for_store(sqlite_store)
    home = index_home_of(sqlite_store)
    assert home is not None
    (folder,) = [p for p in home.iterdir() if not p.name.startswith(".")]
    post = folder / "bounds" / "post.npy"
    post.write_bytes(post.read_bytes()[:100])  # truncated
    _forget()
    index = index_for_store(sqlite_store)
    assert not isinstance(index, SavedIndex)
    assert index.search("Tanchon Commercial Bank"), "the rebuilt index still screens"


def test_the_key_covers_every_snapshot_field() -> None:
    base = [("un-sc", 3, "abc", "2026-01-01T00:00:00")]
    assert saved.index_key(base) == saved.index_key(list(base))
    for other in (
        [("un-sc", 4, "abc", "2026-01-01T00:00:00")],
        [("un-sc", 3, "abd", "2026-01-01T00:00:00")],
        [("un-sc", 3, "abc", "2026-01-01T00:00:01")],
        [*base, ("us-bis-dpl", 5, "x", "2026-01-01T00:00:00")],
    ):
        assert saved.index_key(other) != saved.index_key(base)


def test_an_sqlite_store_keeps_its_index_beside_the_file(tmp_path: Path) -> None:
    home = saved.index_home("sqlite:///x", str(tmp_path / "s.sqlite3"), None)
    assert home == tmp_path / "s.sqlite3.index"
    assert saved.index_home("sqlite:///:memory:", ":memory:", None) is None
    assert saved.index_home("postgresql://h/db", None, tmp_path).parent == tmp_path  # type: ignore[union-attr]


@pytest.mark.slow
def test_cli_screen_reads_the_saved_index(sqlite_store: Store, testdata: Path, tmp_path: Path) -> None:
    load_paths(sqlite_store, [testdata / UN])
    url = sqlite_store.redacted_url()
    run = [sys.executable, "-m", "ownergate", "--db", url, "screen", "Tanchon Commercial Bank", "--json"]
    env = dict(os.environ)
    first = subprocess.run(run, capture_output=True, text=True, timeout=300, check=True, env=env)
    home = index_home_of(sqlite_store)
    assert home is not None
    (folder,) = [p for p in home.iterdir() if not p.name.startswith(".")]
    stamp = (folder / "meta.json").stat().st_mtime_ns
    second = subprocess.run(run, capture_output=True, text=True, timeout=300, check=True, env=env)
    assert json.loads(second.stdout) == json.loads(first.stdout)
    assert json.loads(second.stdout)["hits"]
    assert (folder / "meta.json").stat().st_mtime_ns == stamp, "the second call read the index, not rebuilt it"


@pytest.mark.slow
def test_a_loaded_index_outlives_its_folder(sqlite_store: Store, testdata: Path) -> None:
    """A newer save may prune the folder a running service read its index from."""
    load_paths(sqlite_store, [testdata / UN])
    _forget()
    fresh = index_for_store(sqlite_store)
    _forget()
    loaded = index_for_store(sqlite_store)
    assert isinstance(loaded, SavedIndex)
    shutil.rmtree(loaded.folder)
    assert _hits(loaded) == _hits(fresh)
    assert loaded.identifiers == dict(fresh.identifiers)


def test_an_empty_store_saves_and_reads_an_empty_index(sqlite_store: Store) -> None:
    _forget()
    assert index_for_store(sqlite_store).search("Acme") == []
    _forget()
    again = index_for_store(sqlite_store)
    assert isinstance(again, SavedIndex)
    assert again.search("Acme") == [] and again.search("محمد علي", schema=Schema.PERSON) == []
