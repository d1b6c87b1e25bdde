"""The screening index: every name and alias of every loaded list, and :meth:`ScreeningIndex.search`
that scores and explains the best of them.

Search is exact: the hits are the true top ``limit`` of the scorer over every name of the lists
asked for, whatever the limit. :mod:`.bound` gives every name an upper bound of its score (one
numpy pass over the vocabulary's posting arrays); names are scored in full in order of that bound,
and search stops when the next bound, plus the most the country and birth date can add, is below
both the threshold and the ``limit``-th best score found.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from ownergate.errors import InputError
from ownergate.matching.bound import Bounds
from ownergate.matching.explain import Hit, total
from ownergate.matching.features import (
    BIRTH_YEAR_AGREES,
    COUNTRY_AGREES,
    check_country,
    identifier_keys,
    qualify,
)
from ownergate.matching.names import NameForm, prepare
from ownergate.matching.score import best_similarity
from ownergate.matching.tokens import TokenWeights
from ownergate.sources.model import AliasKind, Entry, Identifier, Schema
from ownergate.sources.qualifiers import trailing_places

#: Hits below this score are not returned unless a lower threshold is asked for. Chosen on the
#: labelled pairs of names/cases.csv (best F1) and checked against the GLEIF false-positive rate.
DEFAULT_THRESHOLD = 0.75
#: The most the evidence beyond the name (country, birth date) adds to a name score.
REACH = COUNTRY_AGREES + BIRTH_YEAR_AGREES
_SLACK = 1e-9  # the bound is summed in another order than the score
_QUERY_PLACE = -0.02  # a query read without the place written after its name


class ScreeningIndex:
    """Every name of every entry, prepared once; searched by :meth:`search`."""

    def __init__(self, entries: Sequence[Entry], weights: TokenWeights | None = None) -> None:
        """Index ``entries``; ``weights`` (another index's) makes scores agree with that index's."""
        self.entries = list(entries)
        names: list[str] = []
        owners: list[int] = []
        forms: list[tuple[NameForm, ...]] = []
        self.identifiers: dict[str, list[int]] = defaultdict(list)
        for e, entry in enumerate(self.entries):
            for name in dict.fromkeys(
                [entry.name, *(a.name for a in entry.aliases if a.kind != AliasKind.WEAK or len(a.name) > 8)]
            ):
                prepared = prepare(name, entry.schema)
                if prepared:
                    names.append(name)
                    owners.append(e)
                    forms.append(prepared)
            for key in identifier_keys(entry.identifiers):
                self.identifiers[key].append(e)
        self.names = names
        self.forms = forms
        self.owner = np.asarray(owners, dtype=np.int32)
        if weights is None:
            weights = TokenWeights.from_names({t for f in fs for t in f.tokens} for fs in forms)
        self.weights = weights
        self.list_ids = sorted({e.list_id for e in self.entries})
        list_code = {lid: i for i, lid in enumerate(self.list_ids)}
        self.name_list = np.asarray([list_code[self.entries[o].list_id] for o in owners], dtype=np.int16)
        self.bounds = Bounds(forms, weights)
        #: Every place an entry's address names (city, province): what may trail a name.
        self.places = {p.strip().casefold() for e in self.entries for a in e.addresses for p in a.split(",")}

    def __len__(self) -> int:
        return len(self.entries)

    def search(
        self,
        name: str,
        *,
        country: str | None = None,
        schema: Schema = Schema.ORGANIZATION,
        identifiers: Sequence[Identifier] = (),
        birth_date: str | None = None,
        lists: Sequence[str] | None = None,
        limit: int = 10,
        threshold: float | None = None,
    ) -> list[Hit]:
        """Ranked hits for one query, best first, each explained; none below the threshold."""
        if limit < 1:
            raise InputError(f"limit must be at least 1, not {limit}")
        threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        if not 0.0 <= threshold <= 1.0:
            raise InputError(f"threshold must be between 0 and 1, not {threshold}")
        country = check_country(country)
        allowed = self._allowed(lists)
        query = prepare(name, schema)
        ident = identifier_keys(identifiers)
        person = schema == Schema.PERSON
        found: dict[int, tuple[float, Hit]] = {}  # owner -> (final score, hit)
        named: dict[int, float] = {}  # owner -> its best name score so far
        floor = threshold

        def consider(owner: int, n: int, score: float, explanation: list[tuple[str, float, str]]) -> None:
            nonlocal floor
            if owner in named and named[owner] >= score:
                return
            named[owner] = score
            entry = self.entries[owner]
            rows = explanation[:]
            rows += qualify(
                entry, total(rows), schema=schema, country=country, identifiers=ident, birth_date=birth_date
            )
            final = total(rows)
            raw = sum(c for _, c, _ in rows)
            if raw != final:
                rows.append(("bounds", final - raw, "score held within [0, 1]"))
            hit = Hit(entry.list_id, entry.entry_id, entry.name, self.names[n], final, rows, entry.schema)
            if owner not in found or final > found[owner][0]:
                found[owner] = (final, hit)
            if len(found) >= limit and final > floor:
                floor = max(threshold, heapq.nlargest(limit, (f for f, _ in found.values()))[-1])

        for key in ident:
            for owner in self.identifiers.get(key, []):
                n = self._first_name(owner)
                if allowed is None or allowed[n]:
                    consider(owner, n, 0.0, [("name", 0.0, "name not compared: found by identifier")])
        spellings: list[tuple[str, tuple[NameForm, ...], float, list[tuple[str, float, str]]]] = []
        if query:
            spellings.append((name, query, 0.0, []))
        bare, places = trailing_places(name, self.places)
        if places and (bare_query := prepare(bare, schema)):
            # "Nord Gold PLC, Moscow": the customer wrote where it is; read the name without it too.
            row = ("query-place", _QUERY_PLACE, f"read without the place {', '.join(places)!r}")
            spellings.append((bare, bare_query, _QUERY_PLACE, [row]))
        for raw, forms, cost, rows in spellings:
            need = threshold - REACH - cost - 2 * _SLACK  # less than this, a name cannot be a hit
            bound = self.bounds.bound(forms, self.weights, person, need) + REACH + cost + _SLACK
            if allowed is not None:
                bound[~allowed] = -1.0
            reachable = np.flatnonzero(bound >= threshold)
            for n in reachable[np.argsort(-bound[reachable], kind="stable")].tolist():
                if bound[n] < floor:
                    break  # no name left can beat the hits found, or reach the threshold
                score, explanation = best_similarity(forms, self.forms[n], self.weights, person, (raw, self.names[n]))
                consider(int(self.owner[n]), n, score + cost, explanation + rows)
        hits = [hit for final, hit in found.values() if final >= threshold and final > 0]
        hits.sort(key=lambda h: (-h.score, h.list_id, h.entry_id))
        return hits[:limit]

    def _first_name(self, owner: int) -> int:
        return int(np.searchsorted(self.owner, owner))

    def _allowed(self, lists: Sequence[str] | None) -> npt.NDArray[np.bool_] | None:
        if lists is None:
            return None
        unknown = sorted(set(lists) - set(self.list_ids))
        if unknown:
            raise InputError(f"no loaded list is called {', '.join(unknown)} (loaded: {', '.join(self.list_ids)})")
        codes = [self.list_ids.index(lid) for lid in lists]
        mask: npt.NDArray[np.bool_] = np.isin(self.name_list, codes)
        return mask


def build_index(entries: Iterable[Entry]) -> ScreeningIndex:
    """An index over every name and alias of ``entries``."""
    return ScreeningIndex(list(entries))
