"""Name screening: quality on the labelled pairs beside OpenSanctions' logic-v2, recall at rank 1 on
the generated variant set (bench/variants.py) and the Entity List places/short-names set beside a
rapidfuzz WRatio scan, query latency and index build beside a brute-force rapidfuzz scan, and the
GLEIF false-positive rate and bulk time.

Scale knobs (environment): OWNERGATE_BENCH_GLEIF = how many GLEIF names to screen (default 20000,
"all" for every one of the 199,473; the bulk time is extrapolated to all of them), and
OWNERGATE_BENCH_QUERIES = how many queries time the latency (default 1000), OWNERGATE_BENCH_VARIANTS
= how many generated variants measure recall (default 1000; the WRatio scan takes the first 300).
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process, utils

import matching_data
import variants
from common import Result, percentiles, testdata
from matching_data import entries, gleif_names, screen_chunk
from ownergate.matching.index import DEFAULT_THRESHOLD, ScreeningIndex, build_index
from ownergate.matching.score import compare_names
from ownergate.sources.model import Schema

SCHEMAS = {"Person": Schema.PERSON, "Vessel": Schema.VESSEL}
GLEIF_ALL = 199_473


def _f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(p and a for p, a in pairs)
    fp = sum(p and not a for p, a in pairs)
    fn = sum(a and not p for p, a in pairs)
    return 2 * tp / (2 * tp + fp + fn)


def quality(data: Path) -> list[Result]:
    with (data / "names/cases.csv").open(encoding="utf-8") as handle:
        cases = list(csv.DictReader(handle))
    with (data / "names/logicv2-frozen.csv").open(encoding="utf-8") as handle:
        peer = {(r["name1"], r["name2"], r["schema"]): float(r["score"]) for r in csv.DictReader(handle)}
    ours, theirs, both = [], [], []
    wrong_ours, wrong_theirs = [], []
    for row in cases:
        actual = row["is_match"] == "true"
        score, _ = compare_names(row["name1"], row["name2"], SCHEMAS.get(row["schema"], Schema.ORGANIZATION))
        ours.append((score >= DEFAULT_THRESHOLD, actual))
        if (score >= DEFAULT_THRESHOLD) != actual:
            wrong_ours.append((row, score))
        key = (row["name1"], row["name2"], row["schema"])
        if key in peer:
            theirs.append((peer[key] >= 0.7, actual))
            both.append((score >= DEFAULT_THRESHOLD, actual))
            if (peer[key] >= 0.7) != actual:
                wrong_theirs.append((row, peer[key]))
    for title, wrong in (("ownergate", wrong_ours), ("logic-v2", wrong_theirs)):
        print(f"\n{title} gets {len(wrong)} pairs wrong:", file=sys.stderr)
        for row, score in wrong:
            kind = "FN" if row["is_match"] == "true" else "FP"
            print(f"  {kind} {score:.3f} {row['name1']!r} vs {row['name2']!r}", file=sys.stderr)
    return [
        Result("matching", f"F1 names/cases.csv ({len(cases)} pairs) at {DEFAULT_THRESHOLD}", _f1(ours), "",
               _f1(theirs), "logic-v2 at 0.7", ">= 0.93"),
        Result("matching", f"F1 on the {len(both)} pairs logic-v2 scored", _f1(both), "", _f1(theirs),
               "logic-v2 at 0.7", ">= 0.93"),
    ]  # fmt: skip


def _wratio_recall(index: ScreeningIndex, choices: list[str], sample: list[variants.Variant]) -> float:
    """Recall at rank 1 of a plain scan: the name with the best rapidfuzz WRatio over every name."""
    right = 0
    for v in sample:
        best = process.extractOne(utils.default_process(v.query), choices, scorer=fuzz.WRatio)
        if best is not None:
            entry = index.entries[int(index.owner[best[2]])]
            right += entry.entry_id == v.entry_id or entry.name.casefold() == v.source.casefold()
    return right / max(1, len(sample))


def recall(data: Path, index: ScreeningIndex, choices: list[str]) -> list[Result]:
    """Recall at rank 1 on the generated variants and on the Entity List names with places."""
    pool = variants.entries(data)
    generated = variants.generate(pool, int(os.environ.get("OWNERGATE_BENCH_VARIANTS", "1000")))
    ours, misses = variants.recall_at_1(index, generated)
    plain = _wratio_recall(index, choices, generated[:300])
    entity = variants.entity_list_set(pool)
    ours_el, misses_el = variants.recall_at_1(index, entity)
    plain_el = _wratio_recall(index, choices, entity[:300])
    for title, missed in (("variants", misses), ("Entity List names", misses_el)):
        print(f"\nownergate misses {len(missed)} {title}:", file=sys.stderr)
        for v, got in missed[:30]:
            print(f"  {v.kind}: {v.query!r} ({v.source!r}) -> {got}", file=sys.stderr)
    return [
        Result("matching", f"recall@1, generated variants of UK/EU/UN/CSL names ({len(generated)})", ours, "",
               plain, "rapidfuzz WRatio scan (300)", ">= 0.98"),
        Result("matching", f"recall@1, Entity List names without place/short name ({len(entity)})", ours_el, "",
               plain_el, "rapidfuzz WRatio scan (300)", ">= 0.98"),
    ]  # fmt: skip


def run() -> list[Result]:
    data = testdata()
    results = quality(data)
    loaded = entries(data)
    started, cpu = time.perf_counter(), time.process_time()
    index = build_index(loaded)
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    choices = [utils.default_process(n) for n in index.names]
    plain_build_s = time.perf_counter() - started
    results.append(Result("matching", f"index build ({len(index.names)} names, {len(loaded)} entries)", build_s, "s",
                          plain_build_s, "rapidfuzz preprocess only", "<= 15 s"))  # fmt: skip
    results.append(Result("matching", "index build, CPU time", build_cpu, "s", None, "", "<= 15 s"))

    results += recall(data, index, choices)

    gleif = gleif_names(data)
    rng = random.Random(7)
    queries = [n for n, _ in rng.sample(gleif, int(os.environ.get("OWNERGATE_BENCH_QUERIES", "1000")))]
    queries += [e.name for e in rng.sample(loaded, 200)]
    for q in queries[:50]:
        index.search(q)  # warm the caches, as a running service has them
    ours_ms, plain_ms, cpu_ms = [], [], []
    for q in queries:
        started, cpu = time.perf_counter(), time.process_time()
        index.search(q)
        ours_ms.append((time.perf_counter() - started) * 1000)
        cpu_ms.append((time.process_time() - cpu) * 1000)
    for q in queries[:200]:
        started = time.perf_counter()
        process.extract(q, choices, scorer=fuzz.token_sort_ratio, processor=utils.default_process, limit=10)
        plain_ms.append((time.perf_counter() - started) * 1000)
    (o50, o99), (p50, p99) = percentiles(ours_ms), percentiles(plain_ms)
    results.append(Result("matching", "query p50", o50, "ms", p50, "brute-force rapidfuzz scan", "<= 1 ms"))
    results.append(Result("matching", "query p99", o99, "ms", p99, "brute-force rapidfuzz scan", "<= 5 ms"))
    c50, c99 = percentiles(cpu_ms)  # CPU time: what the query costs when the machine is shared
    results.append(Result("matching", "query p50, CPU time", c50, "ms", None, "", "<= 1 ms"))
    results.append(Result("matching", "query p99, CPU time", c99, "ms", None, "", "<= 5 ms"))

    wanted = os.environ.get("OWNERGATE_BENCH_GLEIF", "20000")
    sample = [n for n, _ in (gleif if wanted == "all" else rng.sample(gleif, min(int(wanted), len(gleif))))]
    matching_data.INDEX = index  # the worker processes inherit it (fork)
    workers = max(1, min(2, os.cpu_count() or 1))
    chunks = [sample[i : i + 500] for i in range(0, len(sample), 500)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(screen_chunk, chunks)
    bulk_s = time.perf_counter() - started
    flagged = [hit for _, part in parts for hit in part]
    bulk_cpu = sum(cpu for cpu, _ in parts)
    scale = GLEIF_ALL / len(sample)
    plain_s = sum(plain_ms[:200]) / 1000 / 200 * GLEIF_ALL / workers
    results.append(Result("matching", f"GLEIF 199,473 screened ({workers} processes; {len(sample)} measured)",
                          bulk_s * scale, "s", plain_s, "brute-force scan, extrapolated", "<= 60 s"))  # fmt: skip
    results.append(Result("matching", f"GLEIF 199,473 screened, CPU time / {workers} processes",
                          bulk_cpu * scale / workers, "s", None, "", "<= 60 s"))  # fmt: skip
    share = 100 * len(flagged) / len(sample)
    results.append(Result("matching", f"GLEIF names flagged at {DEFAULT_THRESHOLD} (of {len(sample)})", share, "%",
                          None, "", "<= 0.2 %"))  # fmt: skip
    print(f"\nGLEIF flagged sample ({len(flagged)} of {len(sample)}):", file=sys.stderr)
    for name, matched, score in flagged[:25]:
        print(f"  {score:.3f} {name!r} -> {matched!r}", file=sys.stderr)
    return results
