"""People's names written in other scripts: their own romanisation, and what a match must show.

Romanisation. unidecode spells Arabic and Hebrew letter by letter and leaves their long vowels as
consonants (علي "ly", משה "mshh"), so short names lose every letter a Latin list spelling has.
:func:`arabic` and :func:`hebrew` read the letters that stand for long vowels (ا و ي / א ו י),
word-initial ʿayn and alif, the article ال and word-final he and ta marbuta as lists print them
("ali", "moshe", "abd al"). Cyrillic, Greek, Han, kana and Hangul keep their schemes in
:mod:`.transliterate`.

What a match must show (:func:`person_gate`; Han, kana, Hangul, Arabic, Hebrew, Cyrillic and Greek,
the scripts whose innocent names the project measures). A person's name read from another script is
compared through a guessed spelling, and the scorer's allowances for Latin names (an extra middle
name costs little, "Ben" may stand for "Benjamin", two consonants agreeing make a word) turned
innocent names into hits: 丽丽 赵 matched "Li Li", آرین جلیلی matched "Jalloul", צבי כהן matched
"Sim Hyon Sop". So, for a person's name whose letters are not Latin:

- every word of it must find a partner in the list name that is spelled alike (at least 0.8 on
  letters or sound keys; consonants alone only when both words keep three or more of them, or the
  same two; a prefix or an initial is not a partner); a name of three words or more may miss fewer than half
  of them (a father's or middle name spelled another way);
- a name in Han, Hangul or kana has no middle names: the list name, run together, must spell the
  same syllables (in either order of surname and given name).

A pair of spellings that fails keeps :data:`FAILED_SHARE` of its score, with an explanation row
naming what was missing; the order of candidates is kept, so the best counterpart still ranks first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA, Levenshtein

from ownergate.matching.tokens import STOPWORDS, phonetic
from ownergate.matching.transliterate import HANGUL_FINALS, is_hangul_syllable, jamo

if TYPE_CHECKING:
    from ownergate.matching.names import NameForm

#: The share of its score a pair of spellings keeps when it fails :func:`person_gate`.
FAILED_SHARE = 0.6
#: How alike two words must be to be partners (letters or sound keys).
PARTNER = 0.8
#: How alike two names from a syllabic script must be, run together.
SYLLABLES_ALIKE = 0.93
#: Words that join names rather than name anyone ("bin", "abu", "al").
PARTICLES = frozenset(("bin", "bn", "ibn", "bint", "ben", "bat", "al", "el", "abu", "abou", "umm", "ould", "oglu"))

_SCRIPTS = (
    ("han", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))),
    ("kana", ((0x3040, 0x30FF), (0x31F0, 0x31FF))),
    ("hangul", ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F))),
    ("arabic", ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    ("hebrew", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    ("cyrillic", ((0x0400, 0x052F),)),
    ("greek", ((0x0370, 0x03FF), (0x1F00, 0x1FFF))),
)
SYLLABIC = frozenset(("han", "kana", "hangul"))
#: The scripts :func:`person_gate` checks: those whose innocent names the project measures.
CHECKED = frozenset(name for name, _ in _SCRIPTS)


def script_of(text: str) -> str | None:
    """The non-Latin script most of ``text``'s letters are written in; None for Latin (or none)."""
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha() or ord(ch) < 0x0370:
            continue
        code = ord(ch)
        for name, ranges in _SCRIPTS:
            if any(lo <= code <= hi for lo, hi in ranges):
                counts[name] = counts.get(name, 0) + 1
                break
        else:
            counts["other"] = counts.get("other", 0) + 1
    if not counts:
        return None
    if "kana" in counts:  # kanji beside kana: Japanese
        return "kana"
    return max(counts, key=lambda k: counts[k])


_ARABIC = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "ء": "", "ئ": "", "ؤ": "", "پ": "p", "چ": "ch", "ژ": "zh",
    "گ": "g", "ک": "k", "ة": "a", "ى": "a", "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a",
}  # fmt: skip
_ARABIC_VOWELS = {"و": ("w", "u"), "ي": ("y", "i"), "ی": ("y", "i")}
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alif, tatweel


#: Words that join Arabic names, as lists print them.
_ARABIC_WORDS = {"بن": "bin", "ابن": "ibn", "بنت": "bint", "ابو": "abu", "أبو": "abu", "ابي": "abi", "أبي": "abi",
                 "ام": "umm", "أم": "umm", "عبد": "abd"}  # fmt: skip


