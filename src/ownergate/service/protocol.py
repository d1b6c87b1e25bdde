"""HTTP/1.1 connection guards for ``ownergate serve``: a request's headers must arrive in time.

uvicorn closes idle keep-alive connections, but a client that trickles a request's headers a byte at
a time (slowloris) resets that timer with every byte and can hold a connection, and a worker's
attention, for good. :class:`HeaderDeadline` gives each request ``OWNERGATE_HEADER_TIMEOUT`` seconds
from its first byte (or from the connection's opening) to the end of its headers; past that the
client gets ``408 Request Timeout`` and the connection is closed. Bodies have their own deadline,
``OWNERGATE_BODY_TIMEOUT``, enforced where they are read (:mod:`ownergate.service.gateway`).

The guard wraps uvicorn's own protocols (``httptools`` when installed, else ``h11``), which it uses
as they are: it only watches when a new request cycle begins (``cycle``, set once headers parse).
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from ownergate.settings import load_settings

_TIMED_OUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


@lru_cache(maxsize=1)
def header_timeout() -> float:
    return load_settings().header_timeout


class HeaderDeadline:
    """Mixin over a uvicorn HTTP protocol class (attributes ``loop``, ``transport``, ``cycle``)."""

    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any
    _header_timer: asyncio.TimerHandle | None = None
    _seen_cycle: Any = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()  # the first request's headers are due from now

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm()  # the first byte of the next request on a kept-alive connection
        super().data_received(data)  # type: ignore[misc]
        if self.cycle is not self._seen_cycle:  # a new request's headers are complete
            self._seen_cycle = self.cycle
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm(self) -> None:
        timeout = header_timeout()
        if timeout > 0:
            self._header_timer = self.loop.call_later(timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            if self.cycle is None or self.cycle.response_complete:
                self.transport.write(_TIMED_OUT)
            self.transport.close()


class GuardedH11Protocol(HeaderDeadline, H11Protocol):
    """uvicorn's pure-Python HTTP/1.1 protocol with the header deadline."""


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardedHttpToolsProtocol(HeaderDeadline, HttpToolsProtocol):
        """uvicorn's httptools (C parser) protocol with the header deadline."""

    DEFAULT_PROTOCOL: type[asyncio.Protocol] = GuardedHttpToolsProtocol
except ImportError:  # httptools is optional
    DEFAULT_PROTOCOL = GuardedH11Protocol
