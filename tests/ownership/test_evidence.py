"""Evidence: the owners and shares that carry a node, traced to seeds, each edge with its source."""

from __future__ import annotations

from ownergate.ownership import Status, resolve

from .helpers import graph


def test_evidence_reads_like_the_issue() -> None:
    g = graph(["acme_sg:SG", "acme_holdings_ky:CN"], [("acme_holdings_ky", "acme_sg", 1.0)])
    ev = resolve(g, "anthropic").evidence("acme_sg")
    assert ev.status is Status.RESTRICTED
    text = ev.describe()
    assert text.splitlines()[1] == (
        "Acme_Sg <- 100% Acme_Holdings_Ky (HQ China, unsupported region) [source: test acme_holdings_ky->acme_sg]"
    )


def test_evidence_traces_back_to_seeds_without_going_round_cycles() -> None:
    g = graph(
        ["x+us-ofac-sdn", "a", "b", "c", "noise"],
        [("x", "a", 0.6), ("a", "b", 0.7), ("b", "a", 0.2), ("b", "c", 0.8), ("noise", "c", 0.2)],
    )
    ev = resolve(g, "ofac").evidence("c")
    pairs = [(e.owner_id, e.owned_id, e.depth) for e in ev.edges]
    assert pairs == [("b", "c", 0), ("a", "b", 1), ("x", "a", 2)]
    assert ev.edges[-1].owner_seed == "listed: us-ofac-sdn"
    data = ev.to_dict()
    assert data["status"] == "restricted" and data["edges"][0]["source"] == "test b->c"


def test_possible_is_explained_with_upper_bounds() -> None:
    g = graph(["x+us-ofac-sdn", "a"], [("x", "a", None)])
    ev = resolve(g, "ofac").evidence("a")
    assert ev.status is Status.POSSIBLE and ev.bound == "upper"
    assert "control (size unknown)" in ev.describe()


def test_clear_and_seed_evidence() -> None:
    g = graph(["x+us-ofac-sdn", "a"], [("x", "a", 0.2)])
    res = resolve(g, "ofac")
    clear = res.evidence("a")
    assert clear.status is Status.CLEAR and clear.edges == []
    assert "restricted owners hold 20%; 50% or more needed" in clear.describe()
    assert "itself a seed: listed: us-ofac-sdn" in res.evidence("x").describe()


def test_lookthrough_evidence_lists_every_carrying_path() -> None:
    g = graph(["x+us-ofac-sdn", "a", "b", "c"], [("x", "a", 0.6), ("x", "b", 0.6), ("a", "c", 0.5), ("b", "c", 0.5)])
    res = resolve(g, "lookthrough")
    assert res.status_of("c") is Status.RESTRICTED
    owners = sorted(e.owner_id for e in res.evidence("c").edges)
    assert owners == ["a", "b", "x", "x"]


def test_cone_is_every_upstream_owner_through_cycles() -> None:
    from ownergate.ownership import cone

    g = graph(
        ["x", "a", "b", "c", "d", "other"],
        [("x", "a", 0.1), ("a", "b", 1.0), ("b", "a", 0.5), ("b", "c", None), ("other", "d", 1)],
    )
    assert cone(g, "c") == {"x", "a", "b"}
    assert cone(g, "a") == {"x", "b"}
    assert cone(g, "x") == set()
