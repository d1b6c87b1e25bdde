"""The issue's cases, each under the rules it names (X and Y are seeds)."""

from __future__ import annotations

from datetime import date

import pytest

from ownergate.ownership import Status, get_rule, resolve

from .helpers import graph

SDN = "+us-ofac-sdn;uk-sanctions;eu-fsf"
R, P, C = Status.RESTRICTED, Status.POSSIBLE, Status.CLEAR


def statuses(g, rule, **kw):  # type: ignore[no-untyped-def]
    res = resolve(g, rule, **kw)
    return {nid: res.status_of(nid) for nid in g.node_ids}


def test_chain_of_exact_halves_is_restricted_under_ofac_not_anthropic() -> None:
    g = graph(["x:CN" + SDN, "a", "b"], [("x", "a", 0.5), ("a", "b", 0.5)])
    assert statuses(g, "ofac") == {"x": R, "a": R, "b": R}
    assert statuses(g, "anthropic") == {"x": R, "a": C, "b": C}


def test_two_restricted_subsidiaries_aggregate() -> None:
    g = graph(
        ["x" + SDN, "a", "b", "c"],
        [("x", "a", 0.5), ("x", "b", 0.5), ("a", "c", 0.25), ("b", "c", 0.25)],
    )
    assert statuses(g, "ofac")["c"] is R


def test_direct_and_indirect_stakes_add_up() -> None:
    g = graph(["x" + SDN, "a", "b"], [("x", "a", 0.5), ("x", "b", 0.1), ("a", "b", 0.4)])
    res = resolve(g, "ofac")
    assert res.status_of("b") is R
    assert res.share_min[g.idx("b")] == pytest.approx(0.5)


def test_minority_owners_do_not_pass_on_anything() -> None:
    g = graph(
        ["x" + SDN, "a", "b", "c"],
        [("x", "a", 0.25), ("x", "b", 0.25), ("a", "c", 0.5), ("b", "c", 0.5)],
    )
    assert statuses(g, "ofac") == {"x": R, "a": C, "b": C, "c": C}


def test_two_seeds_aggregate_under_ofac_but_not_under_uk() -> None:
    g = graph(["x" + SDN, "y" + SDN, "c"], [("x", "c", 0.25), ("y", "c", 0.25)])
    assert statuses(g, "ofac")["c"] is R
    assert statuses(g, "uk")["c"] is C


def test_uk_counts_one_persons_holdings_through_companies_it_controls() -> None:
    g = graph(
        ["x" + SDN, "y" + SDN, "a", "c"],
        [("x", "a", 0.6), ("a", "c", 0.3), ("x", "c", 0.25), ("y", "c", 0.4)],
    )
    res = resolve(g, "uk")
    assert res.status_of("c") is R
    assert res.share_min[g.idx("c")] == pytest.approx(0.55)
    text = res.evidence("c").describe()
    assert "X" in text and "Y <-" not in text and "<- 40% Y" not in text


def test_whole_stakes_pass_down_a_chain_but_not_under_lookthrough() -> None:
    g = graph(["x:CN" + SDN, "a", "b", "c"], [("x", "a", 0.6), ("a", "b", 0.7), ("b", "c", 0.8)])
    assert statuses(g, "ofac")["c"] is R
    assert statuses(g, "anthropic")["c"] is R
    res = resolve(g, "lookthrough")
    assert res.status_of("c") is C
    assert res.status_of("a") is R
    assert res.share_min[g.idx("c")] == pytest.approx(0.336)


def test_minority_then_majority_is_clear() -> None:
    g = graph(["x:CN" + SDN, "a", "b"], [("x", "a", 0.4), ("a", "b", 0.8)])
    for rule in ("ofac", "anthropic", "eu", "uk", "lookthrough"):
        assert statuses(g, rule)["b"] is C, rule
        assert statuses(g, rule)["a"] is C, rule


def test_anthropic_looks_at_headquarters_not_incorporation() -> None:
    g = graph(
        ["sg:SG", "shenzhen:CN", "us:US", "cayman:CN", "cn_ru:DE", "cn:CN", "ru:RU", "half:US"],
        [
            ("shenzhen", "sg", 1.0),
            ("cayman", "us", 0.51),
            ("cn", "cn_ru", 0.30),
            ("ru", "cn_ru", 0.25),
            ("cn", "half", 0.5),
        ],
    )
    got = statuses(g, "anthropic")
    assert got["sg"] is R
    assert got["us"] is R
    assert got["cn_ru"] is R
    assert got["half"] is C


