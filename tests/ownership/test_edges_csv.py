"""ownergate's own E.csv / X.csv reader: headers, validity dates and the errors it names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ownergate.errors import SourceFormatError
from ownergate.ownership import EdgeKind, Status, resolve
from ownergate.ownership.sources.edges_csv import graph_from_csv

ENTITIES = "id,name,hq_country,incorporation_country,lists\nky,Acme KY,cn,KY,\nsg,Acme SG,SG,SG,\nus,Acme US,US,US,\n"


def files(tmp_path: Path, entities: str, edges: str) -> tuple[Path, Path]:
    e, x = tmp_path / "E.csv", tmp_path / "X.csv"
    e.write_text(entities, encoding="utf-8")
    x.write_text(edges, encoding="utf-8")
    return e, x


def test_header_with_bom_quotes_and_other_order(tmp_path: Path) -> None:
    e, x = files(
        tmp_path,
        '\ufeff"id","lists","name","hq_country","incorporation_country"\nky,,Acme KY,CN,KY\nsg,,Acme SG,SG,SG\n',
        "\ufeffshare_max,owner_id,owned_id,share_min\n1,ky,sg,1\n",
    )
    g = graph_from_csv(e, x)
    assert (g.n, g.m, g.hq(0)) == (2, 1, "CN")
    assert resolve(g, "anthropic").status_of("sg") is Status.RESTRICTED


def test_validity_dates_select_the_edges_of_a_day(tmp_path: Path) -> None:
    e, x = files(
        tmp_path,
        ENTITIES,
        "owner_id,owned_id,share_min,share_max,valid_from,valid_to\nky,sg,1,1,,2020-01-01\nky,us,0.6,0.6,2021-06-01,\n",
    )
    g = graph_from_csv(e, x)
    assert g.dated
    on = {d: resolve(g, "anthropic", as_of=d) for d in (date(2019, 1, 1), date(2021, 1, 1), date(2022, 1, 1))}
    assert [r.status_of("sg") for r in on.values()] == [Status.RESTRICTED, Status.CLEAR, Status.CLEAR]
    assert [r.status_of("us") for r in on.values()] == [Status.CLEAR, Status.CLEAR, Status.RESTRICTED]


def test_an_undated_graph_keeps_one_view_for_every_day(tmp_path: Path) -> None:
    e, x = files(tmp_path, ENTITIES, "owner_id,owned_id,share_min,share_max\nky,sg,1,1\n")
    g = graph_from_csv(e, x)
    assert not g.dated
    assert g.view([EdgeKind.SHARES], date(2001, 1, 1)) is g.view([EdgeKind.SHARES], date(2031, 1, 1))
    assert g.valid_from[[0]].tolist() == [None]  # still indexable like a dated graph's arrays


@pytest.mark.parametrize(
    ("entities", "edges", "message"),
    [
        ("", "owner_id,owned_id,share_min,share_max\n", r"E\.csv: the file is empty"),
        ("id,name,hq_country\nky,Acme,CN\n", "owner_id,owned_id,share_min,share_max\n", r"missing column\(s\) .*lists"),
        (ENTITIES, "owner_id,owned_id,share_min,share_max\nky,nowhere,1,1\n", r"data row 1: owned_id 'nowhere'"),
        (
            ENTITIES + "ky,Again,CN,KY,\n",
            "owner_id,owned_id,share_min,share_max\n",
            r"data row 4: id 'ky' appears twice",
        ),
        (ENTITIES, "owner_id,owned_id,share_min,share_max\nky,sg,0.7,0.5\n", r"X\.csv.*data row 1: share_min 0\.7"),
    ],
)
def test_bad_files_name_the_file_and_row(tmp_path: Path, entities: str, edges: str, message: str) -> None:
    e, x = files(tmp_path, entities, edges)
    with pytest.raises(SourceFormatError, match=message):
        graph_from_csv(e, x)
