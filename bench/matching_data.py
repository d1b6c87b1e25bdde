"""The list entries the matching benchmark screens against, read from ../shared/data.

When the lists area's parsers are installed (``ownergate.sources.registry``), every list file is
read through them. Until then this reads the largest lists' name columns directly (OFAC SDN with
its aliases, the Consolidated Screening List, the UK list, the DoD 1260H list): enough names, of the
real kinds, to measure speed and false positives.
"""

from __future__ import annotations

import csv
import gzip
import importlib
from collections.abc import Iterator
from pathlib import Path

from ownergate.matching.index import ScreeningIndex
from ownergate.sources.model import Alias, Country, Entry, Provenance, Schema

LIST_FILES = (
    "ofac/sdn_2024-05-03.csv",
    "csl/consolidated_2022-05.csv.gz",
    "uk/subjects.csv",
    "un/UN_consolidated.xml",
    "us_lists/us_dod_chinese_milcorps_sanctions.csv",
    "csl/dpl_2023-11-30.txt",
)


def entries(data: Path) -> list[Entry]:
    try:
        registry = importlib.import_module("ownergate.sources.registry")
    except ImportError:
        return list(_fallback(data))
    out: list[Entry] = []
    for name in LIST_FILES:
        out.extend(registry.read(data / name))
    return out


def _fallback(data: Path) -> Iterator[Entry]:
    prov = Provenance("bench", "row")
    aliases: dict[str, list[str]] = {}
    with (data / "ofac/sdn_2025-12/alt.csv").open(encoding="latin-1") as handle:
        for row in csv.reader(handle):
            if len(row) > 3:
                aliases.setdefault(row[0].strip(), []).append(row[3].strip())
    with (data / "ofac/sdn_2024-05-03.csv").open(encoding="latin-1") as handle:
        for row in csv.reader(handle):
            if len(row) > 3:
                kind = {"individual": Schema.PERSON, "vessel": Schema.VESSEL, "aircraft": Schema.AIRCRAFT}
                schema = kind.get(row[2].strip().lower(), Schema.ORGANIZATION)
                alts = [Alias(a) for a in aliases.get(row[0].strip(), [])]
                yield Entry("us-ofac-sdn", row[0].strip(), schema, row[1], prov, aliases=alts)
    with gzip.open(data / "csl/consolidated_2022-05.csv.gz", "rt", encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle)):
            if "Specially Designated" in row["source"]:
                continue  # the SDN is read above
            kind = {"Individual": Schema.PERSON, "Vessel": Schema.VESSEL, "Aircraft": Schema.AIRCRAFT}
            alts = [Alias(a.strip()) for a in row["alt_names"].split(";") if a.strip()]
            countries = [Country(c.strip()) for c in row["nationalities"].split(";") if len(c.strip()) == 2]
            yield Entry("us-csl", str(n), kind.get(row["type"], Schema.ORGANIZATION), row["name"], prov,
                        aliases=alts, countries=countries)  # fmt: skip
    subjects: dict[str, Schema] = {}
    with (data / "uk/subjects.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            person = row["subject_type"] == "individual"
            subjects[row["unique_id"]] = Schema.PERSON if person else Schema.ORGANIZATION
    names: dict[str, list[str]] = {}
    with (data / "uk/subject_names.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names.setdefault(row["unique_id"], []).append(row["full_name"])
    for uid, found in names.items():
        yield Entry("gb-fcdo", uid, subjects.get(uid, Schema.ORGANIZATION), found[0], prov,
                    aliases=[Alias(a) for a in found[1:]])  # fmt: skip
    with (data / "us_lists/us_dod_chinese_milcorps_sanctions.csv").open(encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle)):
            alts = [Alias(a) for a in (row["Alias"], row["Previous Name"]) if a]
            yield Entry("us-dod-1260h", str(n), Schema.ORGANIZATION, row["Clean Name"] or row["Name"], prov,
                        aliases=alts)  # fmt: skip


def gleif_names(data: Path) -> list[tuple[str, str]]:
    """(legal name, country) of every GLEIF record in the development extract."""
    with gzip.open(data / "gleif/gleif_l1_names_2025-10_dev.csv.gz", "rt", encoding="utf-8") as handle:
        return [(row["legal_name"], row["legal_address_country"]) for row in csv.DictReader(handle)]


#: The index the bulk-screening workers search (set before the worker processes fork).
INDEX: ScreeningIndex | None = None


def screen_chunk(chunk: list[str]) -> list[tuple[str, str, float]]:
    """(name, matched name, score) of every name in ``chunk`` with a hit at the default threshold."""
    assert INDEX is not None
    out = []
    for name in chunk:
        hits = INDEX.search(name, limit=1)
        if hits:
            out.append((name, hits[0].matched_name, hits[0].score))
    return out
