"""One address normaliser for every gateway: an IPv4 address hidden in an IPv6 form (mapped,
translated, compatible, 6to4, NAT64, Teredo) is judged by the country of the IPv4 address."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from service_helpers import Gate, seed_gate

from ownergate.errors import InputError
from ownergate.service.address import TrustedProxies, client_ip, region_addresses
from ownergate.service.app import create_app
from ownergate.service.check import Checker
from ownergate.service.gateway import answer
from ownergate.service.replica import Replica
from ownergate.store import Store

CN = "223.5.5.5"  # Alibaba's public DNS, in China (an unsupported region)
GB = "81.2.69.142"

# Every spelling of 223.5.5.5 the issue names, and more.
CN_FORMS = [
    "::ffff:223.5.5.5",
    "::ffff:df05:505",
    "::FFFF:DF05:0505",
    "0:0:0:0:0:ffff:df05:505",
    "::ffff:0:df05:505",  # IPv4-translated (SIIT)
    "::df05:505",  # IPv4-compatible (deprecated)
    "::223.5.5.5",
    "2002:df05:505::1",  # 6to4
    "2002:df05:505:1234:5678:9abc:def0:1",
    "64:ff9b::df05:505",  # NAT64 well-known prefix
    "64:ff9b::223.5.5.5",
    "64:ff9b:1::df05:505",  # NAT64 local-use prefix, /96
    "64:ff9b:1:df05:5:500::",  # local-use prefix, /48 layout
    "64:ff9b:1:df:5:505::",  # /56 layout
    "64:ff9b:1:0:df:505:500::",  # /64 layout
    "2001:0:4136:e378:8000:ffff:20fa:fafa",  # Teredo, client 223.5.5.5 (obfuscated)
]


@pytest.mark.parametrize("form", CN_FORMS)
def test_every_form_carries_the_ipv4_address(form: str) -> None:
    assert CN in region_addresses(form)


@pytest.fixture
def checker() -> Checker:
    return Checker(Replica("sqlite:///unused.sqlite3"), max_staleness=0)


@pytest.mark.parametrize("form", CN_FORMS)
def test_every_form_is_judged_by_its_ipv4_country(checker: Checker, form: str) -> None:
    reason = checker._region_reason(checker.regions, form)
    assert reason is not None and reason["code"] == "ip-unsupported-region"
    if not form.startswith("64:ff9b:1:"):  # a local-use NAT64 address has several readings: any may deny
        assert reason["evidence"]["ip"] == CN and reason["evidence"]["country"] == "CN"


@pytest.mark.parametrize("text", ["", "223.5.5", "::ffff:223.5.5.256", "2002:df05:505::1::", "x::1", "a" * 100])
def test_an_unreadable_address_is_refused(checker: Checker, text: str) -> None:
    with pytest.raises(InputError):
        region_addresses(text)
    verdict = checker.check("og_live_" + "a" * 32, text)
    assert verdict.status == 400 and verdict.reasons[0]["code"] == "invalid-ip"


_FORMS = {
    "plain": lambda v4, rest: str(v4),
    "mapped": lambda v4, rest: f"::ffff:{v4}",
    "mapped-hex": lambda v4, rest: str(ipaddress.IPv6Address((0xFFFF << 32) | int(v4))),
    "translated": lambda v4, rest: str(ipaddress.IPv6Address((0xFFFF << 48) | int(v4))),
    "6to4": lambda v4, rest: str(ipaddress.IPv6Address((0x2002 << 112) | (int(v4) << 80) | (rest & (1 << 80) - 1))),
    "nat64": lambda v4, rest: f"64:ff9b::{v4}",
    "nat64-local": lambda v4, rest: str(ipaddress.IPv6Address((0x64FF9B0001 << 80) | int(v4))),
    "teredo": lambda v4, rest: str(
        ipaddress.IPv6Address((0x20010000 << 96) | ((rest & 0xFFFFFFFF) << 64) | (int(v4) ^ 0xFFFFFFFF))
    ),
}


@settings(max_examples=300, deadline=None)
@given(
    v4=st.ip_addresses(v=4),
    form=st.sampled_from(sorted(_FORMS)),
    rest=st.integers(min_value=0, max_value=(1 << 80) - 1),
)
def test_property_a_form_never_escapes_the_plain_address_verdict(
    v4: ipaddress.IPv4Address, form: str, rest: int
) -> None:
    checker = Checker(Replica("sqlite:///unused.sqlite3"))
    written = _FORMS[form](v4, rest)
    assert str(v4) in region_addresses(written)
    plain = checker._region_reason(checker.regions, str(v4))
    if plain is not None:  # the plain address is refused: so is every spelling of it
        spelled = checker._region_reason(checker.regions, written)
        assert spelled is not None and spelled["code"] == "ip-unsupported-region"


@settings(max_examples=300, deadline=None)
@given(address=st.ip_addresses())
def test_property_any_address_is_read_without_error(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    found = region_addresses(str(address))
    assert all(ipaddress.ip_address(a) for a in found)
    assert len(found) == len(set(found))


@pytest.fixture
def sgate(sqlite_store: Store) -> Gate:
    return seed_gate(sqlite_store)


@pytest.fixture
def client(sgate: Gate) -> Iterator[TestClient]:
    with TestClient(create_app(sgate.store.url)) as c:
        yield c


@pytest.mark.parametrize("form", [CN, *CN_FORMS])
def test_v1_check_refuses_every_form(client: TestClient, sgate: Gate, form: str) -> None:
    response = client.post("/v1/check", json={"api_key": sgate.keys["gb-widgets"], "ip": form})
    assert response.status_code == 403, response.text
    assert response.json()["reasons"][0]["code"] == "ip-unsupported-region"


@pytest.mark.parametrize("form", ["::ffff:223.5.5.5", "2002:df05:505::1", "64:ff9b::df05:505"])
def test_peer_and_forwarded_forms_are_refused(client: TestClient, sgate: Gate, form: str) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]
    headers = {b"x-api-key": sgate.keys["gb-widgets"].encode()}
    # The connection's own address (nginx, Envoy HTTP and gRPC, the middleware all pass it as the peer).
    verdict = answer(service.checker(), service.trusted, b"", headers, form)
    assert verdict.status == 403 and verdict.reasons[0]["code"] == "ip-unsupported-region"
    # A hop a trusted proxy forwarded.
    trusted = TrustedProxies(["127.0.0.1"])
    forwarded = answer(service.checker(), trusted, b"", {**headers, b"x-forwarded-for": form.encode()}, "127.0.0.1")
    assert forwarded.status == 403 and forwarded.reasons[0]["code"] == "ip-unsupported-region"
    allowed = answer(service.checker(), service.trusted, b"", headers, f"::ffff:{GB}")
    assert allowed.status == 200


def test_a_mapped_proxy_address_is_the_proxy() -> None:
    trusted = TrustedProxies(["127.0.0.1"])
    assert "::ffff:127.0.0.1" in trusted and "::ffff:7f00:1" in trusted
    assert client_ip("::ffff:127.0.0.1", GB, trusted) == GB
    assert client_ip("::ffff:81.2.69.142", None, trusted) == GB
    written_mapped = TrustedProxies(["::ffff:10.0.0.0/104"])
    assert "10.1.2.3" in written_mapped and "::ffff:10.1.2.3" in written_mapped and "11.0.0.1" not in written_mapped
