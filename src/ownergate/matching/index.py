"""The screening index: every name and alias of every loaded list, with blocking keys for fast
candidate retrieval, and :meth:`ScreeningIndex.search` that scores and explains the candidates.

Retrieval: each prepared spelling contributes its tokens, their sound keys and character trigrams
as blocking keys. A query adds up, per indexed name, the weights of the keys it shares (one
``numpy.bincount`` over the posting arrays), and only the best few hundred names are scored in full.
Keys that occur in too many names (a legal form, "the") are not used for retrieval at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from ownergate.errors import InputError
from ownergate.matching.explain import Hit, total
from ownergate.matching.features import (
    BIRTH_YEAR_AGREES,
    COUNTRY_AGREES,
    check_country,
    identifier_keys,
    qualify,
)
from ownergate.matching.names import NameForm, prepare
from ownergate.matching.normalise import clean
from ownergate.matching.score import best_similarity
from ownergate.matching.tokens import TokenWeights, skeleton
from ownergate.matching.transliterate import is_latin
from ownergate.sources.model import AliasKind, Entry, Identifier, Schema

#: Hits below this score are not returned unless a lower threshold is asked for. Chosen on the
#: labelled pairs of names/cases.csv (best F1) and checked against the GLEIF false-positive rate.
DEFAULT_THRESHOLD = 0.75
#: How many names retrieval hands to full scoring, at least.
CANDIDATES = 24
#: Retrieval's own similarity (shared key weight, Dice-style) a name needs to be scored in full.
MIN_OVERLAP = 0.3
_MAX_KEY_SHARE = 0.02  # a blocking key in more than this share of names is not used
_MAX_TRIGRAM_SHARE = 0.005  # ... a trigram, in more than this share
_TRIGRAM_WEIGHT = 0.25


def _token_keys(tok: str, key: str, loose: bool, w: float, trigrams: bool = True) -> list[tuple[str, float]]:
    keys = [(f"t:{tok}", w), (f"k:{key}", w * 0.8)]
    if len(tok) > 2 or loose:
        keys.append((f"s:{skeleton(tok)}", w * 0.5))
    if trigrams:
        padded = f"_{tok}_"
        keys.extend((f"g:{padded[i : i + 3]}", _TRIGRAM_WEIGHT * w) for i in range(len(padded) - 2))
    return keys


def _blocking_keys(
    form: NameForm,
    weights: TokenWeights,
    cache: dict[tuple[str, str, bool], list[tuple[str, float]]] | None = None,
    vocabulary: set[str] | None = None,
) -> dict[str, float]:
    """Blocking keys and their weights. With ``vocabulary`` (a query against the index), a token the
    index knows is found by its own keys; only unknown tokens (typos) look up character trigrams."""
    keys: dict[str, float] = {}
    for tok, key in zip(form.tokens, form.keys, strict=True):
        known = vocabulary is not None and tok in vocabulary
        slot = (tok, key, form.loose)
        found = cache.get(slot) if cache is not None and not known else None
        if found is None:
            found = _token_keys(tok, key, form.loose, weights.weight(tok), trigrams=not known)
            if cache is not None and not known and len(cache) < 500_000:
                cache[slot] = found
        for name, w in found:
            if w > keys.get(name, 0.0):
                keys[name] = w
    for left, right in zip(form.tokens, form.tokens[1:], strict=False):
        # words run together or split apart: "good will" / "goodwill"
        keys[f"t:{left}{right}"] = max(keys.get(f"t:{left}{right}", 0.0), 0.8 * weights.weight(left + right))
    return keys


def _mass(keys: dict[str, float]) -> float:
    """The weight of a name's word keys (trigrams left out, as known query words do not use them)."""
    return sum(w for k, w in keys.items() if not k.startswith("g:"))


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
        self.compact = [fs[0].text.replace(" ", "") for fs in forms]
        self.owner = np.asarray(owners, dtype=np.int32)
        if weights is None:
            weights = TokenWeights.from_names({t for f in fs for t in f.tokens} for fs in forms)
        self.weights = weights
        self._keys: dict[tuple[str, str, bool], list[tuple[str, float]]] = {}
        self.vocabulary = {t for fs in forms for f in fs for t in f.tokens}
        self.list_ids = sorted({e.list_id for e in self.entries})
        list_code = {lid: i for i, lid in enumerate(self.list_ids)}
        self.name_list = np.asarray([list_code[self.entries[o].list_id] for o in owners], dtype=np.int16)
        self._build_postings()

    def _build_postings(self) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        mass = np.zeros(len(self.forms))
        for n, prepared in enumerate(self.forms):
            seen: set[str] = set()
            for form in prepared:
                keys = _blocking_keys(form, self.weights, self._keys)
                mass[n] = max(mass[n], _mass(keys))
                for key in keys:
                    if key not in seen:
                        seen.add(key)
                        postings[key].append(n)
        self.mass = mass
        cap = max(50, int(len(self.forms) * _MAX_KEY_SHARE))
        trigram_cap = max(50, int(len(self.forms) * _MAX_TRIGRAM_SHARE))
        self.postings = {
            k: np.asarray(v, dtype=np.int32)
            for k, v in postings.items()
            if len(v) <= (trigram_cap if k.startswith("g:") else cap)
        }

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(
        self, query: tuple[NameForm, ...], allowed: npt.NDArray[np.bool_] | None, count: int, foreign: bool = False
    ) -> list[int]:
        """The indexed names most likely to match, best blocking score first."""
        arrays: list[npt.NDArray[np.int32]] = []
        weights: list[float] = []
        keys: dict[str, float] = {}
        mass = 0.0
        for form in query:
            form_keys = _blocking_keys(form, self.weights, self._keys, self.vocabulary)
            mass = max(mass, _mass(form_keys))
            for key, w in form_keys.items():
                keys[key] = max(keys.get(key, 0.0), w)
        for key, w in keys.items():
            posting = self.postings.get(key)
            if posting is not None:
                arrays.append(posting)
                weights.append(w)
        found: dict[int, float] = {}
        if arrays:
            spread = np.repeat(np.asarray(weights), [len(a) for a in arrays])
            hits, inverse = np.unique(np.concatenate(arrays), return_inverse=True)
            shared = np.bincount(inverse, weights=spread)
            if allowed is not None:
                shared[~allowed[hits]] = 0.0
            overlap = 2.0 * shared / (mass + self.mass[hits])
            keep = overlap >= (MIN_OVERLAP / 4 if foreign else MIN_OVERLAP)
            hits, overlap = hits[keep], overlap[keep]
            if len(hits) > count:
                top = np.argpartition(-overlap, count)[:count]
                hits, overlap = hits[top], overlap[top]
            found = dict(zip(hits.tolist(), overlap.tolist(), strict=True))
        if foreign or not arrays:
            # A name read from another script may share no spelling key with its Latin form:
            # add the names closest by joined spelling (a compiled scan, done only for these).
            for form in query:
                for _, sim, n in process.extract(
                    form.text.replace(" ", ""), self.compact, scorer=fuzz.ratio, limit=20, score_cutoff=50
                ):
                    if allowed is None or allowed[n]:
                        found[n] = max(found.get(n, 0.0), sim / 100.0)
        return sorted(found, key=lambda n: -found[n])

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
        best: dict[int, tuple[float, int, list[tuple[str, float, str]]]] = {}
        person = schema == Schema.PERSON
        foreign = not is_latin(clean(name))
        for n in self.candidates(query, allowed, max(CANDIDATES, limit * 4), foreign) if query else []:
            score, explanation = best_similarity(query, self.forms[n], self.weights, person, (name, self.names[n]))
            owner = int(self.owner[n])
            if owner not in best or score > best[owner][0]:
                best[owner] = (score, n, explanation)
        for key in ident:
            for owner in self.identifiers.get(key, []):
                if owner not in best and (allowed is None or allowed[self._first_name(owner)]):
                    n = self._first_name(owner)
                    best[owner] = (0.0, n, [("name", 0.0, "name not compared: found by identifier")])
        hits = []
        reach = COUNTRY_AGREES + BIRTH_YEAR_AGREES  # the most country and birth date can add
        for owner, (score, n, explanation) in best.items():
            if score + reach < threshold and not ident:
                continue  # nothing beyond the name could lift it over the threshold
            entry = self.entries[owner]
            rows = explanation[:]
            rows += qualify(
                entry, total(rows), schema=schema, country=country, identifiers=ident, birth_date=birth_date
            )
            final = total(rows)
            raw = sum(c for _, c, _ in rows)
            if raw != final:
                rows.append(("bounds", final - raw, "score held within [0, 1]"))
            if final >= threshold and final > 0:
                hits.append(Hit(entry.list_id, entry.entry_id, entry.name, self.names[n], final, rows, entry.schema))
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
