"""Secrets handed out once (API keys, admin tokens) and the hashes stored in their place.

Both are 192-bit random strings, so a fast hash is enough: SHA-256 of a high-entropy secret cannot
be reversed or brute-forced, and no salt or slow KDF (bcrypt, argon2) is needed, unlike for
passwords. Only the hex digest and a short display prefix are stored; a lookup hashes the presented
secret once and compares digests in constant time (:func:`hmac.compare_digest`), or, on the
decision table's hot path, finds it by digest in a dict (knowing the timing of a digest lookup tells
an attacker nothing about any secret, since the digest is not invertible).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

PREFIX_LENGTH = 4  # random characters kept beside the scheme prefix for display and lookup
_SECRET_CHARS = 32  # secrets.token_urlsafe(24): 24 random bytes as 32 url-safe characters


def new_secret(scheme: str) -> str:
    """``scheme`` followed by 32 random url-safe characters, e.g. ``og_live_...``."""
    return scheme + secrets.token_urlsafe(24)


def pattern(scheme: str) -> re.Pattern[str]:
    """The exact shape of a secret of ``scheme``."""
    return re.compile(re.escape(scheme) + "[A-Za-z0-9_-]{" + str(_SECRET_CHARS) + "}")


def digest(secret: str) -> str:
    """The SHA-256 hex digest stored in place of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(scheme: str, secret: str) -> str:
    """The part of a secret that may be shown and logged: the scheme and 4 characters."""
    return secret[: len(scheme) + PREFIX_LENGTH]


def same_digest(a: str, b: str) -> bool:
    """Compare two digests in constant time."""
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))


def utc_now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
