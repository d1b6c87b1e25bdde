"""The client's IP address: the connection's peer, or the ``X-Forwarded-For`` hop a trusted proxy added;
and the one normaliser every gateway's region check goes through (:func:`region_addresses`).

``X-Forwarded-For`` is read from the right: each hop added by a trusted proxy (``OWNERGATE_TRUSTED_PROXIES``)
is skipped and the first address not in that set is the client. A header that arrives from a peer
that is not a trusted proxy is refused outright: anyone can write one, so honouring it, or silently
ignoring it, would let a client choose the country it is judged by.

An IPv6 address can carry an IPv4 one. Each such form is judged by the IPv4 address inside it, so
no spelling of an address reaches a country the plain address would not:

- IPv4-mapped ``::ffff:a.b.c.d`` (also ``::ffff:df05:505``) and IPv4-translated ``::ffff:0:a.b.c.d``,
  and the deprecated IPv4-compatible ``::a.b.c.d``: the address *is* the IPv4 one;
- 6to4 ``2002:AABB:CCDD::/48``, NAT64 ``64:ff9b::/96`` and Teredo ``2001:0::/32`` (its client):
  both the IPv6 address and the IPv4 one inside are looked up;
- the local-use NAT64 prefix ``64:ff9b:1::/48``, whose operator picks the prefix length (/48, /56,
  /64 or /96, RFC 6052): every one of those readings is looked up, and any unsupported one denies.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ownergate.errors import ConfigError, InputError
from ownergate.service.geoip import parse_ip

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


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
                network = ipaddress.ip_network(cidr.strip(), strict=False)
            except ValueError:
                raise ConfigError(f"OWNERGATE_TRUSTED_PROXIES: {cidr!r} is not an IP address or network") from None
            if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96 and network.subnet_of(_MAPPED):
                # ::ffff:10.0.0.0/104 is 10.0.0.0/8: peers are compared in their IPv4 form
                network4 = ipaddress.IPv4Network((int(network.network_address) & 0xFFFFFFFF, network.prefixlen - 96))
                networks.append(network4)
            else:
                networks.append(network)
        self.networks = tuple(networks)

    def __contains__(self, ip: str) -> bool:
        try:
            address = unmapped(ipaddress.ip_address(ip))
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def unmapped(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv4-mapped, -translated or -compatible IPv6 address stands for; else itself."""
    if isinstance(address, ipaddress.IPv4Address):
        return address
    bare = address if address.scope_id is None else ipaddress.IPv6Address(address.packed)
    if bare in _MAPPED or bare in _TRANSLATED or (bare in _COMPATIBLE and int(bare) > 1):
        return ipaddress.IPv4Address(int(bare) & 0xFFFFFFFF)
    return address


def _nat64_local(value: int) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address a ``64:ff9b:1::/48`` address may embed (RFC 6052, section 2.2)."""
    octets = value.to_bytes(16, "big")
    found = [ipaddress.IPv4Address(octets[12:16])]  # a /96 prefix
    if octets[8] == 0:  # the "u" octet (bits 64-71) is zero in the shorter prefixes' layouts
        found.append(ipaddress.IPv4Address(octets[6:8] + octets[9:11]))  # /48
        found.append(ipaddress.IPv4Address(octets[7:8] + octets[9:12]))  # /56
        found.append(ipaddress.IPv4Address(octets[9:13]))  # /64
    return found


def embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses a 6to4, NAT64 or Teredo address carries (empty for any other address)."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    bare = address if address.scope_id is None else ipaddress.IPv6Address(address.packed)
    if bare.sixtofour is not None:
        return [bare.sixtofour]
    if bare.teredo is not None:
        return [bare.teredo[1]]  # the client's own public address (the server's is the relay's)
    if bare in _NAT64:
        return [ipaddress.IPv4Address(int(bare) & 0xFFFFFFFF)]
    if bare in _NAT64_LOCAL:
        return _nat64_local(int(bare))
    return []


def region_addresses(text: str) -> tuple[str, ...]:
    """The canonical address, then every IPv4 address it carries: each is judged by its country.

    An IPv4-mapped form comes back as its IPv4 address. :class:`InputError` (naming the value) for
    anything that is not an IP address: an address that cannot be read is never judged by guess.
    """
    try:
        parsed = ipaddress.ip_address(text.strip())
    except ValueError:
        parse_ip(text)  # raises the InputError that names the value
        raise
    if isinstance(parsed, ipaddress.IPv4Address):
        return (str(parsed),)  # the common case, at the cost of the parse alone
    address = unmapped(parsed)
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id is not None:
        address = ipaddress.IPv6Address(address.packed)  # a zone names a link, not a place
    found = [str(address)]
    for ipv4 in embedded_ipv4(address):
        if str(ipv4) not in found:
            found.append(str(ipv4))
    return tuple(found)


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
        return str(unmapped(ipaddress.ip_address(peer)))
    except ValueError:
        return None  # not an IP peer (a Unix socket, a test client)
