"""A small typed client for ownergate's onboarding API and ``/v1/check`` (over httpx).

::

    from ownergate.client import Client

    with Client("https://ownergate.internal", token="og_admin_...") as og:
        signup = og.sign_up({...}, idempotency_key=request_id)
        if signup.allowed:
            give_to_customer(signup.api_key)  # shown once: ownergate keeps only its hash

Errors are raised as :class:`OwnergateHTTPError` (with the HTTP status, the error code and the
message the service gave). Nothing here ever treats a failure as an allow: :meth:`Client.check`
returns ``allowed=False`` for every answer but a 200.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

__all__ = ["Check", "Client", "CustomerRecord", "OwnergateHTTPError", "SignUp", "Verdict"]


class OwnergateHTTPError(Exception):
    """The service refused a call: ``status`` (HTTP), ``code`` (e.g. ``invalid-input``) and ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: str  # "allow" | "review" | "deny"
    reasons: list[dict[str, Any]]  # [{"code", "message", "evidence"}]
    policy: str
    policy_version: str
    decided_at: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> Verdict:
        return cls(data["decision"], data["reasons"], data["policy"], data["policy_version"], data["decided_at"])


@dataclass(frozen=True, slots=True)
class SignUp:
    """The answer to a sign-up or a change: the customer as stored, its verdict, and a key when one was issued."""

    customer: dict[str, Any]
    verdict: Verdict
    api_key: str | None  # only in the sign-up answer that issued it
    attestation: dict[str, Any] | None
    replayed: bool = False  # the answer to an earlier request with the same Idempotency-Key

    @property
    def id(self) -> str:
        return str(self.customer["id"])

    @property
    def allowed(self) -> bool:
        return self.verdict.decision == "allow"

    @classmethod
    def of(cls, data: dict[str, Any], replayed: bool = False) -> SignUp:
        return cls(
            data["customer"], Verdict.of(data["verdict"]), data.get("api_key"), data.get("attestation"), replayed
        )


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """``GET /v1/customers/{id}``: facts, nested owners, the verdict in force (None: not decided yet), keys."""

    id: str
    name: str
    verdict: Verdict | None
    deleted_at: str | None
    data: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, data: dict[str, Any]) -> CustomerRecord:
        verdict = data.get("verdict")
        return cls(data["id"], data["name"], Verdict.of(verdict) if verdict else None, data.get("deleted_at"), data)


@dataclass(frozen=True, slots=True)
class Check:
    """``POST /v1/check``: whether this key, from this address, may use the service now."""

    allowed: bool
    status: int
    decision: str
    customer: str | None
    reasons: list[dict[str, Any]]


class Client:
    """Calls one ownergate service with an admin token of role ``onboarding`` (or ``admin``)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def sign_up(self, organisation: dict[str, Any], *, idempotency_key: str | None = None) -> SignUp:
        """``POST /v1/customers``: store, screen and decide; ``api_key`` is set when the verdict allows."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        response = self._send("POST", "/v1/customers", json=organisation, headers=headers)
        return SignUp.of(response.json(), response.headers.get("Idempotency-Replayed") == "true")

    def customer(self, customer_id: str) -> CustomerRecord:
        return CustomerRecord.of(self._send("GET", f"/v1/customers/{_segment(customer_id)}").json())

    def update(self, customer_id: str, changes: dict[str, Any]) -> SignUp:
        """``PATCH``: change some facts (owners need an ``attestation``); re-decided at once."""
        return SignUp.of(self._send("PATCH", f"/v1/customers/{_segment(customer_id)}", json=changes).json())

    def replace_owners(self, customer_id: str, owners: list[dict[str, Any]], attestation: dict[str, Any]) -> SignUp:
        body = {"owners": owners, "attestation": attestation}
        return SignUp.of(self._send("PUT", f"/v1/customers/{_segment(customer_id)}/owners", json=body).json())

    def delete(self, customer_id: str) -> dict[str, Any]:
        """Soft delete: the customer's keys are revoked at once; its history stays."""
        data: dict[str, Any] = self._send("DELETE", f"/v1/customers/{_segment(customer_id)}").json()
        return data

    def check(self, api_key: str, ip: str | None = None) -> Check:
        """``POST /v1/check`` (needs no admin token; the API key is the credential)."""
        body = {"api_key": api_key, **({"ip": ip} if ip else {})}
        request = self._http.build_request("POST", "/v1/check", json=body)
        del request.headers["Authorization"]  # the admin token is not sent where a key is checked
        response = self._http.send(request)
        try:
            data = response.json()
        except ValueError:
            data = {}
        return Check(
            allowed=response.status_code == 200 and data.get("allow") is True,
            status=response.status_code,
            decision=str(data.get("decision") or "deny"),
            customer=data.get("customer"),
            reasons=list(data.get("reasons") or []),
        )

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            try:
                data = response.json()
                code, message = str(data.get("error", "error")), str(data.get("message", response.text))
            except ValueError:
                code, message = "error", response.text[:500]
            raise OwnergateHTTPError(response.status_code, code, message)
        return response


def _segment(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
