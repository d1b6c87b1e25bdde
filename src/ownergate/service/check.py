"""The check: API key and IP address in, an explained verdict out, from the in-memory table only.

Reason codes the check itself adds (beside the customer's own reasons):

=======================  ======  ====================================================
code                     status  meaning
=======================  ======  ====================================================
``missing-key``          401     no API key was presented
``malformed-key``        401     the key does not have the shape ``og_live_`` + 32 chars
``unknown-key``          403     no unrevoked key has this value
``no-decision``          403     the key's customer has no verdict yet (decision review)
``invalid-ip``           400     the IP address (or a forwarded hop) cannot be parsed
``ip-unsupported-region`` 403    the address is in a country the service refuses
``stale-table``          503     the table is older than the maximum staleness (fail closed)
``store-replaced``       503     the SQLite store file was replaced, moved or deleted (fail closed)
``store-missing``        503     the SQLite store file does not exist (fail closed; never created)
``untrusted-forwarded-for`` 400  X-Forwarded-For arrived from a peer that is not a trusted proxy
``malformed-json``       400     the body is not a JSON object of strings
``body-too-large``       413     the body is over 4 KiB
``body-timeout``         408     the body did not arrive within ``OWNERGATE_BODY_TIMEOUT``
=======================  ======  ====================================================
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from ownergate.errors import InputError
from ownergate.policy.countries import RegionList
from ownergate.service.address import region_addresses
from ownergate.service.geoip import country_of
from ownergate.service.keys import KEY_PATTERN
from ownergate.service.replica import Replica
from ownergate.service.table import Entry, default_ip_rule

Reason = dict[str, Any]


_SEEN_ADDRESSES = 100_000  # addresses whose region reason is remembered


class Verdict:
    """The answer to one check: HTTP status, allow or not, decision, customer and reasons."""

    __slots__ = ("allow", "customer", "decision", "reasons", "status")

    def __init__(self, status: int, decision: str, customer: str | None, reasons: tuple[Reason, ...]) -> None:
        self.status = status
        self.allow = status == 200
        self.decision = decision
        self.customer = customer
        self.reasons = reasons

    def as_dict(self) -> dict[str, Any]:
        return {
            "allow": self.allow,
            "decision": self.decision,
            "customer": self.customer,
            "reasons": list(self.reasons),
        }


def refusal(status: int, code: str, message: str, evidence: dict[str, Any] | None = None) -> Verdict:
    return Verdict(status, "deny", None, ({"code": code, "message": message, "evidence": evidence or {}},))


MISSING_KEY = refusal(401, "missing-key", "no API key (send api_key, Authorization: Bearer or x-api-key)")
MALFORMED_KEY = refusal(401, "malformed-key", "the API key is not of the form og_live_ followed by 32 characters")
UNKNOWN_KEY = refusal(403, "unknown-key", "no active API key has this value")


class Checker:
    """Answers checks from a :class:`Replica`'s table, failing closed when it is too old."""

    __slots__ = ("_countries_seen", "_reasons", "fail_closed", "max_staleness", "regions", "replica")

    def __init__(
        self,
        replica: Replica,
        max_staleness: float = 300.0,
        fail_closed: bool = True,
        regions: RegionList | None = None,
    ) -> None:
        self.replica = replica
        self.max_staleness = max_staleness
        self.fail_closed = fail_closed
        # Each verdict carries its policy's IP rule (its region list, or None when the policy does
        # not deny by address); this list applies only to keys with no customer. IP data is per
        # country, so a sub-national region cannot be told apart by address.
        self.regions = regions or default_ip_rule()
        # address as sent -> (address, country) for the canonical address and every IPv4 address
        # inside it (mapped, 6to4, NAT64, Teredo)
        self._countries_seen: dict[str, tuple[tuple[str, str | None], ...]] = {}
        self._reasons: dict[tuple[str, str, str], Reason | None] = {}  # (list, version, address) -> reason

    def check(self, api_key: str | None, ip: str | None, now: float | None = None) -> Verdict:
        """The verdict for a request with ``api_key`` from ``ip`` (None: address unknown)."""
        now = time.time() if now is None else now
        broken = self.replica.broken
        if broken is not None:  # whatever the staleness settings: the table's source is gone
            return refusal(503, broken.code, f"{broken}: every check fails closed until it is back")
        if self.fail_closed and self.max_staleness > 0:
            age = self.replica.age(now)
            if age > self.max_staleness:
                shown = "never loaded" if age == float("inf") else f"{age:.0f} s old"
                return refusal(
                    503,
                    "stale-table",
                    f"the decision table is {shown}, past the maximum staleness of {self.max_staleness:g} s",
                    {"max_staleness_seconds": self.max_staleness},
                )
        if not api_key:
            return MISSING_KEY
        if len(api_key) > 64 or not KEY_PATTERN.fullmatch(api_key):
            return MALFORMED_KEY
        if ip is not None:
            try:
                self._country(ip)  # a malformed address is refused whatever the key
            except InputError as exc:
                return refusal(400, "invalid-ip", exc.message)
        found = self.replica.table.lookup(hashlib.sha256(api_key.encode()).digest())
        if found is None:
            region = self._region_reason(self.regions, ip)
            return UNKNOWN_KEY if region is None else Verdict(403, "deny", None, (*UNKNOWN_KEY.reasons, region))
        customer, entry = found
        entry = entry.at(now)
        return _verdict(customer, entry, self._region_reason(entry.ip_rule, ip))

    def _country(self, ip: str) -> tuple[tuple[str, str | None], ...]:
        found = self._countries_seen.get(ip)
        if found is None:
            addresses = region_addresses(ip)  # InputError for a malformed address: never cached
            found = self._countries_seen[ip] = tuple((address, country_of(address)) for address in addresses)
            if len(self._countries_seen) > _SEEN_ADDRESSES:  # bounded: forget everything, start again
                self._countries_seen.clear()
        return found

    def _region_reason(self, regions: RegionList | None, ip: str | None) -> Reason | None:
        """The ``ip-unsupported-region`` reason when the address's country is unsupported under
        ``regions`` (None: the verdict's policy does not deny by address)."""
        if regions is None or ip is None:
            return None
        key = (regions.list_name, regions.version, ip)
        found = self._reasons.get(key, False)
        if found is False:
            if len(self._reasons) > _SEEN_ADDRESSES:  # bounded: forget everything, start again
                self._reasons.clear()
            found = self._reasons[key] = self._reason(regions, self._country(ip))
        return found  # type: ignore[return-value]

    @staticmethod
    def _reason(regions: RegionList, found: tuple[tuple[str, str | None], ...]) -> Reason | None:
        """The reason for the first address (the canonical one, then each IPv4 address inside it)
        whose country ``regions`` does not support; None when there is none."""
        for address, country in found:
            if country is None or not regions.is_unsupported(country):
                continue
            evidence: dict[str, Any] = {"ip": address, "country": country, **regions.cite()}
            if address != found[0][0]:
                evidence["address"] = found[0][0]  # the IPv6 address the IPv4 one was read from
            return {
                "code": "ip-unsupported-region",
                "message": f"requests from {regions.name(country)} ({country}) are not supported",
                "evidence": evidence,
            }
        return None


def _verdict(customer: str, entry: Entry, region: Reason | None) -> Verdict:
    if region is None:
        return Verdict(200 if entry.allow else 403, entry.decision, customer, entry.reasons)
    return Verdict(403, "deny", customer, (region, *entry.reasons))
