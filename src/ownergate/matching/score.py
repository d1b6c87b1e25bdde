"""Name similarity as named, weighted parts: aligned tokens, joined spelling, legal form.

Two names are compared spelling by spelling (:class:`~ownergate.matching.names.NameForm`); the
best pair wins. Within a pair, every token of one name is aligned with its most similar token of
the other regardless of order, each token counts by its weight (:mod:`.tokens`), and a token
without a partner counts against the match (less so when it is an extra middle name on the longer
side). The joined spelling catches words run together or split ("Jong Un" / "Jongun").
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from ownergate.matching.abbreviations import is_abbreviation
from ownergate.matching.names import NameForm, prepare
from ownergate.matching.nicknames import same_given_name
from ownergate.matching.orgforms import compare_forms
from ownergate.matching.scripts import person_gate, script_of
from ownergate.matching.tokens import GENERIC, GENERIC_WEIGHT, PLACES, STOPWORDS, TokenWeights, related, skeleton
from ownergate.matching.transliterate import has_han, has_hangul, has_kana
from ownergate.sources.model import Schema

#: Explanation rows: (feature, contribution to the score, human-readable detail).
Explanation = list[tuple[str, float, str]]

DEFAULT_WEIGHTS = TokenWeights()

_SOUND_ALIKE = 0.92  # spelled differently, sounds the same
_INITIAL = 0.8  # "V" for "Vladimir"
_ABBREVIATION = 0.88  # "hldgs" for "holdings"
_PREFIX = 0.8  # "Ben" for "Benjamin"
_NICKNAME = 0.9  # "Bibi" for "Benjamin"
_CONSONANTS = 0.9  # same consonants, read from Arabic or Hebrew script
_EXTRA_TOKEN_FACTOR = 0.25  # an unmatched token on the longer side of a person's name counts this much against
_EXTRA_ORG_TOKEN_FACTOR = 1.0  # ... and of an organisation's name (a qualifier: "Mexico", "II", "Trust")
_CREDIT_FLOOR = 0.5  # token pairs less alike than this earn nothing
_PERSON_CREDIT_FLOOR = 0.5  # ... in people's names, whose spellings vary more
_PATRONYM_FLIP = 0.3  # "Salman bin Muhammad" is the son of "Muhammad bin Salman"
FLIPPED = "; father and son names swapped around bin/ibn"
PATRONYMIC = frozenset(("bin", "ben", "ibn", "bint", "ould", "ult", "oglu", "kyzy", "uulu"))
_CONFLICT_FACTOR = 3.5  # a token replaced by a different one counts this much against
_FORM_DIFFERS = -0.18
_ONE_WORD_FACTOR = 0.8
_GENERIC_ONLY_FACTOR = 0.7
_LOOSE_ORG_FLOOR = 0.8  # the least an organisation's unmatched word (not a number) weighs against
_QUERY_EXTRA = 2.5  # ... and counts this many times over
_FIRST_LETTER = 0.74  # the most an organisation's word differing only in its first letter earns
_PAIR_MIN = 0.6  # less alike than this, two aligned words are a replaced word (a conflict)


@lru_cache(maxsize=1 << 18)
def token_similarity(a: str, ka: str, b: str, kb: str, person: bool, loose: bool = False) -> float:
    """How alike two tokens are, in [0, 1], given their sound keys (cached: list tokens repeat)."""
    if a == b:
        return 1.0
    sim = 0.0
    if related(a, ka, b, kb):  # spellings the index can find from each other (see tokens.related)
        sim = OSA.normalized_similarity(a, b)
        if min(len(a), len(b)) > 3:  # sound keys of very short tokens collide too easily
            sound = _SOUND_ALIKE if ka == kb else OSA.normalized_similarity(ka, kb) * _SOUND_ALIKE
            sim = max(sim, sound)
        if loose and len(a) > 1 and len(b) > 1:
            sa, sb = skeleton(a), skeleton(b)
            sim = max(sim, OSA.normalized_similarity(sa, sb) * _CONSONANTS)
    if not person and len(a) == len(b) and a[0] != b[0] and a[1:] == b[1:] and ka != kb:
        sim = min(sim, _FIRST_LETTER)  # "Mobility" is not "Nobility": a typo seldom hits the first letter
    if person and same_given_name(a, b):
        sim = max(sim, _NICKNAME)
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(short) == 1:  # an initial: common in people's names, rare in organisations'
        return _INITIAL if person and long.startswith(short) else 0.0
    if person:
        if len(short) >= 3 and long.startswith(short):
            sim = max(sim, _PREFIX)
    elif is_abbreviation(short, long):
        sim = max(sim, _ABBREVIATION)
    if short.isdigit() != long.isdigit() or (short.isdigit() and short != long):
        return 0.0
    return sim


def _shortened(a: str, b: str) -> bool:
    """Whether one word is the other cut short or abbreviated ("Tram" / "Transmorflot"), not merely
    misspelled: a pair that tells nothing by itself."""
    short, long = (a, b) if len(a) < len(b) else (b, a)
    spelled = OSA.normalized_similarity(a, b) >= 0.8  # a letter or two more: a typo
    return not spelled and (long.startswith(short) or is_abbreviation(short, long))


def credit(sim: float, person: bool = False) -> float:
    """The share of a token pair's weight a similarity earns: near-misses earn less."""
    if sim >= 0.8:
        return sim
    floor = _PERSON_CREDIT_FLOOR if person else _CREDIT_FLOOR
    if sim <= floor:
        return 0.0
    return sim * (sim - floor) / (0.8 - floor)


