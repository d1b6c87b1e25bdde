"""Sign-up screening: ``POST /v1/customers`` latency with every shared list loaded and a synthetic graph stored.

Each sign-up is a real organisation name (GLEIF) with an attestation: half name a node of the
stored graph (so its upstream cone is read), half are new and declare an owner, sent through the app with an
onboarding token; the answer (verdict, key when allowed) comes back in the same request. Figures:
p50 and p99 over the requests, after one warm-up (which builds the screening index), beside the
same decision by the CLI (``ownergate decide ID --dry-run --json``, a fresh process each time,
which builds the index and reads the cone as a one-off command must).

Scale: OWNERGATE_BENCH_ONBOARDING_NODES graph nodes (default 100,000, about 1.4 edges a node; the
issue's target is stated at 1e6 edges: set 700000 for that), OWNERGATE_BENCH_ONBOARDING_REQUESTS
sign-ups (default 200), OWNERGATE_BENCH_ONBOARDING_CLI_RUNS CLI decisions (default 3; each builds
the screening index over every list, a minute or more on a small machine).
"""

from __future__ import annotations

import csv
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from common import Result, percentiles, testdata
from ownergate.lists.update import update
from ownergate.ownership.repository import load_ownership
from ownergate.service import auth
from ownergate.service.app import create_app
from ownergate.store import open_store
from synthetic import generate

NODES = int(os.environ.get("OWNERGATE_BENCH_ONBOARDING_NODES", "100000"))
REQUESTS = int(os.environ.get("OWNERGATE_BENCH_ONBOARDING_REQUESTS", "200"))
CLI_RUNS = int(os.environ.get("OWNERGATE_BENCH_ONBOARDING_CLI_RUNS", "3"))
ATTESTATION = {
    "declared_by": "bench",
    "declared_at": "2026-12-01T10:00:00+00:00",
    "text": "I confirm the ownership information above is complete and correct.",
}


def _names(n: int) -> list[tuple[str, str]]:
    out = []
    with gzip.open(testdata() / "gleif/gleif_l1_names_2025-10_dev.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            country = row["legal_address_country"]
            if len(country) == 2 and country.isalpha():
                out.append((row["legal_name"], country.upper()))
            if len(out) == n:
                break
    return out


def _body(i: int, name: str, country: str, nodes: int) -> dict[str, object]:
    """Even sign-ups name a node of the graph (its owners are known there), odd ones are new
    companies that declare an owner (screened, and resolved over the declaration)."""
    body: dict[str, object] = {
        "id": f"b{i}",
        "name": name,
        "countries": {"incorporation": country, "headquarters": country},
        "owners": [],
        "attestation": ATTESTATION,
    }
    if i % 2 == 0:
        body["entity_id"] = f"n{(i * 7919) % nodes}"
    else:
        body["owners"] = [{"name": f"Owner {i} Holdings", "country": country, "share": 0.6}]
    return body


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        store = open_store(url)
        update(store, from_dir=testdata())
        synthetic = generate(NODES)
        load_ownership(store, list(synthetic.write_csv(Path(tmp))))
        token = auth.issue_token(store, "bench", "onboarding").token
        names = _names(REQUESTS + 1 + CLI_RUNS)
        samples = []
        decisions: dict[str, int] = {}
        with TestClient(create_app(url), headers={"Authorization": f"Bearer {token}"}) as client:
            assert client.post("/v1/customers", json=_body(0, *names[0], NODES)).status_code == 201  # warm-up
            for i in range(1, REQUESTS + 1):
                started = time.perf_counter()
                answer = client.post("/v1/customers", json=_body(i, *names[i], NODES))
                samples.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 201, answer.text
                decision = answer.json()["verdict"]["decision"]
                decisions[decision] = decisions.get(decision, 0) + 1
        cli = []
        for i in range(1, CLI_RUNS + 1):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "ownergate", "--db", url, "decide", f"b{i}", "--dry-run", "--json"],
                capture_output=True,
                text=True,
            )
            cli.append((time.perf_counter() - started) * 1000)
            assert done.returncode == 0, done.stderr[-2000:]
        store.close()
    p50, p99 = percentiles(samples)
    cli_median = statistics.median(cli)
    scale = f"every shared list, {synthetic.m:,}-edge graph"
    return [
        Result("onboarding", f"POST /v1/customers p50 ({scale})", p50, "ms", cli_median, "CLI decide, one process"),
        Result(
            "onboarding",
            f"POST /v1/customers p99 ({scale})",
            p99,
            "ms",
            cli_median,
            "CLI decide, one process",
            "<= 300 ms at 1e6 edges",
        ),
        Result("onboarding", f"sign-up verdicts: {decisions}", sum(decisions.values()), "customers"),
    ]
