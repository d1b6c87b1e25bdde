"""The false-positive rate on real company names: a fixed sample of the GLEIF legal names (almost
all of them on no list) screened against every list in the shared test data."""

from __future__ import annotations

import csv
import gzip
import random
import tempfile
from pathlib import Path

import pytest

from ownergate.lists.repository import current_entries
from ownergate.lists.update import update
from ownergate.matching.index import build_index
from ownergate.store import open_store

SAMPLE = 5_000
#: Share of the sample flagged at the default threshold: the issue's aim, under 0.2 % (this sample:
#: 8 of 5,000 = 0.16 %; 0.125 % on another fixed sample of 20,000; 0.25 % before the query-side rules).
FLAGGED_CEILING = 0.002


@pytest.mark.slow
def test_gleif_sample_flag_rate_stays_under_the_ceiling(testdata: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'lists.sqlite3'}")
        try:
            update(store, from_dir=testdata)
            index = build_index(current_entries(store))
        finally:
            store.close()
    with gzip.open(testdata / "gleif/gleif_l1_names_2025-10_dev.csv.gz", "rt", encoding="utf-8") as handle:
        names = [row["legal_name"] for row in csv.DictReader(handle)]
    assert len(names) == 199_473
    sample = random.Random(7).sample(names, SAMPLE)
    flagged = [(name, hits[0].matched_name) for name in sample if (hits := index.search(name, limit=1))]
    assert len(flagged) / SAMPLE < FLAGGED_CEILING, flagged
