"""What `decide --all` writes for people: every verdict as JSON lines, the HTML report, and its errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownergate.decisions.report import render_html
from ownergate.decisions.verdict import Decision, Reason, ReasonCode, Verdict
from ownergate.lists.loader import load_paths
from ownergate.lists.repository import snapshots
from ownergate.store import Store, open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PATH = "Acme SG: restricted under anthropic\nAcme SG <- 100% Acme Holdings KY (HQ China, unsupported region)"


def _verdict(customer: str, decision: Decision, reasons: list[Reason]) -> Verdict:
    return Verdict(
        customer, decision, reasons, "anthropic", "2025.09.1",
        {"lists": {"us-bis-dpl": 1}, "missing_lists": ["un-sc"], "unsupported_regions": "2026-01"},
        "2026-11-25T14:30:00.000000Z",
    )  # fmt: skip


def test_report_lists_every_customer_with_its_evidence(sqlite_store: Store, testdata: Path) -> None:
    load_paths(sqlite_store, [testdata / "csl/dpl_2023-11-30.txt"])
    owned = Reason(ReasonCode.OWNED_BY_UNSUPPORTED, "Acme SG: restricted owners hold 100%", {"path": PATH})
    verdicts = [
        _verdict("ok-1", Decision.ALLOW, []),
        _verdict("sg-acme", Decision.DENY, [owned]),
        _verdict("<script>x</script>", Decision.REVIEW, [Reason(ReasonCode.UNRESOLVED, "owner <b>unknown</b>")]),
    ]
    html = render_html(
        verdicts, "book", names={"ok-1": "Fine & Co"}, snapshots=snapshots(sqlite_store),
        generated_at=datetime(2026, 11, 26, tzinfo=UTC),
    )  # fmt: skip
    assert html.count('<tr id="customer-') == 3  # allowed customers too
    assert html.index("sg-acme") < html.index("&lt;script&gt;") < html.index("ok-1")  # deny, review, allow
    assert "<script>" not in html and "<b>unknown</b>" not in html  # autoescaped
    assert "Fine &amp; Co" in html and "Acme Holdings KY (HQ China, unsupported region)" in html
    assert "anthropic 2025.09.1" in html and "2026-11-26T00:00:00" in html and "2026-11-25T14:30:00" in html
    dpl = next(s for s in snapshots(sqlite_store) if s.list_id == "us-bis-dpl")
    assert f"<td>us-bis-dpl</td><td>1</td><td>{dpl.entries}</td>" in html and "dpl_2023-11-30.txt" in html
    assert "un-sc" in html and "2026-01" in html
    assert "<svg" in html and "<title>deny: 1</title>" in html and "@media print" in html


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OWNERGATE_LISTS_FROM"}
    return subprocess.run(
        [sys.executable, "-m", "ownergate", "--db", str(db), "--create", *args], capture_output=True, text=True, env=env
    )


@pytest.mark.slow  # tens of seconds: real lists or subprocesses
def test_decide_all_json_lines_and_output_errors_before_recording(tmp_path: Path, testdata: Path) -> None:
    db = tmp_path / "s.sqlite3"
    assert _cli(db, "lists", "load", str(testdata / "csl/dpl_2023-11-30.txt")).returncode == 0
    imported = _cli(
        db, "customers", "import", str(EXAMPLES / "customers.csv"), "--owners", str(EXAMPLES / "owners.csv")
    )
    assert imported.returncode == 0, imported.stderr
    for option in ("--report", "--out"):
        missing = _cli(db, "decide", "--all", option, str(tmp_path / "nope" / "x"))
        assert missing.returncode == 3 and missing.stdout == ""
        assert (
            missing.stderr
            == f"ownergate: error: {option} {tmp_path / 'nope' / 'x'}: the folder {tmp_path / 'nope'} does not exist\n"
        )
    history = _cli(db, "decide", "sg-subsidiary", "--out", str(tmp_path / "x.csv"))
    assert history.returncode == 3 and "need --all" in history.stderr
    store = open_store(f"sqlite:///{db}")
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM decisions") == 0  # the refused runs recorded nothing
    store.close()
    result = _cli(db, "decide", "--all", "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    ids = [line.split(",")[0] for line in (EXAMPLES / "customers.csv").read_text().splitlines()[1:]]
    assert sorted(v["customer"] for v in lines) == sorted(ids)
    assert all({"decision", "reasons", "policy", "policy_version", "snapshots", "decided_at"} <= set(v) for v in lines)
    shown = _cli(db, "customers", "show", "jv-cn-ru")
    assert shown.returncode == 0 and "{" not in shown.stdout and "None" not in shown.stdout
    assert "declared owners (3):" in shown.stdout and "Uralsk Metallurgical Holding JSC" in shown.stdout
    assert json.loads(_cli(db, "customers", "show", "jv-cn-ru", "--json").stdout)["id"] == "jv-cn-ru"
