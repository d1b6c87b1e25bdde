"""Legal forms, abbreviations, numerals and token weights, each on its own."""

from __future__ import annotations

from ownergate.matching.abbreviations import expand, is_abbreviation, numerals
from ownergate.matching.names import prepare
from ownergate.matching.orgforms import compare_forms, split_forms
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
