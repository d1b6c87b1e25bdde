"""Text normalisation: Unicode NFKC, case folding, control characters, punctuation, diacritics.

Each step is a small function tested on its own; :func:`clean` chains them. The output is
always bounded (:data:`MAX_NAME_CHARS`) and the functions never raise on any ``str``.
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

#: Names longer than this are cut before any work: no list name is longer, and a 10,000
#: character query must cost no more than a normal one.
MAX_NAME_CHARS = 300

_SPACE = re.compile(r"\s+")
_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")
# Apostrophes join (O'Brien -> obrien, Hyo'k -> hyok); every other punctuation splits words.
_APOSTROPHES = re.compile(r"['’‘`´ʼʻ]")


def nfkc(text: str) -> str:
    """Unicode compatibility composition: full-width letters, ligatures and the like become plain."""
    return unicodedata.normalize("NFKC", text)


def strip_controls(text: str) -> str:
    """Control, format and unassigned characters become spaces (never raised on, never kept)."""
    if text.isascii():
        return _ASCII_CONTROLS.sub(" ", text)
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def fold_case(text: str) -> str:
    return text.casefold()


def strip_diacritics(text: str) -> str:
    """Remove combining marks from Latin, Greek and Cyrillic letters (é -> e, й stays й)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    for ch in decomposed:
        # Only marks on Latin, Greek and Cyrillic letters: Indic vowel signs and viramas stay.
        if unicodedata.category(ch) == "Mn" and kept and ord(kept[-1]) < 0x0530:
            # Cyrillic short i and Ukrainian yi carry meaning in their marks: keep those.
            if kept and kept[-1] in "иіИІ" and ch in "\u0306\u0308":
                kept.append(ch)
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def strip_punctuation(text: str) -> str:
    """Apostrophes vanish, ``&`` reads ``and``, every other non-word character is a space."""
    text = _APOSTROPHES.sub("", text)
    text = text.replace("&", " and ").replace("+", " and ")
    if text.isascii():
        text = _ASCII_NON_WORD.sub(" ", text)
    else:
        text = "".join(ch if ch.isalnum() or unicodedata.category(ch)[0] == "M" else " " for ch in text)
    return collapse(text)


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def clean(text: str) -> str:
    """Every step in order: what the tokenizer and the transliterators start from."""
    text = strip_controls(nfkc(text[: MAX_NAME_CHARS * 2]))
    return strip_punctuation(strip_diacritics(fold_case(text)))[:MAX_NAME_CHARS]


def ascii_fold(text: str) -> str:
    """Latin letters only: the last resort for any script unidecode knows."""
    return collapse(strip_punctuation(unidecode(text).lower()))[:MAX_NAME_CHARS]
