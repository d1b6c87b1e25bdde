"""Customers tied to ownership-graph nodes by LEI or registration number, from real BODS records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownergate.decisions import customers as book
from ownergate.decisions.linking import link_customers, normalise_id, registration_country
from ownergate.decisions.service import decide
from ownergate.ownership.repository import load_graph, load_ownership
from ownergate.store import Store


@pytest.fixture
def bods_store(lists_store: Store, testdata: Path) -> Store:
    load_ownership(lists_store, sorted((testdata / "bods").glob("*.json")))
    return lists_store


def _customer(cid: str, name: str, **kw: str) -> book.Customer:
    return book.Customer(cid, name, **kw)  # type: ignore[arg-type]


def test_identifier_schemes() -> None:
    assert registration_country("GB-COH") == "GB"
    assert registration_country("Company Registry, Delaware. Company number") is None
    assert registration_country("XI-LEI") is False
    assert registration_country("ofac-programs") is False
    assert normalise_id(" 074-447 23 ") == "07444723"


def test_links_by_lei_and_registration(bods_store: Store) -> None:
    graph = load_graph(bods_store)
    customers = [
        _customer("az", "AstraZeneca", lei="PY6ZZQWO2IZFZC3IOL08"),
        _customer("ch", "Chrinon", registration_number="07444723", country="GB"),
        _customer("ch-fr", "Chrinon France", registration_number="07444723", country="FR"),
        _customer("pe", "Platinum Emerald", registration_number="XE-000079054", country="GB"),
        _customer("none", "Nobody Ltd", lei="5493001KJTIIGC8Y1R12"),
    ]
    with bods_store.read() as tx:
        links = link_customers(tx, customers, set(graph.index))
    assert links["az"].node_id == "bods:70044236" and links["az"].how == "lei"
    assert links["ch"].node_id == "bods:31c55e425764" and links["ch"].how == "registration"
    assert "ch-fr" not in links  # the same number in another country's register is another company
    assert links["pe"].node_id is None and len(links["pe"].candidates) == 2  # ambiguous: never a silent pick
    assert "none" not in links


def test_ambiguous_identifier_goes_to_review(bods_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "id,name,country,hq_country,lei,registration_number,website,entity_id\n"
        "pe,Platinum Emerald Mining Ltd,GB,GB,,XE-000079054,,\n"
        "az,AstraZeneca PLC,GB,GB,PY6ZZQWO2IZFZC3IOL08,,,\n"
    )
    book.import_files(bods_store, path, None, datetime.now(UTC))
    verdict = decide(bods_store, "pe")
    assert verdict.decision.value == "review"
    assert [r.code.value for r in verdict.reasons] == ["unresolved"]
    assert len(verdict.reasons[0].evidence["candidates"]) == 2
    assert decide(bods_store, "az").decision.value == "allow"


def test_declared_owners_beyond_known_stakes_contradict(bods_store: Store, tmp_path: Path) -> None:
    edges = tmp_path / "x.csv"
    edges.write_text("owner_id,owned_id,share_min,share_max\nparent-1,E-known,0.8,0.8\n")
    entities = tmp_path / "e.csv"
    entities.write_text(
        "id,name,hq_country,incorporation_country,lists\n"
        "E-known,Quillfeather Orchards Ltd,GB,GB,\nparent-1,Thistledown Farms Ltd,GB,GB,\n"
    )
    load_ownership(bods_store, [entities, edges])
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,country,hq_country,entity_id\nk,Quillfeather Orchards Ltd,GB,GB,E-known\n")
    owners = tmp_path / "o.csv"
    owners.write_text(
        "customer_id,owner_name,owner_country,owner_hq_country,share_min,share_max,owner_type\n"
        "k,Brambleworth Estates Ltd,GB,GB,0.5,0.5,company\n"
    )
    book.import_files(bods_store, customers, owners, datetime.now(UTC))
    verdict = decide(bods_store, "k")
    assert verdict.decision.value == "review"
    reason = next(r for r in verdict.reasons if r.code.value == "contradicting-declaration")
    assert reason.evidence["known_total"] == pytest.approx(0.8)
    assert reason.evidence["declared_total"] == pytest.approx(0.5)
