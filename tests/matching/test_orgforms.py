"""Legal forms, abbreviations, numerals and token weights, each on its own."""

from __future__ import annotations

import pytest

from ownergate.matching.abbreviations import expand, is_abbreviation, numerals
from ownergate.matching.names import prepare
from ownergate.matching.orgforms import compare_forms, split_forms
from ownergate.matching.score import compare_names
from ownergate.matching.tokens import TokenWeights, phonetic, skeleton


def test_forms_are_canonical_across_languages() -> None:
    for name in ("Huawei Co., Ltd.", "Huawei Company Limited", "华为有限公司"):
        assert prepare(name)[0].forms == ("ltd",), name
    assert prepare("Gazprom OAO")[0].forms == prepare("Gazprom JSC")[0].forms == ("jsc",)
    assert prepare('ООО "Байкал"')[0].forms == ("llc",)
    assert prepare("Siemens Aktiengesellschaft")[0].forms == ("ag",)
    assert prepare("Banco S.A.")[0].forms == ("sa",)


def test_split_forms_keeps_a_name_made_only_of_forms() -> None:
    assert split_forms(("company", "limited")) == (("company", "limited"), ())
    assert split_forms(("acme", "co", "ltd")) == (("acme",), ("ltd",))


def test_compare_forms() -> None:
    assert compare_forms(("ltd",), ("ltd",)) == "same"
    assert compare_forms(("ltd",), ("gmbh",)) == "family"
    assert compare_forms(("ag",), ("gmbh",)) == "differ"
    assert compare_forms((), ("gmbh",)) == "absent"


def test_abbreviations() -> None:
    assert [expand(t) for t in ["grp", "comm", "tech", "srvces", "intl", "mfg", "elec", "sci", "univ", "inst"]] == [
        "group", "communications", "technology", "services", "international", "manufacturing", "electronics",
        "science", "university", "institute",
    ]  # fmt: skip
    assert is_abbreviation("hldgs", "holdings")
    assert not is_abbreviation("hx", "holdings")
    assert not is_abbreviation("group", "gr")


def test_numerals() -> None:
    assert numerals(["brigade", "forty", "four"]) == ["brigade", "44"]
    assert numerals(["1st", "bank"]) == ["1", "bank"]
    assert numerals(["first", "bank"]) == ["1", "bank"]


def test_frequent_tokens_weigh_less() -> None:
    names = [["acme", "trading"], ["zeta", "trading"], ["omega", "trading"]] * 10 + [["rare", "name"]]
    weights = TokenWeights.from_names(names)
    assert weights.weight("trading") < 0.3 < weights.weight("rare")
    assert TokenWeights().weight("group") < TokenWeights().weight("huawei")


def test_phonetic_keys_and_skeletons() -> None:
    assert phonetic("khaled") == phonetic("haled")
    assert phonetic("wladimir") == phonetic("vladimir")
    assert skeleton("fldymyr") == skeleton("vladimir")


@pytest.mark.parametrize(
    ("name", "core", "form"),
    [
        ("LTD LIABILITY CO SOVRUDNIK", ("sovrudnik",), "llc"),
        ("LIABILITY LIMITED COMPANY SOVRUDNIK", ("sovrudnik",), "llc"),
        ("STOCK JOINT COMPANY START", ("start",), "jsc"),
        ("JOINT STOCK COMEANY START", ("start",), "jsc"),
        ("OOO Romashka", ("romashka",), "llc"),
        ("ООО Ромашка", ("romashka",), "llc"),
        ("TOV Alfa", ("alfa",), "llc"),
        ("ТОВ Альфа", ("alfa",), "llc"),
        ("PJSC Sberbank", ("sberbank",), "jsc"),
        ("ПАО Сбербанк", ("sberbank",), "jsc"),
        ("g.m.b.h siemens", ("siemens",), "gmbh"),
        ("Acme S.A.R.L.", ("acme",), "srl"),
        ("Acme Sp. z o.o.", ("acme",), "llc"),
        ("Acme kabushiki kaisha", ("acme",), "kk"),
        ("华为有限公司", ("huawei",), "ltd"),
        ("华为股份有限公司", ("huawei",), "ltd"),
        ("华为有限責任公司", ("huawei",), "ltd"),
    ],
)
def test_forms_in_any_order_spelling_and_language(name: str, core: tuple[str, ...], form: str) -> None:
    prepared = prepare(name)[0]
    assert (prepared.tokens, prepared.forms) == (core, (form,))


def test_maintained_dataset_reads_forms_the_table_lacks() -> None:
    from ownergate.matching.orgforms import maintained_forms

    assert maintained_forms("ltd liability co sovrudnik") == {"ltd liability co": "llc"}
    assert maintained_forms("acme sdn bhd")["sdn bhd"] == "ltd"


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("LTD LIABILITY CO SOVRUDNIK", "LIMITED LIABILITY COMPANY SOVRUDNIK"),
        ("STOCK JOINT COMPANY START", "JOINT STOCK COMPANY START"),
        ("JOINT STOCK COMEANY START", "JOINT STOCK COMPANY START"),
        ("g.m.b.h siemens", "Siemens GmbH"),
    ],
)
def test_a_form_never_counts_as_an_unmatched_word(query: str, listed: str) -> None:
    assert compare_names(query, listed)[0] >= 0.95


def test_a_form_that_differs_costs_a_little() -> None:
    score = compare_names("g.m.b.h siemens", "Siemens AG")[0]
    assert 0.8 <= score < 1.0


def test_a_word_that_begins_another_is_not_its_abbreviation() -> None:
    assert not is_abbreviation("smart", "smartcom")
    assert not is_abbreviation("black", "blackburns")
    assert not is_abbreviation("smart", "samaraneftegeofizika")
    assert not is_abbreviation("mars", "masterskill")
    assert not is_abbreviation("port", "prosperity")
    assert not is_abbreviation("apex", "apexis")
    assert is_abbreviation("srvces", "services")
    assert is_abbreviation("hldgs", "holdings")
    assert compare_names("SMART SRL", "Smartcom Co., Limited")[0] < 0.5