def align(a: NameForm, b: NameForm, person: bool) -> list[tuple[int, int, float]]:
    """Greedy one-to-one alignment of tokens, most similar pairs first, word order ignored."""
    pairs = []
    for i, (ta, ka) in enumerate(zip(a.tokens, a.keys, strict=True)):
        for j, (tb, kb) in enumerate(zip(b.tokens, b.keys, strict=True)):
            sim = token_similarity(ta, ka, tb, kb, person, a.loose or b.loose)
            if sim > min(_CREDIT_FLOOR, _PERSON_CREDIT_FLOOR):
                pairs.append((sim, i, j))
    pairs.sort(reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for sim, i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j, sim))
    return out


def loose_weight(weight: float, token: str, person: bool, query: bool) -> float:
    """What a word without a partner weighs against the match. A place qualifies a branch
    ("Deutsche Bank (Schweiz)") and weighs no more than a generic word. In the query's organisation
    name even a common word ("Shipping" in "North Star Shipping" vs "North Star") names another
    business; a list entry's own extra words ("Guangzhou Haige Communications Group" screened as
    "Haige Guangzhou") are what a customer leaves out, and weigh as they are."""
    if token in PLACES:
        return min(weight, GENERIC_WEIGHT)
    if person or not query or token.isdigit() or token in STOPWORDS:
        return weight
    return max(weight, _LOOSE_ORG_FLOOR) * _QUERY_EXTRA


def beside(form: NameForm, weights: list[float], matched: set[int], series: bool) -> float:
    """The weight of a name's unmatched words that are neither a place ("Faberlic Europe") nor,
    when ``series``, a number."""
    return sum(
        w
        for i, (t, w) in enumerate(zip(form.tokens, weights, strict=True))
        if i not in matched and t not in PLACES and not (series and t.isdigit())
    )


