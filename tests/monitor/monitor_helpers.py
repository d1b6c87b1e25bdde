"""Helpers shared by the monitoring tests (imported by name; pytest puts this folder on the path)."""

from __future__ import annotations

from datetime import UTC, datetime

from ownergate.policy import repository
from ownergate.policy.loader import parse_policy
from ownergate.store import Store

# Monitoring is tested on the SDN list alone. The default policy (anthropic) denies on eight lists
# and judges countries, so under it these books would be `lists-missing` / `country-missing`
# (issue 13); this policy denies on the SDN list only and does not judge countries.
SDN_ONLY = """\
name: sdn-only
version: "{version}"
effective_from: 2020-01-01
lists:
  deny: [us-ofac-sdn]
screening:
  deny_at: 0.90
  review_at: 0.75
ownership:
  rules:
    - rule: ofac
      reason: owned-by-listed-party
countries:
  deny_headquarters: false
  deny_ip: false
"""


def use_sdn_only(store: Store, version: str = "1") -> None:
    """Install the SDN-only policy (this version) and make it the store's policy in force."""
    now = datetime.now(UTC)
    with store.transaction() as tx:
        repository.install(tx, parse_policy(SDN_ONLY.format(version=version), "sdn-only.yaml", None), "tester", now)
        repository.activate(tx, "sdn-only", "tester", now)
