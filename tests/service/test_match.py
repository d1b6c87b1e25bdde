"""The yente-compatible POST /match/{dataset}, over a real list (DoD 1260H Chinese military companies)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_helpers import tokens

from ownergate.lists.loader import load_paths
from ownergate.service.app import create_app
from ownergate.store import Store


@pytest.fixture
def listed(sqlite_store: Store, testdata: Path) -> Store:
    load_paths(sqlite_store, [testdata / "us_lists/us_dod_chinese_milcorps_sanctions.csv"])
    return sqlite_store


def test_match_like_yente(listed: Store) -> None:
    people = tokens(listed)
    with TestClient(create_app(listed.url)) as client:
        lists = client.get("/admin/lists", headers={"Authorization": f"Bearer {people['viewer']}"}).json()
        assert len(lists) == 1 and lists[0]["entries"] > 300
        dataset = lists[0]["list"]
        query = {
            "queries": {
                "q1": {"schema": "Company", "properties": {"name": ["Advanced Micro Fabrication Equipment Inc China"]}},
                "q2": {
                    "schema": "Company",
                    "properties": {"name": ["Totally Unrelated Bakery Ltd"], "country": ["gb"]},
                },
            }
        }
        headers = {"Authorization": f"ApiKey {people['viewer']}"}  # the scheme OpenSanctions' clients send
        found = client.post("/match/default", json=query, headers=headers, params={"limit": 3})
        assert found.status_code == 200, found.text
        body = found.json()
        top = body["responses"]["q1"]["results"][0]
        assert top["caption"].startswith("Advanced Micro-Fabrication Equipment") and top["match"] is True
        assert top["datasets"] == [dataset.replace("-", "_")] and top["schema"] in ("Organization", "Company")
        assert 0.75 <= top["score"] <= 1 and top["features"]
        assert body["responses"]["q1"]["total"]["value"] >= 1
        assert not any(r["match"] for r in body["responses"]["q2"]["results"])
        assert client.post(f"/match/{dataset}", json=query, headers=headers).status_code == 200
        assert client.post("/match/no-such-list", json=query, headers=headers).status_code == 404
        assert client.post("/match/default", json=query).status_code == 401
        assert client.post("/match/default", json={"queries": {}}, headers=headers).status_code == 400