def token_score(a: NameForm, b: NameForm, weights: TokenWeights, person: bool) -> tuple[float, str]:
    wa = [weights.weight(t) for t in a.tokens]
    wb = [weights.weight(t) for t in b.tokens]
    pairs = align(a, b, person)
    pair_min = _CREDIT_FLOOR if a.foreign or b.foreign else _PAIR_MIN
    pairs = [p for p in pairs if p[2] >= pair_min]
    earned = sum((wa[i] + wb[j]) * credit(s, person) for i, j, s in pairs)
    matched_a = {i for i, _, _ in pairs}
    matched_b = {j for _, j, _ in pairs}
    # A query read from another script has words its translation added ("science and technology").
    query = not a.foreign
    loose_a = sum(loose_weight(w, a.tokens[i], person, query) for i, w in enumerate(wa) if i not in matched_a)
    loose_b = sum(loose_weight(w, b.tokens[j], person, False) for j, w in enumerate(wb) if j not in matched_b)
    # Unmatched weight on both sides is a replaced word (a conflict); the rest is an extra word.
    # Numbers (a series, a vintage: "Fund IV", "Trust 2004-1") never count as a conflict, only as extra.
    digits_a = sum(w for i, w in enumerate(wa) if i not in matched_a and a.tokens[i].isdigit())
    digits_b = sum(w for j, w in enumerate(wb) if j not in matched_b and b.tokens[j].isdigit())
    conflict = min(loose_a - digits_a, loose_b - digits_b)
    extra = loose_a + loose_b - 2 * conflict
    extra_factor = _EXTRA_TOKEN_FACTOR if person else _EXTRA_ORG_TOKEN_FACTOR
    total = sum((wa[i] + wb[j]) for i, j, _ in pairs) + 2 * conflict * _CONFLICT_FACTOR + extra * extra_factor
    if total <= 0:
        return 0.0, "no identifying words"
    words = ", ".join(f"{a.tokens[i]}~{b.tokens[j]} {s:.2f}" for i, j, s in sorted(pairs))
    unmatched = [t for i, t in enumerate(a.tokens) if i not in matched_a] + [
        t for j, t in enumerate(b.tokens) if j not in matched_b
    ]
    detail = words + (f"; unmatched: {' '.join(unmatched)}" if unmatched else "")
    score = earned / total
    # A telling pair: alike, and a rare word on one side; a generic word near another ("Service" /
    # "Aservice") tells nothing unless it is the same word.
    telling = [
        (i, j)
        for i, j, s in pairs
        if s >= 0.8
        and max(wa[i], wb[j]) >= 0.5
        and (a.tokens[i] == b.tokens[j] or not {a.tokens[i], b.tokens[j]} & GENERIC)
        and not _shortened(a.tokens[i], b.tokens[j])
    ]
    series = len(pairs) > 1  # a number beside several shared words is a series: "Capital Trust 1" / "2"
    numbers = sum(a.tokens[i].isdigit() for i, _, _ in pairs)
    if not telling and 0 < len(pairs) - numbers <= 1 and set(a.tokens) != set(b.tokens):
        # One generic word shared, numbers aside ("Technology" in "Tech srl" and "Technology 5", "A One
        # Industries" and "Indus 1"): never a match by itself.
        score *= _GENERIC_ONLY_FACTOR
        detail += "; only generic words shared"
    elif (
        not person
        and len(telling) == 1
        and max(beside(a, wa, matched_a, series), beside(b, wb, matched_b, series)) > 0.2
    ):
        # One telling word shared and more words (not a series number) beside it: "Horizon Steel" is
        # not "Horizon", but "Citigroup Capital Trust 1" and "... Trust 2" are one family.
        score *= _ONE_WORD_FACTOR
        detail += "; only one telling word shared"
    if person and patronym_flipped(a, b, pairs):
        score -= _PATRONYM_FLIP
        detail += FLIPPED
    return score, detail


def _sides(form: NameForm) -> tuple[int, int] | None:
    """Index of the first patronymic particle, and the token count: names before it are the
    person's own, names after it the father's."""
    for k, tok in enumerate(form.tokens):
        if tok in PATRONYMIC and 0 < k < len(form.tokens) - 1:
            return k, len(form.tokens)
    return None


def patronym_flipped(a: NameForm, b: NameForm, pairs: list[tuple[int, int, float]]) -> bool:
    """True when a name before "bin" in one aligns with a name after "bin" in the other."""
    sa, sb = _sides(a), _sides(b)
    if sa is None or sb is None:
        return False
    return any((i < sa[0]) != (j < sb[0]) for i, j, s in pairs if s >= 0.8 and i != sa[0] and j != sb[0])


def compact_score(a: NameForm, b: NameForm) -> float:
    """Similarity of the names with spaces removed, in order and with words sorted."""
    joined = Levenshtein.normalized_similarity(a.text.replace(" ", ""), b.text.replace(" ", ""))
    ordered = Levenshtein.normalized_similarity("".join(sorted(a.tokens)), "".join(sorted(b.tokens)))
    sound = Levenshtein.normalized_similarity("".join(a.keys), "".join(b.keys)) * 0.97
    best = max(joined, ordered, sound)
    if a.loose or b.loose:
        consonants = Levenshtein.normalized_similarity(
            "".join(skeleton(t) for t in a.tokens), "".join(skeleton(t) for t in b.tokens)
        )
        best = max(best, consonants * _CONSONANTS)
    return best


