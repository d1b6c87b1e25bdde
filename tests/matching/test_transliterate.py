"""Transliteration of each script to Latin."""

from __future__ import annotations

from ownergate.matching.han import translate
from ownergate.matching.transliterate import hangul, japanese, latin_variants, pinyin


def test_pinyin_with_and_without_tones_and_joined() -> None:
    assert pinyin("习近平") == "xi jin ping"
    assert pinyin("习近平", tones=True) == "xí jìn píng"
    assert pinyin("习近平", joined=True) == "xijinping"


def test_hangul_revised_romanization_with_customary_surname() -> None:
    assert hangul("김정은") == "kim jeongeun"
    assert hangul("김정은", customary_surname=False) == "gim jeongeun"


def test_kana_and_kanji_read_as_japanese() -> None:
    assert japanese("ウラジーミル・プーチン").startswith("urajiimiru")
    assert "yamada" in japanese("山田太郎")


def test_other_scripts_through_unidecode() -> None:
    assert "vladimir putin" in latin_variants("владимир путин")
    assert any("alexandros" in v for v in latin_variants("αλεξανδρος"))
    assert any(v.startswith("mshh") or v.startswith("msh") for v in latin_variants("משה"))
    assert latin_variants("plain latin") == ("plain latin",)


def test_chinese_organisation_words_translate() -> None:
    assert translate("中国电子科技集团公司") == "china electronics science and technology group company"
    assert translate("广州海格通信集团有限公司") == "guangzhou haige communications group co ltd"
    assert translate("plain") == ""
