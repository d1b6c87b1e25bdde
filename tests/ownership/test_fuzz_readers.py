"""Fuzzing every ownership and list reader with mutated real snippets and random bytes (issue 15, defect 8).

The only allowed outcomes are success or the project's input error (``InputError``, exit 3). The
readers are called directly, without ``parse_file``'s safety net, so a reader that leaks another
exception fails here. Bounded: a few dozen examples per reader, no deadline per example.
"""

from __future__ import annotations

import json
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownergate.errors import InputError
from ownergate.ownership.sources.formats import FORMATS, check_records
from ownergate.ownership.sources.records import Parsed
from ownergate.settings import load_settings
from ownergate.sources import registry
from ownergate.sources.text import read_bytes

# (format, file name the reader sees, real file under the test data, bytes to keep)
OWNERSHIP_SEEDS = {
    "edges-csv": ("X.csv", "ownership/edges_dod1260h_subsidiary_parent.csv", 0),
    "ofac-relationships": ("rel.csv", "ownership/edges_ofac_cons_enhanced_relationships.csv", 1500),
    "dod-1260h-parents": ("parents.csv", "ownership/edges_dod1260h_subsidiary_parent.csv", 1500),
    "bods": ("bods.json", "bods/fixtures/01-direct-ownership.json", 0),
    "gleif-rr": ("rr.json", "gleif/rr-data.json", 0),
    "gleif-repex": ("repex.xml", "gleif/repex-data.xml", 0),
    "gleif-lei": ("lei.json", "gleif/lei-data.json", 0),
    "psc": ("psc.json", "psc/psc-data-1.json", 0),
}
LIST_SEEDS = {
    "ofac-csv": ("sdn.csv", "ofac/sdn_2024-05-03.csv", 2000),
    "csl": ("csl.csv", "csl/consolidated_2022-05.csv.gz", 3000),
    "bis-dpl": ("dpl.txt", "csl/dpl_2023-11-30.txt", 2000),
    "us-lists-csv": ("us_dod_chinese_milcorps_sanctions.csv", "us_lists/us_dod_chinese_milcorps_sanctions.csv", 2000),
}
EDGES_X = b"owner_id,owned_id,share_min,share_max,kind,valid_from\nA,B,0.5,0.6,shares,2020-01-01\nC,B,,,control,\n"
FTM = (
    b'{"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["60"]}}\n'
    b'{"id": "c1", "schema": "Company", "properties": {"name": ["Acme"], "country": ["ru"]}}\n'
)


@cache
def _seed(kind: str, fmt: str) -> tuple[str, bytes]:
    name, relative, keep = (OWNERSHIP_SEEDS if kind == "ownership" else LIST_SEEDS)[fmt]
    path = load_settings().testdata / relative
    if not path.is_file():
        pytest.skip(f"real test data {path} is absent")
    data = read_bytes(path)
    if fmt == "edges-csv":
        return name, EDGES_X
    if keep:
        data = data[: data.rfind(b"\n", 0, keep) + 1]
    if name.endswith(".json") and data.lstrip().startswith(b"["):
        items = json.loads(data)
        data = json.dumps(items[:3]).encode()
    return name, data


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return document


@st.composite
def _mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """A real snippet cut, overwritten with random bytes, with a JSON value swapped, or random bytes."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=300))
    if choice == 1:
        return seed[: draw(st.integers(0, len(seed)))]
    if choice == 2:
        at = draw(st.integers(0, len(seed)))
        noise = draw(st.binary(min_size=1, max_size=8))
        return seed[:at] + noise + seed[at + len(noise) :]
    try:
        document = json.loads(seed)
    except ValueError:
        return seed.replace(b",", draw(st.sampled_from([b";", b'"', b"\x00", b"\n", b",,"])), 1)
    paths = _paths(document)
    path = paths[draw(st.integers(0, len(paths) - 1))]
    return json.dumps(_replace(document, path, draw(_JSON))).encode()


def _read_ownership(fmt: str, name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            records = FORMATS[fmt](path)
            if isinstance(records, Parsed):
                check_records(records)
            for entity in records.entities:  # E.csv/X.csv make their records lazily
                assert entity.id
            for edge in records.edges:
                assert edge.owner_id and edge.owned_id
        except InputError as exc:
            assert name in str(exc) or "--format" in str(exc), str(exc)


def _read_list(fmt: str, name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            for entry in registry.read(path, format=fmt):
                assert entry.entry_id and entry.name
        except InputError as exc:
            assert name in str(exc), str(exc)


def test_the_seeds_read(testdata: Path) -> None:
    for fmt in OWNERSHIP_SEEDS:
        name, data = _seed("ownership", fmt)
        _read_ownership(fmt, name, data)
    for fmt in LIST_SEEDS:
        name, data = _seed("lists", fmt)
        assert list(registry.read(_write(name, data), format=fmt)), fmt


def _write(name: str, data: bytes) -> Path:
    folder = Path(tempfile.mkdtemp())
    (folder / name).write_bytes(data)
    return folder / name


_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("fmt", sorted(OWNERSHIP_SEEDS))
@_SETTINGS
@given(data=st.data())
def test_ownership_readers_only_raise_input_errors(fmt: str, data: st.DataObject) -> None:
    name, seed = _seed("ownership", fmt)
    _read_ownership(fmt, name, data.draw(_mutated(seed)))


@_SETTINGS
@given(data=st.binary(max_size=400) | _mutated(FTM))
def test_the_ftm_reader_only_raises_input_errors(data: bytes) -> None:
    _read_ownership("ftm", "ftm.json", data)


@pytest.mark.parametrize("fmt", sorted(LIST_SEEDS))
@_SETTINGS
@given(data=st.data())
def test_list_readers_on_real_snippets_only_raise_input_errors(fmt: str, data: st.DataObject) -> None:
    name, seed = _seed("lists", fmt)
    _read_list(fmt, name, data.draw(_mutated(seed)))
