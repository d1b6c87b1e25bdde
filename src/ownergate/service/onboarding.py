"""Sign-up screening and changes to a customer through the API, each decided at once.

:func:`sign_up` stores a new customer with its declared owners and attestation, decides it under the
policy in force (:func:`onboarding_policy`) and, when the verdict allows, issues an API key, all in
one transaction with the audit records, the ``decision.changed`` outbox event and the change feed
row that replicas follow. :func:`update`, :func:`replace_owners` and :func:`delete` do the same for
changes: the new verdict is committed with the change, never after it.

The verdict is worked out from the customer as it will be stored, just before the transaction that
stores it (deciding reads the lists, the ownership graph and the policy through their own reads).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from ownergate import audit, changefeed
from ownergate.audit.chain import canonical_json
from ownergate.decisions import customers as book
from ownergate.decisions.customers import Customer, DeclaredOwner
from ownergate.decisions.effective import effective_decision
from ownergate.decisions.service import open_book, record_in
from ownergate.decisions.verdict import Decision, Verdict
from ownergate.errors import ConflictError, InputError, NotFoundError
from ownergate.monitor import outbox
from ownergate.policy.repository import active_policy
from ownergate.service import keys
from ownergate.store import Store, Transaction

CAUSE = "onboarding"


def onboarding_policy(store: Store) -> str:
    """The name of the policy sign-ups and API changes are decided under: the store's active one
    (``ownergate policy activate``), else the default, as for every ``decide`` and ``watch``."""
    with store.read() as tx:
        return active_policy(tx).name


@dataclass(frozen=True, slots=True)
class Attestation:
    """Who declared the customer's facts, when, and the text they accepted."""

    declared_by: str
    declared_at: str  # ISO 8601 with a time zone
    text: str

    def sha256(self) -> str:
        return hashlib.sha256(canonical_json(self.fields()).encode("utf-8")).hexdigest()

    def fields(self) -> dict[str, str]:
        return {"declared_by": self.declared_by, "declared_at": self.declared_at, "text": self.text}


@dataclass(slots=True)
class Outcome:
    """What a sign-up or change did: the customer as stored, its verdict, and a new key if one was issued."""

    customer: Customer
    verdict: Verdict
    key: keys.IssuedKey | None = None
    attestation: dict[str, Any] | None = None
    revoked: list[keys.KeyInfo] = field(default_factory=list)


#: called inside the transaction with the outcome, to store something with it (an idempotency record)
Finish = Callable[[Transaction, Outcome], None]


def new_customer_id() -> str:
    return "cus_" + secrets.token_hex(12)


def decide_one(store: Store, customer: Customer) -> Verdict:
    """The verdict ``customer`` gets under the onboarding policy, as given (stored or not)."""
    booked = open_book(store, onboarding_policy(store), None, [customer])
    return booked.decide(customer, datetime.now(UTC).isoformat())


def sign_up(
    store: Store, customer: Customer, attestation: Attestation, actor: str, finish: Finish | None = None
) -> Outcome:
    """Store and decide a new customer; issue a key when the verdict allows."""
    book.validate(customer)
    with store.read() as tx:
        if tx.scalar("SELECT 1 FROM customers WHERE id = ?", (customer.id,)) is not None:
            raise ConflictError(f"customer {customer.id!r} exists already: change it with PATCH")
    verdict = decide_one(store, customer)
    now = datetime.now(UTC)
    with store.transaction() as tx:
        if tx.scalar("SELECT 1 FROM customers WHERE id = ?", (customer.id,)) is not None:
            raise ConflictError(f"customer {customer.id!r} exists already: change it with PATCH")
        book.save(tx, [customer], now)
        book.save_owners(tx, {customer.id: customer.owners}, now)
        audit.append(tx, actor=actor, action="customer.create", subject=_subject(customer), details=_facts(customer))
        outcome = Outcome(customer, verdict, attestation=attest(tx, customer.id, attestation, actor))
        record_in(tx, [verdict], CAUSE, actor)
        if verdict.decision is Decision.ALLOW:
            outcome.key = keys.insert_key(tx, customer.id, "sign-up", actor=actor)
        change = changefeed.record_change(tx, store, [customer.id])
        if finish is not None:
            finish(tx, outcome)
    changefeed.published(store, change)
    return outcome


