"""Time behind a small interface, so audit times and retry backoff can be tested without waiting.

:class:`SystemClock` reads the real UTC time and really sleeps; :class:`FixedClock` holds a time
that only moves when told to (``advance``, or ``sleep``, which advances instead of waiting).
Every time ownergate stores is written by :func:`iso`: UTC, microseconds, a trailing ``Z``, so
stored times compare correctly as text on both backends.
"""

from __future__ import annotations

import abc
import time
from datetime import UTC, datetime, timedelta

from ownergate.errors import InputError

_ISO = "%Y-%m-%dT%H:%M:%S.%fZ"


def iso(moment: datetime) -> str:
    """``2026-11-25T15:09:36.123456Z``: the one text form of a stored time."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: ownergate stores UTC times only")
    return moment.astimezone(UTC).strftime(_ISO)


def parse_iso(text: str) -> datetime:
    """The inverse of :func:`iso`; also accepts a bare date (midnight UTC) or any ISO 8601 time."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{text!r} is not a date or time (use YYYY-MM-DD or ISO 8601)") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_until(text: str, what: str) -> datetime:
    """A moment given as a date (the end of that day, UTC) or an ISO date-time (UTC when it names no zone).

    ``what`` names the value in the error, e.g. ``"expiry"`` or ``"--as-of"``.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{what} {text!r} is not an ISO date (YYYY-MM-DD) or date-time") from None
    if len(text.strip()) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Clock(abc.ABC):
    """Where the current time comes from."""

    @abc.abstractmethod
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""

    @abc.abstractmethod
    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (a fake clock moves its time forward instead)."""


class SystemClock(Clock):
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FixedClock(Clock):
    """A clock for tests: stands still until moved."""

    def __init__(self, start: datetime | str = "2026-01-01T00:00:00Z") -> None:
        self._now = parse_iso(start) if isinstance(start, str) else start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.advance(max(seconds, 0.0))
