"""List names as published: the name, its short name, its other names, parent and places read apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownergate.matching.index import build_index
from ownergate.sources.csl import CslSource
from ownergate.sources.model import AliasKind, Entry, Provenance, Schema
from ownergate.sources.qualifiers import add_published_names, published_names


def names(published: str, places: tuple[str, ...] = ()) -> dict[str, str]:
    return {p.name: p.qualifier for p in published_names(published, places)}


def test_trailing_places_after_the_legal_form() -> None:
    found = names("Chengdu Huawei Technologies Co., Ltd., Chengdu, Sichuan")
    assert found == {"Chengdu Huawei Technologies Co., Ltd.": "place: Chengdu, Sichuan"}


def test_short_name_in_parentheses_is_a_name_of_its_own() -> None:
    found = names("Avin Electronics Technology Co., Ltd. (AETC)")
    assert found["Avin Electronics Technology Co., Ltd."] == "short name: AETC"
    assert found["AETC"] == "short name of: Avin Electronics Technology Co., Ltd."


def test_a_place_in_parentheses_is_not_a_short_name() -> None:
    found = names("Huawei Global Finance (UK) Limited, Great Britain")
    assert found["Huawei Global Finance (UK) Limited"] == "place: Great Britain"
    assert found["Huawei Global Finance Limited"] == "place: UK"
    assert "UK" not in found


def test_other_names_parent_and_scope() -> None:
    found = published_names("Alpha Ltd., a.k.a., Beta Trading; formerly Gamma LLC")
    kinds = {p.name: p.kind for p in found}
    assert kinds == {"Alpha Ltd.": AliasKind.AKA, "Beta Trading": AliasKind.AKA, "Gamma LLC": AliasKind.FKA}
    found = names("Rostec (Parent Organization: State Corporation Rostec), including its subsidiaries")
    assert found["Rostec"] == "including its subsidiaries"
    assert any(q == "parent organization: State Corporation Rostec" for q in found.values())


def test_an_address_place_after_a_name_without_a_form() -> None:
    assert names("Moscow Institute of Physics and Technology, Moscow", ("Moscow",)) == {
        "Moscow Institute of Physics and Technology": "place: Moscow"
    }
    assert names("Moscow Institute of Physics and Technology, Moscow") == {}


@pytest.mark.parametrize("plain", ["KIM, Jong Un", "Smith, John", "Acme Trading Ltd.", "Bank Melli Iran"])
def test_a_plain_name_gives_nothing_more(plain: str) -> None:
    assert published_names(plain) == []


def test_entry_keeps_its_published_name_and_gains_aliases_with_their_qualifier() -> None:
    entry = Entry("t", "1", Schema.ORGANIZATION, "Avin Electronics Technology Co., Ltd. (AETC)", Provenance("f", "1"))
    add_published_names(entry)
    assert entry.name == "Avin Electronics Technology Co., Ltd. (AETC)"
    assert {(a.name, a.qualifier) for a in entry.aliases} == {
        ("Avin Electronics Technology Co., Ltd.", "short name: AETC"),
        ("AETC", "short name of: Avin Electronics Technology Co., Ltd."),
    }
    assert entry.content()["aliases"][0]["qualifier"] == "short name: AETC"


@pytest.fixture(scope="module")
def entity_list(testdata: Path):  # type: ignore[no-untyped-def]
    entries = CslSource().read(testdata / "csl/consolidated_2022-05.csv.gz")
    return build_index([e for e in entries if e.list_id == "us-bis-entity"])


@pytest.mark.parametrize(
    ("query", "published"),
    [
        ("Huawei Global Finance (UK) Limited", "Huawei Global Finance (UK) Limited, Great Britain"),
        ("Huawei Global Finance Limited", "Huawei Global Finance (UK) Limited, Great Britain"),
        ("Chengdu Huawei Technologies Co., Ltd.", "Chengdu Huawei Technologies Co., Ltd., Chengdu, Sichuan"),
        ("Avin Electronics Technology Co., Ltd.", "Avin Electronics Technology Co., Ltd. (AETC)"),
        ("AETC", "Avin Electronics Technology Co., Ltd. (AETC)"),
        ("Avin Electronics Technology Co., Ltd. (AETC)", "Avin Electronics Technology Co., Ltd. (AETC)"),
    ],
)
def test_real_entity_list_names_are_found_by_each_part(entity_list, query: str, published: str) -> None:  # type: ignore[no-untyped-def]
    hits = entity_list.search(query, limit=3)
    assert hits and hits[0].name.replace("Co..", "Co.") == published, [h.to_dict() for h in hits]
    assert hits[0].score >= 0.9
