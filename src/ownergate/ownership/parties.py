"""Parties and their countries, as the country rules read them.

A company's, state's or party of unstated kind's country is its headquarters, else its
incorporation country; an arrangement (a joint holding) has none of its own. A person's countries
are its nationality and residence as :class:`PersonCountry` says; a declared owner that gives one
country has it for both. A party with no country the setting can read is of *unknown* country.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from ownergate.ownership.graph import BoolArray, NodeKind, OwnershipGraph


class PersonCountry(StrEnum):
    """Which of a person's countries make the person a party of that country."""

    EITHER = "nationality-or-residence"  # either one in an unsupported region counts
    NATIONALITY = "nationality"
    RESIDENCE = "residence"
    IGNORED = "ignored"  # persons are never seeds by country


def party_countries(graph: OwnershipGraph, i: int, persons: PersonCountry) -> list[tuple[str, str]]:
    """A party's countries with the fact each comes from: ``[("HQ", "CN")]``, ``[("incorporated in", "CN")]``,
    ``[("nationality", "RU"), ("residence", "GB")]``; empty when unknown."""
    kind = graph.node_kind[i] if graph.node_kind is not None else None
    hq, inc = graph.hq(i), graph.incorporation(i)
    if kind == NodeKind.PERSON:
        if persons is PersonCountry.IGNORED:
            return []
        found = []
        if persons is not PersonCountry.RESIDENCE and i in graph.nationality:
            found.append(("nationality", graph.nationality[i]))
        if persons is not PersonCountry.NATIONALITY and i in graph.residence:
            found.append(("residence", graph.residence[i]))
        if not found and (hq or inc):  # a declared owner gives one country
            found.append(("country", str(hq or inc)))
        return found
    if hq:
        return [("HQ", hq)]
    if inc:
        return [("incorporated in (no HQ recorded)", inc)]
    return []


def node_countries(graph: OwnershipGraph, persons: PersonCountry) -> tuple[npt.NDArray[np.int16], BoolArray]:
    """Each party's country codes as rows of ``graph.country_codes`` positions (0: none), and which parties
    have no country at all. Companies, states and parties of unstated kind: headquarters, else
    incorporation; an arrangement (a joint holding) has no country of its own, its members do.
    Persons: nationality and/or residence as ``persons`` says (a declared owner's one country when
    neither is recorded)."""
    arrangement = graph.kind_mask(NodeKind.ARRANGEMENT)  # an arrangement is its members
    company = np.where(arrangement, 0, np.where(graph.hq_code > 0, graph.hq_code, graph.inc_code))
    codes = np.zeros((2, graph.n), np.int16)
    codes[0] = company
    person_idx = _persons(graph)
    unknown = (company == 0) & ~arrangement
    if person_idx.size:
        codes[0, person_idx] = 0
        lookup = {c: k for k, c in enumerate(graph.country_codes)}
        for row, (attr, skip) in enumerate(
            (("nationality", PersonCountry.RESIDENCE), ("residence", PersonCountry.NATIONALITY))
        ):
            if persons is skip or persons is PersonCountry.IGNORED:
                continue
            values: dict[int, str] = getattr(graph, attr)
            for i in person_idx.tolist():
                code = values.get(i)
                if code:
                    codes[row, i] = lookup.get(code.strip().upper(), _add_code(graph, lookup, code))
        nat_missing, res_missing = codes[0, person_idx] == 0, codes[1, person_idx] == 0
        none = nat_missing & res_missing
        declared = none & (company[person_idx] > 0)  # a declared owner's one country stands for both
        codes[0, person_idx] = np.where(none, company[person_idx], codes[0, person_idx])
        # either country could make the person a party of an unsupported region: either one missing is unknown
        missing = (nat_missing | res_missing) if persons is PersonCountry.EITHER else none
        unknown[person_idx] = missing & ~declared
        if persons is PersonCountry.IGNORED:
            codes[:, person_idx] = 0
            unknown[person_idx] = False
    return codes, unknown


def _add_code(graph: OwnershipGraph, lookup: dict[str, int], code: str) -> int:
    norm = code.strip().upper()
    if norm not in lookup:
        lookup[norm] = len(graph.country_codes)
        graph.country_codes.append(norm)
    return lookup[norm]


def _persons(graph: OwnershipGraph) -> npt.NDArray[np.int64]:
    return np.flatnonzero(graph.kind_mask(NodeKind.PERSON))


def states(graph: OwnershipGraph) -> BoolArray:
    return graph.kind_mask(NodeKind.STATE)


def state_seeds(graph: OwnershipGraph, countries: frozenset[str], nodes: list[int] | None = None) -> BoolArray:
    """Which of ``nodes`` (default: all) are states or state bodies of ``countries``."""
    idx = np.arange(graph.n) if nodes is None else np.array(nodes, np.int64)
    found = states(graph)[idx]
    if not found.any():
        return found
    own = np.where(graph.hq_code > 0, graph.hq_code, graph.inc_code)[idx]
    codes = [k for k, c in enumerate(graph.country_codes) if c and c.split("-")[0] in countries]
    return found & np.isin(own, np.array(codes, np.int16)) if codes else np.zeros(len(idx), np.bool_)
