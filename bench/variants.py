"""A public variant set, generated: real names of lists other than the SDN (UK, EU, UN, and the
Entity List, Denied Persons and other non-SDN parts of the CSL) written the ways customers write
them: legal forms abbreviated or spelled out, words swapped, one letter wrong, a trailing place,
the short name. Deterministic (a fixed seed), so each run measures the same set.

``python bench/variants.py [N]`` prints N variants as CSV (query,list,entry_id,kind,source_name).
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ownergate.sources.model import Entry, Schema
from ownergate.sources.registry import read

SEED = 14
#: What the generator reads, under the shared test data.
FILES = ("uk", "un/UN_consolidated.xml", "csl/consolidated_2022-05.csv.gz", "eu/32014R0269.csv", "eu/32014R0833.csv")
_FORM_SPELLINGS = {
    "limited liability company": ["LLC", "L.L.C.", "Ltd Liability Co", "Liability Limited Company"],
    "joint stock company": ["JSC", "Stock Joint Company", "Joint-Stock Co."],
    "co., ltd.": ["Company Limited", "Co Ltd", "Co. Limited", "Ltd."],
    "company limited": ["Co., Ltd.", "Co Ltd"],
    "limited": ["Ltd", "Ltd."],
    "ltd.": ["Limited"],
    "ltd": ["Limited"],
    "corporation": ["Corp.", "Corp"],
    "company": ["Co."],
    "incorporated": ["Inc."],
    "llc": ["Limited Liability Company", "L.L.C."],
    "jsc": ["Joint Stock Company", "Joint-Stock Company"],
    "gmbh": ["G.m.b.H."],
}
_PLACES = ["Moscow", "Beijing", "Shenzhen", "Tehran", "Dubai", "Minsk", "Hong Kong", "Damascus", "Pyongyang"]


@dataclass(slots=True, frozen=True)
class Variant:
    query: str
    list_id: str
    entry_id: str
    kind: str
    source: str  # the list name it was made from
    schema: Schema


def entries(data: Path) -> list[Entry]:
    """The entries of the lists the set is drawn from (the SDN left out)."""
    out: list[Entry] = []
    for name in FILES:
        out += [e for e in read(data / name) if e.list_id != "us-ofac-sdn"]
    return out


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["swap", "replace", "drop", "double"])
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "replace":
        return word[:i] + rng.choice("aeiourstn") + word[i + 1 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _variants(name: str, schema: Schema, rng: random.Random) -> Iterator[tuple[str, str]]:
    words = name.split()
    lower = name.lower()
    for spelled, others in _FORM_SPELLINGS.items():
        found = re.search(rf"(?<![a-z]){re.escape(spelled)}(?![a-z])", lower)
        at = found.start() if found else -1
        if at >= 0 and schema == Schema.ORGANIZATION:
            yield "form", name[:at] + rng.choice(others) + name[at + len(spelled) :]
            break
    if len(words) >= 2:
        i = rng.randrange(len(words) - 1)
        swapped = [*words[:i], words[i + 1], words[i], *words[i + 2 :]]
        yield "swap", " ".join(swapped)
    long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if long:
        i = rng.choice(long)
        yield "typo", " ".join([*words[:i], _typo(words[i], rng), *words[i + 1 :]])
    if schema == Schema.ORGANIZATION:
        yield "place", f"{name}, {rng.choice(_PLACES)}"
        if "(" in name and ")" in name:
            yield "short", name[name.index("(") + 1 : name.index(")")]
    yield "case", name.upper() if rng.random() < 0.5 else name.lower()


def generate(pool: Sequence[Entry], size: int, seed: int = SEED) -> list[Variant]:
    """``size`` variants of the names of randomly drawn entries of ``pool`` (people and organisations)."""
    rng = random.Random(seed)
    usable = [e for e in pool if e.schema in (Schema.PERSON, Schema.ORGANIZATION) and e.name.isascii()]
    out: list[Variant] = []
    while len(out) < size:
        entry = rng.choice(usable)
        made = list(_variants(entry.name, entry.schema, rng))
        if made:
            kind, query = rng.choice(made)
            out.append(Variant(query, entry.list_id, entry.entry_id, kind, entry.name, entry.schema))
    return out


def entity_list_set(pool: Sequence[Entry]) -> list[Variant]:
    """Every Entity List name published with a place or a short name, queried by its bare name."""
    from ownergate.sources.qualifiers import published_names

    out = []
    for entry in pool:
        if entry.list_id != "us-bis-entity":
            continue
        for item in published_names(entry.name, [p for a in entry.addresses for p in a.split(",")]):
            if item.qualifier.startswith(("place:", "short name")):
                out.append(Variant(item.name, entry.list_id, entry.entry_id, "entity-list", entry.name, entry.schema))
    return out


def recall_at_1(index: object, variants: Sequence[Variant]) -> tuple[float, list[tuple[Variant, str]]]:
    """The share of variants whose entry is ranked first over every indexed list (a tie at the top
    counts, as does another entry published under the same name: UN and UK list the same party)."""
    from ownergate.matching.index import ScreeningIndex

    assert isinstance(index, ScreeningIndex)
    misses = []
    for v in variants:
        hits = index.search(v.query, schema=v.schema, limit=50)
        first = [h for h in hits if h.score >= hits[0].score - 1e-9]
        if not any(h.entry_id == v.entry_id or h.name.casefold() == v.source.casefold() for h in first):
            misses.append((v, f"{hits[0].name} {hits[0].score:.3f}" if hits else "no hit"))
    return 1 - len(misses) / max(1, len(variants)), misses


if __name__ == "__main__":
    data = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
    writer = csv.writer(sys.stdout)
    writer.writerow(["query", "list", "entry_id", "kind", "source_name"])
    for v in generate(entries(data), int(sys.argv[1]) if len(sys.argv) > 1 else 1000):
        writer.writerow([v.query, v.list_id, v.entry_id, v.kind, v.source])
