"""Fixtures for the decision service.

- ``gate``: the ``store`` (SQLite and PostgreSQL) seeded with four customers (a Singapore one owned
  by a Shenzhen parent and denied, a British one allowed, one under review, one not decided) and one
  API key each, returned with the keys.
- ``service_helpers.serve_process(db_url, **env)``: a real ``ownergate serve`` subprocess on a free
  port, stopped after the test; yields its base URL.
"""

from __future__ import annotations

import pytest
from service_helpers import Gate, seed_gate

from ownergate.store import Store


@pytest.fixture
def gate(store: Store) -> Gate:
    return seed_gate(store)
