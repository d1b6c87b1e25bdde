"""Judging list matches: stored with actor and time, audited, and honoured by the decision engine."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ownergate.decisions import judgements
from ownergate.decisions.effective import effective_decision
from ownergate.decisions.service import decide
from ownergate.errors import InputError, NotFoundError, PermissionDenied
from ownergate.review import dossier, queue
from ownergate.service.auth import authenticate
from ownergate.store import Store

Desk = tuple[Store, Any]  # the desk fixture: a store and its Tokens


def _hit(store: Store, customer: str) -> dict[str, object]:
    verdict = decide(store, customer)
    return next(r.evidence for r in verdict.reasons if r.code.value == "possible-list-match")


def _trail(store: Store, customer: str) -> list[tuple[str, str, dict[str, object]]]:
    with store.read() as tx:
        rows = tx.fetchall(
            "SELECT actor, action, details FROM audit_log WHERE subject = ? ORDER BY seq", (f"customer:{customer}",)
        )
    return [(a, b, json.loads(c)) for a, b, c in rows]


def test_a_false_match_leaves_review_and_the_audit_log_says_who(desk: Desk) -> None:
    store, tokens = desk
    analyst = authenticate(store, tokens.analyst)
    now = datetime.now(UTC)
    hits: list[dict[str, object]] = []
    for _ in range(10):  # one entry judged false lets the next-best entry of the list surface: judge each
        found = [r.evidence for r in decide(store, "hikvision-like").reasons if r.code.value == "possible-list-match"]
        if not found:
            break
        assert all(h["list"] == "us-dod-1260h" for h in found)
        for hit in found:
            dossier.judge_match(
                store, analyst, "hikvision-like", str(hit["list"]), str(hit["entry_id"]), False, "different firm", now
            )
        hits += found
    assert hits
    after = decide(store, "hikvision-like")
    assert after.decision.value == "allow" and after.reasons == []
    with store.read() as tx:
        assert effective_decision(tx, "hikvision-like", now + timedelta(seconds=1)).decision == "allow"  # type: ignore[union-attr]
        kept = judgements.for_customer(tx, "hikvision-like")
    assert {(j.actor, j.is_match, j.note) for j in kept} == {("ana", False, "different firm")}
    trail = _trail(store, "hikvision-like")
    judged = [d for a, action, d in trail if action == "match.judged"]
    assert len(judged) == len(hits) and all(d["match"] is False for d in judged)
    recorded = [(a, d) for a, action, d in trail if action == "decision.recorded"]
    assert recorded[-1] == ("ana", recorded[-1][1]) and recorded[-1][1]["to"] == "allow"
    assert recorded[-1][1]["cause"] == "match judgement"
    assert "hikvision-like" not in [i.customer_id for i in queue.open_items(store, datetime.now(UTC)).items]


def test_a_true_match_denies_whatever_the_score_and_a_later_judgement_supersedes(desk: Desk) -> None:
    store, tokens = desk
    analyst = authenticate(store, tokens.analyst)
    hit = _hit(store, "hikvision-like")
    assert float(hit["score"]) < 0.9  # a possible match, below the deny threshold
    now = datetime.now(UTC)
    dossier.judge_match(
        store, analyst, "hikvision-like", str(hit["list"]), str(hit["entry_id"]), True, "same firm", now
    )
    verdict = decide(store, "hikvision-like")
    listed = [r for r in verdict.reasons if r.code.value == "listed"]
    assert verdict.decision.value == "deny" and len(listed) == 1
    assert listed[0].evidence["judged"] == "true match" and "judged a true match" in listed[0].message
    later = now + timedelta(seconds=2)
    dossier.judge_match(store, analyst, "hikvision-like", str(hit["list"]), str(hit["entry_id"]), False, "", later)
    with store.read() as tx:
        assert judgements.current(tx, ["hikvision-like"]) == {
            "hikvision-like": {(str(hit["list"]), str(hit["entry_id"])): False}
        }
        as_then = judgements.current(tx, None, now + timedelta(seconds=1))
        assert as_then["hikvision-like"][(str(hit["list"]), str(hit["entry_id"]))] is True
        assert [j.is_current for j in judgements.for_customer(tx, "hikvision-like")] == [True, False]
    assert not [r for r in decide(store, "hikvision-like").reasons if r.code.value == "listed"]


def test_judging_needs_an_analyst_and_a_real_customer(desk: Desk) -> None:
    store, tokens = desk
    viewer = authenticate(store, tokens.viewer)
    analyst = authenticate(store, tokens.analyst)
    now = datetime.now(UTC)
    with pytest.raises(PermissionDenied):
        dossier.judge_match(store, viewer, "hikvision-like", "us-dod-1260h", "x", False, "", now)
    with pytest.raises(NotFoundError):
        dossier.judge_match(store, analyst, "nobody", "us-dod-1260h", "x", False, "", now)
    with pytest.raises(InputError):
        dossier.judge_match(store, analyst, "hikvision-like", "", "x", False, "", now)
    with store.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM match_judgements") == 0


def test_queue_lists_review_items_with_counts_and_filters(desk: Desk) -> None:
    store, tokens = desk
    now = datetime.now(UTC)
    found = queue.open_items(store, now)
    assert [i.customer_id for i in found.items] == ["hikvision-like", "range-cn"] or {
        i.customer_id for i in found.items
    } == {"hikvision-like", "range-cn"}
    assert found.total == 2
    assert found.by_reason == {"possible-list-match": 1, "possible-ownership": 1}
    assert found.by_list == {"us-dod-1260h": 1}
    assert found.by_country == {"GB": 2}
    assert [i.customer_id for i in queue.open_items(store, now, reason="possible-ownership").items] == ["range-cn"]
    assert [i.customer_id for i in queue.open_items(store, now, list_id="us-dod-1260h").items] == ["hikvision-like"]
    assert queue.open_items(store, now, country="cn").items == []
    analyst, approver = authenticate(store, tokens.analyst), authenticate(store, tokens.approver)
    soon = (now + timedelta(days=90)).date().isoformat()  # within the 366-day cap
    proposal = dossier.propose_override(store, analyst, "range-cn", "allow", "Owner checked by phone", soon, now)
    assert [o.id for o in queue.open_items(store, now).proposals] == [proposal.id]
    with pytest.raises(PermissionDenied):
        dossier.review_override(store, analyst, proposal.id, True, "", now)
    dossier.review_override(store, approver, proposal.id, True, "fine", now)
    after = queue.open_items(store, datetime.now(UTC))
    assert [i.customer_id for i in after.items] == ["hikvision-like"] and after.proposals == []
