"""IP address to country, offline: ``geoip2fast``'s bundled IPv4 + IPv6 data, loaded once.

Addresses are validated with :mod:`ipaddress` first, so a malformed one is an
:class:`~ownergate.errors.InputError`, never a guess.
"""

from __future__ import annotations

import ipaddress
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from ownergate.errors import InputError

_DATA_FILE = "geoip2fast-ipv6.dat.gz"  # IPv4 and IPv6 country ranges
_lock = threading.Lock()
_reader: Any = None


def _geoip() -> Any:
    global _reader
    if _reader is None:
        with _lock:
            if _reader is None:
                import geoip2fast
                from geoip2fast import GeoIP2Fast

                path = Path(geoip2fast.__file__).parent / _DATA_FILE
                _reader = GeoIP2Fast(verbose=False, geoip2fast_data_file=str(path))
    return _reader


def parse_ip(text: str) -> str:
    """The canonical form of an IP address, or :class:`InputError` naming the bad value."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        shown = text if len(text) <= 64 else text[:61] + "..."
        raise InputError(f"invalid IP address {shown!r}") from None


@lru_cache(maxsize=65536)
def country_of(ip: str) -> str | None:
    """The ISO country code of a canonical IP address, or None (private, reserved or unknown)."""
    code = _geoip().lookup(ip).country_code
    return code if isinstance(code, str) and len(code) == 2 and code.isalpha() else None


def warm() -> None:
    """Load the data now rather than on the first request."""
    _geoip()
