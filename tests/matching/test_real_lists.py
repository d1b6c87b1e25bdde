"""Screening against real lists loaded through the lists area into a real store: the CSL (Entity
List, SDN ...), the DoD 1260H list and the UK list, loaded once for the module."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ownergate.lists.loader import load_paths
from ownergate.matching.index import ScreeningIndex
from ownergate.matching.screen import index_for_store
from ownergate.sources.model import Schema
from ownergate.store import Store, open_store

FILES = ("csl/consolidated_2022-05.csv.gz", "us_lists/us_dod_chinese_milcorps_sanctions.csv")


@pytest.fixture(scope="module")
def loaded(testdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('lists') / 'lists.sqlite3'}"
    store = open_store(url)
    load_paths(store, [testdata / f for f in FILES])
    yield store, url
    store.close()


@pytest.fixture(scope="module")
def index(loaded: tuple[Store, str]) -> ScreeningIndex:
    return index_for_store(loaded[0])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "list_id", "fragment"),
    [
        ("GUANGZHOU HAIGE COMM GRP", "us-bis-entity", "haige"),
        ("Haige Guangzhou", "us-bis-entity", "haige"),
        ("HUAWEI TECHNOLOGIES CO. LTD.", None, "huawei technologies"),
        ("中国电子科技集团公司", "us-dod-1260h", "china electronics technology group"),
        ("AMEC", "us-dod-1260h", "amec"),
        ("Advanced Micro Fabrication Equipment Inc China", "us-dod-1260h", "advanced micro"),
    ],
)
def test_issue_queries_find_the_real_entry_first(index: ScreeningIndex, query: str, list_id: str | None,
                                                 fragment: str) -> None:  # fmt: skip
    hits = index.search(query)
    assert hits, query
    assert fragment in hits[0].matched_name.lower() or fragment in hits[0].name.lower(), hits[0].to_dict()
    if list_id:
        assert hits[0].list_id == list_id


@pytest.mark.slow
def test_real_sdn_person_across_scripts(index: ScreeningIndex) -> None:
    hits = index.search("Рамзан Кадыров", schema=Schema.PERSON)
    assert hits and "kadyrov" in hits[0].matched_name.lower(), [h.to_dict() for h in hits]


@pytest.mark.slow
def test_index_is_cached_until_a_snapshot_changes(loaded: tuple[Store, str], testdata: Path) -> None:
    store, _ = loaded
    first = index_for_store(store)
    assert index_for_store(store) is first
    load_paths(store, [testdata / "csl/dpl_2023-11-30.txt"])
    second = index_for_store(store)
    assert second is not first
    assert "us-bis-dpl" in second.list_ids


@pytest.mark.slow
def test_cli_screen_against_the_loaded_store(loaded: tuple[Store, str], tmp_path: Path) -> None:
    _, url = loaded
    run = [sys.executable, "-m", "ownergate", "--db", url, "screen"]
    result = subprocess.run([*run, "GUANGZHOU HAIGE COMM GRP", "--json", "--list", "us-bis-entity"],
                            capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == "GUANGZHOU HAIGE COMM GRP"
    assert data["hits"][0]["list"] == "us-bis-entity" and "Haige" in data["hits"][0]["matched_name"]
    source = tmp_path / "in.csv"
    source.write_text("id,name,country\n1,Huawei Technologies Co Ltd,CN\n2,Plain Bakery of Lyon,FR\n")
    out = tmp_path / "out.csv"
    result = subprocess.run([*run, "--file", str(source), "--out", str(out), "--limit", "2"],
                            capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = out.read_text().splitlines()
    assert rows[0] == "id,rank,score,list,entry_id,matched_name"
    assert all(r.startswith("1,") for r in rows[1:]) and len(rows) >= 2
    bad = subprocess.run([*run, "Acme", "--list", "no-such-list"], capture_output=True, text=True, timeout=300,
                         check=False)  # fmt: skip
    assert bad.returncode == 3 and "no-such-list" in bad.stderr
