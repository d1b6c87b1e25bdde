"""Transliteration of non-Latin names to Latin: Han (pinyin, Japanese readings), Hangul, kana, and
every other script unidecode knows (Cyrillic, Arabic, Greek, Hebrew, Thai, Indic, Georgian ...).

:func:`latin_variants` returns every plausible Latin spelling of a cleaned name, plain spelling
first; the scorer compares each against a list name and keeps the best. Han text yields pinyin
syllables (tones dropped, as lists print them) and, when short or mixed with kana, a Japanese
reading; Hangul yields Revised Romanization syllables with the customary spelling of surnames.
"""

from __future__ import annotations

from functools import lru_cache

from ownergate.matching.normalise import ascii_fold, collapse

_HANGUL_BASE = 0xAC00
_HANGUL_LAST = 0xD7A3
_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_VOWELS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo",
    "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
#: Syllable-final consonants: alike in Revised Romanization and in McCune-Reischauer as lists print it.
HANGUL_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
# How Korean surnames are customarily written in Latin letters (passports, lists, press).
_KOREAN_SURNAMES = {
    "김": "kim", "이": "lee", "박": "park", "최": "choi", "정": "jung", "강": "kang", "조": "cho",
    "윤": "yoon", "장": "jang", "임": "lim", "오": "oh", "신": "shin", "권": "kwon", "황": "hwang",
    "안": "ahn", "류": "ryu", "유": "yoo", "문": "moon", "노": "roh", "우": "woo", "구": "koo",
    "주": "joo", "성": "sung", "현": "hyun", "변": "byun", "명": "myung", "기": "ki", "고": "ko",
}  # fmt: skip


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is Latin (with or without diacritics: ł, ø, ß, ə ...)."""
    return text.isascii() or all(ord(ch) < 0x0250 or 0x1E00 <= ord(ch) <= 0x1EFF for ch in text if ch.isalpha())


def has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def has_kana(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" for ch in text)


def is_hangul_syllable(ch: str) -> bool:
    return _HANGUL_BASE <= ord(ch) <= _HANGUL_LAST


def has_hangul(text: str) -> bool:
    return any(is_hangul_syllable(ch) for ch in text)


@lru_cache(maxsize=4096)
def pinyin(text: str, *, tones: bool = False, joined: bool = False) -> str:
    """Han characters as pinyin syllables, with or without tone marks, spaced or joined per word.

    Characters that are not Han are kept as they are.
    """
    from pypinyin import Style, lazy_pinyin

    style = Style.TONE if tones else Style.NORMAL
    out: list[str] = []
    for word in text.split():
        syllables = [s.strip() for s in lazy_pinyin(word, style=style, errors="default")]
        syllables = [s for s in syllables if s]
        out.append("".join(syllables) if joined else " ".join(syllables))
    return collapse(" ".join(out))


@lru_cache(maxsize=1)
def _kakasi() -> object:
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=4096)
def japanese(text: str) -> str:
    """Kana and kanji read as Japanese, in Hepburn romaji."""
    parts = _kakasi().convert(text)  # type: ignore[attr-defined]
    return ascii_fold(" ".join(str(p["hepburn"]) for p in parts))


def jamo(ch: str) -> tuple[int, int, int]:
    """A Hangul syllable's initial, vowel and final, as indices into a romanisation's tables."""
    initial, rest = divmod(ord(ch) - _HANGUL_BASE, 21 * 28)
    vowel, final = divmod(rest, 28)
    return initial, vowel, final


def _syllable(ch: str) -> str:
    initial, vowel, final = jamo(ch)
    return _INITIALS[initial] + _VOWELS[vowel] + HANGUL_FINALS[final]


def hangul(text: str, *, customary_surname: bool = True) -> str:
    """Hangul in Revised Romanization; a one-word name splits into surname and given name.

    With ``customary_surname`` the first syllable of a name is spelled as Korean surnames are
    customarily written (김 Kim, 이 Lee, 박 Park) rather than by the strict rules (Gim, I, Bak).
    """
    words = text.split()
    out = []
    for n, word in enumerate(words):
        syllables = []
        for i, ch in enumerate(word):
            if is_hangul_syllable(ch):
                if n == 0 and i == 0 and customary_surname and ch in _KOREAN_SURNAMES:
                    syllables.append(_KOREAN_SURNAMES[ch])
                else:
                    syllables.append(_syllable(ch))
            else:
                syllables.append(ch)
        if len(words) == 1 and 2 <= len(syllables) <= 4:
            out.append(syllables[0] + " " + "".join(syllables[1:]))
        else:
            out.append("".join(syllables))
    return ascii_fold(" ".join(out))


_ABJAD_RANGES = ((0x0590, 0x05FF), (0x0600, 0x06FF), (0x0700, 0x077F), (0x1780, 0x17FF), (0xFB50, 0xFEFF))


def is_abjad(text: str) -> bool:
    """True when ``text`` is in a script that often leaves vowels unwritten (Arabic, Hebrew, Khmer)."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _ABJAD_RANGES)


def _drop_epenthetic_u(text: str) -> str:
    """Japanese adds a vowel after final consonants of foreign names ("baraku" for Barack)."""
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "uo" and w[-2] not in "aeiou" else w for w in text.split())


# Modern Greek digraphs and letters that unidecode reads as ancient Greek.
_GREEK = (("ντ", "d"), ("μπ", "b"), ("γκ", "g"), ("ου", "ou"), ("β", "v"), ("η", "i"), ("υ", "i"))


def greek(text: str) -> str:
    for src, dst in _GREEK:
        text = text.replace(src, dst)
    return text


@lru_cache(maxsize=8192)
def latin_variants(text: str) -> tuple[str, ...]:
    """Every Latin spelling of ``text`` (already cleaned), the plain one first, no duplicates."""
    if text.isascii():
        return (text,)
    variants: list[str] = []
    if has_hangul(text):
        variants.append(hangul(text))
        variants.append(hangul(text, customary_surname=False))
        from ownergate.matching.scripts import mccune_reischauer

        variants.append(ascii_fold(mccune_reischauer(text)))
    if has_han(text):
        variants.append(ascii_fold(pinyin(text)))
        variants.append(ascii_fold(pinyin(text, joined=True)))
    if has_kana(text) or (has_han(text) and len(text.replace(" ", "")) <= 4):
        reading = japanese(text)
        if len(reading.split()) >= len(text.split()):  # kakasi drops signs it cannot read (刚)
            variants.append(reading)
            variants.append(_drop_epenthetic_u(reading))
    if any("\u0370" <= ch <= "\u03ff" for ch in text):
        variants.append(ascii_fold(greek(text)))
    if any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in text):
        from ownergate.matching.scripts import arabic

        variants.append(ascii_fold(arabic(text)))
    if any("\u0590" <= ch <= "\u05ff" for ch in text):
        from ownergate.matching.scripts import hebrew

        variants.append(ascii_fold(hebrew(text)))
    variants.append(ascii_fold(text))
    seen: dict[str, None] = {}
    for v in variants:
        if v:
            seen.setdefault(v, None)
    return tuple(seen)
