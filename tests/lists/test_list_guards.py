"""Integrity guards on list loads (issue 15, defect 5): format, shrink, file hashes, audit, list.loaded."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ownergate.audit import verify
from ownergate.clock import SystemClock
from ownergate.errors import InputError
from ownergate.lists import load_paths
from ownergate.lists.loader import Guards
from ownergate.lists.repository import current_snapshots
from ownergate.monitor import webhooks
from ownergate.store import Store

BIN = Path(sys.executable).parent / "ownergate"


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OWNERGATE_LISTS_FROM"}
    return subprocess.run(
        [str(BIN), "--db", str(db), "--create", "lists", *args], capture_output=True, text=True, check=False, env=env
    )


def _one_row(path: Path) -> Path:
    path.write_text("id,name,aliases,country,type\n1,Nobody Ltd,,,organization\n", encoding="utf-8")
    return path


def test_an_ownergate_csv_named_like_the_sdn_cannot_replace_it(tmp_path: Path, testdata: Path) -> None:
    db = tmp_path / "s.sqlite3"
    assert _run(db, "load", str(testdata / "ofac/sdn_2024-05-03.csv")).returncode == 0
    fake = _one_row(tmp_path / "us-ofac-sdn.csv")
    refused = _run(db, "load", str(fake))
    assert refused.returncode == 3, refused.stdout
    assert "us-ofac-sdn.csv" in refused.stderr and "official list us-ofac-sdn" in refused.stderr
    assert "Traceback" not in refused.stderr
    # naming the list alone is not enough; --force alone (without --list) neither
    assert _run(db, "load", str(fake), "--list", "us-ofac-sdn").returncode == 3
    assert _run(db, "load", str(fake), "--force").returncode == 3
    status = json.loads(_run(db, "status", "--json").stdout)
    assert [(s["list"], s["entries"]) for s in status] == [("us-ofac-sdn", 14965)]
    # named and forced, the format guard lets it through; the shrink guard still stands
    forced = _run(db, "load", str(fake), "--list", "us-ofac-sdn", "--force")
    assert forced.returncode == 3 and "--allow-shrink" in forced.stderr
    both = _run(db, "load", str(fake), "--list", "us-ofac-sdn", "--force", "--allow-shrink", "--json")
    assert both.returncode == 0, both.stderr
    assert json.loads(both.stdout)[0]["entries"] == 1


def test_a_list_of_your_own_still_loads_by_file_name(store: Store, tmp_path: Path) -> None:
    (result,) = load_paths(store, [_one_row(tmp_path / "internal-deny.csv")])
    assert result.list_id == "internal-deny" and result.entries == 1
    (again,) = load_paths(store, [tmp_path / "internal-deny.csv"], list_id="internal-deny")
    assert again.entries == 1


def test_a_load_removing_more_than_the_share_is_refused(store: Store, tmp_path: Path, testdata: Path) -> None:
    dpl = testdata / "csl/dpl_2023-11-30.txt"
    (first,) = load_paths(store, [dpl])
    lines = dpl.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = int(len(lines) * 0.7)  # about 30% of the entries gone
    short = tmp_path / "dpl_2023-12-01.txt"
    short.write_text("".join(lines[:kept]), encoding="utf-8")
    with pytest.raises(InputError, match=r"would remove \d+ of the 665 entries of the official list us-bis-dpl"):
        load_paths(store, [short])
    assert [s.snapshot_id for s in current_snapshots(store)] == [first.snapshot_id]
    # a smaller removal passes, and so does this one when allowed
    (allowed,) = load_paths(store, [short], guards=Guards(allow_shrink=True))
    assert allowed.removed > 0.2 * first.entries
    (grown,) = load_paths(store, [dpl])
    assert grown.added == allowed.removed


def test_the_share_is_a_setting(store: Store, tmp_path: Path, testdata: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dpl = testdata / "csl/dpl_2023-11-30.txt"
    load_paths(store, [dpl])
    lines = dpl.read_text(encoding="utf-8").splitlines(keepends=True)
    short = tmp_path / "dpl.txt"
    short.write_text("".join(lines[: len(lines) - 60]), encoding="utf-8")  # about 9% gone
    monkeypatch.setenv("OWNERGATE_LIST_MAX_SHRINK", "0.05")
    with pytest.raises(InputError, match="OWNERGATE_LIST_MAX_SHRINK"):
        load_paths(store, [short])
    monkeypatch.setenv("OWNERGATE_LIST_MAX_SHRINK", "0.1")
    (result,) = load_paths(store, [short])
    assert result.removed > 0


def test_each_snapshot_records_its_file_sha256_and_audits_and_announces_the_load(
    store: Store, tmp_path: Path, testdata: Path
) -> None:
    webhooks.add_endpoint(store, "https://example.org/hook", "HOOK_SECRET", actor="test", clock=SystemClock())
    dpl = testdata / "csl/dpl_2023-11-30.txt"
    (result,) = load_paths(store, [dpl], actor="cli:tester")
    (snap,) = current_snapshots(store)
    digest = hashlib.sha256(dpl.read_bytes()).hexdigest()
    assert snap.file_sha256 == digest and snap.files_sha256 == {dpl.name: digest}
    assert snap.as_json()["file_sha256"] == digest
    with store.read() as tx:
        audits = tx.fetchall("SELECT actor, action, subject, details FROM audit_log ORDER BY seq")
        events = tx.fetchall("SELECT event_type, payload FROM outbox_events ORDER BY seq")
        deliveries = tx.scalar("SELECT COUNT(*) FROM outbox_deliveries WHERE status = 'pending'")
    loads = [a for a in audits if a[1] == "list.load"]
    assert [(a[0], a[2]) for a in loads] == [("cli:tester", "list:us-bis-dpl")]
    details = json.loads(loads[0][3])
    assert details["snapshot"] == result.snapshot_id and details["file_sha256"] == digest
    assert (details["entries"], details["added"], details["removed"]) == (665, 665, 0)
    assert [e[0] for e in events] == ["list.loaded"]
    payload = json.loads(events[0][1])
    assert payload["list"] == "us-bis-dpl" and payload["file_sha256"] == digest and payload["entries"] == 665
    assert deliveries == 1
    assert verify(store).ok


def test_a_refused_load_writes_no_audit_record_nor_event(store: Store, tmp_path: Path, testdata: Path) -> None:
    load_paths(store, [testdata / "csl/dpl_2023-11-30.txt"])
    with pytest.raises(InputError):
        load_paths(store, [_one_row(tmp_path / "us-bis-dpl.csv")])
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'list.load'") == 1
        assert tx.scalar("SELECT COUNT(*) FROM outbox_events WHERE event_type = 'list.loaded'") == 1


def test_every_list_an_official_format_fills_passes_the_format_guard(sqlite_store: Store, testdata: Path) -> None:
    # OFAC's enhanced XML sorts its entities into the NS-CMIC, SSI and PLC lists too
    results = load_paths(sqlite_store, [testdata / "ofac/nonsdn_2025-12/CONS_ENHANCED.ZIP"])
    assert {r.list_id for r in results} >= {"us-ofac-plc", "us-ofac-ssi", "us-ofac-nscmic", "us-ofac-cons"}


def test_another_official_format_is_judged_by_its_entry_count(sqlite_store: Store, tmp_path: Path) -> None:
    # formats number entries their own way (CSL's DPL rows vs dpl.txt): every id changes, the list did not shrink
    csl = tmp_path / "csl.csv"
    csl.write_text(
        "_id,source,entity_number,type,programs,name,addresses,alt_names,ids\n"
        + "".join(
            f"{k},Denied Persons List (DPL) - Bureau of Industry and Security,,,,Person {k},,,\n" for k in range(10)
        ),
        encoding="utf-8",
    )
    (first,) = load_paths(sqlite_store, [csl])
    assert first.list_id == "us-bis-dpl" and first.entries == 10
    dpl = tmp_path / "dpl.txt"
    header = '"Name"\t"Street_Address"\t"City"\t"State"\t"Country"\t"Postal_Code"\t"Effective_Date"\t"FR_Citation"\n'
    rows = "".join(f'"Person {k}"\t"1 Road"\t"Town"\t""\t"US"\t""\t"01/01/2020"\t"x"\n' for k in range(9))
    dpl.write_text(header + rows, encoding="utf-8")
    (second,) = load_paths(sqlite_store, [dpl])
    assert second.removed == 10 and second.entries == 9
    dpl.write_text(header + rows[: rows.index('"Person 5"')], encoding="utf-8")
    with pytest.raises(InputError, match="would remove 4 of the 9 entries"):
        load_paths(sqlite_store, [dpl])


def test_control_characters_in_list_entries_are_refused_naming_the_line(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "internal.csv"
    path.write_text("id,name,aliases,country,type\n1,Good Ltd,,,\n2,Bad\x07 Ltd,,,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"internal\.csv: line 3: name 'Bad\\x07 Ltd' holds a control character"):
        load_paths(sqlite_store, [path])
    path.write_text("id,name,aliases,country,type\n1,Good Ltd,Al\x1bias,,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: alias 'Al\\x1bias' holds a control character \(U\+001B\)"):
        load_paths(sqlite_store, [path])
    assert current_snapshots(sqlite_store) == []
