"""The issue's cases, both ways round, and the peers' false positives, as pairwise comparisons."""

from __future__ import annotations

import pytest

from ownergate.matching.index import DEFAULT_THRESHOLD
from ownergate.matching.score import compare_names
from ownergate.sources.model import Schema

MATCHES = [
    ("GUANGZHOU HAIGE COMM GRP", "Guangzhou Haige Communications Group Incorporated Company"),
    ("Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES CO. LTD."),
    ("中国电子科技集团公司", "China Electronics Technology Group Corporation"),
    ("Haige Guangzhou", "Guangzhou Haige"),
    ("CNOOC ENERGY TECH & SRVCES LTD", "CNOOC Energy Technology & Services Limited"),
    ("Публичное акционерное общество Сбербанк", "Sberbank PJSC"),
    ("ООО Газпром", "Gazprom LLC"),
]


@pytest.mark.parametrize(("a", "b"), MATCHES)
def test_issue_cases_match_both_ways(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        score, explanation = compare_names(x, y)
        assert score >= DEFAULT_THRESHOLD, (x, y, explanation)
        assert explanation[0][0] == "name"


@pytest.mark.parametrize(
    ("a", "b", "schema"),
    [
        ("BELLETECH CORP", "11420 CORP.", Schema.ORGANIZATION),
        ("emma daniels", "EMMA LLC", Schema.ORGANIZATION),
        ("Acme Trading Group Ltd", "Zenith Trading Group Ltd", Schema.ORGANIZATION),
        ("SALMAN BIN MUHAMMAD AL-RAWI", "MUHAMMAD BIN SALMAN AL-RAWI", Schema.PERSON),
        ("William Mutua", "William Ruto", Schema.PERSON),
    ],
)
def test_shared_forms_or_generic_words_never_match_alone(a: str, b: str, schema: Schema) -> None:
    for x, y in ((a, b), (b, a)):
        score, explanation = compare_names(x, y, schema)
        assert score < DEFAULT_THRESHOLD, (x, y, explanation)


def test_explanation_names_the_aligned_words() -> None:
    score, explanation = compare_names("Putin, Vladimir", "Vladimir Vladimirovich Putin", Schema.PERSON)
    assert score >= 0.9
    feature, contribution, detail = explanation[0]
    assert feature == "name" and contribution == score
    assert "putin~putin" in detail and "unmatched: vladimirovich" in detail


def test_differing_legal_form_is_weak_negative_evidence() -> None:
    same, _ = compare_names("Acme Widgets GmbH", "Acme Widgets GmbH")
    differ, explanation = compare_names("Acme Widgets AG", "Acme Widgets GmbH")
    assert same == 1.0
    assert 0.8 < differ < same
    assert any(f == "legal-form" and c < 0 for f, c, _ in explanation)


@pytest.mark.parametrize("bad", ["", "x", "\x00\x01", "!!!", "a" * 10_000, "中" * 10_000, "Ab Вг 中 ك"])
def test_odd_input_never_crashes(bad: str) -> None:
    score, explanation = compare_names(bad, "Acme Corporation")
    assert 0.0 <= score <= 1.0
    assert explanation


def test_names_in_one_syllabic_script_compare_sign_by_sign() -> None:
    # 石 and 市 both read "shi": the pinyin agrees, the names do not.
    score, explanation = compare_names("高石早苗", "高市早苗", Schema.PERSON)
    assert score < DEFAULT_THRESHOLD
    assert explanation[-1][0] == "same-script"
    assert compare_names("习近平", "习近平", Schema.PERSON)[0] == 1.0
    assert compare_names("김정은", "김종은", Schema.PERSON)[0] < DEFAULT_THRESHOLD


def test_typo_in_a_long_legal_form_is_still_the_form() -> None:
    score, _ = compare_names("Siemens Aktiengeselschaft", "Siemens AG")
    assert score >= DEFAULT_THRESHOLD


def test_company_alone_is_compatible_with_any_legal_form() -> None:
    assert compare_names("Huawei Technologies Co. Ltd.", "Huawei Technologies Company")[0] >= 0.9
    assert compare_names("Huawei Technologies Company", "Huawei Technologies Co. Ltd.")[0] >= 0.9


def test_query_with_an_extra_business_word_is_another_company() -> None:
    score, explanation = compare_names("NORTH STAR SHIPPING SRL", "NORTH STAR")
    assert score < DEFAULT_THRESHOLD, explanation
    assert "unmatched: shipping" in explanation[0][2]
    # A list entry's own extra words are what a customer leaves out.
    assert compare_names("Haige Guangzhou", "Guangzhou Haige Communications Group")[0] >= DEFAULT_THRESHOLD


def test_place_qualifier_and_series_number_are_weak_evidence() -> None:
    assert compare_names("faberlic", "FABERLIC EUROPE Sp. z o.o.")[0] >= DEFAULT_THRESHOLD
    assert compare_names("Citigroup Capital Trust I", "Citigroup Capital Trust II")[0] >= DEFAULT_THRESHOLD
    # A number beside one shared word is not a series of one family.
    assert compare_names("DIAMOND SEVEN S.A R.L.", "DIAMOND II")[0] < DEFAULT_THRESHOLD


def test_legal_form_run_into_a_one_word_name_and_ordinals() -> None:
    assert compare_names("SiemensAG", "Siemens AG")[0] >= DEFAULT_THRESHOLD
    assert compare_names("1st International Bank", "First International Bank")[0] >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [("MOBILITY", "JOINT STOCK COMPANY NOBILITY"), ("A ONE INDUSTRIES", "INDUS 1"), ("SMART SRL", "Smartcom Co., Ltd")],
)
def test_gleif_names_exact_search_surfaced_stay_below_the_threshold(a: str, b: str) -> None:
    assert compare_names(a, b)[0] < DEFAULT_THRESHOLD
