"""Every ownership reader's failure is an exit-3 error naming file, record and field, never a traceback
(issue 15, defect 8); ids refuse empty values and control characters (defect 9); loads are audited (defect 6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownergate.audit import verify
from ownergate.errors import SourceFormatError
from ownergate.ownership.repository import load_ownership
from ownergate.ownership.sources.formats import parse_file
from ownergate.sources.text import sha256_of
from ownergate.store import Store

BIN = Path(sys.executable).parent / "ownergate"
EDGES = "owner_id,owned_id,share_min,share_max\n"
ENTITIES = "id,name,hq_country,incorporation_country,lists\n"


def _load(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OWNERGATE_LISTS_FROM"}
    return subprocess.run(
        [str(BIN), "--db", str(db), "--create", "ownership", "load", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


CASES = {
    "gleif-entity.xml": (
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n'
        b'<rr:RelationshipData xmlns:rr="http://www.gleif.org/data/schema/rr/2016">&a;</rr:RelationshipData>\n',
        ("--format", "gleif-rr"),
        "refused",
    ),
    "latin1.csv": (EDGES.encode() + b"A\xe9,B,0.5,0.5\n", (), "line 2: not valid UTF-8 text (byte 0xe9)"),
    "latin1-header.csv": (b"owner_id,owned_id,share_min,share_max,r\xe9f\n", ("--format", "edges-csv"), "line 1"),
    "empty-owner.csv": (EDGES.encode() + b"A,B,0.5,0.5\n,B,0.2,0.2\n", (), "data row 2: owner_id is empty"),
    "nul-owner.csv": (EDGES.encode() + b"A\x00,B,0.5,0.5\n", (), "owner_id 'A\\x00' holds a control character"),
    "bell-entity.csv": (ENTITIES.encode() + b"A,Acme\x07 Ltd,,,\n", (), "data row 1: name 'Acme\\x07 Ltd'"),
    "empty-entity-id.csv": (ENTITIES.encode() + b"A,Acme,,,\n ,Other,,,\n", (), "data row 2: id is empty"),
    "latin1.json": (b'[{"recordType": "entity", "recordId": "\xe9"}]', ("--format", "bods"), "not valid utf-8"),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, ("--format", "bods"), "nested too deeply"),
    "ofac-rel.csv": (
        b"entity_id,entity_name,programs,relationship_type,related_entity_id,related_entity_name\n"
        b'1,"A\x01",X,Owned or Controlled By,2,B\n',
        (),
        "line 2",
    ),
    "bods-nul-id.json": (
        json.dumps(
            [{"recordType": "entity", "recordId": "e\u0000", "statementId": "s1", "recordDetails": {"name": "E"}}]
        ).encode(),
        (),
        "holds a control character (U+0000)",
    ),
    "gleif-empty-parent.json": (
        json.dumps(
            [
                {
                    "Relationship": {
                        "StartNode": {"NodeID": "529900W18LQJJN6SJ336"},
                        "EndNode": {"NodeID": ""},
                        "RelationshipType": "IS_DIRECTLY_CONSOLIDATED_BY",
                    }
                }
            ]
        ).encode(),
        ("--format", "gleif-rr"),
        "item 1 field EndNode.NodeID: relationship node id is empty",
    ),
    "psc-bad.json": (b'{"company_number": "1", "data": {"kind": 7}}', ("--format", "psc"), "psc-bad.json"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_ownership_file_exits_3_naming_file_and_record(tmp_path: Path, name: str) -> None:
    data, options, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = _load(tmp_path / "s.sqlite3", str(path), *options)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert name in result.stderr and expected.lower() in result.stderr.lower(), result.stderr


def test_nothing_is_written_when_one_file_fails(store: Store, tmp_path: Path) -> None:
    good, bad = tmp_path / "X.csv", tmp_path / "Y.csv"
    good.write_text(EDGES + "A,B,0.5,0.5\n")
    bad.write_text(EDGES + "A,,0.5,0.5\n")
    with pytest.raises(SourceFormatError, match=r"Y\.csv: data row 1: owned_id is empty"):
        load_ownership(store, [good, bad])
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM ownership_edges") == 0
        assert tx.scalar("SELECT COUNT(*) FROM audit_log") == 0


def test_an_ownership_load_is_audited_with_its_file_hash(store: Store, testdata: Path) -> None:
    path = testdata / "ownership/edges_ofac_cons_enhanced_relationships.csv"
    result = load_ownership(store, [path], actor="cli:tester")
    with store.read() as tx:
        rows = tx.fetchall("SELECT actor, action, subject, details FROM audit_log ORDER BY seq")
    assert [(r[0], r[1], r[2]) for r in rows] == [("cli:tester", "ownership.load", f"file:{path.name}")]
    details = json.loads(rows[0][3])
    assert details["sha256"] == sha256_of(path) and details["format"] == result.files[0].format
    assert details["edges"] == result.edges and details["entities"] == result.entities
    assert verify(store).ok


def test_real_files_of_every_reader_still_load(testdata: Path) -> None:
    for relative in (
        "gleif/rr-data.xml",
        "gleif/rr-data.json",
        "gleif/lei-data.xml",
        "gleif/repex-data.xml",
        "psc/psc-data-1.json",
        "bods/joint-ownership.json",
        "ownership/edges_dod1260h_subsidiary_parent.csv",
    ):
        parsed = parse_file(testdata / relative)
        assert len(parsed.entities) + len(parsed.edges) + len(parsed.exceptions) > 0, relative
