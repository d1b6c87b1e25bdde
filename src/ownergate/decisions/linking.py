"""Tie customers to nodes of the ownership graph: the id they name, else their identifiers.

An exact identifier is strong evidence: an LEI (whatever scheme name the source used), or a
registration number in the same country of incorporation. A customer whose identifier points at
more than one node is not linked: it becomes a review item, never a silent choice.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ownergate.decisions.customers import Customer
from ownergate.store import Transaction

_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_REGISTRATION_SCHEMES = ("registration", "register", "companynumber", "company number", "ogrn", "uscc")
# org-id.guide register codes: GB-COH (Companies House), FI-PRO, UA-EDR, US-DE ...; XI- are not national.
_ORG_ID = re.compile(r"^([A-Z]{2})-[A-Z0-9]+$")


def normalise_id(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())


def registration_country(scheme: str) -> str | bool | None:
    """False when ``scheme`` is not a company register; else the register's country when the scheme
    names one (``GB-COH`` -> ``GB``), or None."""
    match = _ORG_ID.match(scheme.strip().upper())
    if match and match.group(1) != "XI":
        return match.group(1)
    lowered = scheme.lower()
    return None if any(s in lowered for s in _REGISTRATION_SCHEMES) else False


@dataclass(frozen=True, slots=True)
class Link:
    node_id: str | None  # None when the identifier was ambiguous
    how: str  # "lei", "registration"
    candidates: tuple[str, ...]  # every node the identifier named


def link_customers(tx: Transaction, customers: Sequence[Customer], known_nodes: set[str]) -> dict[str, Link]:
    """Links for customers that do not already name a known node, by LEI then registration number."""
    wanted = [
        c for c in customers if not (c.entity_id and c.entity_id in known_nodes) and (c.lei or c.registration_number)
    ]
    if not wanted:
        return {}
    leis: dict[str, list[str]] = defaultdict(list)
    registrations: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for node_id, identifiers, country in tx.iterate(
        "SELECT id, identifiers, incorporation_country FROM ownership_entities WHERE identifiers <> '{}'"
    ):
        for scheme, value in json.loads(identifiers).items():
            norm = normalise_id(str(value))
            register = registration_country(scheme)
            if _LEI.match(norm) and "lei" in scheme.lower():
                leis[norm].append(node_id)
            elif register is not False and norm:
                registrations[norm].append((node_id, register if isinstance(register, str) else country))
    links: dict[str, Link] = {}
    for c in wanted:
        found: list[str] = []
        how = ""
        if c.lei:
            found, how = sorted(set(leis.get(normalise_id(c.lei), []))), "lei"
        if not found and c.registration_number:
            matches = registrations.get(normalise_id(c.registration_number), [])
            found = sorted(
                {n for n, country in matches if country is None or c.country is None or country == c.country}
            )
            how = "registration"
        if found:
            links[c.id] = Link(found[0] if len(found) == 1 else None, how, tuple(found))
    return links