def _arabic_word(word: str) -> str:
    if word in _ARABIC_WORDS:
        return _ARABIC_WORDS[word]
    out: list[str] = []
    for i, ch in enumerate(word):
        if ch in _ARABIC_VOWELS:
            consonant, vowel = _ARABIC_VOWELS[ch]
            out.append(consonant if i == 0 else vowel)
        elif ch == "ع":
            out.append("a" if i == 0 else "")
        elif ch == "ه" and i == len(word) - 1 and i > 1:
            out.append("h")
        else:
            out.append(_ARABIC.get(ch, ch))
    text = "".join(out)
    return "al " + text[2:] if text.startswith("al") and len(text) > 4 else text


@lru_cache(maxsize=4096)
def arabic(text: str) -> str:
    """Arabic (and Persian) letters as lists print names: long vowels read, the article set apart."""
    text = _ARABIC_MARKS.sub("", text)
    text = text.replace("عبد", "عبد ")
    return " ".join(_arabic_word(w) for w in text.split())


_HEBREW = {
    "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ז": "z", "ח": "ch", "ט": "t", "כ": "k", "ך": "ch",
    "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "פ": "p", "ף": "f", "צ": "tz", "ץ": "tz",
    "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
}  # fmt: skip
_HEBREW_MARKS = re.compile("[\u0591-\u05c7]")  # niqqud and cantillation


def _hebrew_word(word: str) -> str:
    out: list[str] = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        if ch == "א" or ch == "ע":
            out.append("a" if i in (0, last) else "")
        elif ch == "ו":
            out.append("v" if i == 0 else "o")
        elif ch == "י":
            out.append("y" if i == 0 else "i")
        elif ch == "ה" and i == last and i > 0:
            out.append("e")
        else:
            out.append(_HEBREW.get(ch, ch))
    return "".join(out)


@lru_cache(maxsize=4096)
def hebrew(text: str) -> str:
    """Hebrew letters as names are printed: vav and yod read as vowels inside a word, final he as e."""
    text = _HEBREW_MARKS.sub("", text)
    return " ".join(_hebrew_word(w) for w in text.split())


def _partner(a: str, b: str, loose: bool, script: str = "") -> float:
    """How alike two words are without the allowances of Latin names (prefixes, initials)."""
    if a == b:
        return 1.0
    sim = OSA.normalized_similarity(a, b)
    if min(len(a), len(b)) > 3:
        sim = max(sim, OSA.normalized_similarity(phonetic(a), phonetic(b)) * 0.92)
    if loose:
        # Hebrew writes v as a consonant (ב, ו) and its two-letter words are read too many ways.
        sa, sb = consonants(a, script == "hebrew"), consonants(b, script == "hebrew")
        if min(len(sa), len(sb)) >= 3 or (sa == sb and len(sa) == 2 and script == "arabic"):
            sim = max(sim, OSA.normalized_similarity(sa, sb) * 0.9)
    return float(sim)


_VOWEL_LETTERS = re.compile("[aeiouywv]")
_VOWEL_LETTERS_V = re.compile("[aeiouyw]")
_DOUBLED = re.compile(r"(.)\1+")


def consonants(word: str, keep_v: bool = False) -> str:
    """The letters an abjad writes for sure: the first letter, then every consonant but the
    semivowels (w, y, and v unless ``keep_v``: vowels as often), doubled ones once ("mohamed" and "mhmd" -> "mhmd",
    "hassan" -> "hsn", "zawahiri" and "zuahri" -> "zhr", "david" and "dod" -> "dd")."""
    word = _DOUBLED.sub(r"\1", phonetic_light(word))  # before vowels go: "dod" keeps both d
    return word[:1] + (_VOWEL_LETTERS_V if keep_v else _VOWEL_LETTERS).sub("", word[1:])


def phonetic_light(word: str) -> str:
    """Spellings of one consonant that transliterations of one script disagree on."""
    # Arabic writes p as b (بيريز "Perez"), Hebrew b and v, p and f with one letter each.
    for src, dst in (("kh", "h"), ("ch", "h"), ("dj", "j"), ("ph", "f"), ("q", "k"), ("p", "b"), ("f", "b")):
        word = word.replace(src, dst)
    return word


