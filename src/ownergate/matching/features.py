"""Evidence beyond the name: identifiers, country, schema and date of birth, each a small function
returning its contribution to the score and the reason, so the explanation falls out of the list.

An exact identifier (LEI, registration, IMO number, website or e-mail domain) is strong evidence of
its own; a country or date of birth that agrees nudges the score up and one that conflicts pulls it
down; screening a person against an organisation (or the reverse) pulls it down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pycountry

from ownergate.errors import InputError
from ownergate.sources.model import Entry, Identifier, Schema

IDENTIFIER_SCORE = 0.97  # the least score an exact identifier match gives
COUNTRY_AGREES = 0.03
COUNTRY_CONFLICTS = -0.06
SCHEMA_CONFLICTS = -0.25
BIRTH_YEAR_AGREES = 0.03
BIRTH_YEAR_CONFLICTS = -0.2

Contribution = tuple[str, float, str]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DOMAIN_KINDS = ("website", "email", "domain", "url")


def identifier_key(ident: Identifier) -> str | None:
    """A comparable key: kind family and value without spaces, dashes and case; domains bare."""
    value = ident.value.strip().lower()
    kind = ident.kind.strip().lower()
    if kind in _DOMAIN_KINDS:
        value = value.rsplit("@", 1)[-1]
        value = re.sub(r"^[a-z]+://", "", value).split("/", 1)[0].split(":", 1)[0]
        value = value.removeprefix("www.")
        return f"domain:{value}" if "." in value else None
    value = _NON_ALNUM.sub("", value)
    if kind == "imo":
        value = value.removeprefix("imo")
    if len(value) < 4:
        return None  # too short to be telling on its own
    return f"{kind}:{value}"


def identifier_keys(identifiers: Iterable[Identifier]) -> set[str]:
    return {k for k in (identifier_key(i) for i in identifiers) if k is not None}


def check_country(code: str | None) -> str | None:
    """Upper-case ISO 3166-1 alpha-2 code, or an :class:`InputError` naming the bad value."""
    if code is None or code.strip() == "":
        return None
    code = code.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise InputError(f"country {code!r} is not an ISO 3166-1 alpha-2 code")
    return code


def identifier_feature(query: set[str], entry: Entry, score: float) -> Contribution | None:
    shared = query & identifier_keys(entry.identifiers)
    if not shared:
        return None
    lift = max(0.0, IDENTIFIER_SCORE - score)
    return ("identifier", lift, "same " + ", ".join(sorted(shared)))


def country_feature(country: str | None, entry: Entry) -> Contribution | None:
    if country is None or not entry.countries:
        return None
    codes = sorted({c.code.upper() for c in entry.countries})
    if country in codes:
        return ("country", COUNTRY_AGREES, f"{country} agrees")
    return ("country", COUNTRY_CONFLICTS, f"{country} vs {', '.join(codes)}")


def schema_feature(schema: Schema, entry: Entry) -> Contribution | None:
    if (schema == Schema.PERSON) == (entry.schema == Schema.PERSON):
        return None
    return ("schema", SCHEMA_CONFLICTS, f"screening a {schema.value}, entry is a {entry.schema.value}")


def birth_feature(birth_date: str | None, entry: Entry) -> Contribution | None:
    if not birth_date or not entry.birth_dates:
        return None
    year = birth_date.strip()[:4]
    years = sorted({d.strip()[:4] for d in entry.birth_dates if d.strip()[:4].isdigit()})
    if not year.isdigit() or not years:
        return None
    if year in years:
        return ("birth-date", BIRTH_YEAR_AGREES, f"born {year}")
    return ("birth-date", BIRTH_YEAR_CONFLICTS, f"born {year} vs {', '.join(years)}")


def qualify(
    entry: Entry,
    score: float,
    *,
    schema: Schema,
    country: str | None,
    identifiers: set[str],
    birth_date: str | None,
) -> list[Contribution]:
    """Every feature beyond the name that applies to ``entry``, in a fixed order."""
    found: Sequence[Contribution | None] = (
        identifier_feature(identifiers, entry, score),
        country_feature(country, entry),
        schema_feature(schema, entry),
        birth_feature(birth_date, entry) if schema == Schema.PERSON else None,
    )
    return [c for c in found if c is not None]
