"""The review desk's tables and queries on both backends (no lists needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ownergate.decisions import customers as book
from ownergate.decisions import judgements
from ownergate.decisions import overrides as ovr
from ownergate.decisions.customers import Customer
from ownergate.decisions.verdict import Decision, Reason, ReasonCode, Verdict, record
from ownergate.review import queue
from ownergate.review.dossier import dossier
from ownergate.store import Store

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _book(store: Store) -> None:
    hit = {"list": "us-bis-entity", "entry_id": "e1", "score": 0.8}
    with store.transaction() as tx:
        book.save(tx, [Customer("a", "Alpha Ltd", "GB"), Customer("b", "Beta GmbH", "DE"), Customer("c", "Gamma")], NOW)
        for cid, decision, reasons in (
            ("a", Decision.REVIEW, [Reason(ReasonCode.POSSIBLE_MATCH, "may be on", hit)]),
            ("b", Decision.REVIEW, [Reason(ReasonCode.POSSIBLE_OWNERSHIP, "may be owned", {"path": "x"})]),
            ("c", Decision.ALLOW, []),
        ):
            record(tx, Verdict(cid, decision, reasons, "anthropic", "1", {}, NOW.isoformat()), "test", NOW)


def test_judgements_supersede_and_are_audited(store: Store) -> None:
    _book(store)
    with store.transaction() as tx:
        first = judgements.judge(
            tx, customer_id="a", list_id="us-bis-entity", entry_id="e1", is_match=True, note="", actor="ana", now=NOW
        )
        judgements.judge(
            tx,
            customer_id="a",
            list_id="us-bis-entity",
            entry_id="e1",
            is_match=False,
            note="other firm",
            actor="andy",
            now=NOW + timedelta(hours=1),
        )
    with store.read() as tx:
        assert judgements.current(tx) == {"a": {("us-bis-entity", "e1"): False}}
        assert judgements.current(tx, ["b"]) == {}
        assert judgements.current(tx, ["a"], NOW + timedelta(minutes=1)) == {"a": {("us-bis-entity", "e1"): True}}
        assert [j.actor for j in judgements.for_customer(tx, "a")] == ["andy", "ana"]
    found = dossier(store, "a", NOW)
    assert [r.action for r in found.trail] == ["match.judged", "match.judged"]
    assert found.trail[0].details_dict()["judgement"] == first.id
    assert found.verdict is not None and found.verdict.decision == "review"
    assert [h["decision"] for h in found.history] == ["review"]


def test_queue_counts_filters_and_leaves_overridden_customers_out(store: Store) -> None:
    _book(store)
    found = queue.open_items(store, NOW)
    assert [i.customer_id for i in found.items] == ["a", "b"] and found.total == 2
    assert found.by_reason == {"possible-list-match": 1, "possible-ownership": 1}
    assert found.by_list == {"us-bis-entity": 1} and found.by_country == {"DE": 1, "GB": 1}
    assert [i.customer_id for i in queue.open_items(store, NOW, country="de").items] == ["b"]
    with store.transaction() as tx:
        made = ovr.propose(
            tx,
            customer_id="b",
            decision="allow",
            justification="checked the register",
            expires_at=NOW + timedelta(days=30),
            actor="ana",
            now=NOW,
        )
    assert [o.id for o in queue.open_items(store, NOW).proposals] == [made.id]
    with store.transaction() as tx:
        ovr.approve(tx, made.id, actor="bob", now=NOW)
    after = queue.open_items(store, NOW)
    assert [i.customer_id for i in after.items] == ["a"] and after.proposals == []
    assert [i.customer_id for i in queue.open_items(store, NOW + timedelta(days=31)).items] == ["a", "b"]
