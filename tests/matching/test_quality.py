"""Quality floors on the real labelled name data (names/ in the shared test data)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from ownergate.matching.index import DEFAULT_THRESHOLD, build_index
from ownergate.matching.score import compare_names
from ownergate.sources.model import Entry, Provenance, Schema

#: The issue asks for 0.90; the scorer reaches 0.902, and this floor keeps it from slipping back.
F1_FLOOR = 0.90
SCHEMAS = {"Person": Schema.PERSON, "Vessel": Schema.VESSEL}


def cases(testdata: Path) -> list[dict[str, str]]:
    with (testdata / "names/cases.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def f1(rows: list[dict[str, str]], threshold: float) -> float:
    tp = fp = fn = 0
    for row in rows:
        score, _ = compare_names(row["name1"], row["name2"], SCHEMAS.get(row["schema"], Schema.ORGANIZATION))
        predicted, actual = score >= threshold, row["is_match"] == "true"
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    return 2 * tp / (2 * tp + fp + fn)


def test_f1_on_labelled_cases_at_default_threshold(testdata: Path) -> None:
    rows = cases(testdata)
    assert len(rows) == 826
    assert f1(rows, DEFAULT_THRESHOLD) >= F1_FLOOR


def _person_index(testdata: Path, extra: list[str], exclude: str) -> list[Entry]:
    """The counterparts plus every Latin person name of cases.csv as distractors."""
    names = set(extra)
    for row in cases(testdata):
        for name in (row["name1"], row["name2"]):
            if row["schema"] == "Person" and name.isascii() and not re.search(exclude, name, re.I):
                names.add(name)
    prov = Provenance("names", "test")
    return [Entry("t", str(i), Schema.PERSON, n, prov) for i, n in enumerate(sorted(names))]


def test_every_putin_spelling_finds_putin_first(testdata: Path) -> None:
    index = build_index(_person_index(testdata, ["Vladimir Putin"], "put|pout|poet|vlad"))
    spellings = [s.strip() for s in (testdata / "names/putin_names.txt").read_text().splitlines() if s.strip()]
    assert len(spellings) == 81
    misses = [s for s in spellings if [h.name for h in index.search(s, schema=Schema.PERSON, threshold=0)[:1]]
              != ["Vladimir Putin"]]  # fmt: skip
    assert misses == []


def test_cross_script_pairs_find_their_counterpart_first(testdata: Path) -> None:
    lines = (testdata / "names/cross_script_pairs.csv").read_text().splitlines()
    pairs = [line.split(",")[:2] for line in lines if line.strip() and not line.startswith("#")]
    index = build_index(_person_index(testdata, [b for _, b in pairs], "put|pout|poet|vlad"))
    misses = [
        (a, b) for a, b in pairs if [h.name for h in index.search(a, schema=Schema.PERSON, threshold=0)[:1]] != [b]
    ]
    # Known misses: a Korean name in Hanja read as Chinese, 2-syllable Hangul given names, a Greek
    # -os ending and a bare Arabic "Abd Allah". The rest (18 of 22) rank their counterpart first.
    assert len(misses) <= 4, misses


def _variants_module():  # type: ignore[no-untyped-def]
    """bench/variants.py: the generator the benchmark measures with (one generator for both)."""
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[2] / "bench" / "variants.py"
    spec = importlib.util.spec_from_file_location("ownergate_bench_variants", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


#: The benchmark's aim is 0.98 at rank 1 on both sets (1,000 variants); the suite checks a smaller
#: sample against an index of the same lists, a little below.
RECALL_FLOOR = 0.97


@pytest.fixture(scope="module")
def variant_index(testdata: Path):  # type: ignore[no-untyped-def]
    variants = _variants_module()
    pool = variants.entries(testdata)
    return variants, pool, build_index(pool)


@pytest.mark.slow
def test_generated_variants_of_non_sdn_names_rank_their_entry_first(variant_index) -> None:  # type: ignore[no-untyped-def]
    variants, pool, index = variant_index
    sample = variants.generate(pool, 300, seed=1414)
    assert {v.kind for v in sample} >= {"form", "swap", "typo", "place", "case"}
    recall, misses = variants.recall_at_1(index, sample)
    assert recall >= RECALL_FLOOR, misses


@pytest.mark.slow
def test_entity_list_names_with_places_and_short_names_are_found(variant_index) -> None:  # type: ignore[no-untyped-def]
    variants, pool, index = variant_index
    sample = variants.entity_list_set(pool)
    assert len(sample) > 400
    recall, misses = variants.recall_at_1(index, sample)
    assert recall >= RECALL_FLOOR, misses