def update(
    store: Store,
    customer_id: str,
    changes: dict[str, Any],
    owners: Sequence[DeclaredOwner] | None,
    attestation: Attestation | None,
    actor: str,
) -> Outcome:
    """Change a customer's facts (``changes``: Customer field -> value) and/or owners; re-decide it."""
    current = _live(store, customer_id)
    if owners is not None and attestation is None:
        raise InputError("a change of declared owners needs an attestation")
    unknown = set(changes) - _CHANGEABLE
    if unknown:
        raise InputError(f"cannot change {', '.join(sorted(unknown))}")
    changed = replace(current, **changes)
    if owners is not None:
        changed.owners = list(owners)
    book.validate(changed)
    verdict = decide_one(store, changed)
    now = datetime.now(UTC)
    with store.transaction() as tx:
        _check_live(tx, customer_id)
        book.save(tx, [changed], now)
        if owners is not None:
            book.save_owners(tx, {customer_id: changed.owners}, now)
        details = {"changed": sorted(changes), "owners": None if owners is None else len(owners)}
        audit.append(tx, actor=actor, action="customer.update", subject=_subject(changed), details=details)
        outcome = Outcome(changed, verdict)
        if attestation is not None:
            outcome.attestation = attest(tx, customer_id, attestation, actor)
        record_in(tx, [verdict], CAUSE, actor)
        change = changefeed.record_change(tx, store, [customer_id])
    changefeed.published(store, change)
    return outcome


_CHANGEABLE = {
    "name",
    "other_names",
    "country",
    "hq_country",
    "billing_country",
    "lei",
    "registration_number",
    "tax_id",
    "website",
    "email_domain",
    "entity_id",
}


def delete(store: Store, customer_id: str, actor: str) -> Outcome:
    """Soft delete: the customer leaves the book, its keys are revoked, its history stays."""
    current = _live(store, customer_id)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.transaction() as tx:
        _check_live(tx, customer_id)
        tx.execute("UPDATE customers SET deleted_at = ?, updated_at = ? WHERE id = ?", (now, now, customer_id))
        revoked = keys.revoke_all(tx, customer_id, actor=actor)
        audit.append(
            tx,
            actor=actor,
            action="customer.delete",
            subject=_subject(current),
            details={"deleted_at": now, "keys_revoked": [k.prefix for k in revoked]},
        )
        previous = tx.scalar("SELECT decision FROM decisions WHERE customer_id = ? AND is_current = 1", (customer_id,))
        outbox.enqueue(
            tx, "customer.deleted", {"customer": customer_id, "from": previous, "keys_revoked": len(revoked)}
        )
        change = changefeed.record_change(tx, store, [customer_id])
        found = effective_decision(tx, customer_id, datetime.now(UTC))
    changefeed.published(store, change)
    verdict = Verdict(
        customer_id,
        Decision(found.decision) if found else Decision.REVIEW,
        [],
        found.policy if found else "",
        found.policy_version if found else "",
        {},
        found.decided_at if found else now,
    )
    return Outcome(current, verdict, revoked=revoked)


