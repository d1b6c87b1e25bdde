"""Organisation forms made canonical across languages, and recognised as weak evidence.

"Co., Ltd.", "Company Limited", "有限公司" (read through :mod:`ownergate.matching.han`), "LLC",
"OOO"/"ООО", "АО", "JSC", "GmbH", "S.A." ... each become one canonical token. The scorer takes
them out of the name it compares and weighs them separately: two names never match by their
legal form, and a form that differs only nudges the score down.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

# Canonical form -> the spellings (as cleaned tokens) that mean it. Longer phrases win.
_FORMS: dict[str, tuple[str, ...]] = {
    "llc": (
        "llc", "limited liability company", "ooo", "tov", "sp zoo", "spolka z ograniczona odpowiedzialnoscia",
        "obshchestvo s ogranichennoi otvetstvennostiu", "obshchestvo s ogranichennoy otvetstvennostyu",
    ),
    "ltd": (
        "ltd", "limited", "co ltd", "company limited", "corp ltd", "limited company", "private limited",
        "pte ltd", "pty ltd", "pvt ltd", "sdn bhd", "bhd", "pte", "pty", "company ltd", "co limited",
    ),
    "jsc": (
        "jsc", "joint stock company", "open joint stock company", "closed joint stock company",
        "public joint stock company", "private joint stock company", "ojsc", "cjsc", "pjsc", "oao", "zao",
        "pao", "ao", "jsc co", "joint stock co", "aktsionernoe obshchestvo", "publichnoe aktsionernoe obshchestvo",
        "otkrytoe aktsionernoe obshchestvo", "zakrytoe aktsionernoe obshchestvo", "co ltd jsc",
    ),
    "corp": ("corp", "corporation", "inc", "incorporated", "co", "company", "cos", "companies"),
    "plc": ("plc", "public limited company"),
    "gmbh": ("gmbh", "gesellschaft mit beschrankter haftung"),
    "ag": ("ag", "aktiengesellschaft"),
    "sa": ("sa", "societe anonyme", "sociedad anonima", "sa de cv", "sab de cv", "saic", "saa", "sas"),
    "srl": ("srl", "sarl", "societatea cu raspundere limitata", "societe a responsabilite limitee", "sprl"),
    "spa": ("spa", "societa per azioni"),
    "bv": ("bv", "besloten vennootschap"),
    "nv": ("nv", "naamloze vennootschap"),
    "llp": ("llp", "limited liability partnership"),
    "lp": ("lp", "limited partnership"),
    "kg": ("kg", "kommanditgesellschaft", "gmbh and co kg"),
    "kk": ("kk", "kabushiki kaisha", "kabushikigaisha"),
    "ab": ("ab", "aktiebolag"),
    "as": ("as", "asa", "a s"),
    "oy": ("oy", "oyj"),
    "se": ("se",),
    "kft": ("kft", "zrt", "nyrt", "rt"),
    "sro": ("sro", "as sro"),
    "doo": ("doo", "dd", "ad", "ood", "eood"),
    "pt": ("pt", "tbk", "pt tbk"),
    "cv": ("cv",),
    "ano": ("ano", "autonomous non profit organization", "avtonomnaya nekommercheskaya organizatsiya"),
}  # fmt: skip

#: Canonical forms in the same family: different spellings of one kind of company.
FAMILIES: dict[str, str] = {
    **dict.fromkeys(("llc", "ltd", "gmbh", "srl", "bv", "sro", "kft", "doo", "llp", "lp", "kg", "oy"), "limited"),
    **dict.fromkeys(("jsc", "plc", "ag", "sa", "spa", "nv", "kk", "ab", "as", "se", "pt", "cv"), "stock"),
    "corp": "corporate",
}

_PHRASES: dict[tuple[str, ...], str] = {}
for _canon, _spellings in _FORMS.items():
    for _spelling in _spellings:
        _PHRASES[tuple(_spelling.split())] = _canon
_LONGEST = max(len(p) for p in _PHRASES)
FORM_TOKENS = frozenset(_FORMS)
#: Forms customarily written before the name ("OOO Gazprom", "PT Astra", "LLC Avaland").
PREFIX_FORMS = frozenset(("llc", "jsc", "pt", "cv", "ano"))


_LONG_SPELLINGS = {p[0]: c for p, c in _PHRASES.items() if len(p) == 1 and len(p[0]) >= 7}


def _fuzzy_form(token: str) -> str | None:
    """A long single-word form with a typo or cut short ("aktiengeselschaft", "compan")."""
    if len(token) < 6:
        return None
    for spelling, canon in _LONG_SPELLINGS.items():
        if Levenshtein.normalized_similarity(token, spelling) >= 0.85:
            return canon
    return None


def _form_at_end(tokens: tuple[str, ...]) -> tuple[str, int] | None:
    for size in range(min(_LONGEST, len(tokens)), 0, -1):
        canon = _PHRASES.get(tokens[len(tokens) - size :])
        if canon is not None:
            return canon, size
    canon = _fuzzy_form(tokens[-1]) if tokens else None
    return (canon, 1) if canon is not None else None


def _form_at_start(tokens: tuple[str, ...]) -> tuple[str, int] | None:
    for size in range(min(_LONGEST, len(tokens)), 0, -1):
        canon = _PHRASES.get(tokens[:size])
        if canon is not None and canon in PREFIX_FORMS:
            return canon, size
    return None


def split_forms(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split tokens into (core name tokens, canonical forms), longest phrase first.

    Forms are taken from the end ("Acme Co., Ltd.") and the start ("OOO Acme", "PT Acme") only:
    "AG Terminal OOO" keeps its "terminal", and "Terminal AG" its name. A name that is nothing but
    forms ("Company Limited") keeps them as its core.
    """
    core = tokens
    forms: list[str] = []
    while core and (found := _form_at_end(core)) is not None:
        forms.append(found[0])
        core = core[: len(core) - found[1]]
    while core and (found := _form_at_start(core)) is not None:
        forms.append(found[0])
        core = core[found[1] :]
    if not core:
        return tokens, ()
    return core, tuple(dict.fromkeys(forms))


def compare_forms(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """'same', 'family' (same kind of company), 'differ', or 'absent' (one side names none)."""
    if not a or not b:
        return "absent"
    if set(a) & set(b):
        return "same"
    if {FAMILIES.get(f) for f in a} & {FAMILIES.get(f) for f in b}:
        return "family"
    return "differ"
