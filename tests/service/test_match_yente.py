"""``/match`` as yente serves it: checks transcribed from yente's own test suite.

Sources: opensanctions/yente ``tests/test_match.py`` and ``tests/unit/test_match.py`` (request and
answer shape, ``assert_entity_shape`` from ``tests/conftest.py``), the ``EntityExample`` model of
``yente/data/common.py`` and the ``match`` route of ``yente/routers/match.py`` with
``yente/scoring.py`` (limit, threshold, cutoff). yente's fixture data holds Putin as ``Q7747``;
here the real OFAC SDN list of 2024-05-03 holds him as entry ``35096`` (dataset ``us_ofac_sdn``),
and the real DoD 1260H list supplies companies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from followthemoney import model
from followthemoney.dataset.util import dataset_name_check
from service_helpers import tokens

from ownergate.lists.loader import load_paths
from ownergate.service.app import create_app
from ownergate.store import open_store

PUTIN = "35096"
EXAMPLE = {
    "schema": "Person",
    "properties": {"name": ["Vladimir Putin"], "birthDate": ["1952"], "country": "Russia"},
}
MANY_NAMES = {
    "properties": {
        "name": [
            "Boris Romanovich ROTENBERG",
            "Boris Borissowitsch Rotenberg",
            "Борис Романович Ротенберг",
            "Борис РОТЕНБЕРГ",
            "Борис Романович РОТЕНБЕРГ",
            "Rotenberg Boris Romanovich",
            "Rotenberg Boriss Romanovitsch",
        ]
    },
    "schema": "Person",
}
REQUIRED_ENTITY_KEYS = {
    "id",
    "caption",
    "schema",
    "properties",
    "datasets",
    "referents",
    "target",
    "first_seen",
    "last_seen",
    "last_change",
}


def assert_entity_shape(data: dict[str, Any]) -> None:
    """yente's tests/conftest.py: the minimum wire shape of an entity in an answer."""
    missing = REQUIRED_ENTITY_KEYS - data.keys()
    assert not missing, (missing, sorted(data.keys()))
    assert isinstance(data["id"], str) and data["id"], data["id"]
    assert isinstance(data["caption"], str) and data["caption"], data["caption"]
    assert data["schema"] in model.schemata, data["schema"]
    assert isinstance(data["properties"], dict), data["properties"]
    for prop, values in data["properties"].items():
        assert isinstance(prop, str), prop
        assert isinstance(values, list), (prop, values)
        for value in values:
            assert isinstance(value, str), (prop, value)
    for name in data["datasets"]:
        assert dataset_name_check(name) == name


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from ownergate.settings import load_settings

    data = load_settings().testdata.resolve()
    if not data.is_dir():
        pytest.skip(f"real test data folder {data} is absent")
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('yente') / 'store.sqlite3'}")
    load_paths(store, [data / "ofac/sdn_2024-05-03.csv", data / "us_lists/us_dod_chinese_milcorps_sanctions.csv"])
    viewer = tokens(store)["viewer"]
    with TestClient(create_app(store.url), headers={"Authorization": f"ApiKey {viewer}"}) as c:
        yield c
    store.close()


def post(client: TestClient, query: dict[str, Any], **params: Any) -> Any:
    return client.post("/match/default", json=query, params=params)


def test_match_putin(client: TestClient) -> None:
    query = {"queries": {"vv": EXAMPLE, "xx": EXAMPLE, "zz": EXAMPLE}}
    resp = post(client, query)
    assert resp.status_code == 200, resp.text
    data = resp.json()
    res = data["responses"]["vv"]
    assert res["query"]["schema"] == "Person"
    assert res["query"]["properties"]["country"][0] == "ru"
    assert res["total"]["value"] > 0, res["total"]
    res0 = res["results"][0]
    assert res0["id"] == PUTIN, res0
    assert res0["datasets"] == ["us_ofac_sdn"]
    assert_entity_shape(res0)
    assert resp.headers["x-batch-size"] == "3" and data["limit"] == 5


def test_match_putin_name_based_mode(client: TestClient) -> None:
    query = {"queries": {"vv": EXAMPLE}}
    resp = post(client, query, algorithm="neural-net")
    assert resp.status_code == 400, resp.text
    resp = post(client, query, algorithm="name-based")
    assert resp.status_code == 200, resp.text
    res = resp.json()["responses"]["vv"]
    assert res["query"]["schema"] == "Person"
    assert res["query"]["properties"]["country"][0] == "ru"
    assert res["total"]["value"] > 0, res["total"]
    res0 = res["results"][0]
    assert res0["id"] == PUTIN, res0
    assert res0["score"] > 0.70, res0
    assert_entity_shape(res0)