def _missing(script: str, a: NameForm, b: NameForm) -> list[str]:
    """The words of ``a`` (not particles) with no partner in ``b``, pairing each word of ``b`` once."""
    loose = a.loose or b.loose
    pairs = sorted(
        (
            (_partner(ta, tb, loose, script), i, j)
            for i, ta in enumerate(a.tokens)
            for j, tb in enumerate(b.tokens)
            if tb not in PARTICLES or ta in PARTICLES  # "al" is nobody's name
        ),
        reverse=True,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    for sim, i, j in pairs:
        if sim >= PARTNER and i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    words = [i for i, t in enumerate(a.tokens) if t not in PARTICLES and t not in STOPWORDS]
    missing = [a.tokens[i] for i in words if i not in used_a]
    if len(missing) <= (len(words) - 1) // 2 and len(words) >= 3 and len(b.tokens) >= 3:
        return []  # a long name may differ in a middle or father's name ("Isaevich" / "Ismailovich")
    joined = loose and script == "arabic"  # Hebrew vowel letters are read too many ways to join on consonants
    if (
        missing
        and len(b.tokens) < len(a.tokens)
        and _partner(a.text.replace(" ", ""), b.text.replace(" ", ""), joined) >= PARTNER
    ):
        return []  # the list writes together what the query writes apart ("abd allah" / "abdullah")
    if not missing and a.loose and b.loose:
        # Both names read from scripts without vowels (Hebrew against Arabic): consonants agree
        # too easily for the list name to add a word of its own.
        return [t for j, t in enumerate(b.tokens) if j not in used_b and t not in PARTICLES]
    return missing


def _voiceless(text: str) -> str:
    """Syllables with the distinctions romanisations of Korean disagree on merged: aspiration and
    voicing (Pak/Bak, Chon/Jon, Kim/Gim, Tong/Dong)."""
    for src, dst in (("ch", "j"), ("p", "b"), ("k", "g"), ("t", "d")):
        text = text.replace(src, dst)
    return text


def _syllables_alike(a: NameForm, b: NameForm) -> float:
    ta, tb = [_voiceless(t) for t in a.tokens], [_voiceless(t) for t in b.tokens]
    joined = Levenshtein.normalized_similarity("".join(ta), "".join(tb))
    ordered = Levenshtein.normalized_similarity("".join(sorted(ta)), "".join(sorted(tb)))
    flipped = Levenshtein.normalized_similarity("".join(ta[1:] + ta[:1]), "".join(tb))
    return float(max(joined, ordered, flipped))


def person_gate(
    script: str, a: NameForm, b: NameForm, result: tuple[float, list[tuple[str, float, str]]]
) -> tuple[float, list[tuple[str, float, str]]]:
    """``result`` (the similarity of query spelling ``a`` and list spelling ``b``), kept when the
    query, a person's name written in ``script``, shows what a match must show, else reduced."""
    score, explanation = result
    if score <= 0.0 or script not in CHECKED:
        return result
    missing = _missing(script, a, b)
    if missing:
        detail = f"a name read from {script} script: {' '.join(missing)} unpaired between '{a.text}' and '{b.text}'"
    elif script in SYLLABIC and (alike := _syllables_alike(a, b)) < SYLLABLES_ALIKE:
        detail = f"a name read from {script} script: '{a.text}' and '{b.text}' spell other syllables ({alike:.2f})"
    else:
        return result
    cut = score * (1 - FAILED_SHARE)
    return score - cut, [*explanation, ("script", -cut, detail)]


# McCune-Reischauer as North Korean names are printed on sanctions lists (ㅈ as "j") ("Kim Jong Un",
# "No Kwang Chol", "Ri Pyong Chol"): breves and apostrophes dropped, each syllable a word.
_MR_INITIALS = ("k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_MR_VOWELS = (
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo",
    "u", "wo", "we", "wi", "yu", "u", "ui", "i",
)  # fmt: skip
#: Surnames as North Korean lists spell them.
_MR_SURNAMES = {"리": "ri", "이": "ri", "김": "kim", "박": "pak", "최": "choe", "정": "jong", "조": "jo", "로": "ro",
                "노": "no", "류": "ryu", "유": "yu", "장": "jang", "전": "jon", "한": "han", "강": "kang", "윤": "yun",
                "오": "o", "신": "sin", "림": "rim", "임": "im", "황": "hwang", "현": "hyon", "문": "mun"}  # fmt: skip


def _mr_syllable(ch: str) -> str:
    initial, vowel, final = jamo(ch)
    return _MR_INITIALS[initial] + _MR_VOWELS[vowel] + HANGUL_FINALS[final]


@lru_cache(maxsize=4096)
def mccune_reischauer(text: str) -> str:
    """Hangul in McCune-Reischauer, one word a syllable; the first syllable as a surname."""
    out: list[str] = []
    for n, word in enumerate(text.split()):
        for i, ch in enumerate(word):
            if not is_hangul_syllable(ch):
                out.append(ch)
            elif n == 0 and i == 0 and ch in _MR_SURNAMES:
                out.append(_MR_SURNAMES[ch])
            else:
                out.append(_mr_syllable(ch))
    return " ".join(out)
