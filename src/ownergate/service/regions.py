"""Countries whose IP addresses the service refuses, by ISO 3166-1 alpha-2 code.

The policy area will own this list (``policy/data/unsupported_regions.yaml``); until its loader
is on main the service reads this copy. Keep the two in step.
"""

from __future__ import annotations

UNSUPPORTED_COUNTRIES: frozenset[str] = frozenset({"BY", "CN", "CU", "HK", "IR", "KP", "MO", "RU", "SY"})


def unsupported_countries() -> frozenset[str]:
    """The ISO codes of countries from which requests are denied."""
    return UNSUPPORTED_COUNTRIES