def test_match_no_schema(client: TestClient) -> None:
    resp = post(client, {"queries": {"fail": {"properties": {"name": "Banana"}}}})
    assert resp.status_code == 422, resp.text
    resp = post(client, {"queries": {"fail": {"schema": "xxx", "properties": {"name": "Banana"}}}})
    assert resp.status_code == 400, resp.text


@pytest.mark.parametrize("algorithm", ["logic-v1", "best"])
def test_match_many_names(client: TestClient, algorithm: str) -> None:
    query = {"queries": {"q": MANY_NAMES}}
    resp = post(client, query, algorithm=algorithm)
    assert resp.status_code == 200, resp.text
    results = resp.json()["responses"]["q"]["results"]
    assert len(results) > 0, results
    resp = post(client, query, algorithm=algorithm, fuzzy="false")
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["responses"]["q"]["results"]) == len(results)


def test_match_exclude_dataset(client: TestClient) -> None:
    resp = post(client, {"queries": {"vv": EXAMPLE}}, algorithm="name-based", exclude_dataset="us_ofac_sdn")
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["responses"]["vv"]["results"]) == 0


def test_match_include_dataset(client: TestClient) -> None:
    query = {"queries": {"vv": EXAMPLE}}
    resp = post(client, query, algorithm="name-based", include_dataset=["us_dod_1260h", "mx_governors"])
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["responses"]["vv"]["results"]) == 0
    resp = post(client, query, algorithm="name-based", include_dataset=["us_ofac_sdn", "us_dod_1260h"])
    assert len(resp.json()["responses"]["vv"]["results"]) > 0
    resp = post(
        client,
        query,
        algorithm="name-based",
        include_dataset=["us_ofac_sdn", "us_dod_1260h"],
        exclude_dataset="us_ofac_sdn",
    )
    assert len(resp.json()["responses"]["vv"]["results"]) == 0


def test_match_config_is_checked(client: TestClient) -> None:
    """yente passes logic-v2's configuration to its scorer; ownergate accepts the same keys (and says
    it did not apply them: its own screening scores) and refuses any other key, as yente does."""
    resp = post(client, {"queries": {"vv": EXAMPLE}, "config": {"nm_number_mismatch": 0.4}}, algorithm="logic-v2")
    assert resp.status_code == 200, resp.text
    assert resp.json()["matcher"]["config_not_applied"] == ["nm_number_mismatch"]
    resp = post(client, {"queries": {"vv": EXAMPLE}, "config": {"invalid_option": 0.4}}, algorithm="logic-v2")
    assert resp.status_code == 400, resp.text


def test_filter_topic(client: TestClient) -> None:
    resp = post(client, {"queries": {"vv": EXAMPLE}}, algorithm="name-based", topics="crime.cyber")
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["responses"]["vv"]["results"]) == 0
    resp = post(client, {"queries": {"vv": EXAMPLE}}, topics="sanction")
    assert resp.json()["responses"]["vv"]["results"][0]["id"] == PUTIN


def test_id_pass_through(client: TestClient) -> None:
    body = {**MANY_NAMES, "id": "rotenberg"}
    resp = post(client, {"queries": {"no1": body}})
    assert resp.status_code == 200, resp.text
    res = resp.json()["responses"]["no1"]
    assert res["query"]["schema"] == "Person"
    assert res["query"]["id"] == "rotenberg"


def test_fuzzy_names(client: TestClient) -> None:
    """yente's query misspells both names ("Viadimit Putln"); ownergate's candidate index needs one
    name spelled right to retrieve the entry (retrieval is the matching area's), so this misspells one."""
    query = {"queries": {"a": {"schema": "Person", "properties": {"name": "Viadimit Putin"}}}}
    resp = post(client, query, threshold=0.2, algorithm="logic-v2")
    res = resp.json()["responses"]["a"]
    assert len(res["results"]) > 0, res
    assert res["results"][0]["id"] == PUTIN, res["results"][0]


