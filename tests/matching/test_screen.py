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


BORN = [
    Entry("un-sc", "p1", Schema.PERSON, "Ivan Petrovich Sidorenko", P, birth_dates=["1961-03-02"]),
    Entry("us-bis-entity", "o1", Schema.ORGANIZATION, "Sidorenko Trading House", P),
]


@pytest.mark.parametrize(
    ("row", "query"),
    [
        ("a,Ivan Sidorenko,,person,1961", {"schema": Schema.PERSON, "birth_date": "1961"}),
        ("b,Ivan Sidorenko,,person,1990-05-01", {"schema": Schema.PERSON, "birth_date": "1990-05-01"}),
        ("c,Ivan Sidorenko,RU,person,", {"schema": Schema.PERSON, "country": "RU"}),
        ("d,Ivan Sidorenko,,,", {}),
        ("e,Sidorenko Trading House,,organization,", {"schema": Schema.ORGANIZATION}),
        ("f,Sidorenko Trading House,,person,1961-03", {"schema": Schema.PERSON, "birth_date": "1961-03"}),
    ],
)
def test_file_columns_count_as_for_one_query(tmp_path: Path, row: str, query: dict[str, object]) -> None:
    """birth_date, country and schema columns give each row exactly the hits of the same single query."""
    index = build_index(BORN)
    source = write(tmp_path / "in.csv", f"id,name,country,schema,birth_date\n{row}\n")
    out = tmp_path / "out.csv"
    screen_file(index, source, out, limit=5, threshold=0.3)
    with out.open(encoding="utf-8") as handle:
        got = [(r["entry_id"], r["score"]) for r in csv.DictReader(handle)]
    name = row.split(",")[1]
    want = [(h.entry_id, f"{h.score:.4f}") for h in index.search(name, limit=5, threshold=0.3, **query)]  # type: ignore[arg-type]
    assert got == want and got


def test_birth_date_column_moves_the_score(tmp_path: Path) -> None:
    index = build_index(BORN)
    source = write(
        tmp_path / "in.csv",
        "id,name,schema,birth_date\nsame,Ivan Sidorenko,person,1961\nother,Ivan Sidorenko,person,1990\n"
        "none,Ivan Sidorenko,person,\n",
    )
    out = tmp_path / "out.csv"
    screen_file(index, source, out, threshold=0.3)
    with out.open(encoding="utf-8") as handle:
        score = {r["id"]: float(r["score"]) for r in csv.DictReader(handle) if r["entry_id"] == "p1"}
    assert score["same"] > score["none"] > score["other"]


@pytest.mark.parametrize("value", ["1961-13-01", "02/03/1961", "sixty-one", "1961-02-30", "61"])
def test_unreadable_birth_date_names_the_line_and_field(tmp_path: Path, value: str) -> None:
    source = write(tmp_path / "in.csv", f"id,name,schema,birth_date\na,X,person,1961\nb,Y,person,{value}\n")
    with pytest.raises(InputError, match=rf"in.csv: line 3: birth_date '{value}' is not a date"):
        list(read_queries(source))


def test_cli_refuses_single_query_options_with_a_file(cli_index: None, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    source = write(tmp_path / "in.csv", "id,name\na,Acme\n")
    db = str(tmp_path / "s.sqlite3")
    args = ["--db", db, "--create", "screen", "--file", str(source), "--out", str(tmp_path / "o.csv")]
    assert run_cli(app, [*args, "--country", "CN"]) == 3
    assert "--country applies to one NAME" in capsys.readouterr().err
    assert run_cli(app, [*args, "--birth-date", "1961"]) == 3
    assert run_cli(app, ["--db", db, "--create", "screen", "Ivan", "--birth-date", "1961/03"]) == 3
    assert "--birth-date: birth_date '1961/03'" in capsys.readouterr().err
    assert run_cli(app, [*args]) == 0
