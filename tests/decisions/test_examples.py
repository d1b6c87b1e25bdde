"""The example book in examples/: every customer gets its documented verdict under real lists."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownergate.decisions import customers as book
from ownergate.decisions.service import decide, decide_all, open_book, record_verdicts
from ownergate.ownership.repository import load_graph, load_ownership
from ownergate.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _expected() -> list[dict[str, str]]:
    with (EXAMPLES / "expected.csv").open() as fh:
        return list(csv.DictReader(fh))


def _load_book(store: Store) -> None:
    load_ownership(store, [EXAMPLES / "entities.csv", EXAMPLES / "edges.csv"])
    book.import_files(store, EXAMPLES / "customers.csv", EXAMPLES / "owners.csv", datetime.now(UTC))


def test_example_book_verdicts(lists_store: Store) -> None:
    _load_book(lists_store)
    verdicts = {v.customer: v for v in decide_all(lists_store, "anthropic")}
    expected = _expected()
    assert set(verdicts) == {row["customer_id"] for row in expected}
    for row in expected:
        verdict = verdicts[row["customer_id"]]
        codes = [r.code.value for r in verdict.reasons]
        assert verdict.decision.value == row["decision"], (row, codes)
        if row["reason"]:
            assert row["reason"] in codes, (row, codes)
        if row["decision"] == "allow":
            assert not [r for r in verdict.reasons if r.code.value != "possible-list-match"], codes


def test_evidence_names_the_parent_and_its_source(lists_store: Store) -> None:
    _load_book(lists_store)
    verdict = decide(lists_store, "sg-subsidiary")
    reason = next(r for r in verdict.reasons if r.code.value == "owned-by-unsupported-region")
    assert "Lumen Intelligent Systems Group Co. Ltd." in reason.evidence["path"]
    assert "HQ China, unsupported region" in reason.evidence["path"]
    assert "edges.csv" in reason.evidence["path"]
    edge = reason.evidence["edges"][0]
    assert edge["owner_id"] == "E-lumen-group" and edge["share_min"] == 1.0
    listed = decide(lists_store, "listed")
    hit = next(r for r in listed.reasons if r.code.value == "listed")
    assert hit.evidence["list"] in {"us-dod-1260h", "us-bis-entity"}
    assert hit.evidence["explanation"], "a list hit explains its score"


def test_verdicts_are_reproducible_and_recorded_once(lists_store: Store) -> None:
    _load_book(lists_store)
    first = [v.to_dict() for v in decide_all(lists_store)]
    second = [v.to_dict() for v in decide_all(lists_store)]
    strip = [{k: v for k, v in d.items() if k != "decided_at"} for d in first]
    assert strip == [{k: v for k, v in d.items() if k != "decided_at"} for d in second]
    verdicts = list(decide_all(lists_store))
    assert len(record_verdicts(lists_store, verdicts, "test")) == len(verdicts)
    assert record_verdicts(lists_store, verdicts, "test") == []  # nothing changed, nothing recorded


def test_declared_shares_over_100_percent_go_to_review(lists_store: Store, tmp_path: Path) -> None:
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,country,hq_country\nx,Overdeclared Widgets Ltd,GB,GB\n")
    owners = tmp_path / "o.csv"
    owners.write_text(
        "customer_id,owner_name,owner_country,owner_hq_country,share_min,share_max,owner_type\n"
        "x,Alpha Holdings Ltd,GB,GB,0.7,0.7,company\nx,Beta Holdings Ltd,GB,GB,0.6,0.6,company\n"
    )
    book.import_files(lists_store, customers, owners, datetime.now(UTC))
    verdict = decide(lists_store, "x")
    assert verdict.decision.value == "review"
    assert [r.code.value for r in verdict.reasons] == ["contradicting-declaration"]


@pytest.mark.slow
def test_decide_cli_json_and_book(lists_store: Store, tmp_path: Path) -> None:
    _load_book(lists_store)
    db = lists_store.url
    lists_store.close()
    run = [sys.executable, "-m", "ownergate", "--db", db, "decide"]
    one = subprocess.run([*run, "us-via-cayman", "--json"], capture_output=True, text=True, check=False)
    assert one.returncode == 0, one.stderr
    data = json.loads(one.stdout)
    assert {"customer", "decision", "reasons", "policy", "policy_version", "snapshots", "decided_at"} <= set(data)
    assert data["decision"] == "deny" and data["policy"] == "anthropic"
    assert data["reasons"][0]["code"] == "owned-by-unsupported-region"
    assert "Brightpath Holdings Ltd." in data["reasons"][0]["evidence"]["path"]
    out, report = tmp_path / "d.csv", tmp_path / "r.html"
    book_run = subprocess.run(
        [*run, "--all", "--out", str(out), "--report", str(report)], capture_output=True, text=True, check=False
    )
    assert book_run.returncode == 0, book_run.stderr
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert {r["customer_id"]: r["decision"] for r in rows} == {e["customer_id"]: e["decision"] for e in _expected()}
    html = report.read_text()
    assert "<svg" in html and "us-via-cayman" in html and "unrelated-uk" in html  # every customer, allowed too
    bad = subprocess.run([*run], capture_output=True, text=True, check=False)
    assert bad.returncode == 3 and "give one CUSTOMER_ID or --all" in bad.stderr


def test_one_customer_over_its_upstream_cone_equals_the_whole_graph(lists_store: Store) -> None:
    _load_book(lists_store)
    with lists_store.read() as tx:
        customers = book.all_customers(tx)
    whole = open_book(lists_store, "anthropic", None, customers, graph=load_graph(lists_store, datetime.now(UTC)))
    stamp = datetime.now(UTC).isoformat()
    for customer in customers:
        alone = open_book(lists_store, "anthropic", None, [customer])
        assert alone.graph.n < whole.graph.n  # only the cone was read
        expected, got = whole.decide(customer, stamp), alone.decide(customer, stamp)
        assert got.decision == expected.decision, customer.id
        assert [(r.code, r.evidence) for r in got.reasons] == [(r.code, r.evidence) for r in expected.reasons]
