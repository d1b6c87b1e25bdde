"""Bulk file screening and the ``ownergate screen`` command (its store index swapped for one built
from named entries until the lists area provides a loaded store)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ownergate.cli import _register, app
from ownergate.cli.run import run_cli
from ownergate.errors import InputError
from ownergate.matching.index import ScreeningIndex, build_index
from ownergate.matching.screen import read_queries, screen_file
from ownergate.sources.model import Entry, Provenance, Schema

P = Provenance("test.csv", "row 1")
ENTRIES = [
    Entry("us-bis-entity", "2", Schema.ORGANIZATION, "Guangzhou Haige Communications Group Incorporated Company", P),
    Entry("us-ofac-sdn", "1", Schema.PERSON, "PUTIN, Vladimir Vladimirovich", P),
]


@pytest.fixture
def index() -> ScreeningIndex:
    return build_index(ENTRIES)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_screen_file_writes_one_row_per_hit(tmp_path: Path, index: ScreeningIndex) -> None:
    source = write(tmp_path / "in.csv", "id,name,country,schema\na,GUANGZHOU HAIGE COMM GRP,CN,\n"
                   "b,Acme Bakery,,\nc,Владимир Путин,,person\n")  # fmt: skip
    out = tmp_path / "out.csv"
    seen: list[int] = []
    assert screen_file(index, source, out, limit=3, progress=seen.append) == (3, 2)
    assert len(seen) == 3
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["id", "rank", "score", "list", "entry_id", "matched_name"]
    assert [(r["id"], r["rank"], r["list"], r["entry_id"]) for r in rows] == [
        ("a", "1", "us-bis-entity", "2"), ("c", "1", "us-ofac-sdn", "1"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name\nx\n", "line 1: header lacks column"),
        ("id,name\n,Acme\n", "line 2: id is empty"),
        ("id,name,schema\na,Acme,robot\n", "line 2: schema 'robot'"),
    ],
)
def test_bad_files_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        list(read_queries(write(tmp_path / "in.csv", text)))


def test_bad_country_in_a_file_names_the_line(tmp_path: Path, index: ScreeningIndex) -> None:
    source = write(tmp_path / "in.csv", "id,name,country\na,Acme,ZZZ\n")
    with pytest.raises(InputError, match="line 2: country 'ZZZ'"):
        screen_file(index, source, tmp_path / "out.csv")


@pytest.fixture
def cli_index(monkeypatch: pytest.MonkeyPatch, index: ScreeningIndex) -> None:
    _register()
    monkeypatch.setattr("ownergate.cli.screen.index_for_store", lambda store: index)


def test_cli_screen_json(cli_index: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.sqlite3")
    assert run_cli(app, ["--db", db, "--create", "screen", "Haige Guangzhou", "--json", "--country", "CN"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "Haige Guangzhou"
    assert [h["entry_id"] for h in data["hits"]] == ["2"]
    assert set(data["hits"][0]) >= {"list", "entry_id", "name", "matched_name", "score", "explanation"}


def test_cli_screen_file_and_errors(cli_index: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.sqlite3")
    source = write(tmp_path / "in.csv", "id,name\na,Guangzhou Haige Communications\n")
    out = tmp_path / "out.csv"
    assert run_cli(app, ["--db", db, "--create", "screen", "--file", str(source), "--out", str(out)]) == 0
    assert out.read_text().splitlines()[1].startswith("a,1,")
    assert run_cli(app, ["--db", db, "--create", "screen"]) == InputError.exit_code
    assert run_cli(app, ["--db", db, "--create", "screen", "Acme", "--country", "XX"]) == InputError.exit_code
    assert "country 'XX'" in capsys.readouterr().err
