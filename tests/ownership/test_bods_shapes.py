"""BODS statements of the wrong shape are refused naming the statement, the field and a code (issue 15,
defect 8); a relationship whose subject or interested party is undisclosed is accepted as an unknown."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ownergate.errors import SourceFormatError
from ownergate.ownership.sources import bods

FIXTURE = "bods/fixtures/01-direct-ownership.json"
ENTITY, PERSON, RELATIONSHIP = 0, 1, 2

# (statement, path of keys inside recordDetails (or the statement when it starts with "/"), bad value, code)
SHAPES: list[tuple[int, tuple[str | int, ...], Any, str]] = [
    (ENTITY, ("addresses",), {"type": "registered"}, "entity_addresses_not_array"),
    (ENTITY, ("addresses",), "London", "entity_addresses_not_array"),
    (ENTITY, ("addresses",), ["London"], "entity_addresses_item_not_object"),
    (ENTITY, ("addresses",), [{"type": "business", "country": ["GB"]}], "entity_addresses_country_not_string"),
    (ENTITY, ("addresses",), [{"type": ["business"], "country": "GB"}], "entity_addresses_type_not_string"),
    (ENTITY, ("addresses",), [{"country": {"code": 44}}], "entity_addresses_country_code_not_string"),
    (ENTITY, ("name",), ["Acme"], "entity_name_not_string"),
    (ENTITY, ("name",), {"en": "Acme"}, "entity_name_not_string"),
    (ENTITY, ("jurisdiction",), "GB", "entity_jurisdiction_not_object"),
    (ENTITY, ("jurisdiction",), {"code": ["GB"]}, "entity_jurisdiction_code_not_string"),
    (ENTITY, ("identifiers",), {"id": "1"}, "entity_identifiers_not_array"),
    (ENTITY, ("identifiers",), [7], "entity_identifiers_item_not_object"),
    (ENTITY, ("identifiers",), [{"id": {"x": 1}}], "entity_identifiers_id_not_string"),
    (PERSON, ("names",), {"fullName": "Jane Smith"}, "person_names_not_array"),
    (PERSON, ("names",), "Jane Smith", "person_names_not_array"),
    (PERSON, ("names",), ["Jane Smith"], "person_names_item_not_object"),
    (PERSON, ("names",), [{"fullName": ["Jane"]}], "person_names_fullName_not_string"),
    (PERSON, ("nationalities",), "GB", "person_nationalities_not_array"),
    (PERSON, ("nationalities",), ["GB"], "person_nationalities_item_not_object"),
    (PERSON, ("taxResidencies",), {"code": "GB"}, "person_taxResidencies_not_array"),
    (PERSON, ("addresses",), [{"type": "residence", "country": 7}], "person_addresses_country_not_string"),
    (RELATIONSHIP, ("interests",), {"type": "shareholding"}, "relationship_interests_not_array"),
    (RELATIONSHIP, ("interests",), ["shareholding"], "relationship_interests_item_not_object"),
    (RELATIONSHIP, ("interests", 0, "share"), 75, "relationship_interests_share_not_object"),
    (RELATIONSHIP, ("interests", 0, "share"), [75], "relationship_interests_share_not_object"),
    (RELATIONSHIP, ("interests", 0, "type"), {"t": 1}, "relationship_interests_type_not_string"),
    (RELATIONSHIP, ("interests", 0, "startDate"), [2020], "relationship_interests_startDate_not_string"),
    (RELATIONSHIP, ("subject",), ["rec-acme-holdings-ltd"], "relationship_subject_not_string_or_object"),
    (RELATIONSHIP, ("interestedParty",), 17, "relationship_interestedParty_not_string_or_object"),
    (RELATIONSHIP, ("componentRecords",), "rec-x", "relationship_componentRecords_not_array"),
    (RELATIONSHIP, ("/recordDetails",), ["x"], "relationship_recordDetails_not_object"),
    (RELATIONSHIP, ("/publicationDetails",), "bods-fixtures", "relationship_publicationDetails_not_object"),
    (ENTITY, ("/recordId",), {"id": "x"}, "entity_recordId_not_string"),
    (ENTITY, ("/statementDate",), ["2026-04-17"], "entity_statementDate_not_string"),
]


def _statements(testdata: Path) -> list[dict[str, Any]]:
    data = json.loads((testdata / FIXTURE).read_text(encoding="utf-8"))
    assert [s["recordType"] for s in data] == ["entity", "person", "relationship"]
    return data


def _put(statement: dict[str, Any], keys: tuple[str | int, ...], value: Any) -> None:
    if isinstance(keys[0], str) and keys[0].startswith("/"):
        statement[keys[0][1:]] = value
        return
    target: Any = statement["recordDetails"]
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


def test_the_fixture_itself_parses(testdata: Path) -> None:
    parsed = bods.parse(testdata / FIXTURE)
    assert len(parsed.entities) == 2 and len(parsed.edges) == 2  # shareholding and voting


@pytest.mark.parametrize(("index", "keys", "value", "code"), SHAPES, ids=[f"{s[3]}-{k}" for k, s in enumerate(SHAPES)])
def test_an_invalid_shape_is_refused_naming_statement_and_field(
    tmp_path: Path, testdata: Path, index: int, keys: tuple[str | int, ...], value: Any, code: str
) -> None:
    data = copy.deepcopy(_statements(testdata))
    _put(data[index], keys, value)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        bods.parse(bad)
    message = str(caught.value)
    assert code in message, message
    assert "bad.json" in message and f"statement {data[index]['statementId']}" in message
    assert f"field {str(keys[0]).lstrip('/')}" in message


@pytest.mark.parametrize("side", ["subject", "interestedParty"])
def test_an_undisclosed_party_is_an_unknown_never_a_refusal(tmp_path: Path, testdata: Path, side: str) -> None:
    data = copy.deepcopy(_statements(testdata))
    data[RELATIONSHIP]["recordDetails"][side] = {
        "reason": "subjectExemptFromDisclosure",
        "description": "listed on a recognised stock exchange",
    }
    path = tmp_path / "exempt.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    parsed = bods.parse(path)
    (gap,) = parsed.exceptions
    assert gap.reason == "subjectExemptFromDisclosure"
    if side == "subject":
        unknown = "bods:unspecified:" + data[RELATIONSHIP]["statementId"]
        assert gap.entity_id == unknown and gap.category == "unspecified-subject"
        assert unknown in {e.id for e in parsed.entities}
        assert {(e.owner_id, e.owned_id) for e in parsed.edges} == {("bods:rec-jane-smith-1975", unknown)}
    else:  # the undisclosed party is an unknown node holding the stated interests; the gap is on the company
        unknown = "bods:unspecified-party:" + data[RELATIONSHIP]["statementId"]
        assert gap.entity_id == "bods:rec-acme-holdings-ltd" and unknown in {e.id for e in parsed.entities}
        assert {(e.owner_id, e.owned_id, e.share_min) for e in parsed.edges} == {
            (unknown, "bods:rec-acme-holdings-ltd", 0.75)
        }


def test_the_real_exempt_listed_company_example_loads(testdata: Path) -> None:
    parsed = bods.parse(testdata / "bods/listed-company-exempt-from-disclosure.json")
    assert any(e.reason == "subjectExemptFromDisclosure" for e in parsed.exceptions)
