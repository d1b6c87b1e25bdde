"""A verdict and its reasons, and how verdicts are combined and recorded.

Reason codes are stable: integrations and the review desk key on them (docs/decisions.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ownergate.store import Transaction


class Decision(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    DENY = "deny"


class ReasonCode(StrEnum):
    HQ_UNSUPPORTED = "hq-unsupported-region"  # the customer itself is headquartered in an unsupported region
    INCORPORATED_UNSUPPORTED = "incorporated-unsupported-region"  # ... incorporated there (when the policy says)
    OWNED_BY_UNSUPPORTED = "owned-by-unsupported-region"  # owned over the threshold from unsupported regions
    LISTED = "listed"  # the customer matches an entry of a denying list
    FLAGGED = "listed-flag"  # the customer matches an entry of a list the policy only flags
    OWNED_BY_LISTED = "owned-by-listed-party"  # owned over the threshold by listed parties
    POSSIBLE_MATCH = "possible-list-match"  # a list hit between the review and deny thresholds
    POSSIBLE_OWNERSHIP = "possible-ownership"  # restricted only under the upper bounds of share ranges
    UNRESOLVED = "unresolved"  # the customer could not be tied to the ownership data it names
    CONTRADICTION = "contradicting-declaration"  # declared owners contradict each other or known data
    OVERRIDE = "override"  # an approved four-eyes override applies
    COUNTRY_MISSING = "country-missing"  # the customer has no headquarters or incorporation country at all
    COUNTRY_UNKNOWN = "country-unknown"  # the customer's country is not an ISO 3166 code the region list can judge
    LISTS_MISSING = "lists-missing"  # no lists loaded, or a list the policy denies on is not loaded
    LIST_STALE = "list-stale"  # a list the policy denies on was loaded longer ago than its max_list_age


# The decision each reason code leads to, before overrides.
SEVERITY: dict[ReasonCode, Decision] = {
    ReasonCode.HQ_UNSUPPORTED: Decision.DENY,
    ReasonCode.INCORPORATED_UNSUPPORTED: Decision.DENY,
    ReasonCode.OWNED_BY_UNSUPPORTED: Decision.DENY,
    ReasonCode.LISTED: Decision.DENY,
    ReasonCode.OWNED_BY_LISTED: Decision.DENY,
    ReasonCode.FLAGGED: Decision.REVIEW,
    ReasonCode.POSSIBLE_MATCH: Decision.REVIEW,
    ReasonCode.POSSIBLE_OWNERSHIP: Decision.REVIEW,
    ReasonCode.UNRESOLVED: Decision.REVIEW,
    ReasonCode.CONTRADICTION: Decision.REVIEW,
    ReasonCode.COUNTRY_MISSING: Decision.REVIEW,
    ReasonCode.COUNTRY_UNKNOWN: Decision.REVIEW,
    ReasonCode.LISTS_MISSING: Decision.REVIEW,
    ReasonCode.LIST_STALE: Decision.REVIEW,
}
_RANK = {Decision.ALLOW: 0, Decision.REVIEW: 1, Decision.DENY: 2}


@dataclass(slots=True, frozen=True)
class Reason:
    code: ReasonCode
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code.value, "message": self.message, "evidence": self.evidence}


@dataclass(slots=True)
class Verdict:
    customer: str
    decision: Decision
    reasons: list[Reason]
    policy: str
    policy_version: str
    snapshots: dict[str, Any]
    decided_at: str
    as_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "customer": self.customer,
            "decision": self.decision.value,
            "reasons": [r.to_dict() for r in self.reasons],
            "policy": self.policy,
            "policy_version": self.policy_version,
            "snapshots": self.snapshots,
            "decided_at": self.decided_at,
            "as_of": self.as_of,
        }


def combine(reasons: list[Reason]) -> Decision:
    """The strictest decision any reason leads to; allow when there is none."""
    decision = Decision.ALLOW
    for reason in reasons:
        candidate = SEVERITY.get(reason.code, Decision.REVIEW)
        if _RANK[candidate] > _RANK[decision]:
            decision = candidate
    return decision


def _canonical(reasons: list[Reason]) -> str:
    return json.dumps([r.to_dict() for r in reasons], sort_keys=True, ensure_ascii=False, default=str)


def record(tx: Transaction, verdict: Verdict, cause: str, now: datetime) -> bool:
    """Store a verdict as the customer's current one; False when it repeats the current verdict.

    History is kept: the previous verdict stays, marked not current. Returns True when the
    decision, the reasons, the policy version or the snapshots changed.
    """
    reasons = _canonical(verdict.reasons)
    snapshots = json.dumps(verdict.snapshots, sort_keys=True)
    current = tx.fetchone(
        "SELECT decision, reasons, policy, policy_version, snapshots FROM decisions"
        " WHERE customer_id = ? AND is_current = 1",
        (verdict.customer,),
    )
    if current == (verdict.decision.value, reasons, verdict.policy, verdict.policy_version, snapshots):
        return False
    tx.execute("UPDATE decisions SET is_current = 0 WHERE customer_id = ? AND is_current = 1", (verdict.customer,))
    tx.execute(
        "INSERT INTO decisions (customer_id, decision, reasons, policy, policy_version, snapshots, decided_at,"
        " as_of, cause, is_current) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        (
            verdict.customer,
            verdict.decision.value,
            reasons,
            verdict.policy,
            verdict.policy_version,
            snapshots,
            now.isoformat(),
            verdict.as_of,
            cause,
        ),
    )
    return True


def history(tx: Transaction, customer_id: str) -> list[dict[str, Any]]:
    rows = tx.fetchall(
        "SELECT decision, reasons, policy, policy_version, decided_at, cause, is_current FROM decisions"
        " WHERE customer_id = ? ORDER BY id DESC",
        (customer_id,),
    )
    return [
        {
            "decision": r[0],
            "reasons": json.loads(r[1]),
            "policy": r[2],
            "policy_version": r[3],
            "decided_at": r[4],
            "cause": r[5],
            "current": bool(r[6]),
        }
        for r in rows
    ]
