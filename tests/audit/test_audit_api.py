"""The public names other areas call: removing or renaming one is a visible decision."""

from __future__ import annotations

import inspect

import ownergate.audit
from ownergate.monitor import outbox, webhooks


def test_audit_exports() -> None:
    assert sorted(ownergate.audit.__all__) == sorted(
        [
            "GENESIS",
            "AuditRecord",
            "ExportFormat",
            "Problem",
            "VerifyReport",
            "append",
            "canonical_json",
            "export",
            "record_hash",
            "verify",
        ]
    )
    assert str(inspect.signature(ownergate.audit.append)) == (
        "(tx: 'Transaction', *, actor: 'str', action: 'str', subject: 'str', details: 'dict[str, Any]',"
        " clock: 'Clock | None' = None) -> 'AuditRecord'"
    )


def test_outbox_and_webhook_entry_points() -> None:
    assert str(inspect.signature(outbox.enqueue)) == (
        "(tx: 'Transaction', event_type: 'str', payload: 'dict[str, Any]', *, clock: 'Clock | None' = None) -> 'str'"
    )
    for name in ("outbox_status", "event_status", "claim_next", "record_outcome"):
        assert callable(getattr(outbox, name))
    for name in ("deliver_due", "deliver_loop", "add_endpoint", "list_endpoints", "sign", "verify_signature"):
        assert callable(getattr(webhooks, name))
    assert issubclass(webhooks.HttpxTransport, webhooks.Transport)