def _run_together(a: NameForm, b: NameForm) -> bool:
    """Whether the names could be one spelling with words run together or split: they have unlike
    word counts, and a word of the one with fewer is not written as such in the other ("Jongun" /
    "Jong Un"). When every word of it is in the other, the other only has more words
    ("Energy Technology" / "SZ Energy Technology"): the word scores say so."""
    if len(a.tokens) == len(b.tokens):
        return False
    fewer, more = (a, b) if len(a.tokens) < len(b.tokens) else (b, a)
    return not set(fewer.tokens) <= set(more.tokens)


def form_similarity(a: NameForm, b: NameForm, weights: TokenWeights, person: bool) -> tuple[float, Explanation]:
    """The similarity of two spellings, and its parts."""
    score, detail = token_score(a, b, weights, person)
    explanation: Explanation = [("name", score, f"'{a.text}' vs '{b.text}': {detail}")]
    compact = compact_score(a, b) if _run_together(a, b) else 0.0
    if compact >= 0.9 and compact * 0.97 > score and FLIPPED not in detail:
        explanation.append(("joined-spelling", compact * 0.97 - score, f"written together {compact:.2f} alike"))
        score = compact * 0.97
    if not person:
        relation = compare_forms(a.forms, b.forms)
        if relation == "differ":
            explanation.append(("legal-form", _FORM_DIFFERS, f"{'/'.join(a.forms)} vs {'/'.join(b.forms)}"))
            score += _FORM_DIFFERS
        elif relation in ("same", "family"):
            explanation.append(("legal-form", 0.0, f"{relation}: {'/'.join(a.forms)} vs {'/'.join(b.forms)}"))
    return max(0.0, min(1.0, score)), explanation


def _syllables(text: str) -> str:
    return "".join(ch for ch in text if has_han(ch) or has_hangul(ch) or has_kana(ch))


def syllable_similarity(a: str, b: str) -> float | None:
    """Similarity of two names both written in a syllabic script (Han, Hangul, kana), sign by sign.

    One sign is one syllable there, and homophones abound: 石 and 市 both read "shi", so the Latin
    spellings agree while the names differ. None unless both names are written that way.
    """
    if a.isascii() or b.isascii():
        return None
    sa, sb = _syllables(a), _syllables(b)
    if not sa or not sb or len(sa) * 2 < len(a.replace(" ", "")) or len(sb) * 2 < len(b.replace(" ", "")):
        return None
    return float(Levenshtein.normalized_similarity(sa, sb))


def best_similarity(
    query: tuple[NameForm, ...],
    candidate: tuple[NameForm, ...],
    weights: TokenWeights,
    person: bool,
    raw: tuple[str, str] | None = None,
) -> tuple[float, Explanation]:
    """The best similarity over every pair of spellings; ``raw`` (the names as written) lets names
    written in the same syllabic script be compared sign by sign."""
    best: tuple[float, Explanation] = (0.0, [("name", 0.0, "no comparable spelling")])
    script = script_of(raw[0]) if person and raw is not None else None
    for a in query:
        for b in candidate:
            result = form_similarity(a, b, weights, person)
            if script is not None:  # a person's name read from another script
                result = person_gate(script, a, b, result)
            if result[0] > best[0]:
                best = result
                if result[0] >= 1.0:
                    break
    # People's names only: organisation names differ in legal-form signs (有限公司) too.
    signs = syllable_similarity(*raw) if raw is not None and person else None
    if signs is not None:
        signs = signs**2  # one sign in three or four differs: another person
    if signs is not None and signs < best[0]:
        cap = ("same-script", signs - best[0], f"written in the same syllabic script, {signs:.2f} of signs alike")
        best = (signs, [*best[1], cap])
    return best


def compare_names(
    a: str, b: str, schema: Schema = Schema.ORGANIZATION, weights: TokenWeights | None = None
) -> tuple[float, Explanation]:
    """Pairwise name similarity in [0, 1] with its explanation; no list frequencies needed."""
    person = schema == Schema.PERSON
    return best_similarity(prepare(a, schema), prepare(b, schema), weights or DEFAULT_WEIGHTS, person, (a, b))