def attest(tx: Transaction, customer_id: str, attestation: Attestation, actor: str) -> dict[str, Any]:
    """Store an attestation and chain its SHA-256 into the audit log (``audit verify`` checks both agree)."""
    digest = attestation.sha256()
    row = tx.fetchone(
        "INSERT INTO customer_attestations (customer_id, declared_by, declared_at, text, sha256, recorded_at,"
        " recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            customer_id,
            attestation.declared_by,
            attestation.declared_at,
            attestation.text,
            digest,
            datetime.now(UTC).isoformat(timespec="seconds"),
            actor,
        ),
    )
    assert row is not None
    found = {"id": int(row[0]), "sha256": digest, "declared_by": attestation.declared_by}
    audit.append(
        tx,
        actor=actor,
        action="customer.attested",
        subject=f"customer:{customer_id}",
        details={"attestation_id": found["id"], "sha256": digest, "declared_at": attestation.declared_at},
    )
    return found


def _live(store: Store, customer_id: str) -> Customer:
    with store.read() as tx:
        _check_live(tx, customer_id)
        return book.get_customer(tx, customer_id)


def _check_live(tx: Transaction, customer_id: str) -> None:
    row = tx.fetchone("SELECT deleted_at FROM customers WHERE id = ?", (customer_id,))
    if row is None:
        raise NotFoundError(f"customer {customer_id!r} does not exist")
    if row[0] is not None:
        raise ConflictError(f"customer {customer_id!r} was deleted at {row[0]}")


def _subject(customer: Customer) -> str:
    return f"customer:{customer.id}"


def _facts(customer: Customer) -> dict[str, Any]:
    data = book.to_dict(customer)
    data["owners"] = len(customer.owners)
    return data


def view(store: Store, customer_id: str) -> dict[str, Any]:
    """A customer as the API shows it: facts, nested owners, the verdict in force, keys (prefixes only)."""
    with store.read() as tx:
        customer = book.get_customer(tx, customer_id)
        stamps = tx.fetchone("SELECT created_at, updated_at, deleted_at FROM customers WHERE id = ?", (customer_id,))
        found = effective_decision(tx, customer_id, datetime.now(UTC))
        attestations = tx.fetchall(
            "SELECT id, declared_by, declared_at, sha256, recorded_at FROM customer_attestations"
            " WHERE customer_id = ? ORDER BY id",
            (customer_id,),
        )
    assert stamps is not None
    verdict = None if found is None else found.as_json()
    return {
        **customer_json(customer),
        "created_at": stamps[0],
        "updated_at": stamps[1],
        "deleted_at": stamps[2],
        "verdict": verdict,
        "keys": [k.as_dict() for k in keys.list_keys(store, customer_id, include_revoked=True)],
        "attestations": [
            dict(zip(("id", "declared_by", "declared_at", "sha256", "recorded_at"), a, strict=True))
            for a in attestations
        ],
    }


def customer_json(customer: Customer) -> dict[str, Any]:
    """The API's shape of a customer: countries and identifiers grouped, owners nested."""
    return {
        "id": customer.id,
        "name": customer.name,
        "other_names": list(customer.other_names),
        "countries": {
            "incorporation": customer.country,
            "headquarters": customer.hq_country,
            "billing": customer.billing_country,
        },
        "identifiers": {
            "lei": customer.lei,
            "registration_number": customer.registration_number,
            "tax_id": customer.tax_id,
            "website": customer.website,
            "email_domain": customer.email_domain,
        },
        "entity_id": customer.entity_id,
        "owners": nest(customer.owners),
    }


def nest(owners: Sequence[DeclaredOwner]) -> list[dict[str, Any]]:
    """Flat declared owners (``owned_by`` positions) as the nested tree the API takes and gives."""
    nodes: list[dict[str, Any]] = [
        {
            "name": o.name,
            "country": o.country,
            "headquarters": o.hq_country,
            "kind": o.owner_type,
            "share_min": o.share_min,
            "share_max": o.share_max,
            "owners": [],
        }
        for o in owners
    ]
    top: list[dict[str, Any]] = []
    for o, node in zip(owners, nodes, strict=True):
        parent = o.owned_by
        (top if parent is None or not 0 <= parent < len(nodes) else nodes[parent]["owners"]).append(node)
    return top
