"""A store with real lists loaded once per session; each test gets its own copy of the file.

Loaded: OFAC SDN (2024-05-03), the DoD 1260H list, the trade.gov Consolidated Screening List
(Entity List, MEU, ...), OFAC's non-SDN lists (incl. NS-CMIC), the FCC covered list, BIS's
military-intelligence end users and the UN list: every list the ``anthropic`` policy denies on, so
its verdicts are not ``lists-missing``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ownergate.lists.loader import load_paths
from ownergate.store import Store, open_store

# The CSL (2022) holds an older, partial SDN: loaded after the 2024 SDN it would replace it (the
# shrink guard refuses that), so it goes first and the 2024 SDN is the current one.
REAL_LISTS = (
    "csl/consolidated_2022-05.csv.gz",
    "ofac/sdn_2024-05-03.csv",
    "us_lists/us_dod_chinese_milcorps_sanctions.csv",
    "ofac/nonsdn_2025-12",
    "us_lists/us_fcc_covered_list_table.csv",
    "us_lists/us_bis_mieu_mieu.csv",
    "un/UN_consolidated.xml",
)


@pytest.fixture(scope="session")
def real_lists_file(testdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lists") / "lists.sqlite3"
    store = open_store(f"sqlite:///{path}")
    load_paths(store, [testdata / p for p in REAL_LISTS])
    store.close()
    return path


@pytest.fixture
def lists_store(real_lists_file: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the store with real lists loaded."""
    copy = tmp_path / "store.sqlite3"
    shutil.copy(real_lists_file, copy)
    store = open_store(f"sqlite:///{copy}")
    yield store
    store.close()
