"""``ownergate graph resolve`` as a user runs it: real files, a real subprocess, R.csv read back."""

from __future__ import annotations

import csv
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def ownergate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ownergate", *args], capture_output=True, text=True, timeout=120, check=False
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n")
    return path


def test_graph_resolve_writes_one_row_per_entity(tmp_path: Path) -> None:
    e = write(
        tmp_path / "E.csv",
        """
id,name,hq_country,incorporation_country,lists
acme-sg,Acme SG,SG,SG,
acme-ky,Acme Holdings KY,CN,KY,
us-co,US Co,US,US,
ru,Ru Parent,RU,RU,
maybe,Maybe Ltd,GB,GB,
""",
    )
    x = write(
        tmp_path / "X.csv",
        """
owner_id,owned_id,share_min,share_max
acme-ky,acme-sg,1,1
acme-sg,us-co,0.51,0.51
ru,maybe,0.25,0.75
""",
    )
    out = tmp_path / "R.csv"
    result = ownergate(
        "graph", "resolve", "--entities", str(e), "--edges", str(x), "--policy", "anthropic", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "5 entities, 3 edges under anthropic: 4 restricted, 1 possible, 0 clear" in result.stdout
    with out.open() as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert list(rows) == ["acme-sg", "acme-ky", "us-co", "ru", "maybe"]
    assert rows["acme-sg"]["status"] == "restricted"
    assert rows["us-co"]["status"] == "restricted"
    assert rows["maybe"]["status"] == "possible"
    assert (rows["maybe"]["share_min"], rows["maybe"]["share_max"]) == ("0.25", "0.75")
    assert (
        "Acme SG <- 100% Acme Holdings KY (HQ China, unsupported region) [source: X.csv row 1]"
        in rows["acme-sg"]["evidence"]
    )
    assert rows["us-co"]["evidence"].count("<-") == 2
    assert rows["ru"]["status"] == "restricted" and rows["ru"]["evidence"].startswith("Ru Parent: restricted")


def test_bad_share_names_the_file_and_row(tmp_path: Path) -> None:
    e = write(tmp_path / "E.csv", "id,name,hq_country,incorporation_country,lists\na,A,US,US,\nb,B,US,US,")
    x = write(tmp_path / "X.csv", "owner_id,owned_id,share_min,share_max\na,b,0.2,0.3\na,b,50,50")
    result = ownergate(
        "graph",
        "resolve",
        "--entities",
        str(e),
        "--edges",
        str(x),
        "--policy",
        "ofac",
        "--out",
        str(tmp_path / "R.csv"),
    )
    assert result.returncode == 3
    assert "X.csv: data row 2" in result.stderr and "fractions" in result.stderr
    assert not (tmp_path / "R.csv").exists()


def test_unknown_entity_and_unknown_policy(tmp_path: Path) -> None:
    e = write(tmp_path / "E.csv", "id,name,hq_country,incorporation_country,lists\na,A,US,US,")
    x = write(tmp_path / "X.csv", "owner_id,owned_id,share_min,share_max\na,zz,0.2,0.3")
    result = ownergate(
        "graph",
        "resolve",
        "--entities",
        str(e),
        "--edges",
        str(x),
        "--policy",
        "ofac",
        "--out",
        str(tmp_path / "R.csv"),
    )
    assert result.returncode == 3 and "X.csv: data row 1: owned_id 'zz' is not a known entity id" in result.stderr
    x.write_text("owner_id,owned_id,share_min,share_max\n")
    result = ownergate(
        "graph",
        "resolve",
        "--entities",
        str(e),
        "--edges",
        str(x),
        "--policy",
        "nope",
        "--out",
        str(tmp_path / "R.csv"),
    )
    assert result.returncode == 3 and "unknown ownership rule 'nope'" in result.stderr


def small_graph(tmp_path: Path) -> list[str]:
    e = write(tmp_path / "E.csv", "id,name,hq_country,incorporation_country,lists\nx,X,RU,RU,us-ofac-sdn\na,A,FR,FR,")
    x = write(tmp_path / "X.csv", "owner_id,owned_id,share_min,share_max\nx,a,0.3,0.3")
    return ["graph", "resolve", "--entities", str(e), "--edges", str(x), "--policy", "ofac"]


def test_spark_master_that_cannot_be_reached_is_one_line_naming_it(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "R.csv"
    result = ownergate(
        *small_graph(tmp_path), "--out", str(out), "--engine", "spark", "--master", f"spark://127.0.0.1:{port}"
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"ownergate: error: cannot reach the Spark master spark://127.0.0.1:{port}"
        f" (127.0.0.1:{port}: Connection refused)"
    ]
    assert not out.exists()
    result = ownergate(*small_graph(tmp_path), "--out", str(out), "--engine", "spark", "--master", "yarn")
    assert result.returncode == 2 and result.stderr.splitlines() == [
        "ownergate: error: Spark master 'yarn': give local[N] or spark://host:port"
    ]
    result = ownergate(*small_graph(tmp_path), "--out", str(out), "--master", "local[2]")
    assert result.returncode == 2 and "applies to the Spark engine only" in result.stderr


def test_spark_engine_without_pyspark_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ownergate.cli.graph  # noqa: F401  (registers `graph` on the app)
    from ownergate.cli import app
    from ownergate.cli.run import run_cli

    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now fails
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    code = run_cli(app, [*small_graph(tmp_path), "--out", str(tmp_path / "R.csv"), "--engine", "spark"])
    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        "ownergate: error: the Spark backend (master local[2]) needs the optional extra: pip install 'ownergate[spark]'"
    ]


def test_review_at_sends_a_minority_to_review(tmp_path: Path) -> None:
    result = ownergate(*small_graph(tmp_path), "--out", str(tmp_path / "R.csv"))
    assert result.returncode == 0 and "1 restricted, 0 possible, 1 clear" in result.stdout
    result = ownergate(*small_graph(tmp_path), "--out", str(tmp_path / "R.csv"), "--review-at", "0.25")
    assert result.returncode == 0 and "1 restricted, 1 possible, 0 clear" in result.stdout
    assert "at or above the review tier of 25%" in (tmp_path / "R.csv").read_text()
    result = ownergate(*small_graph(tmp_path), "--out", str(tmp_path / "R.csv"), "--review-at", "1.5")
    assert result.returncode == 3 and "--review-at 1.5 is not a fraction" in result.stderr
