"""A name prepared for comparison: each Latin spelling of it as tokens, sound keys and legal forms.

:func:`prepare` runs the whole pipeline once per name: clean (:mod:`.normalise`), transliterate
(:mod:`.transliterate`, :mod:`.han`), then for organisations join stray initials ("S.A." -> "sa"),
expand abbreviations (:mod:`.abbreviations`) and set legal forms apart (:mod:`.orgforms`); for
people drop titles. Index entries and queries go through exactly the same steps.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ownergate.matching.abbreviations import expand, numerals
from ownergate.matching.han import translate
from ownergate.matching.normalise import clean
from ownergate.matching.orgforms import split_forms
from ownergate.matching.tokens import phonetic
from ownergate.matching.transliterate import is_abjad, is_latin, latin_variants
from ownergate.sources.model import Schema

MAX_TOKENS = 24

#: Titles and honorifics that say nothing about who a person is, in the languages lists use.
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "madam",
        "mister",
        "president",
        "prasident",
        "presidente",
        "presiden",
        "predsjednik",
        "presedintele",
        "prezident",
        "elnok",
        "general",
        "gen",
        "col",
        "colonel",
        "major",
        "capt",
        "captain",
        "lt",
        "sheikh",
        "shaikh",
        "haji",
        "hajji",
        "mullah",
        "maulana",
        "imam",
        "judge",
        "senator",
        "minister",
    ]
)


#: Roman numerals (1 to 39) after the first word of an organisation's or vessel's name: a series number.
_ONES = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"]
ROMAN = {"x" * tens + one: str(10 * tens + k) for tens in range(4) for k, one in enumerate(_ONES) if tens or k}
_ORDINAL = re.compile(r"[0-9]+(?:st|nd|rd|th)")
_LEET = str.maketrans("013457", "oieast")


def deobfuscate(token: str) -> str:
    """Digits standing for letters inside a word ("Ig0r Sech1n") become those letters."""
    if token.isalpha() or token.isdigit() or _ORDINAL.fullmatch(token) or sum(ch.isalpha() for ch in token) < 2:
        return token
    return token.translate(_LEET) if token.translate(_LEET).isalpha() else token


class NameForm(NamedTuple):
    """One Latin spelling of a name."""

    tokens: tuple[str, ...]  # the identifying words, in order
    keys: tuple[str, ...]  # their sound keys, one per token
    forms: tuple[str, ...]  # canonical legal forms (organisations only)
    text: str  # the tokens joined by spaces, for display and compact comparison
    loose: bool  # read from a script that leaves vowels unwritten: compare consonants
    foreign: bool = False  # transliterated from a non-Latin script: spellings drift further


def _join_initials(tokens: list[str]) -> list[str]:
    """Runs of single letters become one token: "s a" -> "sa", "l l c" -> "llc"."""
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if len(run) > 1:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if tok:
            out.append(tok)
    return out


#: Legal forms that one-word names are often written run into ("SiemensAG", "AcmeGmbH").
_GLUED_FORMS = ("gmbh", "ag", "llc", "ltd", "inc", "plc")


def _unglue_form(tokens: list[str]) -> list[str]:
    """A one-word name ending in a legal form, with at least four letters before it, is split."""
    if len(tokens) != 1:
        return tokens
    for form in _GLUED_FORMS:
        stem = tokens[0].removesuffix(form)
        if stem != tokens[0] and len(stem) >= 4 and stem.isalpha():
            return [stem, form]
    return tokens


def _initials_of_forms(tokens: list[str]) -> set[int]:
    """Positions of single letters in a run that spells a legal form ("b v" for B.V., "c v"): they
    are initials, not a Roman numeral."""
    out: set[int] = set()
    start = 0
    for end in range(len(tokens) + 1):
        if end < len(tokens) and len(tokens[end]) == 1 and tokens[end].isalpha():
            continue
        if end - start > 1 and split_forms(("x", "".join(tokens[start:end])))[1]:
            out.update(range(start, end))
        start = end + 1
    return out


def _form(text: str, schema: Schema, loose: bool, foreign: bool) -> NameForm | None:
    tokens = numerals([deobfuscate(t) for t in text.split()[:MAX_TOKENS]])
    if schema != Schema.PERSON:
        initials = _initials_of_forms(tokens) if schema == Schema.ORGANIZATION else set()
        tokens = [t if i == 0 or i in initials else ROMAN.get(t, t) for i, t in enumerate(tokens)]
    forms: tuple[str, ...] = ()
    if schema == Schema.PERSON:
        kept = [t for t in tokens if t not in TITLES]
        tokens = kept or tokens
    else:
        tokens = [expand(t) for t in _join_initials(tokens)]
        if schema == Schema.ORGANIZATION:
            core, forms = split_forms(tuple(_unglue_form(tokens)))
            tokens = list(core)
    if not tokens:
        return None
    return NameForm(tuple(tokens), tuple(phonetic(t) for t in tokens), forms, " ".join(tokens), loose, foreign)


@lru_cache(maxsize=65536)
def prepare(name: str, schema: Schema = Schema.ORGANIZATION) -> tuple[NameForm, ...]:
    """Every Latin spelling of ``name`` as a :class:`NameForm`; empty when nothing is left of it."""
    cleaned = clean(name)
    if not cleaned:
        return ()
    texts = list(latin_variants(cleaned))
    if schema != Schema.PERSON and not cleaned.isascii():
        english = translate(cleaned)
        if english:
            texts.insert(0, english)
    # Every reading of a name in a script that leaves vowels unwritten compares its consonants.
    loose = not cleaned.isascii() and is_abjad(cleaned)
    out: dict[tuple[str, ...], NameForm] = {}
    for text in texts:
        form = _form(text, schema, loose, not is_latin(cleaned))
        if form is not None:
            out.setdefault(form.tokens, form)
    return tuple(out.values())
