"""The issue's end to end, with the real commands: lists, ownership and customers loaded, verdicts
computed, keys issued, `ownergate serve` running; then a verdict change made while it runs."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from service_helpers import serve_process, wait_for

from ownergate.policy.loader import read_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = pytest.mark.slow


def _ownergate(db: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ownergate", "--db", db, "--create", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_singapore_subsidiary_of_a_chinese_parent_is_denied_and_a_british_customer_allowed(
    tmp_path: Path, testdata: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
    _ownergate(db, "lists", "load", str(testdata / "us_lists/us_dod_chinese_milcorps_sanctions.csv"))
    # the other lists the default policy denies on, as one-entry placeholders (else: lists-missing, review)
    for list_id in sorted(read_policy("anthropic", None).deny_lists - {"us-dod-1260h"}):
        other = tmp_path / f"{list_id}.csv"
        other.write_text("id,name,aliases,country,type\n1,Zebulon Quarry Holdings Ltd,,PA,organization\n")
        _ownergate(db, "lists", "load", "--list", list_id, "--force", str(other))
    _ownergate(db, "ownership", "load", str(EXAMPLES / "entities.csv"), str(EXAMPLES / "edges.csv"))
    _ownergate(db, "customers", "import", str(EXAMPLES / "customers.csv"), "--owners", str(EXAMPLES / "owners.csv"))
    _ownergate(db, "decide", "--all")
    sg_key = _ownergate(db, "keys", "issue", "sg-subsidiary").strip()
    uk_key = _ownergate(db, "keys", "issue", "unrelated-uk").strip()
    analyst = _ownergate(db, "tokens", "issue", "--role", "analyst", "--name", "ana").strip()
    approver = _ownergate(db, "tokens", "issue", "--role", "approver", "--name", "bob").strip()
    with serve_process(db) as base:
        denied = httpx.post(f"{base}/v1/check", json={"api_key": sg_key, "ip": "8.8.8.8"})
        assert denied.status_code == 403
        reason = next(r for r in denied.json()["reasons"] if r["code"] == "owned-by-unsupported-region")
        # The example book's parent is headquartered in China (examples/entities.csv): the evidence names it.
        assert "Lumen Intelligent Systems Group Co. Ltd." in reason["evidence"]["path"], reason
        assert reason["evidence"]["edges"][0]["owner_id"] == "E-lumen-group"
        allowed = httpx.post(f"{base}/v1/check", json={"api_key": uk_key, "ip": "81.2.69.142"})
        assert allowed.status_code == 200 and allowed.json()["customer"] == "unrelated-uk"

        # A verdict change while the service runs: a four-eyes override, then the check follows within 1 s.
        expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
        proposed = httpx.post(
            f"{base}/admin/overrides",
            json={
                "customer_id": "sg-subsidiary",
                "decision": "allow",
                "justification": "licence granted by BIS",
                "expires_at": expires,
            },
            headers={"Authorization": f"Bearer {analyst}"},
        )
        assert proposed.status_code == 201, proposed.text
        approved = httpx.post(
            f"{base}/admin/overrides/{proposed.json()['id']}/approve", headers={"Authorization": f"Bearer {approver}"}
        )
        assert approved.status_code == 200
        wait_for(lambda: httpx.post(f"{base}/v1/check", json={"api_key": sg_key}).status_code == 200, 1.0)

        # And a change made by another process (the decision engine's CLI) reaches the running service.
        _ownergate(db, "keys", "revoke", uk_key)
        wait_for(lambda: httpx.post(f"{base}/v1/check", json={"api_key": uk_key}).status_code == 403, 1.0)
