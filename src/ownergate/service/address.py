"""The client's IP address: the connection's peer, or the ``X-Forwarded-For`` hop a trusted proxy added.

``X-Forwarded-For`` is read from the right: each hop added by a trusted proxy (``OWNERGATE_TRUSTED_PROXIES``)
is skipped and the first address not in that set is the client. A header that arrives from a peer
that is not a trusted proxy is refused outright: anyone can write one, so honouring it, or silently
ignoring it, would let a client choose the country it is judged by.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ownergate.errors import ConfigError, InputError
from ownergate.service.geoip import parse_ip

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class UntrustedForwarding(InputError):
    """``X-Forwarded-For`` from a peer that is not a trusted proxy."""

    code = "untrusted-forwarded-for"


class TrustedProxies:
    """A set of networks whose ``X-Forwarded-For`` hops are believed."""

    __slots__ = ("networks",)

    def __init__(self, cidrs: Iterable[str] = ()) -> None:
        networks: list[Network] = []
        for cidr in cidrs:
            try:
                networks.append(ipaddress.ip_network(cidr.strip(), strict=False))
            except ValueError:
                raise ConfigError(f"OWNERGATE_TRUSTED_PROXIES: {cidr!r} is not an IP address or network") from None
        self.networks = tuple(networks)

    def __contains__(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def client_ip(peer: str | None, forwarded_for: str | None, trusted: TrustedProxies) -> str | None:
    """The client's canonical address, None when unknown (no peer address, e.g. a Unix socket)."""
    if not forwarded_for:
        return _peer_ip(peer)
    if peer is None or peer not in trusted:
        raise UntrustedForwarding(
            "X-Forwarded-For came from a peer that is not a trusted proxy (OWNERGATE_TRUSTED_PROXIES)"
        )
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    if len(hops) > 32:
        raise InputError("X-Forwarded-For has more than 32 hops")
    for hop in reversed(hops):
        ip = parse_ip(hop)
        if ip not in trusted:
            return ip
    return parse_ip(hops[0])  # every hop is a trusted proxy: the left-most is the client


def _peer_ip(peer: str | None) -> str | None:
    if not peer:
        return None
    try:
        return str(ipaddress.ip_address(peer))
    except ValueError:
        return None  # not an IP peer (a Unix socket, a test client)
