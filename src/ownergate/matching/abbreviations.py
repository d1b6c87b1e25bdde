"""Common abbreviations in organisation names, expanded to the word lists print, plus the general
rule for abbreviations no table names: a short token whose letters appear in order in a longer
word with the same first letter ("hldgs" in "holdings", "srvces" in "services").
"""

from __future__ import annotations

EXPANSIONS: dict[str, str] = {
    "grp": "group", "gp": "group", "comm": "communications", "comms": "communications",
    "commun": "communications", "telecom": "telecommunications", "tech": "technology", "techn": "technology",
    "technol": "technology", "srvces": "services", "svcs": "services", "svc": "service", "serv": "services",
    "intl": "international", "intnl": "international", "int": "international", "mfg": "manufacturing",
    "mfr": "manufacturer", "elec": "electronics", "electr": "electronics", "sci": "science", "univ": "university",
    "inst": "institute", "natl": "national", "nat": "national", "assn": "association", "assoc": "associates",
    "dept": "department", "dev": "development", "devt": "development", "eng": "engineering",
    "engg": "engineering", "ind": "industries", "inds": "industries", "indus": "industrial",
    "hldgs": "holdings", "hldg": "holding", "hold": "holding", "mgmt": "management", "mgt": "management",
    "invest": "investment", "invt": "investment", "sys": "systems", "acad": "academy", "res": "research",
    "ctr": "center", "cntr": "center", "centre": "center", "bros": "brothers", "equip": "equipment",
    "petrol": "petroleum", "chem": "chemical", "pharm": "pharmaceutical", "pharma": "pharmaceutical",
    "gen": "general", "govt": "government", "mil": "military", "aviat": "aviation", "mach": "machinery",
    "machy": "machinery", "shpg": "shipping", "trdg": "trading", "constr": "construction",
    "prod": "products", "prods": "products", "tr": "trading", "imp": "import", "exp": "export",
    "organisation": "organization", "defence": "defense", "programme": "program", "nav": "navigation",
    "aero": "aeronautics", "auto": "automotive", "elect": "electric", "opt": "optical", "instr": "instrument",
    "fin": "financial", "ins": "insurance", "mktg": "marketing", "dist": "distribution", "st": "saint",
    "mt": "mount", "ft": "fort", "bk": "bank",
}  # fmt: skip


def expand(token: str) -> str:
    return EXPANSIONS.get(token, token)


def is_abbreviation(short: str, long: str) -> bool:
    """True when ``short`` abbreviates ``long``: same first letter, its letters in order, and shorter.

    Both must be alphabetic and the short form at least four letters (shorter ones only from the table).
    """
    if len(short) < 4 or len(short) >= len(long) or short[0] != long[0] or not short.isalpha():
        return False
    if sum(ch in "aeiou" for ch in short) > 1 and not long.startswith(short):
        return False  # abbreviations drop vowels ("hldgs") or cut the word short ("intl", "tech")
    if len(short) < 0.3 * len(long):
        return False  # "smart" is not short for "samaraneftegeofizika"
    if long.startswith(short) and len(long) < len(short) + 3:
        return False  # a word cut short loses more than an ending: "apex" is not short for "apexis"
    if not long.startswith(short) and short[1] in "aeiou":
        return False  # letters dropped go first after the initial: "hldgs", "srvces"; not "mars", "port"
    if len(short) >= 5 and long.startswith(short):
        return False  # a word that begins another ("smart" / "smartcom", "black" / "blackburns")
    if short[1] not in long[1:3]:
        return False  # abbreviations keep the word's start: "hldgs", "srvces", "intl"; not "csoft"
    if short[-1] in "aeiouy":
        return False  # a word cut short ends on a consonant: "bai" is not short for "baikal"
    if len(short) > 0.75 * len(long):
        return False  # "cita" is not short for "citadel" but another word
    pos = 0
    for ch in short:
        pos = long.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fourty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_TEN_VALUES = (20, 30, 40, 40, 50, 60, 70, 80, 90)
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
NUMBER_WORDS.update(zip(_TENS, _TEN_VALUES, strict=True))
NUMBER_WORDS.update({w: i + 1 for i, w in enumerate(_ORDINALS)})


def numerals(tokens: list[str]) -> list[str]:
    """Number words and ordinals become digits: "forty four" -> "44", "1st" / "first" -> "1"."""
    out: list[str] = []
    for tok in tokens:
        if tok[:-2].isdigit() and tok[-2:] in ("st", "nd", "rd", "th"):
            tok = tok[:-2]
        value = NUMBER_WORDS.get(tok)
        if value is None:
            out.append(tok)
        elif out and value < 10 and out[-1].isdigit() and out[-1].endswith("0") and len(out[-1]) == 2:
            out[-1] = str(int(out[-1]) + value)
        else:
            out.append(str(value))
    return out
