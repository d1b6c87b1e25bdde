"""The review desk's fixtures: a store with a real list, the example book and customers in review.

``desk_file`` is built once per session: the DoD 1260H list (real, small, so the screening index
builds in about a second), the example book of ``examples/`` and three test-only customers that
land in review (the example book has none):

- ``range-cn``: declared owners with share ranges (a Chinese owner with 30-60%): possible ownership;
  its name carries ``<script>`` to prove every page and picture renders it inert;
- ``hikvision-like``: a name close to a 1260H entry: a possible list match;
- ``quiet-gb``: a plain British customer (allow).

Every verdict is recorded, and ``tokens`` holds an admin token per role.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownergate.decisions import customers as book
from ownergate.decisions.service import decide_all, record_verdicts
from ownergate.lists.loader import Guards, load_paths
from ownergate.ownership.repository import load_ownership
from ownergate.policy.loader import read_policy
from ownergate.service.auth import issue_token
from ownergate.store import Store, open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LISTS = ("us_lists/us_dod_chinese_milcorps_sanctions.csv",)
HOSTILE = "Kestrel <script>alert('x')</script> Precision Ltd"
CUSTOMERS = (
    "id,name,country,hq_country\n"
    f'range-cn,"{HOSTILE}",GB,GB\n'
    "hikvision-like,Hikvision Digital Tech,GB,GB\n"
    "quiet-gb,Quiet Meadow Analytics Ltd,GB,GB\n"
)
OWNERS = (
    "customer_id,owner_name,owner_country,owner_hq_country,share_min,share_max,owner_type\n"
    "range-cn,Shenzhen Kestrel Capital Co. Ltd.,CN,CN,0.30,0.60,company\n"
    "range-cn,Ada Kestrel,GB,GB,0.40,0.70,person\n"
)


@dataclass(frozen=True)
class Tokens:
    viewer: str
    analyst: str
    analyst2: str
    approver: str


def load_desk(store: Store, testdata: Path, lists: tuple[str, ...], folder: Path) -> None:
    """Lists, the example book, the test-only review customers, every verdict recorded.

    The other lists the anthropic policy denies on are loaded as one-entry placeholders, so the
    verdicts are not ``lists-missing``.
    """
    results = load_paths(store, [testdata / p for p in lists])
    loaded = {r.list_id for r in results}
    for list_id in sorted(read_policy("anthropic", None).deny_lists - loaded):
        path = folder / f"{list_id}.csv"
        path.write_text("id,name,aliases,country,type\n1,Zebulon Quarry Holdings Ltd,,PA,organization\n")
        # a placeholder in another format than the list's own: named and forced (integrity guards)
        load_paths(store, [path], list_id=list_id, guards=Guards(force=True))
    load_ownership(store, [EXAMPLES / "entities.csv", EXAMPLES / "edges.csv"])
    book.import_files(store, EXAMPLES / "customers.csv", EXAMPLES / "owners.csv", datetime.now(UTC))
    (folder / "c.csv").write_text(CUSTOMERS, encoding="utf-8")
    (folder / "o.csv").write_text(OWNERS, encoding="utf-8")
    book.import_files(store, folder / "c.csv", folder / "o.csv", datetime.now(UTC))
    record_verdicts(store, list(decide_all(store)), "test setup")


def issue_tokens(store: Store) -> Tokens:
    return Tokens(
        *(
            issue_token(store, name, role).token
            for name, role in (("vera", "viewer"), ("ana", "analyst"), ("andy", "analyst"), ("bob", "approver"))
        )
    )


@pytest.fixture(scope="session")
def desk_file(testdata: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Tokens]:
    folder = tmp_path_factory.mktemp("desk")
    path = folder / "desk.sqlite3"
    store = open_store(f"sqlite:///{path}")
    load_desk(store, testdata, LISTS, folder)
    tokens = issue_tokens(store)
    store.close()
    return path, tokens


@pytest.fixture
def desk(desk_file: tuple[Path, Tokens], tmp_path: Path) -> Iterator[tuple[Store, Tokens]]:
    """A private copy of the desk store and its tokens."""
    copy = tmp_path / "desk.sqlite3"
    shutil.copy(desk_file[0], copy)
    store = open_store(f"sqlite:///{copy}")
    yield store, desk_file[1]
    store.close()
