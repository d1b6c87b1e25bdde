"""Each normalisation step on its own, and the normaliser's invariants as properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ownergate.matching.names import prepare
from ownergate.matching.normalise import (
    MAX_NAME_CHARS,
    clean,
    fold_case,
    nfkc,
    strip_controls,
    strip_diacritics,
    strip_punctuation,
)


def test_nfkc_makes_full_width_and_ligatures_plain() -> None:
    assert nfkc("ＨＵＡＷＥＩ") == "HUAWEI"
    assert nfkc("ﬁrm") == "firm"


def test_case_folding() -> None:
    assert fold_case("STRASSE Straße") == "strasse strasse"


def test_controls_become_spaces() -> None:
    assert strip_controls("a\x00b\u200bc") == "a b c"


def test_diacritics_removed_from_latin_but_not_from_indic_signs() -> None:
    assert strip_diacritics("françois pérez łódź") == "francois perez łodz"
    assert strip_diacritics("पुतिन") == "पुतिन"


def test_punctuation() -> None:
    assert strip_punctuation("o'brien & sons, ltd.") == "obrien and sons ltd"
    assert strip_punctuation("at&t") == "at and t"


def test_clean_chains_every_step() -> None:
    assert clean("  Huawei Technologies Co., Ltd.\t") == "huawei technologies co ltd"
    assert clean("") == ""
    assert clean("!!!") == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_clean_is_idempotent_bounded_and_never_raises(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert len(once) <= MAX_NAME_CHARS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_prepare_never_raises_and_is_bounded(text: str) -> None:
    for form in prepare(text):
        assert len(form.tokens) <= 24
        assert form.text.isascii()
