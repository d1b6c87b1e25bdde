"""Property tests: on any input, a parser either succeeds or raises SourceFormatError, nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownergate.errors import SourceFormatError
from ownergate.sources import registry

SEEDS = {
    "ofac-csv": b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    b"\"a.k.a. 'X'; DOB 1970\"\n",
    "csl": b"_id,source,entity_number,type,programs,name,addresses,alt_names,ids\n1,Entity List (EL),,,,A,,,\n",
    "bis-dpl": b'"Name"\t"Street_Address"\t"City"\t"State"\t"Country"\t"Postal_Code"\t"Effective_Date"\t'
    b'"FR_Citation"\n',
    "un-xml": b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>X</REFERENCE_NUMBER>"
    b"<FIRST_NAME>A</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
    "eu-csv": b"celex,recordId,schema,name,alias\n32014R0269,1,Person,A B,C (\xd0\x90)\n",
    "ownergate-csv": b"id,name,aliases,country,type\n1,Acme,A;B,RU,organization\n",
    "us-lists-csv": b"schema,name,aliases,topics,program\nCompany,Acme,,,\n",
    "ftm-jsonl": b'{"id": "x", "schema": "Company", "properties": {"name": ["A"]}}\n',
    "ofac-enhanced-xml": b'<sanctionsData xmlns="ENHANCED_XML"><entities><entity id="1"><names><name>'
    b"<isPrimary>true</isPrimary><translations><translation><isPrimary>true</isPrimary>"
    b"<formattedFullName>A</formattedFullName></translation></translations></name></names></entity></entities>"
    b"</sanctionsData>",
}


def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=300),
        st.integers(0, len(seed)).map(lambda n: seed[:n]),
        st.tuples(st.integers(0, len(seed)), st.binary(min_size=1, max_size=8)).map(
            lambda t: seed[: t[0]] + t[1] + seed[t[0] + len(t[1]) :]
        ),
    )


def _check(fmt: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.dat"
        path.write_bytes(data)
        try:
            for entry in registry.read(path, format=fmt):
                assert entry.entry_id and entry.name
        except SourceFormatError as exc:
            assert "input.dat" in str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SEEDS)).flatmap(lambda f: st.tuples(st.just(f), _mutations(SEEDS[f]))))
def test_parsers_only_raise_source_format_error(case: tuple[str, bytes]) -> None:
    fmt, data = case
    _check(fmt, data)


def test_seeds_parse() -> None:
    for fmt, data in SEEDS.items():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "input.dat"
            path.write_bytes(data)
            if fmt != "bis-dpl":
                assert list(registry.read(path, format=fmt)), fmt


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["input.csv", "input.xml", "CONS_ENHANCED.ZIP", "x.csv.gz", "dpl.txt"]))
def test_sniffing_any_bytes_never_fails_unexpectedly(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            source = registry.sniff(path)
        except SourceFormatError:
            return
        if source is not None:
            _check(source.format, data)
