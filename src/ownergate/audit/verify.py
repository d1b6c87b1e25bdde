"""Check the whole audit chain and name the first record that was altered, removed or reordered.

Walking the records in seq order, the first of these that fails is reported:

- a seq is missing (``removed``: that seq), or records continue past the head (``inserted``);
- a record's hash does not match its own content while its prev_hash still links to the record
  before (``altered``: that record);
- both fail: the record is not the one that belongs at this place (``reordered``: that seq);
- its own hash matches but its prev_hash does not link to the record before: the record before
  was rewritten along with its hash (``altered``: the record before);
- the last record is not the one the chain head names (``removed``: records cut off the end);
- a customer's stored attestation no longer has the SHA-256 its ``customer.attested`` record chained
  (``altered``: that record's seq), or has no such record.

Hash chaining shows tampering by anyone who cannot also rewrite every later hash and the head.
To close that gap, keep the head hash printed here somewhere outside the database and pass it back
later as an anchor (``anchors={seq: hash}``): a chain rewritten at or before an anchored seq no
longer passes through it (``altered``: that seq), a chain cut short of it is ``removed``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ownergate.audit.chain import GENESIS, canonical_json, head, record_hash, rows
from ownergate.store.base import Store, Transaction


class Problem(StrEnum):
    ALTERED = "altered"
    REMOVED = "removed"
    REORDERED = "reordered"
    INSERTED = "inserted"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    ok: bool
    records: int  # records checked
    head_seq: int  # as the chain head records it
    head_hash: str
    first_bad_seq: int | None = None
    problem: Problem | None = None
    reason: str = ""

    def summary(self) -> str:
        if self.ok:
            return f"audit chain ok: {self.records} records, head seq {self.head_seq} hash {self.head_hash}"
        return f"audit chain broken at seq {self.first_bad_seq} ({self.problem}): {self.reason}"


def verify(store: Store, anchors: Mapping[int, str] | None = None) -> VerifyReport:
    """Check every record of the chain in one consistent snapshot, and any anchors kept outside."""
    anchors = anchors or {}
    with store.read() as tx:
        head_seq, head_hash = head(tx)
        expected, prev, count = 1, GENESIS, 0

        def broken(seq: int, problem: Problem, reason: str) -> VerifyReport:
            return VerifyReport(False, count, head_seq, head_hash, seq, problem, reason)

        for seq, at, actor, action, subject, details, prev_hash, digest in rows(tx):
            seq = int(seq)
            if seq != expected:
                return broken(expected, Problem.REMOVED, f"seq {expected} is missing (the next record is seq {seq})")
            if seq > head_seq:
                return broken(seq, Problem.INSERTED, f"seq {seq} is past the chain head (seq {head_seq})")
            self_ok = record_hash(seq, at, actor, action, subject, details, prev_hash) == digest
            link_ok = prev_hash == prev
            if not self_ok and link_ok:
                return broken(seq, Problem.ALTERED, f"seq {seq}'s content does not match its hash")
            if not self_ok:
                return broken(seq, Problem.REORDERED, f"seq {seq} holds a record that does not belong at this place")
            if not link_ok:
                culprit = max(seq - 1, 1)
                return broken(
                    culprit, Problem.ALTERED, f"seq {culprit}'s hash was rewritten: seq {seq} links to another hash"
                )
            if seq in anchors and anchors[seq] != digest:
                return broken(
                    seq,
                    Problem.ALTERED,
                    f"the chain was rewritten at or before seq {seq}: it no longer has the anchored hash",
                )
            count += 1
            expected, prev = seq + 1, digest
        beyond = [seq for seq in anchors if seq > count]
        if beyond:
            return broken(
                count + 1, Problem.REMOVED, f"the anchored seq {min(beyond)} is past the last record ({count})"
            )
        if count != head_seq:
            return broken(
                count + 1, Problem.REMOVED, f"the chain head names seq {head_seq}, the last record is {count}"
            )
        if prev != head_hash:
            return broken(count, Problem.ALTERED, f"seq {count}'s hash differs from the one the chain head names")
        bad = _attestations(tx)
        if bad is not None:
            return broken(bad[0], Problem.ALTERED, bad[1])
    return VerifyReport(True, count, head_seq, head_hash)


def _attestations(tx: Transaction) -> tuple[int, str] | None:
    """Customers' stored attestations against the SHA-256 the chain recorded for each (``customer.attested``).

    Returns (the audit seq, why) for the first attestation that was altered or is not in the chain.
    """
    chained: dict[int, tuple[int, str]] = {}
    for seq, details in tx.fetchall("SELECT seq, details FROM audit_log WHERE action = 'customer.attested'"):
        data = json.loads(details)
        chained[int(data["attestation_id"])] = (int(seq), str(data["sha256"]))
    rows = tx.fetchall(
        "SELECT id, customer_id, declared_by, declared_at, text, sha256 FROM customer_attestations ORDER BY id"
    )
    for att_id, customer, declared_by, declared_at, text, _ in rows:
        fields = {"declared_by": declared_by, "declared_at": declared_at, "text": text}
        digest = hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()
        if int(att_id) not in chained:
            return 0, f"attestation {att_id} of customer {customer} is not in the audit chain"
        seq, recorded = chained[int(att_id)]
        if digest != recorded:
            return (
                seq,
                f"attestation {att_id} of customer {customer} no longer matches the SHA-256 chained at seq {seq}",
            )
    return None
