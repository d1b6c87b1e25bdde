"""The ownership tables on both backends: atomic loads, replace on reload, the graph read back, ``ownership load``."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from ownergate.errors import SourceFormatError
from ownergate.ownership import EdgeKind, Status, resolve
from ownergate.ownership.repository import add_edges, load_graph, load_ownership, load_upstream
from ownergate.ownership.sources.records import EdgeRecord
from ownergate.store import Store

COUNTS = {
    "ownership_entities": "SELECT COUNT(*) FROM ownership_entities",
    "ownership_edges": "SELECT COUNT(*) FROM ownership_edges",
    "ownership_exceptions": "SELECT COUNT(*) FROM ownership_exceptions",
}


def counts(store: Store) -> tuple[int, ...]:
    with store.read() as tx:
        return tuple(int(tx.scalar(sql)) for sql in COUNTS.values())


def write(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n")
    return path


def test_load_real_files_and_resolve(store: Store, testdata: Path) -> None:
    result = load_ownership(
        store,
        [
            testdata / "bods/fixtures/01-direct-ownership.json",
            testdata / "bods/fixtures/11-anonymous-person.json",
            testdata / "gleif/lei-data.json",
            testdata / "gleif/rr-data.xml",
            testdata / "gleif/repex-data.json",
            testdata / "psc/psc-data-8.json",
        ],
    )
    assert [f.format for f in result.files] == ["bods", "bods", "gleif-lei", "gleif-rr", "gleif-repex", "psc"]
    entities, edges, exceptions = counts(store)
    # the declared-unknown owner of fixture 11 is an unknown node with control of unknown size
    assert (edges, exceptions) == (result.edges, result.exceptions) == (2 + 1 + 2 + 6, 1 + 10)
    assert entities == 2 + 2 + 13 + 6  # PSC's company appears in six records: one row
    g = load_graph(store)
    assert g.n >= 16
    res = resolve(g, "lookthrough", seeds=["bods:rec-jane-smith-1975"])
    ev = res.evidence("bods:rec-acme-holdings-ltd")
    assert ev.status is Status.RESTRICTED
    assert ev.edges[0].source.endswith("(01-direct-ownership.json)")  # type: ignore[union-attr]
    assert g.hq(g.idx("lei:001GPB6A9XPE8XJICC14")) == "US"


def test_reload_replaces_and_failed_load_changes_nothing(store: Store, tmp_path: Path) -> None:
    e = write(
        tmp_path / "E.csv",
        "id,name,hq_country,incorporation_country,lists\nky,Acme KY,CN,KY,\nsg,Acme SG,SG,SG,\nx,X,US,US,us-ofac-sdn",
    )
    x = write(tmp_path / "X.csv", "owner_id,owned_id,share_min,share_max,valid_to\nky,sg,1,1,\nx,sg,0.2,0.2,2020-01-01")
    load_ownership(store, [e, x])
    load_ownership(store, [x])
    assert counts(store) == (3, 2, 0)
    bad = write(tmp_path / "bad.csv", "owner_id,owned_id,share_min,share_max\nky,sg,0.5,0.4")
    with pytest.raises(SourceFormatError, match=r"bad\.csv: data row 1"):
        load_ownership(store, [write(tmp_path / "X2.csv", "owner_id,owned_id,share_min,share_max\nsg,x,1,1"), bad])
    assert counts(store) == (3, 2, 0)
    g = load_graph(store, as_of=date(2026, 1, 1))
    assert g.m == 1  # the edge that ended in 2020 is left out
    assert resolve(g, "anthropic").status_of("sg") is Status.RESTRICTED
    assert g.node_lists(g.idx("x")) == ("us-ofac-sdn",)
    assert load_graph(store).m == 2


def test_declared_owners_are_added_as_edges(store: Store) -> None:
    with store.transaction() as tx:
        add_edges(
            tx,
            [EdgeRecord("holder", "customer-1", 0.6, 0.6, source="declaration", source_record="form 7")],
            "declaration:customer-1",
        )
    g = load_graph(store)
    res = resolve(g, "ofac", seeds=["holder"])
    assert res.status_of("customer-1") is Status.RESTRICTED
    assert res.evidence("customer-1").edges[0].source == "declaration form 7 (declaration:customer-1)"


def test_ownership_load_cli(tmp_path: Path, testdata: Path) -> None:
    db = tmp_path / "s.sqlite3"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "ownergate",
            "--db",
            str(db),
            "--create",
            "ownership",
            "load",
            str(testdata / "ownership/edges_ofac_cons_enhanced_relationships.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "278 edges" in run.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "ownergate", "--db", str(db), "ownership", "load", "--format", "nope", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 3 and "unknown ownership format 'nope'" in bad.stderr


def test_load_upstream_reads_the_cone_the_whole_graph_would_give(store: Store, tmp_path: Path) -> None:
    e = write(
        tmp_path / "E.csv",
        "id,name,hq_country,incorporation_country,lists\n"
        "cn,Parent,CN,CN,\nky,Holding,CN,KY,\nsg,Acme SG,SG,SG,\nus,Acme US,US,US,\nside,Sister,DE,DE,\n",
    )
    x = write(
        tmp_path / "X.csv",
        "owner_id,owned_id,share_min,share_max,valid_from,valid_to\n"
        "cn,ky,1,1,,\nky,sg,0.6,0.6,,\nsg,ky,0.1,0.1,,\nus,sg,0.4,0.4,,2020-01-01\n"
        "ky,side,1,1,,\nghost,us,1,1,,\nsg,child,1,1,,\n",
    )
    load_ownership(store, [e, x])
    on = date(2024, 1, 1)
    cone = load_upstream(store, ["sg", "ghost", "child", "nowhere"], on)
    # sg's owners through the cycle, ghost (known only as an owner), child (only owned); not side, not us
    assert sorted(cone.node_ids) == ["child", "cn", "ghost", "ky", "sg"]
    whole = load_graph(store, on)
    for rule in ("anthropic", "ofac", "lookthrough"):
        full, part = resolve(whole, rule, as_of=on), resolve(cone, rule, as_of=on)
        for node in ("sg", "child", "ky"):
            assert part.status_of(node) is full.status_of(node)
            assert part.evidence(node).describe() == full.evidence(node).describe()
    before = load_upstream(store, ["sg"], date(2019, 6, 1))  # us held 40% of sg until 2020
    assert "us" in before.node_ids and "us" not in cone.node_ids
    assert load_upstream(store, []).n == 0


def test_load_graph_reads_every_column(store: Store, tmp_path: Path) -> None:
    e = write(
        tmp_path / "E.csv",
        "id,name,hq_country,incorporation_country,lists,kind,nationality,residence\n"
        "b-co,B Co,cn,KY,us-ofac-sdn; eu-fsf,company,,\na-person,A Person,,,,person,RU,CY\n",
    )
    x = write(
        tmp_path / "X.csv",
        "owner_id,owned_id,share_min,share_max,kind,source_record,valid_from,valid_to\n"
        "zeta,b-co,0.25,0.5,shares,r1,2020-01-01,\na-person,b-co,,,control,r2,,2030-06-30\n"
        "b-co,alpha,1,1,voting,r3,,\n",
    )
    load_ownership(store, [e, x])
    g = load_graph(store)
    # entities in id order, then ids only edges name, as the edges first name them (owner first)
    assert list(g.node_ids) == ["a-person", "b-co", "zeta", "alpha"]
    assert [g.name(i) for i in range(g.n)] == ["A Person", "B Co", "zeta", "alpha"]
    assert [g.hq(i) for i in range(g.n)] == [None, "CN", None, None]
    assert g.incorporation(1) == "KY" and g.node_lists(1) == ("us-ofac-sdn", "eu-fsf")
    assert (g.nationality, g.residence) == ({0: "RU"}, {0: "CY"})
    assert list(g.node_kind or []) == ["person", "company", None, None]
    assert g.owner.tolist() == [2, 0, 1] and g.owned.tolist() == [1, 1, 3]
    assert g.share_min[0] == 0.25 and g.share_max[0] == 0.5 and np.isnan(g.share_min[1])
    assert [EdgeKind(k) for k in g.edge_kind.tolist()] == [EdgeKind.SHARES, EdgeKind.CONTROL, EdgeKind.VOTING]
    assert g.dated and str(g.valid_from[0]) == "2020-01-01" and str(g.valid_to[1]) == "2030-06-30"
    assert [g.source(k) for k in range(g.m)] == [f"X.csv r{k} (X.csv)" for k in (1, 2, 3)]
    assert g.idx("alpha") == 3
    on = load_graph(store, as_of=date(2019, 1, 1))
    assert on.m == 2 and "zeta" not in on.node_ids  # zeta's stake starts in 2020: it is no node then
