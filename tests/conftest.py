"""Shared fixtures.

Fixture strategy:
- ``store`` is parametrised over both backends: an SQLite file in the test's tmp folder, and a
  fresh schema on the real PostgreSQL at 127.0.0.1:5432 (database ``test``), dropped afterwards.
  Any test that takes ``store`` is therefore a contract test run against both.
- ``sqlite_store`` is for tests that only need a working store and not both backends.
- ``testdata`` is the folder of real public list snapshots (``../shared/data``, or
  ``OWNERGATE_TESTDATA``). Tests that take it skip when it is absent, naming the folder, unless
  ``OWNERGATE_REQUIRE_TESTDATA=1`` (CI), where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ownergate.settings import load_settings
from ownergate.store import Store, open_store

PG_URL = os.environ.get("OWNERGATE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_store() -> Store:
    schema = f"t_{uuid.uuid4().hex[:16]}"
    return open_store(f"{PG_URL}?schema={schema}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        st = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
        yield st
        st.close()
    else:
        st = _pg_store()
        yield st
        st.drop_schema()  # type: ignore[attr-defined]
        st.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    st = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield st
    st.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A store URL on a fresh PostgreSQL schema, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    url = f"{PG_URL}?schema={schema}"
    yield url
    st = open_store(url, migrate=False)
    st.drop_schema()  # type: ignore[attr-defined]
    st.close()


@pytest.fixture(scope="session")
def testdata() -> Path:
    settings = load_settings()
    folder = settings.testdata.resolve()
    if not folder.is_dir():
        message = f"real test data folder {folder} is absent (set OWNERGATE_TESTDATA)"
        if settings.require_testdata:
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(autouse=True, scope="session")
def _index_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Saved screening indexes of PostgreSQL test stores go to a session folder, not the user's data
    directory (SQLite stores keep theirs beside the file, in the test's tmp folder)."""
    before = os.environ.get("OWNERGATE_INDEX_DIR")
    os.environ["OWNERGATE_INDEX_DIR"] = str(tmp_path_factory.mktemp("indexes"))
    yield
    if before is None:
        os.environ.pop("OWNERGATE_INDEX_DIR", None)
    else:
        os.environ["OWNERGATE_INDEX_DIR"] = before
