"""Person names in other scripts, against every shared list: innocent names flagged, and listed
people found from their names as written in their own script.

Innocent names: ``tests/matching/data/innocent_names.csv`` (500 per script: Han, Arabic, Hebrew,
Cyrillic, Korean, Japanese; real given names and surnames from the tables shipped in the faker
package, combined at random, see ``bench/innocent_names.py``), screened as people against every
list; a name with any hit at the default threshold counts as flagged. Some are true namesakes of
listed people (김영철, "Ksenia Lebedeva"): no name-only screen can clear those.

Originals: every person entry of the lists that gives its name in another script (a native alias:
Cyrillic, Arabic, Hangul, Han, Hebrew), screened by that name against an index built without those
aliases, so the entry can only be found through the transliteration; found when the entry is a hit.

Baseline, in the same run: the same screening without :func:`ownergate.matching.scripts.person_gate`.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path

from common import Result, testdata
from matching_data import entries
from ownergate.matching import scripts
from ownergate.matching.index import ScreeningIndex, build_index
from ownergate.matching.scripts import script_of
from ownergate.sources.model import Alias, Entry, Schema

INNOCENT = Path(__file__).resolve().parent.parent / "tests/matching/data/innocent_names.csv"
SAMPLE = int(os.environ.get("OWNERGATE_BENCH_INNOCENTS", "500"))  # per script
ORIGINALS = int(os.environ.get("OWNERGATE_BENCH_ORIGINALS", "300"))  # per script, the first in list order


def _innocents() -> list[tuple[str, str]]:
    with INNOCENT.open(encoding="utf-8") as handle:
        rows = [(r["script"], r["name"]) for r in csv.DictReader(handle)]
    seen: Counter[str] = Counter()
    out = []
    for script, name in rows:
        if seen[script] < SAMPLE:
            seen[script] += 1
            out.append((script, name))
    return out


def _native(alias: Alias) -> bool:
    return not any(ch.isascii() and ch.isalpha() for ch in alias.name) and script_of(alias.name) is not None


def _originals(all_entries: list[Entry]) -> tuple[list[Entry], list[tuple[str, str, str, str]]]:
    """Entries without their other-script aliases, and (script, alias, list id, entry id) to find."""
    stripped, queries = [], []
    for e in all_entries:
        natives = [a for a in e.aliases if _native(a)] if e.schema == Schema.PERSON and e.name.isascii() else []
        queries += [(script_of(a.name) or "", a.name, e.list_id, e.entry_id) for a in natives]
        stripped.append(replace(e, aliases=[a for a in e.aliases if a not in natives]) if natives else e)
    kept: list[tuple[str, str, str, str]] = []
    seen: Counter[str] = Counter()
    for query in queries:
        if seen[query[0]] < ORIGINALS:
            seen[query[0]] += 1
            kept.append(query)
    return stripped, kept


def _measure(
    index: ScreeningIndex, innocents: list[tuple[str, str]], originals: list[tuple[str, str, str, str]]
) -> dict[str, float]:
    search = index.search
    flagged: Counter[str] = Counter()
    for script, name in innocents:
        flagged[script] += bool(search(name, schema=Schema.PERSON, limit=1))
    total = Counter(s for s, _ in innocents)
    out = {f"innocent {s}": 100.0 * flagged[s] / total[s] for s in total}
    found: Counter[str] = Counter()
    asked = Counter(s for s, _, _, _ in originals)
    for script, name, list_id, entry_id in originals:
        hits = search(name, schema=Schema.PERSON, limit=10)
        found[script] += any(h.list_id == list_id and h.entry_id == entry_id for h in hits)
    out |= {f"original {s}": 100.0 * found[s] / asked[s] for s in asked if asked[s] >= 5}
    return out


def run() -> list[Result]:
    all_entries = entries(testdata())
    stripped, originals = _originals(all_entries)
    index = build_index(stripped)
    innocents = _innocents()
    gated = _measure(index, innocents, originals)
    share = scripts.FAILED_SHARE
    scripts.FAILED_SHARE = 1.0  # keeps the whole score: the gate off
    try:
        plain = _measure(index, innocents, originals)
    finally:
        scripts.FAILED_SHARE = share
    results = []
    for key in sorted(gated):
        kind, script = key.split(" ", 1)
        n = (
            sum(1 for s, _ in innocents if s == script)
            if kind == "innocent"
            else sum(1 for o in originals if o[0] == script)
        )
        metric = (
            f"{script} innocent people flagged (of {n})"
            if kind == "innocent"
            else f"{script} originals of listed people found (of {n})"
        )
        target = "<= 1 %" if kind == "innocent" else ""
        results.append(Result("scripts", metric, gated[key], "%", plain[key], "without the script gate", target))
    return results
