"""Organisation forms made canonical across languages, and recognised as weak evidence.

"Co., Ltd.", "Company Limited", "有限公司" (read through :mod:`ownergate.matching.han`), "LLC",
"OOO"/"ООО", "АО", "JSC", "GmbH", "S.A." ... each become one canonical token. The scorer takes
them out of the name it compares and weighs them separately: two names never match by their
legal form, and a form that differs only nudges the score down.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA
from rigour.names import extract_org_types

# Canonical form -> the spellings (as cleaned tokens) that mean it. Longer phrases win.
_FORMS: dict[str, tuple[str, ...]] = {
    "llc": (
        "llc", "limited liability company", "ooo", "tov", "sp zoo", "spolka z ograniczona odpowiedzialnoscia",
        "obshchestvo s ogranichennoi otvetstvennostiu", "obshchestvo s ogranichennoy otvetstvennostyu",
    ),
    "ltd": (
        "ltd", "ltda", "limited", "co ltd", "company limited", "corp ltd", "limited company", "private limited",
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
    "fze": ("fze", "fzco", "fzc", "fz llc", "free zone establishment", "free zone company"),
    "ano": ("ano", "autonomous non profit organization", "avtonomnaya nekommercheskaya organizatsiya"),
}  # fmt: skip

#: Canonical forms in the same family: different spellings of one kind of company.
FAMILIES: dict[str, str] = {
    **dict.fromkeys(
        ("fze", "llc", "ltd", "gmbh", "srl", "bv", "sro", "kft", "doo", "llp", "lp", "kg", "oy"), "limited"
    ),
    **dict.fromkeys(("jsc", "plc", "ag", "sa", "spa", "nv", "kk", "ab", "as", "se", "pt", "cv"), "stock"),
    "corp": "corporate",
}

#: "Company" / "Co." / "Corporation" alone says only that it is a company: "Huawei Technologies
#: Company" is the same company as "Huawei Technologies Co., Ltd.".
GENERAL_FORM = ("corp",)

_PHRASES: dict[tuple[str, ...], str] = {}
for _canon, _spellings in _FORMS.items():
    for _spelling in _spellings:
        _PHRASES[tuple(_spelling.split())] = _canon
_LONGEST = max(len(p) for p in _PHRASES)
FORM_TOKENS = frozenset(_FORMS)
#: Forms customarily written before the name ("OOO Gazprom", "PT Astra", "LLC Avaland").
PREFIX_FORMS = frozenset(("llc", "jsc", "pt", "cv", "ano"))


#: Every word of a form phrase, and each phrase by its words in any order ("stock joint company").
FORM_WORDS = frozenset(w for p in _PHRASES for w in p)
_UNORDERED: dict[tuple[str, ...], str] = {}
for _phrase, _canon in _PHRASES.items():
    _UNORDERED.setdefault(tuple(sorted(_phrase)), _canon)
_LONG_FORM_WORDS = tuple(w for w in FORM_WORDS if len(w) >= 6)
#: rigour's generic forms (ISO 20275 based) -> the canonical forms here.
_GENERIC = {"llc": "llc", "jsc": "jsc", "lp": "lp", "llp": "llp", "plc": "plc", "gp": "lp", "coop": "coop"}


#: Forms read as forms wherever they stand: spellings that are never a word of a name.
_INSIDE_FORMS = frozenset(
    """fze llc ltd ltda jsc pjsc ojsc cjsc ooo oao zao tov gmbh plc inc corp corporation""".split()  # noqa: SIM905
)


@lru_cache(maxsize=1 << 16)
def _form_word(token: str) -> str:
    """A form word with one or two letters wrong ("comeany", "liabilty") read as that word."""
    if token in FORM_WORDS or len(token) < 6 or not token.isalpha():
        return token
    best = process.extractOne(token, _LONG_FORM_WORDS, scorer=OSA.normalized_similarity, score_cutoff=0.8)
    return str(best[0]) if best is not None else token


@lru_cache(maxsize=1 << 16)
def maintained_forms(text: str) -> dict[str, str]:
    """The legal forms the ISO 20275 based dataset of ``rigour`` finds in ``text`` (cleaned, lower
    case): each matched spelling -> a canonical form here (its generic form when it has one)."""
    specific = dict(extract_org_types(text, generic=False))
    generic = dict(extract_org_types(text, generic=True))
    out: dict[str, str] = {}
    for spelling, compare in specific.items():
        general = generic.get(spelling)
        canon = _PHRASES.get(tuple(compare.split())) or _PHRASES.get(tuple(spelling.split()))
        out[spelling] = canon or _GENERIC.get(general or "", "") or compare.replace(" ", "")
    return out


def _lookup(run: tuple[str, ...], found: dict[str, str]) -> str | None:
    """The canonical form ``run`` spells, in order, in any order, with a typo, or per rigour."""
    canon = _PHRASES.get(run)
    if canon is None and len(run) > 1 and any(t in FORM_WORDS for t in run):
        fixed = tuple(_form_word(t) for t in run)
        canon = _PHRASES.get(fixed) or _UNORDERED.get(tuple(sorted(fixed)))
    if canon is None and len(run) == 1:
        canon = _fuzzy_form(run[0])
    return canon or found.get(" ".join(run))


_LONG_SPELLINGS = {p[0]: c for p, c in _PHRASES.items() if len(p) == 1 and len(p[0]) >= 7}


def _fuzzy_form(token: str) -> str | None:
    """A long single-word form with a typo or cut short ("aktiengeselschaft", "compan")."""
    if len(token) < 6:
        return None
    for spelling, canon in _LONG_SPELLINGS.items():
        if OSA.normalized_similarity(token, spelling) >= 0.85:
            return canon
    return None


def _form_at_end(tokens: tuple[str, ...], found: dict[str, str]) -> tuple[str, int] | None:
    for size in range(min(_LONGEST, len(tokens)), 0, -1):
        canon = _lookup(tokens[len(tokens) - size :], found)
        if canon is not None:
            return canon, size
    return None


def _form_at_start(tokens: tuple[str, ...], found: dict[str, str]) -> tuple[str, int] | None:
    for size in range(min(_LONGEST, len(tokens)), 0, -1):
        run = tokens[:size]
        canon = _lookup(run, found)
        # "OOO Acme", "PT Acme", "LTD LIABILITY CO Acme", "g.m.b.h Siemens"; but "AG Terminal" keeps "AG"
        if canon is not None and (canon in PREFIX_FORMS or sum(map(len, run)) >= 4 or run[0] in _INSIDE_FORMS):
            return canon, size
    return None


def _inside_forms(middle: tuple[str, ...], found: dict[str, str]) -> tuple[tuple[str, ...], list[str]]:
    """The words of ``middle`` that are not a form, and the forms: a word that is only ever a form
    (LLC, FZE), with the form words after it when together they spell one ("LLC FZ")."""
    kept: list[str] = []
    forms: list[str] = []
    i = 0
    while i < len(middle):
        if middle[i] not in _INSIDE_FORMS:
            kept.append(middle[i])
            i += 1
            continue
        size = next(
            n for n in range(min(_LONGEST, len(middle) - i), 0, -1) if n == 1 or _lookup(middle[i : i + n], found)
        )
        forms.append(_lookup(middle[i : i + size], found) or _PHRASES[(middle[i],)])
        i += size
    return tuple(kept), forms


def split_forms(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split tokens into (core name tokens, canonical forms), longest phrase first.

    Forms are taken from the end ("Acme Co., Ltd.") and the start ("OOO Acme", "PT Acme") only:
    "AG Terminal OOO" keeps its "terminal", and "Terminal AG" its name. A form is known from the
    table here in any word order or with a typo in a long word ("Stock Joint Comeany"), or from
    ``rigour``'s ISO 20275 based dataset. A name that is nothing but forms ("Company Limited")
    keeps them as its core.
    """
    found = maintained_forms(" ".join(tokens)) if tokens else {}
    core = tokens
    forms: list[str] = []
    while core and (hit := _form_at_end(core, found)) is not None:
        forms.append(hit[0])
        core = core[: len(core) - hit[1]]
    while core and (hit := _form_at_start(core, found)) is not None:
        forms.append(hit[0])
        core = core[hit[1] :]
    if len(core) > 2:  # a form written inside the name: "Rich Star General LLC Trading", "LLC-FZ"
        middle, inside = _inside_forms(core[1:-1], found)
        if inside:
            forms += inside
            core = (core[0], *middle, core[-1])
    if not core:
        return tokens, ()
    return core, tuple(dict.fromkeys(forms))


def compare_forms(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """'same', 'family' (same kind of company), 'differ', or 'absent' (one side names none)."""
    if not a or not b:
        return "absent"
    if set(a) & set(b):
        return "same"
    if {FAMILIES.get(f, f) for f in a} & {FAMILIES.get(f, f) for f in b} or GENERAL_FORM in (a, b):
        return "family"
    return "differ"
