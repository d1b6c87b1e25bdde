"""The `ownergate lists` commands as a user runs them: real subprocesses on a real store file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ownergate.lists.download import OFFICIAL, HttpTransport
from ownergate.lists.update import update
from ownergate.store import Store

BIN = Path(sys.executable).parent / "ownergate"


def _run(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if env is None:
        # `make test` exports OWNERGATE_LISTS_FROM for `make run`; these commands name their folder.
        env = {k: v for k, v in os.environ.items() if k != "OWNERGATE_LISTS_FROM"}
    return subprocess.run(
        [str(BIN), "--db", str(db), "--create", "lists", *args], capture_output=True, text=True, check=False, env=env
    )


@pytest.mark.slow  # tens of seconds: real lists or subprocesses
def test_load_status_diff(tmp_path: Path, testdata: Path) -> None:
    db = tmp_path / "s.sqlite3"
    first = _run(db, "load", str(testdata / "ofac/sdn_2021-07-07"))
    assert first.returncode == 0, first.stderr
    assert "us-ofac-sdn: loaded" in first.stdout
    status = json.loads(_run(db, "status", "--json").stdout)
    assert status[0]["list"] == "us-ofac-sdn" and status[0]["entries"] == 8976
    assert {"list", "snapshot", "entries", "loaded_at"} <= set(status[0])
    again = _run(db, "load", str(testdata / "ofac/sdn_2021-07-07/sdn.csv"))
    assert "unchanged" in again.stdout
    diff = json.loads(_run(db, "diff", "us-ofac-sdn", "--json").stdout)
    assert diff["list"] == "us-ofac-sdn" and diff["from"] == status[0]["snapshot"]
    assert diff["added"] == diff["removed"] == diff["changed"] == []


def test_bad_file_exits_non_zero_and_changes_nothing(tmp_path: Path, testdata: Path) -> None:
    db = tmp_path / "s.sqlite3"
    assert _run(db, "load", str(testdata / "csl/dpl_2023-11-30.txt")).returncode == 0
    before = _run(db, "status", "--json").stdout
    bomb = tmp_path / "un.xml"
    bomb.write_text('<!DOCTYPE x [<!ENTITY a "aaaa">]><CONSOLIDATED_LIST>&a;</CONSOLIDATED_LIST>')
    result = _run(db, "load", str(testdata / "un/UN_consolidated.xml"), str(bomb), "--format", "un-xml")
    assert result.returncode == 3
    assert "un.xml" in result.stderr + result.stdout and "refused" in result.stderr + result.stdout
    assert _run(db, "status", "--json").stdout == before


def test_update_from_folder_twice(tmp_path: Path, testdata: Path) -> None:
    folder = tmp_path / "data"
    (folder / "us_lists").mkdir(parents=True)
    (folder / "names").mkdir()
    (folder / "names" / "cases.csv").write_text("a,b\n")
    for name in ("us_dod_chinese_milcorps_sanctions.csv", "us_fcc_covered_list_table.csv"):
        (folder / "us_lists" / name).write_bytes((testdata / "us_lists" / name).read_bytes())
    (folder / "README.md").write_text("data")
    db = tmp_path / "s.sqlite3"
    first = _run(db, "update", "--from", str(folder), "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["mode"] == "folder" and {r["list"] for r in report["results"]} == {"us-dod-1260h", "us-fcc-covered"}
    assert any("names" in n for n in report["notes"])
    second = json.loads(_run(db, "update", "--from", str(folder), "--json").stdout)
    assert {r["status"] for r in second["results"]} == {"unchanged"}
    status = json.loads(_run(db, "status", "--json").stdout)
    assert len(status) == 2


def test_update_offline_loads_sample(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    result = _run(db, "update", "--offline", "--json")
    assert result.returncode == 0, result.stderr
    assert {r["list"] for r in json.loads(result.stdout)["results"]} == {"sample-sanctions", "sample-export-control"}


def test_update_offline_refuses_the_sample_beside_real_lists(tmp_path: Path, testdata: Path) -> None:
    db = tmp_path / "s.sqlite3"
    assert _run(db, "load", str(testdata / "csl/dpl_2023-11-30.txt")).returncode == 0
    before = _run(db, "status", "--json").stdout
    result = _run(db, "update", "--offline")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "us-bis-dpl" in result.stderr and "--from" in result.stderr
    assert _run(db, "status", "--json").stdout == before


def test_update_offline_falls_back_to_the_lists_from_folder(tmp_path: Path, testdata: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "dpl.txt").write_bytes((testdata / "csl/dpl_2023-11-30.txt").read_bytes())
    db = tmp_path / "s.sqlite3"
    result = _run(db, "update", "--offline", env={**os.environ, "OWNERGATE_LISTS_FROM": str(folder)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"lists update: loaded the folder {folder}\n")
    assert "us-bis-dpl: loaded" in result.stdout
    missing = _run(db, "update", "--from", str(tmp_path / "nope"))
    assert missing.returncode == 3 and missing.stderr.count("\n") == 1 and "nope" in missing.stderr


def test_update_online_through_a_fake_transport(sqlite_store: Store, testdata: Path) -> None:
    served = {
        "dpl.txt": (testdata / "csl/dpl_2023-11-30.txt").read_bytes(),
        "consolidated.xml": (testdata / "un/UN_consolidated.xml").read_bytes(),
    }
    names = {url: name for d in OFFICIAL for url, name in d.files}
    requested = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        name = names[str(request.url)]
        return httpx.Response(200, content=served[name]) if name in served else httpx.Response(404)

    transport = HttpTransport(httpx.Client(transport=httpx.MockTransport(handler)))
    report = update(sqlite_store, transport=transport)
    assert report.mode == "online"
    assert {r.list_id for r in report.results} == {"us-bis-dpl", "un-sc"}
    assert not report.failures
    missed = [n for n in report.notes if n.startswith("not downloaded")]
    assert len(missed) == len(OFFICIAL) - 2 and "HTTP 404" in missed[0]
    assert len(requested) == len(OFFICIAL)  # a source stops at its first failed file


def test_update_falls_back_to_sample_when_offline(sqlite_store: Store) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route to host", request=request)

    transport = HttpTransport(httpx.Client(transport=httpx.MockTransport(handler)))
    report = update(sqlite_store, transport=transport)
    assert report.mode == "sample" and "offline" in report.notes[0]
    assert {r.list_id for r in report.results} == {"sample-sanctions", "sample-export-control"}


def test_discover_the_shared_data(testdata: Path) -> None:
    from ownergate.lists.discover import discover

    found = discover(testdata)
    names = [str(p.relative_to(testdata)) for p in found.paths]
    assert {"eu", "uk", "un/UN_consolidated.xml", "ofac/sdn_2024-05-03.csv", "ofac/sdn_2021-07-07/sdn.csv"} <= set(
        names
    )
    assert "ofac/nonsdn_2025-12/CONS_ENHANCED.ZIP" in names and "csl/consolidated_2022-05.csv.gz" in names
    assert names.index("ofac/sdn_2023-05-02.csv") < names.index("ofac/sdn_2024-05-03.csv")  # newest loads last
    assert not any(n.startswith(("names", "ownership", "gleif", "bods", "psc")) for n in names)
    assert any(n.startswith("skipped names/") for n in found.notes)
    assert any("sdn_2025-12/add.csv" in n for n in found.notes)  # an add.csv without its sdn.csv is not a list
