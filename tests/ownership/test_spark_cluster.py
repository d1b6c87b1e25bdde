"""``ownergate graph resolve --engine spark --master spark://...`` on a real standalone cluster.

The session fixture starts a Spark master and two workers (one core, 1 GB each) on 127.0.0.1 from
the pyspark distribution's own ``bin/spark-class``, waits until the master's JSON page reports both
workers alive, and kills all three afterwards. Each test resolves the same E.csv/X.csv with the
array engine and on the cluster, through the command line, and compares R.csv byte for byte:
statuses, stakes and evidence. The graphs are the named cases of ``test_spark.py`` (cycles,
ranges, control of unknown size, owners of unknown country) and random graphs with cycles.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .helpers import DEFAULT_HQ, Edge
from .test_spark import CASES, random_case

pytest.importorskip("pyspark")
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]  # the group's JVMs run one at a time

START_S = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def master_state(ui: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=5) as response:
        state: dict[str, Any] = json.load(response)
    return state


def spark_env(tmp: Path) -> dict[str, str]:
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    return {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_DAEMON_MEMORY": "256m",
        "SPARK_LOG_DIR": str(tmp / "logs"),
        "PYSPARK_PYTHON": sys.executable,  # executors run this Python, should any Python be needed
    }


class Cluster:
    def __init__(self, url: str, ui: int, env: dict[str, str]) -> None:
        self.url, self.ui, self.env = url, ui, env


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("spark-cluster")
    env = spark_env(tmp)
    spark_class = str(Path(env["SPARK_HOME"]) / "bin" / "spark-class")
    port, ui = free_port(), free_port()
    url = f"spark://127.0.0.1:{port}"
    procs: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(name: str, *args: str) -> None:
        log = tmp / f"{name}.log"
        with log.open("wb") as fh:  # the child keeps its own descriptor
            proc = subprocess.Popen(
                [spark_class, *args], env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
            )
        procs.append((proc, log))

    try:
        master = "org.apache.spark.deploy.master.Master"
        start("master", master, "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui))
        for k in range(2):
            worker = "org.apache.spark.deploy.worker.Worker"
            start(f"worker{k}", worker, url, "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                  "--webui-port", str(free_port()), "--work-dir", str(tmp / f"work{k}"))  # fmt: skip
        deadline = time.monotonic() + START_S
        alive = 0
        while alive < 2:
            for proc, log in procs:
                if proc.poll() is not None:
                    pytest.fail(f"{log.name} exited ({proc.returncode}): {log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"the Spark master reported {alive} of 2 workers alive after {START_S:g} s")
            time.sleep(1)
            try:
                workers = master_state(ui).get("workers", [])
            except OSError:
                continue
            alive = sum(1 for w in workers if w.get("state") == "ALIVE")
        yield Cluster(url, ui, env)
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, _ in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def write_graph(folder: Path, cases: list[tuple[list[str], list[Edge]]]) -> tuple[Path, Path]:
    """The cases as one E.csv/X.csv (ids prefixed per case); ``id:?`` has no country at all."""
    entities, edges = ["id,name,hq_country,incorporation_country,lists"], ["owner_id,owned_id,share_min,share_max"]
    for k, (nodes, es) in enumerate(cases):
        for spec in nodes:
            spec, _, listed = spec.partition("+")
            nid, _, country = spec.partition(":")
            country = "" if country == "?" else country or DEFAULT_HQ
            entities.append(f"g{k}_{nid},{nid.title()} {k},{country},{country},{listed}")
        for u, v, share in es:
            lo, hi = ("", "") if share is None else share if isinstance(share, tuple) else (share, share)
            edges.append(f"g{k}_{u},g{k}_{v},{lo},{hi}")
    folder.mkdir()
    (folder / "E.csv").write_text("\n".join(entities) + "\n")
    (folder / "X.csv").write_text("\n".join(edges) + "\n")
    return folder / "E.csv", folder / "X.csv"


def ownergate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownergate", *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


RANDOM = [random_case(s) for s in range(4)]


@pytest.mark.parametrize(
    ("cases", "options", "shows"),
    [
        pytest.param(
            CASES + RANDOM,
            ["--policy", "anthropic", "--review-at", "0.25"],
            ["possible because: restricted owners may hold", "country unknown: no headquarters"],
            id="anthropic-review-tier-unknown-country",
        ),
        # The per-owner path (uk) beside the aggregated one above. Every other rule (ofac, lookthrough,
        # the BIS exemption) runs the same joins; test_spark.py compares each, evidence included, with
        # the array engine on a local Spark. Each run here starts a driver JVM (about a minute).
        pytest.param(CASES + RANDOM, ["--policy", "uk"], ["(restricted through its owners)"], id="uk"),
    ],
)
def test_cluster_gives_the_array_engines_output(
    cluster: Cluster, tmp_path: Path, cases: list[tuple[list[str], list[Edge]]], options: list[str], shows: list[str]
) -> None:
    e, x = write_graph(tmp_path / "in", cases)
    before = len(master_state(cluster.ui).get("completedapps", []))
    common = ["graph", "resolve", "--entities", str(e), "--edges", str(x), *options]
    array = ownergate(cluster.env, *common, "--out", str(tmp_path / "numpy.csv"))
    assert array.returncode == 0, array.stderr
    spark = ownergate(
        cluster.env, *common, "--out", str(tmp_path / "spark.csv"), "--engine", "spark", "--master", cluster.url
    )
    assert spark.returncode == 0, spark.stderr[-3000:]
    assert spark.stdout.replace("spark.csv", "numpy.csv") == array.stdout
    expected = (tmp_path / "numpy.csv").read_text()
    assert (tmp_path / "spark.csv").read_text() == expected
    assert "<-" in expected and all(text in expected for text in shows), shows
    apps = master_state(cluster.ui).get("completedapps", [])
    assert len(apps) == before + 1 and apps[-1]["name"] == "ownergate-ownership"  # it ran on this cluster
