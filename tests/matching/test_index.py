"""The screening index: retrieval, ranking, explanation, the qualifiers and bad input."""

from __future__ import annotations

import pytest

from ownergate.errors import InputError
from ownergate.matching.index import DEFAULT_THRESHOLD, build_index
from ownergate.sources.model import Alias, AliasKind, Country, Entry, Identifier, Provenance, Schema

P = Provenance("test.csv", "row 1")

ENTRIES = [
    Entry("us-ofac-sdn", "1", Schema.PERSON, "PUTIN, Vladimir Vladimirovich", P,
          countries=[Country("RU")], birth_dates=["1952-10-07"],
          aliases=[Alias("Владимир Путин", AliasKind.NATIVE, "Cyrl")]),
    Entry("us-bis-entity", "2", Schema.ORGANIZATION, "Guangzhou Haige Communications Group Incorporated Company", P,
          countries=[Country("CN")]),
    Entry("us-bis-entity", "3", Schema.ORGANIZATION, "China Electronics Technology Group Corporation", P,
          aliases=[Alias("CETC")], countries=[Country("CN")]),
    Entry("us-bis-entity", "4", Schema.ORGANIZATION, "Huawei Technologies Co., Ltd.", P,
          identifiers=[Identifier("lei", "5299 00AB CDEF 1234 5678"), Identifier("website", "https://www.huawei.com/en")]),
    Entry("us-dod-1260h", "5", Schema.ORGANIZATION, "Advanced Micro-Fabrication Equipment Inc. China", P,
          aliases=[Alias("AMEC")]),
    Entry("us-ofac-sdn", "6", Schema.ORGANIZATION, "CNOOC Energy Technology & Services Limited", P),
    Entry("gb-hmt", "7", Schema.ORGANIZATION, "Sberbank of Russia PJSC", P, countries=[Country("RU")],
          aliases=[Alias("Публичное акционерное общество Сбербанк России", AliasKind.NATIVE, "Cyrl")]),
]  # fmt: skip


@pytest.fixture(scope="module")
def index():  # type: ignore[no-untyped-def]
    return build_index(ENTRIES)


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        ("GUANGZHOU HAIGE COMM GRP", "2"),
        ("Haige Guangzhou", "2"),
        ("中国电子科技集团公司", "3"),
        ("HUAWEI TECHNOLOGIES CO. LTD.", "4"),
        ("AMEC", "5"),
        ("CNOOC ENERGY TECH & SRVCES LTD", "6"),
        ("ПАО Сбербанк России", "7"),
    ],
)
def test_issue_queries_rank_their_entry_first(index, query: str, entry_id: str) -> None:  # type: ignore[no-untyped-def]
    hits = index.search(query)
    assert hits and hits[0].entry_id == entry_id, [h.to_dict() for h in hits]
    assert 0.0 <= hits[0].score <= 1.0


def test_hit_carries_list_alias_and_explanation(index) -> None:  # type: ignore[no-untyped-def]
    hit = index.search("Владимир Путин", schema=Schema.PERSON, country="RU", birth_date="1952")[0]
    data = hit.to_dict()
    assert data["list"] == "us-ofac-sdn" and data["entry_id"] == "1"
    assert data["name"] == "PUTIN, Vladimir Vladimirovich"
    features = [row["feature"] for row in data["explanation"]]
    assert features[0] == "name" and "country" in features and "birth-date" in features
    assert abs(sum(row["contribution"] for row in data["explanation"]) - data["score"]) < 0.01


def test_qualifiers_move_the_score(index) -> None:  # type: ignore[no-untyped-def]
    base = index.search("Vladimir Putin", schema=Schema.PERSON)[0].score
    agree = index.search("Vladimir Putin", schema=Schema.PERSON, country="RU", birth_date="1952-10-07")[0].score
    conflict = index.search("Vladimir Putin", schema=Schema.PERSON, birth_date="1990", threshold=0)[0].score
    as_org = index.search("Vladimir Putin", schema=Schema.ORGANIZATION, threshold=0)[0].score
    assert conflict < base <= agree
    assert as_org < base


def test_identifier_match_is_strong_evidence_of_its_own(index) -> None:  # type: ignore[no-untyped-def]
    hits = index.search("Totally Different Name", identifiers=[Identifier("lei", "529900abcdef12345678")])
    assert hits and hits[0].entry_id == "4" and hits[0].score >= 0.95
    assert any(f == "identifier" for f, _, _ in hits[0].explanation)
    by_email = index.search("Another Name", identifiers=[Identifier("email", "someone@huawei.com")])
    assert by_email and by_email[0].entry_id == "4"


def test_threshold_limit_and_lists(index) -> None:  # type: ignore[no-untyped-def]
    assert index.search("Guangzhou Haige Communications") != []
    assert all(h.score >= DEFAULT_THRESHOLD for h in index.search("Technology Group"))
    assert len(index.search("Technology", threshold=0.0, limit=2)) <= 2
    assert index.search("Huawei Technologies", lists=["us-ofac-sdn"]) == []
    with pytest.raises(InputError, match="no loaded list"):
        index.search("Huawei", lists=["nope"])


@pytest.mark.parametrize("bad", ["", " ", "x", "\x00\x07", "a" * 10_000, "Ab Вг 中 ك", "🙂🙂"])
def test_bad_names_give_an_empty_or_normal_result(index, bad: str) -> None:  # type: ignore[no-untyped-def]
    hits = index.search(bad)
    assert isinstance(hits, list)


@pytest.mark.parametrize(("kwargs", "message"), [({"country": "XX"}, "country"), ({"limit": 0}, "limit"),
                                                 ({"threshold": 2.0}, "threshold")])  # fmt: skip
def test_bad_options_are_clear_errors(index, kwargs: dict[str, object], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        index.search("Huawei", **kwargs)


def test_a_place_written_after_the_query_name_is_set_aside(index) -> None:  # type: ignore[no-untyped-def]
    hits = index.search("Huawei Technologies Co., Ltd., Shenzhen, Guangdong, China")
    assert hits and hits[0].entry_id == "4", [h.to_dict() for h in hits]
    assert ("query-place", -0.02) in [(f, round(c, 4)) for f, c, _ in hits[0].explanation]
    assert hits[0].score == pytest.approx(0.98)
