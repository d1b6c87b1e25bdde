"""Customer import: the example book loads; bad rows are refused by line and nothing changes."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownergate.decisions import customers as book
from ownergate.errors import InputError
from ownergate.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
HEADER = "id,name,country,hq_country,lei,registration_number,website,entity_id\n"


def _count(store: Store) -> tuple[int, int]:
    with store.read() as tx:
        return tx.scalar("SELECT COUNT(*) FROM customers"), tx.scalar("SELECT COUNT(*) FROM declared_owners")


def test_example_book_imports(store: Store) -> None:
    result = book.import_files(store, EXAMPLES / "customers.csv", EXAMPLES / "owners.csv", NOW)
    rows = (EXAMPLES / "customers.csv").read_text().strip().splitlines()[1:]
    owner_rows = (EXAMPLES / "owners.csv").read_text().strip().splitlines()[1:]
    assert (result.customers, result.created, result.owners) == (len(rows), len(rows), len(owner_rows))
    with store.read() as tx:
        jv = book.get_customer(tx, "jv-cn-ru")
        assert jv.country == "DE"
        assert sorted(o.share_min for o in jv.owners if o.share_min is not None) == [0.25, 0.30, 0.45]
        assert book.get_customer(tx, "sg-subsidiary").website_domain == "lumen-analytics.sg"
        assert len(book.all_customers(tx)) == len(rows)
    again = book.import_files(store, EXAMPLES / "customers.csv", EXAMPLES / "owners.csv", NOW)
    assert (again.created, again.updated) == (0, len(rows))
    assert _count(store) == (len(rows), len(owner_rows))  # owners replaced, not duplicated


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("a,,GB,GB,,,,\n", "line 3: customer 'a' has no name"),
        ("a,Acme,GB,GB,,,,\na,Acme Two,GB,GB,,,,\n", "line 4: duplicate customer id 'a' (first on line 3)"),
        ("a,Acme,XX,GB,,,,\n", "line 3: country: 'XX' is not an ISO 3166-1 alpha-2 country code"),
        ("a,Acme,GB,GB,,,,,extra\n", "line 3: more fields than the header has"),
    ],
)
def test_bad_customers_refused(store: Store, tmp_path: Path, body: str, message: str) -> None:
    book.import_files(store, EXAMPLES / "customers.csv", None, NOW)
    before = _count(store)
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "ok,Fine Ltd,GB,GB,,,,\n" + body)
    with pytest.raises(InputError) as info:
        book.import_files(store, path, None, NOW)
    assert f"{path}: {message}" in str(info.value)
    assert _count(store) == before


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,country\na,GB\n")
    with pytest.raises(InputError, match="line 1: missing column"):
        book.read_customers(path)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("c1,Owner,CN,CN,51,51,company", "outside [0, 1] (shares are fractions"),
        ("c1,Owner,CN,CN,0.6,0.5,company", "share_min 0.6 exceeds share_max 0.5"),
        ("c1,Owner,CN,CN,x,,company", "'x' is not a number"),
        ("c1,Owner,CN,CN,0.5,0.5,trust", "owner_type 'trust'"),
        ("nobody,Owner,CN,CN,0.5,0.5,company", "unknown customer 'nobody'"),
    ],
)
def test_bad_owners_refused(store: Store, tmp_path: Path, row: str, message: str) -> None:
    customers = tmp_path / "c.csv"
    customers.write_text(HEADER + "c1,Acme,GB,GB,,,,\n")
    owners = tmp_path / "o.csv"
    owners.write_text(",".join(book.OWNER_COLUMNS) + "\n" + row + "\n")
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("(", r"\(")):
        book.import_files(store, customers, owners, NOW)
    assert _count(store) == (0, 0)


def test_cli_import_and_show(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite3")
    run = [sys.executable, "-m", "ownergate", "--db", db, "--create", "customers"]
    result = subprocess.run(
        [*run, "import", str(EXAMPLES / "customers.csv"), "--owners", str(EXAMPLES / "owners.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "imported 9 customers" in result.stdout
    shown = subprocess.run([*run, "show", "fifty-cn", "--json"], capture_output=True, text=True, check=False)
    assert '"Halcyon Devices Ltd."' in shown.stdout
    missing = subprocess.run([*run, "show", "nobody"], capture_output=True, text=True, check=False)
    assert missing.returncode == 4 and "no customer 'nobody'" in missing.stderr


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("c1,Acme\x00 Ltd,DE,,,,,\n", "line 2: name 'Acme\\x00 Ltd' holds a control character (U+0000)"),
        ("c\x1b1,Acme,DE,,,,,\n", "line 2: id 'c\\x1b1' holds a control character (U+001B)"),
        ("c1,Ac\u0085me,DE,,,,,\n", "line 2: name 'Ac\\x85me' holds a control character (U+0085)"),
        ("c1,Acme,DE,,,,,node\x07\n", "line 2: entity_id 'node\\x07' holds a control character"),
    ],
)
def test_control_characters_in_ids_and_names_are_refused_by_row(
    sqlite_store: Store, tmp_path: Path, row: str, problem: str
) -> None:
    path = tmp_path / "book.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        book.import_files(sqlite_store, path, None, NOW)
    assert str(caught.value) == f"{path}: {problem}" or problem in str(caught.value)
    assert _count(sqlite_store) == (0, 0)


def test_control_characters_in_declared_owner_names_are_refused(sqlite_store: Store, tmp_path: Path) -> None:
    customers, owners = tmp_path / "book.csv", tmp_path / "owners.csv"
    customers.write_text(HEADER + "c1,Acme,DE,,,,,\n", encoding="utf-8")
    owners.write_text("customer_id,owner_name,share_min\nc1,Holding\x00 AG,0.6\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: owner_name 'Holding\\x00 AG' holds a control character"):
        book.import_files(sqlite_store, customers, owners, NOW)
    assert _count(sqlite_store) == (0, 0)


def test_the_cli_refuses_a_nul_in_a_name_with_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_text(HEADER + "c1,Acme\x00,DE,,,,,\n", encoding="utf-8")
    cli = Path(sys.executable).parent / "ownergate"
    result = subprocess.run(
        [str(cli), "--db", str(tmp_path / "s.sqlite3"), "--create", "customers", "import", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 3 and "line 2: name" in result.stderr and "Traceback" not in result.stderr
    added = subprocess.run(
        [str(cli), "--db", str(tmp_path / "s.sqlite3"), "--create", "customers", "add", "c2", "--name", "Bad\x07Name"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert added.returncode == 3 and "control character" in added.stderr


def test_imports_and_changes_are_audited(store: Store, tmp_path: Path) -> None:
    import hashlib
    import json

    from ownergate.audit import verify

    result = book.import_files(store, EXAMPLES / "customers.csv", EXAMPLES / "owners.csv", NOW, actor="cli:tester")
    with store.transaction() as tx:
        assert book.save_one(tx, book.Customer("new-co", "New Co GmbH", country="DE"), NOW, actor="cli:tester")
    with store.transaction() as tx:
        assert not book.save_one(tx, book.Customer("new-co", "New Co AG", country="DE"), NOW, actor="cli:tester")
    with store.read() as tx:
        rows = tx.fetchall("SELECT actor, action, subject, details FROM audit_log ORDER BY seq")
    assert [(r[1], r[2]) for r in rows] == [
        ("customers.import", "file:customers.csv"),
        ("customer.create", "customer:new-co"),
        ("customer.update", "customer:new-co"),
    ]
    imported = json.loads(rows[0][3])
    assert imported["sha256"] == hashlib.sha256((EXAMPLES / "customers.csv").read_bytes()).hexdigest()
    assert imported["owners_sha256"] == hashlib.sha256((EXAMPLES / "owners.csv").read_bytes()).hexdigest()
    assert (imported["customers"], imported["created"], imported["owners"]) == (
        result.customers,
        result.created,
        result.owners,
    )
    assert json.loads(rows[2][3])["name"] == "New Co AG"
    assert {r[0] for r in rows} == {"cli:tester"}
    assert verify(store).ok


def test_a_latin1_byte_names_its_line(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_bytes(HEADER.encode() + b"c1,Acme,DE,,,,,\nc2,Caf\xe9 SARL,FR,,,,,\n")
    with pytest.raises(InputError, match=r"book\.csv: line 3: not valid utf-8 text \(byte 0xe9\)"):
        book.import_files(sqlite_store, path, None, NOW)
    assert _count(sqlite_store) == (0, 0)
