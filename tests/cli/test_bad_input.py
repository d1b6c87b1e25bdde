"""Issue 13, item 7: bad input is an error (exit 3) naming the file, the row and the value, and the
store is left unchanged; with a real subprocess, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ownergate.store import open_store

ENTITIES = "id,name,hq_country,incorporation_country,lists\nS,Sunda Data Pte Ltd,SG,SG,\nP,Parent Co,{row}\n"
EDGES = "owner_id,owned_id,share_min,share_max\nP,S,0.6,0.6\n"

BAD_ROWS = [
    ("CN,CN,us-ofac-sdnn", "unknown list id 'us-ofac-sdnn' (did you mean 'us-ofac-sdn'?)"),
    ("CN,CN,US-OFAC-SDN", "unknown list id 'US-OFAC-SDN' (did you mean 'us-ofac-sdn'?)"),
    ("CN,CN,ofac-sdn", "unknown list id 'ofac-sdn' (did you mean 'us-ofac-sdn'?)"),
    ('CN,CN,"us-ofac-sdn,eu-fsf"', "lists 'us-ofac-sdn,eu-fsf': separate list ids with ';'"),
    ("CN,CN,us-ofac-sdn|eu-fsf", "separate list ids with ';'"),
    ("China,CN,", "hq_country 'CHINA' is not an ISO 3166-1 alpha-2 country or ISO 3166-2 region code"),
    ("CN,People's Republic of China,", 'incorporation_country "PEOPLE\'S REPUBLIC OF CHINA" is not an ISO 3166-1'),
    ("CHN,CN,", "hq_country 'CHN' is not"),
]


def ownergate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownergate", *args], capture_output=True, text=True, timeout=120, check=False
    )


def _files(tmp_path: Path, row: str) -> tuple[Path, Path]:
    entities, edges = tmp_path / "E.csv", tmp_path / "X.csv"
    entities.write_text(ENTITIES.format(row=row))
    edges.write_text(EDGES)
    return entities, edges


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_graph_resolve_refuses_bad_entities(tmp_path: Path, row: str, message: str) -> None:
    entities, edges = _files(tmp_path, row)
    out = tmp_path / "R.csv"
    result = ownergate(
        "graph", "resolve", "--entities", str(entities), "--edges", str(edges), "--policy", "ofac", "--out", str(out)
    )
    assert result.returncode == 3, result.stderr
    assert f"{entities}: data row 2: " in result.stderr and message in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("row", "message"), BAD_ROWS[:4] + BAD_ROWS[5:6])
def test_ownership_load_refuses_bad_entities_and_leaves_the_store(tmp_path: Path, row: str, message: str) -> None:
    db = tmp_path / "s.sqlite3"
    good_e, good_x = _files(tmp_path, "CN,CN,us-ofac-sdn;us-ofac-sdn:SDGT")
    assert ownergate("--db", str(db), "--create", "ownership", "load", str(good_e), str(good_x)).returncode == 0
    entities, edges = tmp_path / "E2.csv", tmp_path / "X2.csv"
    entities.write_text(ENTITIES.format(row=row).replace("Parent Co", "Parent Co renamed"))
    edges.write_text(EDGES)
    result = ownergate("--db", str(db), "--create", "ownership", "load", str(entities), str(edges))
    assert result.returncode == 3 and message in result.stderr and "data row 2" in result.stderr
    store = open_store(f"sqlite:///{db}")
    with store.read() as tx:
        names = {r[0] for r in tx.fetchall("SELECT name FROM ownership_entities")}
    store.close()
    assert "Parent Co" in names and "Parent Co renamed" not in names  # unchanged


def test_graph_resolve_refuses_an_unknown_rule(tmp_path: Path) -> None:
    entities, edges = _files(tmp_path, "CN,CN,")
    result = ownergate(
        "graph", "resolve", "--entities", str(entities), "--edges", str(edges), "--policy", "anthropc", "--out",
        str(tmp_path / "R.csv"),
    )  # fmt: skip
    assert result.returncode == 3 and "'anthropc'" in result.stderr


def test_customers_import_refuses_a_country_name(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    book = tmp_path / "customers.csv"
    book.write_text(
        "id,name,country,hq_country,lei,registration_number,website,entity_id\n"
        "ok,Fine Ltd,GB,GB,,,,\nbad,Acme,DE,China,,,,\n"
    )
    result = ownergate("--db", str(db), "--create", "customers", "import", str(book))
    assert result.returncode == 3
    assert f"{book}: line 3: hq_country: 'China' is not an ISO 3166-1 alpha-2 country code" in result.stderr
    assert "(did you mean CN?)" in result.stderr
    store = open_store(f"sqlite:///{db}")
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM customers") == 0  # all or nothing
    store.close()


def test_customers_import_takes_a_sub_national_region(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    book = tmp_path / "customers.csv"
    book.write_text("id,name,country,hq_country\ncrimea,Yalta Soft LLC,UA,UA-43\n")
    assert ownergate("--db", str(db), "--create", "customers", "import", str(book)).returncode == 0


def test_unknown_policy_name_is_exit_3(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    book = tmp_path / "customers.csv"
    book.write_text("id,name,country,hq_country\nacme,Acme Widgets GmbH,DE,DE\n")
    assert ownergate("--db", str(db), "--create", "customers", "import", str(book)).returncode == 0
    result = ownergate("--db", str(db), "--create", "decide", "acme", "--policy", "anthropik")
    assert result.returncode == 3 and "'anthropik'" in result.stderr
    assert ownergate("--db", str(db), "--create", "policy", "activate", "anthropik").returncode == 3
