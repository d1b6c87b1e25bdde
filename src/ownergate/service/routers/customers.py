"""``/v1/customers``: sign-up screening and changes to a customer, each decided in the same request.

Needs a token with role ``onboarding`` (or ``admin``). Input is validated here, strictly (unknown
fields refused, ISO 3166 country codes, shares as fractions); the work is one call into
:mod:`ownergate.service.onboarding`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ownergate.decisions.customers import Customer, DeclaredOwner, parse_country
from ownergate.errors import InputError
from ownergate.service import idempotency, onboarding
from ownergate.service.auth import Actor, Role
from ownergate.service.routers.admin import ERRORS, role, store_of

router = APIRouter(prefix="/v1/customers", tags=["onboarding"], responses=ERRORS)
Onboarder = Annotated[Actor, role(Role.onboarding)]

MAX_DEPTH = 10  # levels of nested owners
MAX_OWNERS = 200  # declared owners of one customer, every level together


def _country(value: str) -> str:
    try:
        code = parse_country(value, "country")
    except InputError as exc:
        raise ValueError(exc.message) from None
    if code is None:
        raise ValueError("an empty country code")
    return code


Country = Annotated[str, Field(min_length=2, max_length=2, examples=["GB"]), AfterValidator(_country)]
Short = Annotated[str, Field(min_length=1, max_length=200)]
Name = Annotated[str, Field(min_length=1, max_length=300)]
CustomerId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")]
Share = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Countries(Strict):
    incorporation: Country | None = None
    headquarters: Country | None = None
    billing: Country | None = None


class Identifiers(Strict):
    lei: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{18}[0-9]{2}$")] | None = None
    registration_number: Short | None = None
    tax_id: Short | None = None
    website: Annotated[str, Field(min_length=3, max_length=300)] | None = None
    email_domain: Annotated[str, Field(pattern=r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,63}$", max_length=253)] | None = None


class Owner(Strict):
    """A declared owner: a share (``share``) or a range (``share_min``/``share_max``), or neither
    (a stake of unknown size), and optionally its own owners."""

    name: Name
    country: Country | None = None
    headquarters: Country | None = None
    kind: Literal["company", "person"] = "company"
    share: Share | None = None
    share_min: Share | None = None
    share_max: Share | None = None
    owners: list[Owner] = Field(default_factory=list, max_length=MAX_OWNERS)

    @model_validator(mode="after")
    def _shares(self) -> Owner:
        if self.share is not None and (self.share_min is not None or self.share_max is not None):
            raise ValueError("give share, or share_min and share_max, not both")
        if self.share_min is not None and self.share_max is not None and self.share_min > self.share_max:
            raise ValueError(f"share_min {self.share_min} exceeds share_max {self.share_max}")
        return self

    def bounds(self) -> tuple[float | None, float | None]:
        if self.share is not None:
            return self.share, self.share
        lo, hi = self.share_min, self.share_max
        if lo is not None and hi is None:
            hi = 1.0  # at least lo: the upper bound is unknown
        if hi is not None and lo is None:
            lo = 0.0
        return lo, hi


def _moment(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone (add Z or +00:00)")
    return moment.isoformat()


Moment = Annotated[
    str, Field(min_length=10, max_length=40, json_schema_extra={"format": "date-time"}), AfterValidator(_moment)
]


class Attestation(Strict):
    declared_by: Short
    declared_at: Moment  # text only: a number is not read as a Unix time
    text: Annotated[str, Field(min_length=1, max_length=20_000)]

    def plain(self) -> onboarding.Attestation:
        return onboarding.Attestation(self.declared_by, self.declared_at, self.text)


class SignUp(Strict):
    id: CustomerId | None = Field(None, description="your own id for the customer; one is made up when absent")
    name: Name
    other_names: list[Name] = Field(default_factory=list, max_length=20)
    countries: Countries
    identifiers: Identifiers = Field(default_factory=Identifiers)
    entity_id: Short | None = Field(None, description="the customer's node in the ownership graph, when known")
    owners: list[Owner] = Field(default_factory=list, max_length=MAX_OWNERS)
    attestation: Attestation


class Change(Strict):
    name: Name | None = None
    other_names: list[Name] | None = Field(None, max_length=20)
    countries: Countries | None = None
    identifiers: Identifiers | None = None
    entity_id: Short | None = None
    owners: list[Owner] | None = Field(None, max_length=MAX_OWNERS)
    attestation: Attestation | None = None


class OwnersChange(Strict):
    owners: list[Owner] = Field(max_length=MAX_OWNERS)
    attestation: Attestation


def flatten(owners: list[Owner]) -> list[DeclaredOwner]:
    """Nested owners as the flat list the book stores (``owned_by``: the position of what each owns)."""
    flat: list[DeclaredOwner] = []

    def walk(items: list[Owner], parent: int | None, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise InputError(f"owners are nested more than {MAX_DEPTH} levels deep")
        for item in items:
            if len(flat) >= MAX_OWNERS:
                raise InputError(f"more than {MAX_OWNERS} declared owners")
            lo, hi = item.bounds()
            flat.append(DeclaredOwner(item.name, item.country, item.headquarters, lo, hi, item.kind, "", parent))
            walk(item.owners, len(flat) - 1, depth + 1)

    walk(owners, None, 1)
    return flat


_FIELDS = {
    ("countries", "incorporation"): "country",
    ("countries", "headquarters"): "hq_country",
    ("countries", "billing"): "billing_country",
    ("identifiers", "lei"): "lei",
    ("identifiers", "registration_number"): "registration_number",
    ("identifiers", "tax_id"): "tax_id",
    ("identifiers", "website"): "website",
    ("identifiers", "email_domain"): "email_domain",
}


def _customer(body: SignUp) -> Customer:
    ids = body.identifiers
    return Customer(
        id=body.id or onboarding.new_customer_id(),
        name=body.name,
        country=body.countries.incorporation,
        hq_country=body.countries.headquarters,
        lei=ids.lei.upper() if ids.lei else None,
        registration_number=ids.registration_number,
        website=ids.website,
        entity_id=body.entity_id,
        other_names=list(body.other_names),
        billing_country=body.countries.billing,
        tax_id=ids.tax_id,
        email_domain=ids.email_domain.lower() if ids.email_domain else None,
        owners=flatten(body.owners),
    )


def _changes(body: Change) -> dict[str, Any]:
    """Customer field -> new value, for the fields the PATCH body sets (null clears one)."""
    sent = body.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for key in ("name", "other_names", "entity_id"):
        if key in sent:
            changes[key] = sent[key]
    if "name" in changes and changes["name"] is None:
        raise InputError("name cannot be cleared")
    if changes.get("other_names") is None and "other_names" in changes:
        changes["other_names"] = []
    for (group, key), field_name in _FIELDS.items():
        if key in (sent.get(group) or {}):
            value = sent[group][key]
            changes[field_name] = value.upper() if field_name == "lei" and value else value
    return changes


def _answer(outcome: onboarding.Outcome) -> dict[str, Any]:
    verdict = outcome.verdict
    return {
        "customer": onboarding.customer_json(outcome.customer),
        "verdict": {
            "decision": verdict.decision.value,
            "reasons": [r.to_dict() for r in verdict.reasons],
            "policy": verdict.policy,
            "policy_version": verdict.policy_version,
            "decided_at": verdict.decided_at,
        },
        "api_key": outcome.key.key if outcome.key else None,
        "key": outcome.key.info.as_dict() if outcome.key else None,
        "attestation": outcome.attestation,
    }


@router.post(
    "",
    status_code=201,
    responses={201: {"description": "Stored and decided; ``api_key`` is set (once) when the verdict allows"}},
)
def sign_up(
    request: Request,
    actor: Onboarder,
    body: SignUp,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)] = None,
) -> JSONResponse:
    """Screen an organisation at sign-up: store it, decide it now, and issue an API key when allowed.

    Send ``Idempotency-Key`` (e.g. a UUID) to make retries safe: the same key with the same body
    gets the first answer again (``Idempotency-Replayed: true``), never a second customer or key;
    the same key with another body is refused (409).
    """
    store = store_of(request)
    req = None
    if idempotency_key is not None:
        req = idempotency.request(
            str(actor.token_id), idempotency_key, "POST", "/v1/customers", body.model_dump(mode="json")
        )
        stored = idempotency.lookup(store, req)
        if stored is not None:
            return JSONResponse(stored.body, stored.status, headers={"Idempotency-Replayed": "true"})
    customer = _customer(body)
    finish = None
    if req is not None:
        keyed = req

        def finish(tx: Any, outcome: onboarding.Outcome) -> None:
            idempotency.remember(tx, keyed, 201, _answer(outcome))

    try:
        outcome = onboarding.sign_up(store, customer, body.attestation.plain(), actor.name, finish)
    except Exception as exc:
        if req is None or not idempotency.is_duplicate(exc):
            raise
        stored = idempotency.lookup(store, req)  # a concurrent request with the same key won
        if stored is None:
            raise
        return JSONResponse(stored.body, stored.status, headers={"Idempotency-Replayed": "true"})
    return JSONResponse(_answer(outcome), 201)


Id = Annotated[str, Path(max_length=100)]


@router.get("/{customer_id}")
def get_customer(request: Request, actor: Onboarder, customer_id: Id) -> dict[str, Any]:
    """A customer: its facts, nested owners, the verdict in force, its keys (prefixes) and attestations."""
    return onboarding.view(store_of(request), customer_id)


@router.patch("/{customer_id}")
def change_customer(request: Request, actor: Onboarder, customer_id: Id, body: Change) -> dict[str, Any]:
    """Change some facts (and optionally the owners, with an attestation); the customer is re-decided at once."""
    owners = flatten(body.owners) if body.owners is not None else None
    attestation = body.attestation.plain() if body.attestation else None
    outcome = onboarding.update(store_of(request), customer_id, _changes(body), owners, attestation, actor.name)
    return _answer(outcome)


@router.put("/{customer_id}/owners")
def replace_owners(request: Request, actor: Onboarder, customer_id: Id, body: OwnersChange) -> dict[str, Any]:
    """Replace the declared owners (with an attestation); the customer is re-decided at once."""
    outcome = onboarding.update(
        store_of(request), customer_id, {}, flatten(body.owners), body.attestation.plain(), actor.name
    )
    return _answer(outcome)


@router.delete("/{customer_id}")
def delete_customer(request: Request, actor: Onboarder, customer_id: Id) -> dict[str, Any]:
    """Soft delete: keys revoked, the customer leaves the book, its history stays."""
    outcome = onboarding.delete(store_of(request), customer_id, actor.name)
    return {
        "customer": outcome.customer.id,
        "deleted": True,
        "keys_revoked": [k.as_dict() for k in outcome.revoked],
    }
