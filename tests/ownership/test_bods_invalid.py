"""Invalid BODS files of every version are refused with one line naming the file, the statement and the field
(issue 18): exit 3 from the CLI, no traceback, the store unchanged; any mutation of a statement's fields
either loads or raises the project's ``InputError``, never another exception."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownergate.errors import InputError, SourceFormatError
from ownergate.ownership.sources import bods
from ownergate.ownership.sources.formats import check_records

DATA = Path(__file__).parent / "data" / "bods"
BIN = Path(sys.executable).parent / "ownergate"
V02, V03 = "v0.2/direct-and-unknown-owner.json", "v0.3/indirect-replaced-anonymous.json"
V02_TRUST, V04 = "v0.2/trust.json", "v0.4/nominee-shareholder.json"
DROP = object()  # remove the key instead of setting it

# (file, statement index, keys (inside recordDetails for 0.4, the statement for 0.2/0.3; "/" first: the
# statement itself), bad value or DROP, the field named, the code)
CASES: list[tuple[str, int, tuple[str | int, ...], Any, str, str]] = [
    (V02, 0, ("/statementType",), "companyStatement", "statementType", "statement_statementType_unknown"),
    (V02, 0, ("/statementID",), DROP, "statementID", "entity_statementID_missing"),
    (V02, 0, ("incorporatedInJurisdiction",), "GB", "incorporatedInJurisdiction", "not_object"),
    (V02, 0, ("entityType",), ["registeredEntity"], "entityType", "entity_entityType_not_string"),
    (V02, 1, ("personType",), 1, "personType", "person_personType_not_string"),
    (V02, 1, ("nationalities", 0, "code"), ["RU"], "nationalities.code", "person_nationalities_code_not_string"),
    (V02, 2, ("subject",), DROP, "subject", "relationship_subject_missing"),
    (V02, 2, ("subject",), {}, "subject", "relationship_subject_missing"),
    (V02, 2, ("subject", "describedByEntityStatement"), 7, "subject.describedByEntityStatement", "not_string"),
    (V02, 2, ("interestedParty",), DROP, "interestedParty", "relationship_interestedParty_missing"),
    (
        V02,
        2,
        ("interests", 0, "type"),
        "shareholding-of-sorts",
        "interests.type",
        "relationship_interests_type_unknown",
    ),
    (V02, 2, ("interests", 0, "share", "minimum"), "a quarter", "interests.share", "is not a number"),
    (V02, 2, ("interests", 0, "share", "minimum"), 125, "interests.share", "not a percentage"),
    (V02, 2, ("interests", 0, "share"), {"minimum": 60, "maximum": 40}, "interests.share", "is empty"),
    (V02, 2, ("interests", 0, "startDate"), "the first of May", "interests.startDate", "startDate_not_date"),
    (V02, 2, ("interests", 0, "interestLevel"), ["direct"], "interests.interestLevel", "not_string"),
    (V02, 3, ("interestedParty", "unspecified"), "no-info", "interestedParty.unspecified", "not_object"),
    (V02, 3, ("interestedParty", "unspecified", "reason"), 3, "interestedParty.reason", "not_string"),
    (V02, 3, ("/statementDate",), "2024-13-45", "statementDate", "relationship_statementDate_not_date"),
    (V02, 3, ("/publicationDetails",), "register", "publicationDetails", "not_object"),
    (V02_TRUST, 8, ("interests", 0, "share", "exact"), "eighty", "interests.share", "is not a number"),
    (V02_TRUST, 1, ("entityType",), {"type": 5}, "entityType.type", "entity_entityType_type_not_string"),
    (V03, 3, ("/replacesStatements",), "p-owner-2023", "replacesStatements", "not_array_of_strings"),
    (V03, 6, ("/componentStatementIDs",), "e-middle", "componentRecords", "relationship_componentRecords_not_array"),
    (V03, 6, ("/componentStatementIDs",), [1, 2], "componentRecords", "relationship_componentRecords_not_array"),
    (V03, 6, ("interests", 0, "directOrIndirect"), 1, "interests.directOrIndirect", "not_string"),
    (V03, 7, ("unspecifiedPersonDetails",), "withheld", "unspecifiedPersonDetails", "not_object"),
    (V03, 7, ("unspecifiedPersonDetails", "description"), ["x"], "unspecifiedPersonDetails.description", "not_string"),
    (V03, 8, ("interests",), {"type": "votingRights"}, "interests", "relationship_interests_not_array"),
    (V04, 0, ("/recordType",), "company", "recordType", "statement_recordType_unknown"),
    (V04, 0, ("/recordId",), DROP, "recordId", "entity_recordId_missing"),
    (V04, 0, ("/recordDetails",), DROP, "recordDetails", "entity_recordDetails_missing"),
    (V04, 0, ("/recordDetails",), "Blue Orchid", "recordDetails", "entity_recordDetails_not_object"),
    (V04, 0, ("jurisdiction", "code"), {"iso": "PA"}, "jurisdiction.code", "entity_jurisdiction_code_not_string"),
    (V04, 2, ("addresses", 0, "country"), ["RU"], "addresses.country", "person_addresses_country_not_string"),
    (V04, 4, ("interests", 0, "type"), "nominatorOfRecord", "interests.type", "relationship_interests_type_unknown"),
    (V04, 4, ("interests", 0, "endDate"), "2022-02-30", "interests.endDate", "endDate_not_date"),
    (V04, 4, ("subject",), 17, "subject", "relationship_subject_not_string_or_object"),
    (V04, 6, ("interests", 0, "share"), "60%", "interests.share", "relationship_interests_share_not_object"),
    (V04, 7, ("componentRecords",), {"r": 1}, "componentRecords", "relationship_componentRecords_not_array"),
    (V04, 7, ("interestedParty",), "", "interestedParty", "relationship_interestedParty_missing"),
    (V04, 7, ("/statementDate",), 20240201, "statementDate", "relationship_statementDate_not_string"),
]


def _statements(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def _put(statement: dict[str, Any], keys: tuple[str | int, ...], value: Any) -> None:
    if isinstance(keys[0], str) and keys[0].startswith("/"):
        target, keys = statement, (keys[0][1:], *keys[1:])
    else:
        target = statement.get("recordDetails", statement)
    for key in keys[:-1]:
        target = target[key]
    if value is DROP:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value


def _label(statement: dict[str, Any], index: int) -> str:
    return str(statement.get("statementId") or statement.get("statementID") or f"item {index + 1}")


@pytest.mark.parametrize(
    ("name", "index", "keys", "value", "field", "code"), CASES, ids=[f"{c[0]}-{c[5]}-{k}" for k, c in enumerate(CASES)]
)
def test_an_invalid_statement_is_refused_naming_file_statement_and_field(
    tmp_path: Path, name: str, index: int, keys: tuple[str | int, ...], value: Any, field: str, code: str
) -> None:
    data = _statements(name)
    _put(data[index], keys, value)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        bods.parse(bad)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(bad)), message
    assert f"item {index + 1}" in message, message
    if "statementI" not in field:
        assert _label(data[index], index) in message, message
    assert f"field {field}" in message and code in message, message


@pytest.mark.parametrize("name", [V02, V04])
def test_a_statement_that_is_not_an_object_is_refused_by_index(tmp_path: Path, name: str) -> None:
    data: list[Any] = _statements(name)
    data[1] = "entity"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"bad\.json: item 2: statement_not_object"):
        bods.parse(bad)


def _counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as con:
        tables = ("ownership_entities", "ownership_edges", "ownership_exceptions")
        counts = [con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables]  # noqa: S608
    return counts[0], counts[1], counts[2]


def _cli(db: Path, path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OWNERGATE_LISTS_FROM"}
    command = [str(BIN), "--db", str(db), "--create", "ownership", "load", str(path), "--format", "bods"]
    return subprocess.run(command, capture_output=True, text=True, check=False, env=env)


@pytest.mark.parametrize("case", [CASES[6], CASES[22], CASES[35]], ids=["0.2", "0.3", "0.4"])
def test_the_cli_exits_3_with_one_line_and_leaves_the_store_unchanged(tmp_path: Path, case: tuple[Any, ...]) -> None:
    name, index, keys, value, field, code = case
    db = tmp_path / "store.sqlite3"
    good = _cli(db, DATA / V02_TRUST)
    assert good.returncode == 0, good.stderr
    before = _counts(db)
    data = _statements(name)
    _put(data[index], keys, value)
    bad = tmp_path / "bad.bods.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = _cli(db, bad)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "bad.bods.json" in result.stderr and f"field {field}" in result.stderr and code in result.stderr
    assert _counts(db) == before


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
_FIELD_VALUES = (
    _JSON
    | st.sampled_from(
        ["", "2024-02-30", "shareholding", "voting-rights", "nominee", "subjectExemptFromDisclosure", "-5", "101"]
    )
    | st.sampled_from([{"reason": "subjectExemptFromDisclosure"}, {"unspecified": {"reason": 5}}, {"exact": "x"}])
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for k, item in enumerate(value):
            out += _paths(item, (*prefix, k))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.json"))), st.data())
def test_any_mutation_of_a_statement_field_loads_or_is_an_input_error(name: str, data: st.DataObject) -> None:
    document: Any = _statements(name)
    paths = _paths(document)[1:]
    path = data.draw(st.sampled_from(paths))
    target = document
    for key in path[:-1]:
        target = target[key]
    if data.draw(st.booleans()) and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = data.draw(_FIELD_VALUES)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "mutated.json"
        file.write_text(json.dumps(document), encoding="utf-8")
        try:
            parsed = bods.parse(file)
            check_records(parsed)
        except InputError as exc:
            assert "mutated.json" in str(exc) and "\n" not in str(exc), str(exc)
            return
        for edge in parsed.edges:
            lo, hi = edge.share_min, edge.share_max
            assert (lo is None) == (hi is None) or lo is None or hi is None
            assert lo is None or hi is None or 0.0 <= lo <= hi <= 1.0