def test_occupied_ukrainian_region_is_unsupported() -> None:
    g = graph(["crimea:UA-43", "kyiv:UA", "sub"], [("crimea", "sub", 0.6)])
    got = statuses(g, "anthropic")
    assert got == {"crimea": R, "kyiv": C, "sub": R}


def test_ranges_give_possible() -> None:
    g = graph(["x" + SDN, "a", "b"], [("x", "a", (0.25, 0.5)), ("x", "b", (0.5, 0.75))])
    res = resolve(g, "ofac")
    assert res.status_of("a") is P
    assert res.status_of("b") is R
    assert res.share_min[g.idx("a")] == pytest.approx(0.25)
    assert res.share_max[g.idx("a")] == pytest.approx(0.5)


def test_control_of_unknown_size_is_possible_never_restricted_alone() -> None:
    g = graph(["x" + SDN, "a", "b"], [("x", "a", None), ("x", "b", None), ("x", "b", 0.5)])
    res = resolve(g, "ofac")
    assert res.status_of("a") is P
    assert res.status_of("b") is R
    strict = get_rule("ofac", unknown_lower=1.0)
    assert resolve(g, strict).status_of("a") is R


def test_cycles_terminate_and_do_not_inflate() -> None:
    g = graph(
        ["x:CN" + SDN, "a", "b", "c", "d"],
        [("a", "b", 1.0), ("b", "a", 1.0), ("x", "c", 0.3), ("c", "d", 1.0), ("d", "c", 0.3)],
    )
    for rule in ("ofac", "anthropic", "uk", "lookthrough"):
        got = statuses(g, rule)
        assert got["a"] is C and got["b"] is C and got["c"] is C and got["d"] is C, rule
    res = resolve(g, "lookthrough")
    assert res.share_min[g.idx("c")] == pytest.approx(0.3 / (1 - 0.3))


def test_mutual_full_ownership_under_lookthrough_caps_at_one() -> None:
    g = graph(["x" + SDN, "a", "b"], [("x", "a", 0.6), ("a", "b", 1.0), ("b", "a", 1.0)])
    res = resolve(g, "lookthrough")
    assert res.share_min[g.idx("a")] == pytest.approx(1.0)
    assert res.status_of("b") is R


def test_tolerance_on_sums() -> None:
    g = graph(["x" + SDN, "a"], [("x", "a", 0.1), ("x", "a", 0.1)])
    assert statuses(g, "ofac")["a"] is C  # parallel edges fold, they do not add
    g = graph(["x" + SDN, "y" + SDN, "z" + SDN, "a"], [("x", "a", 0.1), ("y", "a", 0.2), ("z", "a", 0.2)])
    res = resolve(g, "ofac")
    assert res.status_of("a") is R  # 0.1 + 0.2 + 0.2 is 0.5000000000000001 or 0.49999999999999994


def test_bis_affiliates_rule_follows_its_dates() -> None:
    g = graph(["x+us-bis-entity", "a", "b"], [("x", "a", 0.5), ("a", "b", 0.6)])
    in_force = {"x": R, "a": R, "b": R}
    seeds_only = {"x": R, "a": C, "b": C}
    assert statuses(g, "bis", as_of=date(2025, 10, 1)) == in_force
    assert statuses(g, "bis", as_of=date(2025, 9, 28)) == seeds_only
    assert statuses(g, "bis", as_of=date(2025, 11, 10)) == seeds_only
    assert statuses(g, "bis", as_of=date(2026, 11, 9)) == seeds_only
    assert statuses(g, "bis", as_of=date(2026, 11, 10)) == in_force


def test_bis_seeds_include_named_sdn_programs_only() -> None:
    g = graph(["x+us-ofac-sdn:SDGT", "y+us-ofac-sdn:RUSSIA-EO14024", "a", "b"], [("x", "a", 0.5), ("y", "b", 0.5)])
    got = statuses(g, "bis", as_of=date(2025, 10, 1))
    assert got["a"] is R and got["b"] is C
    assert statuses(g, "ofac")["b"] is R  # "us-ofac-sdn" matches every program


def test_explicit_seeds_override_the_rule() -> None:
    g = graph(["x", "a"], [("x", "a", 0.9)])
    assert resolve(g, "ofac", seeds=["x"]).status_of("a") is R
    assert resolve(g, "ofac").status_of("a") is C
