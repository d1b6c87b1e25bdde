"""Search is exact: the hits are the true top of the scorer over every name of the lists asked for,
whatever ``limit``; checked against a brute-force scan with the same scorer over a real list."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownergate.matching.explain import total
from ownergate.matching.features import qualify
from ownergate.matching.index import _QUERY_PLACE, REACH, ScreeningIndex, build_index
from ownergate.matching.names import prepare
from ownergate.matching.score import best_similarity
from ownergate.sources.csl import CslSource
from ownergate.sources.model import Schema
from ownergate.sources.qualifiers import trailing_places


@pytest.fixture(scope="module")
def entity_list(testdata: Path) -> ScreeningIndex:
    """The BIS Entity List (2,001 entries) of the real consolidated screening list."""
    entries = [
        e for e in CslSource().read(testdata / "csl/consolidated_2022-05.csv.gz") if e.list_id == "us-bis-entity"
    ]
    return build_index(entries)


def brute_force(index: ScreeningIndex, query: str, schema: Schema) -> list[tuple[float, str]]:
    """Every entry's score against ``query`` (its best name, plus the evidence beyond the name),
    best first, ties by entry id; the query is also read without a place written after it, at the
    search's small cost for that."""
    readings = [(query, 0.0)]
    bare, places = trailing_places(query, index.places)
    if places:
        readings.append((bare, _QUERY_PLACE))
    best: dict[int, float] = {}
    for text, cost in readings:
        prepared = prepare(text, schema)
        if not prepared:
            continue
        for n, forms in enumerate(index.forms):
            person = schema == Schema.PERSON
            _, rows = best_similarity(prepared, forms, index.weights, person, (text, index.names[n]))
            rows = [*rows, ("query-place", cost, "")] if cost else rows
            owner = int(index.owner[n])
            entry = index.entries[owner]
            rows += qualify(entry, total(rows), schema=schema, country=None, identifiers=set(), birth_date=None)
            best[owner] = max(best.get(owner, 0.0), total(rows))
    return sorted(((s, index.entries[o].entry_id) for o, s in best.items()), key=lambda p: (-p[0], p[1]))


def _edit(name: str, data: st.DataObject) -> str:
    """A real name, a little changed: a word dropped or swapped, a letter changed, or as it is."""
    words = name.split()
    kind = data.draw(st.sampled_from(["same", "drop", "swap", "typo", "prefix"]))
    if kind == "drop" and len(words) > 1:
        words.pop(data.draw(st.integers(0, len(words) - 1)))
    elif kind == "swap" and len(words) > 1:
        i = data.draw(st.integers(0, len(words) - 2))
        words[i], words[i + 1] = words[i + 1], words[i]
    elif kind == "typo":
        i = data.draw(st.integers(0, len(words) - 1))
        w = words[i]
        j = data.draw(st.integers(0, max(0, len(w) - 1)))
        words[i] = w[:j] + data.draw(st.sampled_from("aeiouxz")) + w[j + 1 :]
    elif kind == "prefix":
        words = words[: data.draw(st.integers(1, len(words)))]
    return " ".join(words)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_top_hit_with_limit_one_is_the_brute_force_top(entity_list: ScreeningIndex, data: st.DataObject) -> None:
    entry = data.draw(st.sampled_from(entity_list.entries))
    query = _edit(data.draw(st.sampled_from(entry.all_names())), data)
    scan = brute_force(entity_list, query, Schema.ORGANIZATION)
    hits = entity_list.search(query, limit=1, threshold=0.3)
    above = [p for p in scan if p[0] >= 0.3 and p[0] > 0]
    if not above:
        assert hits == []
        return
    assert hits, (query, above[:3])
    assert abs(hits[0].score - above[0][0]) < 1e-9, (query, hits[0].to_dict(), above[:3])
    assert hits[0].entry_id in [e for s, e in above if abs(s - above[0][0]) < 1e-9]


@pytest.mark.parametrize("limit", [1, 2, 5, 10, 50])
def test_limit_only_cuts_the_list(entity_list: ScreeningIndex, limit: int) -> None:
    everything = entity_list.search("Huawei Technologies Co. Ltd.", country="CN", limit=200, threshold=0.5)
    cut = entity_list.search("Huawei Technologies Co. Ltd.", country="CN", limit=limit, threshold=0.5)
    assert [(h.entry_id, h.score) for h in cut] == [(h.entry_id, h.score) for h in everything[:limit]]
    assert everything[0].name == "Huawei Technologies Co., Ltd. (Huawei)", everything[0].to_dict()


def test_reach_is_what_evidence_can_add() -> None:
    from ownergate.matching.features import BIRTH_YEAR_AGREES, COUNTRY_AGREES

    assert REACH == COUNTRY_AGREES + BIRTH_YEAR_AGREES
