"""The ownership picture: DOT text, the decisive path, collapsing a 200+ node cone, escaping."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest

from ownergate.errors import ConfigError
from ownergate.ownership.graph import OwnershipGraph
from ownergate.policy.countries import unsupported_regions
from ownergate.review import picture
from ownergate.review.picture import Dot, decisive_edges, layout, render

REGIONS = unsupported_regions(date(2026, 1, 1))
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz dot is not installed (make test installs it)"
)


def _tree(fanout: tuple[int, ...], hostile: str = "") -> OwnershipGraph:
    """A customer 'c' owned by a tree of companies: level k has fanout[k] owners per node."""
    ids, names, hq, owner, owned, share = ["c"], [hostile or "Customer Ltd"], ["GB"], [], [], []
    level = [0]
    for width in fanout:
        nxt = []
        for parent in level:
            for k in range(width):
                ids.append(f"{ids[parent]}.{k}")
                names.append(f"Owner {ids[-1]}")
                hq.append("CN" if ids[-1] == "c.0.0.0" else "DE")
                owner.append(len(ids) - 1)
                owned.append(parent)
                share.append(0.6 if k == 0 else 0.4 / (width - 1))
                nxt.append(len(ids) - 1)
        level = nxt
    kinds = ["person" if i.count(".") == len(fanout) and i.endswith(".1") else "company" for i in ids]
    return OwnershipGraph.from_edges(
        ids,
        owner,
        owned,
        share,
        share,
        names=names,
        hq_country=hq,
        incorporation_country=hq,
        node_kind=kinds,
        sources=[f"edges.csv row {e + 2}" for e in range(len(owner))],
        lists={3: ("us-dod-1260h",)},
    )


DECISIVE = {("c.0", "c"), ("c.0.0", "c.0"), ("c.0.0.0", "c.0.0")}


def test_small_cone_draws_every_owner_with_shares_flags_and_the_decisive_path() -> None:
    graph = _tree((2, 2))
    dot = layout(graph, "c", REGIONS, DECISIVE)
    assert dot.shown == graph.n == 7 and dot.hidden == 0
    assert dot.text.count("->") == 6
    assert 'label="60%"' in dot.text and 'label="40%"' in dot.text
    assert dot.text.count("penwidth=3") == 2  # the two decisive edges inside this two-level cone
    assert "unsupported region: China" not in dot.text  # c.0.0.0 is not in a two-level cone
    assert "+1 more" not in dot.text


def test_cone_over_200_nodes_keeps_the_decisive_path_and_summarises_the_rest() -> None:
    graph = _tree((6, 6, 6))  # 6 + 36 + 216 = 258 owners
    assert graph.n == 259
    dot = layout(graph, "c", REGIONS, DECISIVE, max_nodes=30)
    assert dot.shown == 30
    assert dot.hidden == 258 + 1 - 30
    drawn = set(re.findall(r'label="Owner ([c.0-9]+)', dot.text))
    assert {"c.0", "c.0.0", "c.0.0.0"} <= drawn  # the decisive path, three levels up
    assert {f"c.{k}" for k in range(6)} <= drawn  # the customer's own owners come next
    assert "unsupported region: China" in dot.text and "listed: us-dod-1260h" in dot.text
    more = re.findall(r'label="\+(\d+) more owners(?:\\n\(\+(\d+) further up\))?"', dot.text)
    assert more, "hidden owners are summarised"
    assert sum(int(a) for a, _ in more) <= dot.hidden
    assert dot.text.count("penwidth=3") == 3


def test_decisive_edges_come_from_the_evidence() -> None:
    reasons = [
        {"code": "owned-by-unsupported-region", "evidence": {"edges": [{"owner_id": "a", "owned_id": "b"}]}},
        {"code": "listed", "evidence": {"list": "x"}},
        {"code": "override", "evidence": None},
    ]
    assert decisive_edges(reasons) == {("a", "b")}


def test_dot_quoting_neutralises_quotes_backslashes_and_markup() -> None:
    assert picture.quote('a"b\\c\nd&e') == 'a\\"b\\\\c d&amp;e'
    assert len(picture.quote("x" * 500)) == 80


@needs_dot
def test_hostile_names_render_inert_in_the_svg() -> None:
    hostile = '"];evil[label="x"];<script>alert(1)</script>\\N & <img src=x onerror=alert(2)>'
    graph = _tree((3, 3), hostile=hostile)
    svg = render(layout(graph, "c", REGIONS, DECISIVE))
    assert svg.startswith("<svg")
    assert "<script" not in svg.lower() and "<img" not in svg.lower()
    assert "&lt;script&gt;" in svg
    assert "evil" not in re.findall(r"<g id=\"(\w+)\"", svg)
    assert "<title>Owners of" in svg
    assert "source: edges.csv row" in svg  # sources on hover
    assert '<path fill="none" stroke="#b3261e" stroke-width="3"' in svg


@needs_dot
def test_unsafe_svg_is_refused() -> None:
    sneaky = Dot('digraph ownership { n0 [label="x"]; }\n', 1, 0, {"n0": "fine"})
    assert "<title>fine</title>" in render(sneaky)
    with pytest.raises(ConfigError, match="active content"):
        # a DOT that asks Graphviz for a link: the picture never makes one, and refuses it
        render(Dot('digraph ownership { n0 [label="x", URL="https://example.org"]; }\n', 1, 0))


@needs_dot
def test_a_broken_dot_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="Graphviz failed"):
        render(Dot("digraph {", 0, 0))
