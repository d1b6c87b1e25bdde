"""Everything the customer page shows, read in one place: verdict, history, overrides, judgements, audit trail.

Also the actions the page offers, each one library call in one transaction with its audit record:
judging a list match (then re-deciding the customer), proposing, approving and rejecting overrides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ownergate.audit.chain import COLUMNS, AuditRecord
from ownergate.decisions import customers as book_store
from ownergate.decisions import judgements
from ownergate.decisions import overrides as ovr
from ownergate.decisions.customers import Customer
from ownergate.decisions.effective import EffectiveDecision, effective_decision
from ownergate.decisions.judgements import Judgement
from ownergate.decisions.service import decide, open_book, record_verdicts
from ownergate.decisions.verdict import history
from ownergate.review.picture import Dot, picture
from ownergate.service.auth import Actor, Role, require
from ownergate.store import Store

_TRAIL = f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE subject = ? ORDER BY seq"  # noqa: S608


@dataclass(slots=True)
class Dossier:
    customer: Customer
    verdict: EffectiveDecision | None
    history: list[dict[str, object]]
    overrides: list[ovr.Override]
    judgements: list[Judgement]
    trail: list[AuditRecord]


def subject(customer_id: str) -> str:
    """The audit subject of a customer."""
    return f"customer:{customer_id}"


def dossier(store: Store, customer_id: str, now: datetime) -> Dossier:
    with store.read() as tx:
        customer = book_store.get_customer(tx, customer_id)
        return Dossier(
            customer,
            effective_decision(tx, customer_id, now),
            history(tx, customer_id),
            ovr.for_customer(tx, customer_id),
            judgements.for_customer(tx, customer_id),
            [AuditRecord.from_row(r) for r in tx.fetchall(_TRAIL, (subject(customer_id),))],
        )


def ownership_svg(store: Store, found: Dossier, max_nodes: int | None = None) -> tuple[str, Dot]:
    """The customer's ownership picture, from the graph deciding uses (known graph + declared owners)."""
    book = open_book(store, customers=[found.customer])
    reasons = found.verdict.reasons if found.verdict else []
    kwargs = {} if max_nodes is None else {"max_nodes": max_nodes}
    return picture(book.graph, book.nodes[found.customer.id], book.regions, reasons, book.on, **kwargs)


def judge_match(
    store: Store, actor: Actor, customer_id: str, list_id: str, entry_id: str, is_match: bool, note: str, now: datetime
) -> list[str]:
    """Record an analyst's judgement of a list hit and re-decide the customer; returns changed customer ids."""
    require(actor, Role.analyst)
    with store.transaction() as tx:
        judgements.judge(
            tx,
            customer_id=customer_id,
            list_id=list_id,
            entry_id=entry_id,
            is_match=is_match,
            note=note,
            actor=actor.name,
            now=now,
        )
    return record_verdicts(store, [decide(store, customer_id)], "match judgement", actor=actor.name)


def propose_override(
    store: Store, actor: Actor, customer_id: str, decision: str, justification: str, expires: str, now: datetime
) -> ovr.Override:
    with store.transaction() as tx:
        return ovr.propose(
            tx,
            customer_id=customer_id,
            decision=decision,
            justification=justification,
            expires_at=expires,
            actor=actor,
            now=now,
        )


def review_override(
    store: Store, actor: Actor, override_id: int, approve: bool, note: str, now: datetime
) -> ovr.Override:
    """Approve or reject (approver or higher; never one's own proposal); an approval reaches every replica."""
    step = ovr.approve if approve else ovr.reject
    with store.transaction() as tx:
        return step(tx, override_id, actor=actor, now=now, note=note)