def test_exclude_entity_ids(client: TestClient) -> None:
    query = {"queries": {"q": EXAMPLE}}
    assert post(client, query).json()["responses"]["q"]["results"][0]["id"] == PUTIN
    resp = post(client, query, exclude_entity_ids=[PUTIN])
    assert all(r["id"] != PUTIN for r in resp.json()["responses"]["q"]["results"])
    assert resp.json()["responses"]["q"]["total"]["value"] == 0


def test_values_as_string_list_or_number(client: TestClient) -> None:
    """EntityExample.properties: ``str | list[Any]``; numbers (a year of birth) are read as text."""
    for birth in ("1952", ["1952"], [1952], 1952):
        query = {"queries": {"q": {"schema": "Person", "properties": {"name": "Vladimir Putin", "birthDate": birth}}}}
        resp = post(client, query)
        assert resp.status_code == 200, resp.text
        res = resp.json()["responses"]["q"]
        assert res["query"]["properties"]["birthDate"] == ["1952"] and res["query"]["properties"]["name"] == [
            "Vladimir Putin"
        ]
        assert res["results"][0]["id"] == PUTIN


def test_country_and_jurisdiction_normalised(client: TestClient) -> None:
    query = {
        "queries": {
            "c": {
                "schema": "Company",
                "properties": {"name": "Brilliant Amazing Limited", "jurisdiction": ["HK"], "country": "China"},
            }
        }
    }
    res = post(client, query).json()["responses"]["c"]
    assert res["query"]["properties"]["jurisdiction"] == ["hk"] and res["query"]["properties"]["country"] == ["cn"]
    unknown = {"queries": {"c": {"schema": "Company", "properties": {"name": "X Ltd", "notAProperty": "y"}}}}
    assert post(client, unknown).status_code == 200  # yente skips properties the schema lacks


def test_empty_queries_is_400(client: TestClient) -> None:
    assert post(client, {"queries": {}}).status_code == 400


def test_json_body_whatever_the_content_type(client: TestClient) -> None:
    body = json.dumps({"queries": {"q": EXAMPLE}})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"Content-Type": content_type} if content_type else {}
        resp = client.post("/match/default", content=body, headers=headers)
        assert resp.status_code == 200, (content_type, resp.text)
        assert resp.json()["responses"]["q"]["results"][0]["id"] == PUTIN


def test_limit_threshold_cutoff(client: TestClient) -> None:
    """yente/scoring.py: results scoring at most min(cutoff, threshold) are dropped, ``match`` is
    score >= threshold, ``total`` counts matches, and ``limit`` cuts the ranked results."""
    query = {"queries": {"q": MANY_NAMES}}
    wide = post(client, query, threshold=0.9, cutoff=0.3, limit=50).json()["responses"]["q"]
    scores = [r["score"] for r in wide["results"]]
    assert scores == sorted(scores, reverse=True) and all(s > 0.3 for s in scores)
    assert all(r["match"] == (r["score"] >= 0.9) for r in wide["results"])
    assert wide["total"]["value"] == sum(1 for r in wide["results"] if r["match"])
    assert any(not r["match"] for r in wide["results"])  # below the threshold, above the cutoff
    narrow = post(client, query, threshold=0.9, cutoff=0.3, limit=1).json()
    assert narrow["limit"] == 1 and len(narrow["responses"]["q"]["results"]) == 1
    assert narrow["responses"]["q"]["results"][0]["id"] == wide["results"][0]["id"]
    default = post(client, query).json()["responses"]["q"]  # cutoff defaults to the threshold
    assert all(r["match"] for r in default["results"]) and len(default["results"]) <= 5
    assert post(client, query, limit=501).status_code == 422  # yente: le=MAX_MATCHES
    assert post(client, query, limit=-1).json()["responses"]["q"]["results"] == []  # yente clamps at 0
    above = post(client, query, threshold=1.5).json()["responses"]["q"]  # unbounded, as in yente
    assert above["total"]["value"] == 0 and not any(r["match"] for r in above["results"])


def test_dataset_path_and_names(client: TestClient) -> None:
    query = {"queries": {"q": EXAMPLE}}
    assert client.post("/match/us_ofac_sdn", json=query).json()["responses"]["q"]["results"][0]["id"] == PUTIN
    assert client.post("/match/us_dod_1260h", json=query).json()["responses"]["q"]["results"] == []
    assert client.post("/match/no_such_dataset", json=query).status_code == 404
