"""``ownergate.client`` against a real ``ownergate serve``, and the example in docs/onboarding.md run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from service_helpers import load_policy_lists, serve_process, wait_for

from ownergate.client import Client, OwnergateHTTPError
from ownergate.service import auth
from ownergate.store import Store

ROOT = Path(__file__).resolve().parents[2]
ATTESTATION = {
    "declared_by": "Jane Doe, CFO",
    "declared_at": "2026-12-01T10:00:00+00:00",
    "text": "I confirm the ownership information above is complete and correct.",
}


def doc_example() -> str:
    text = (ROOT / "docs/onboarding.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "docs/onboarding.md should hold one Python example"
    return blocks[0]


@pytest.fixture
def served(sqlite_store: Store) -> tuple[str, str]:
    load_policy_lists(sqlite_store)
    return sqlite_store.url, auth.issue_token(sqlite_store, "signup-flow", "onboarding").token


def test_client_and_doc_example(served: tuple[str, str]) -> None:
    url, token = served
    with serve_process(url) as base:
        done = subprocess.run(
            [sys.executable, "-c", doc_example()],
            env={**os.environ, "OWNERGATE_URL": base, "OWNERGATE_TOKEN": token},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("welcome cus_") and "key og_live_" in done.stdout, done.stdout
        with Client(base, token=token) as og:
            body = {
                "id": "acct-3",
                "name": "Gadgets Ltd",
                "countries": {"headquarters": "GB"},
                "owners": [],
                "attestation": ATTESTATION,
            }
            first = og.sign_up(body, idempotency_key="retry-me-0000001")
            again = og.sign_up(body, idempotency_key="retry-me-0000001")
            assert first.allowed and first.api_key and again.replayed and again.api_key == first.api_key
            assert first.id == "acct-3" and first.attestation and len(first.attestation["sha256"]) == 64
            key = first.api_key
            wait_for(lambda: og.check(key).allowed, 1.0)
            record = og.customer("acct-3")
            assert record.verdict is not None and record.verdict.decision == "allow" and record.deleted_at is None
            moved = og.update("acct-3", {"countries": {"headquarters": "CN"}})
            assert moved.verdict.decision == "deny" and moved.api_key is None
            wait_for(lambda: not og.check(key).allowed, 1.0)
            assert og.check(key).decision == "deny" and og.check(key).status == 403
            owners = [{"name": "Jane Doe", "country": "GB", "kind": "person", "share": 1.0}]
            assert og.replace_owners("acct-3", owners, ATTESTATION).verdict.decision == "deny"  # HQ still CN
            assert og.delete("acct-3")["deleted"] is True
            with pytest.raises(OwnergateHTTPError) as refused:
                og.update("acct-3", {"name": "New Name"})
            assert refused.value.status == 409 and refused.value.code == "conflict"
            with pytest.raises(OwnergateHTTPError) as invalid:
                og.sign_up({**body, "id": "acct-4", "countries": {"headquarters": "ZZ"}})
            assert invalid.value.status == 422
            assert not og.check("og_live_" + "x" * 32).allowed
        with Client(base, token="og_admin_" + "y" * 32) as stranger, pytest.raises(OwnergateHTTPError) as denied:
            stranger.customer("acct-3")
        assert denied.value.status == 401
