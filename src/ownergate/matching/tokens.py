"""Token weights and phonetic keys.

A token's weight falls with how often it occurs across every loaded list name, so a shared legal
form or generic word (corp, group, holding, investment, trading, technology) never makes a match
by itself. Without an index (pairwise :func:`~ownergate.matching.score.compare_names`), a built-in
set of generic words stands in for the list frequencies.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

#: Words that say what kind of organisation it is, not which one.
GENERIC = frozenset(
    [
        "group",
        "holding",
        "holdings",
        "investment",
        "investments",
        "trading",
        "trade",
        "technology",
        "technologies",
        "company",
        "international",
        "industries",
        "industry",
        "industrial",
        "services",
        "service",
        "limited",
        "enterprise",
        "enterprises",
        "global",
        "management",
        "development",
        "bank",
        "capital",
        "partners",
        "import",
        "export",
        "general",
        "national",
        "engineering",
        "systems",
        "resources",
        "energy",
        "logistics",
        "shipping",
        "solutions",
        "products",
        "consulting",
        "commercial",
        "science",
        "research",
        "institute",
        "university",
        "center",
        "association",
        "foundation",
        "fund",
        "trust",
        "network",
        "electronics",
        "manufacturing",
        "communications",
        "corporation",
        "equipment",
        "finance",
        "financial",
        "china",
        "russia",
        "russian",
        "chinese",
        "new",
    ]
)
#: Words that carry no identity at all.
STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "de",
        "la",
        "le",
        "du",
        "des",
        "der",
        "die",
        "das",
        "et",
        "y",
        "i",
        "und",
        "a",
        "an",
        "in",
        "on",
        "at",
        "to",
        "by",
    ]
)


def _places() -> frozenset[str]:
    """One-word country names (English, as ISO 3166 gives them) and regions, lower case, ASCII."""
    import pycountry
    from unidecode import unidecode

    names = {unidecode(c.name).lower() for c in pycountry.countries}
    names |= {unidecode(getattr(c, "common_name", "")).lower() for c in pycountry.countries}
    extra = "europe asia africa america americas schweiz suisse deutschland mexico espana italia"
    return frozenset(n for n in names | set(extra.split()) if n.isalpha())


#: Places that qualify a branch or subsidiary ("Deutsche Bank (Schweiz)", "Faberlic Europe"):
#: when only one name has it, it weighs against the match no more than a generic word.
PLACES = _places()

GENERIC_WEIGHT = 0.3
NUMBER_WEIGHT = 0.3
STOPWORD_WEIGHT = 0.05
_MIN_WEIGHT = 0.12
_RARE_DF = 4  # a token in this many names or fewer is as telling as a token can be


class TokenWeights:
    """How much each token tells, from its document frequency over every indexed name."""

    __slots__ = ("_cache", "_df", "_scale", "total")

    def __init__(self, df: Counter[str] | None = None, total: int = 0) -> None:
        self._df: Counter[str] = df if df is not None else Counter()
        self.total = total
        self._scale = math.log(max(total, _RARE_DF + 1) / _RARE_DF)
        self._cache: dict[str, float] = {}

    @classmethod
    def from_names(cls, token_lists: Iterable[Iterable[str]]) -> TokenWeights:
        df: Counter[str] = Counter()
        total = 0
        for tokens in token_lists:
            df.update(set(tokens))
            total += 1
        return cls(df, total)

    def frequency(self, token: str) -> int:
        return self._df.get(token, 0)

    def tokens(self) -> list[str]:
        """Every token counted."""
        return list(self._df)

    def weight(self, token: str) -> float:
        cached = self._cache.get(token)
        if cached is None:
            cached = self._cache[token] = self._weight(token)
        return cached

    def _weight(self, token: str) -> float:
        if token in STOPWORDS:
            return STOPWORD_WEIGHT
        base = GENERIC_WEIGHT if token in GENERIC else 1.0
        df = self._df.get(token, 0)
        if self.total and df > _RARE_DF:
            base = min(base, max(_MIN_WEIGHT, 1.0 - 0.88 * math.log(df / _RARE_DF) / self._scale))
        if len(token) == 1:
            base *= 0.5
        if token.isdigit():
            base = min(base, NUMBER_WEIGHT)  # a series or vintage number: weak evidence either way
        return base


_PHONETIC_RULES = [
    (re.compile(p), r)
    for p, r in (
        ("tsch", "ch"), ("sch", "sh"), ("tch", "ch"), ("dzh", "j"), ("zh", "j"), ("ph", "f"), ("ck", "k"),
        ("hs", "s"), ("ts", "s"), ("dz", "s"), ("kh", "h"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("w", "v"),
        ("ou", "u"), ("oo", "u"),
        ("ee", "i"), ("eo", "o"), ("eu", "u"), ("y", "i"), ("ie", "i"), ("q", "k"), ("c(?=[aou])", "k"),
        ("c", "s"), ("z", "s"), ("x", "s"), ("j", "i"), ("(.)\\1+", "\\1"),
    )
]  # fmt: skip


@lru_cache(maxsize=1 << 17)
def phonetic(token: str) -> str:
    """A coarse sound key: spelling variants of one sound (kh/h, ou/u, w/v, y/i, doubled letters) agree."""
    if not token.isalpha():
        return token
    for pattern, replacement in _PHONETIC_RULES:
        token = pattern.sub(replacement, token)
    return token


_VOWELS = re.compile(r"[aeiouywv]+")


@lru_cache(maxsize=1 << 17)
def skeleton(token: str) -> str:
    """The consonants of a token's sound key: how abjad scripts (Arabic, Hebrew) write a name."""
    key = phonetic(token)
    head = "" if key[:1] in ("a", "e", "i", "o", "u", "y") else key[:1]
    stripped = (head + _VOWELS.sub("", key[1:])) or key[:1]
    return stripped.replace("b", "p").replace("d", "t").replace("g", "k").replace("v", "f")


def _trigrams(text: str, family: str) -> list[str]:
    padded = f"_{text}_"
    return [f"{family}{padded[i : i + 3]}" for i in range(len(padded) - 2)]


#: Tokens this short or shorter are also keyed by deletion: "abc" and "axc" share no trigram.
SHORT_TOKEN = 6


@lru_cache(maxsize=1 << 18)
def spelling_keys(token: str, key: str) -> frozenset[str]:
    """The keys by which the index finds a token's other spellings: character trigrams of the token,
    of its sound key and of its consonant skeleton, the sound key and skeleton themselves, and for
    short tokens every one-letter deletion. A token and its typo share one: trigrams do when both have
    five letters or more (one edit spoils at most four of them), deletions when they are shorter."""
    skel = skeleton(token)
    keys = [f"k:{key}", f"s:{skel}", *_trigrams(token, "g:"), *_trigrams(key, "h:"), *_trigrams(skel, "c:")]
    if len(token) <= SHORT_TOKEN:
        keys += [f"d:{token}", *(f"d:{token[:i]}{token[i + 1 :]}" for i in range(len(token)))]
    return frozenset(keys)


def related(a: str, ka: str, b: str, kb: str) -> bool:
    """Whether two tokens share a spelling key (:func:`spelling_keys`). Spelling similarity
    (:func:`~ownergate.matching.score.token_similarity`) counts only between related tokens, so the
    index can bound the score of every name it does not compare in full (``index.py``)."""
    return a == b or not spelling_keys(a, ka).isdisjoint(spelling_keys(b, kb))
