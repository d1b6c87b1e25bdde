"""OFAC's free-text remarks, read into aliases, identifiers, countries and birth dates.

The remarks field of ``sdn.csv`` / ``cons_prim.csv`` is a ``;``-separated run of clauses such as
``a.k.a. 'BNC'``, ``DOB 25 Mar 1973``, ``nationality Russia``, ``Tax ID No. 7707083893 (Russia)``,
``Website www.example.com``. Clauses we do not understand stay in the raw record only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Identifier
from ownergate.sources.text import country_code, script_of

# Remark label (lower case, without "alt. ") -> identifier kind.
IDENTIFIER_LABELS = {
    "registration number": "registration",
    "registration id": "registration",
    "business registration number": "registration",
    "company number": "registration",
    "commercial registry number": "registration",
    "c.r. no.": "registration",
    "government gazette number": "registration",
    "folio mercantil no.": "registration",
    "matricula mercantil no": "registration",
    "unified social credit code (uscc)": "registration",
    "tax id no.": "tax",
    "ruc #": "tax",
    "nit #": "tax",
    "legal entity number": "lei",
    "swift/bic": "swift",
    "vessel registration identification imo": "imo",
    "identification number imo": "imo",
    "imo": "imo",
    "mmsi": "mmsi",
    "passport": "passport",
    "national id no.": "national_id",
    "cedula no.": "national_id",
    "identification number": "national_id",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "aircraft construction number (also called l/n or s/n or f/n)": "aircraft_serial",
    "aircraft tail number": "aircraft_tail",
}
_LABEL = re.compile(
    r"^(?:alt\. )?(" + "|".join(re.escape(k) for k in sorted(IDENTIFIER_LABELS, key=len, reverse=True)) + r")\s+(.+)$",
    re.IGNORECASE,
)
_ALIAS = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+['\"](.+?)['\"]?$", re.IGNORECASE)
_TRAILING_COUNTRY = re.compile(r"^(.*\S)\s+\(([^()]+)\)$")
_DOB = re.compile(r"^(?:alt\. )?DOB\s+(?:circa\s+)?(.+)$", re.IGNORECASE)
_NATIONALITY = re.compile(r"^(?:alt\. )?(nationality|citizen)\s+(.+)$", re.IGNORECASE)


@dataclass(slots=True)
class Remarks:
    aliases: list[Alias] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)


@lru_cache(maxsize=65536)
def iso_partial_date(value: str) -> str:
    """``25 Mar 1973`` -> ``1973-03-25``; ``Mar 1973`` -> ``1973-03``; a year stays a year."""
    value = value.strip(" .")
    for fmt, out in (("%d %b %Y", "%Y-%m-%d"), ("%b %Y", "%Y-%m"), ("%Y", "%Y")):
        try:
            return datetime.strptime(value, fmt).strftime(out)
        except ValueError:
            continue
    return value


def parse_remarks(remarks: str) -> Remarks:
    out = Remarks()
    for clause in remarks.split(";"):
        clause = " ".join(clause.split()).strip().rstrip(".").strip()
        if not clause:
            continue
        if match := _ALIAS.match(clause):
            name = match.group(2).strip("'\" ")
            if name:
                kind = AliasKind.FKA if match.group(1).lower().startswith("f") else AliasKind.WEAK
                out.aliases.append(Alias(name, kind, script_of(name)))
        elif match := _DOB.match(clause):
            out.birth_dates.append(iso_partial_date(match.group(1)))
        elif match := _NATIONALITY.match(clause):
            code = country_code(match.group(2))
            if code:
                role = CountryRole.NATIONALITY if match.group(1).lower() == "nationality" else CountryRole.CITIZENSHIP
                out.countries.append(Country(code, role))
        elif match := _LABEL.match(clause):
            id_kind = IDENTIFIER_LABELS[match.group(1).lower()]
            value, country = match.group(2).strip(), None
            if trailing := _TRAILING_COUNTRY.match(value):
                code = country_code(trailing.group(2))
                if code:
                    value, country = trailing.group(1), code
            out.identifiers.append(Identifier(id_kind, value, country))
    return out
