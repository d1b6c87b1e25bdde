"""Each parser against the real files: counts are computed independently from the files themselves."""

from __future__ import annotations

import collections
import csv
import gzip
import io
import re
import zipfile
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest

from ownergate.errors import SourceFormatError
from ownergate.sources import registry
from ownergate.sources.model import AliasKind, Schema
from ownergate.sources.ofac_enhanced_xml import relationships


def _read(path: Path, **kw: str) -> list:  # type: ignore[type-arg]
    return list(registry.read(path, **kw))


def _ofac_rows(path: Path) -> list[list[str]]:
    text = path.read_text("utf-8").rstrip("\x1a")
    return [r for r in csv.reader(io.StringIO(text)) if r and r[0].strip()]


@pytest.mark.parametrize("name", ["sdn_2023-05-02.csv", "sdn_2024-05-03.csv"])
def test_single_sdn_csv_loads_every_row(testdata: Path, name: str) -> None:
    path = testdata / "ofac" / name
    rows = _ofac_rows(path)
    entries = _read(path)
    assert registry.detect(path).format == "ofac-csv"
    assert [e.entry_id for e in entries] == [r[0] for r in rows]
    assert {e.list_id for e in entries} == {"us-ofac-sdn"}


def test_sdn_set_joins_aliases_addresses_and_comments(testdata: Path) -> None:
    folder = testdata / "ofac" / "sdn_2021-07-07"
    entries = _read(folder)
    assert len(entries) == len(_ofac_rows(folder / "sdn.csv"))
    assert sum(len(e.raw.get("aliases", [])) for e in entries) == len(_ofac_rows(folder / "alt.csv"))
    assert sum(len(e.raw.get("addresses", [])) for e in entries) == len(_ofac_rows(folder / "add.csv"))
    assert sum(len(e.raw.get("comments", [])) for e in entries) == len(_ofac_rows(folder / "sdn_comments.csv"))
    bnc = next(e for e in entries if e.entry_id == "306")
    assert bnc.name == "BANCO NACIONAL DE CUBA"
    assert ("NATIONAL BANK OF CUBA", AliasKind.AKA) in [(a.name, a.kind) for a in bnc.aliases]
    assert ("BNC", AliasKind.WEAK) in [(a.name, a.kind) for a in bnc.aliases]
    assert bnc.provenance.source_file == "sdn.csv"
    assert {c.code for c in bnc.countries} >= {"CH", "ES", "JP", "PA"}


def test_sdn_remarks_give_identifiers(testdata: Path) -> None:
    entries = _read(testdata / "ofac" / "sdn_2024-05-03.csv")
    kinds = collections.Counter(i.kind for e in entries for i in e.identifiers)
    assert kinds["registration"] > 1000 and kinds["tax"] > 1000 and kinds["imo"] > 500 and kinds["website"] > 100
    assert sum(1 for e in entries if e.schema is Schema.VESSEL) > 500


def test_ofac_consolidated_set_splits_ns_cmic(testdata: Path) -> None:
    folder = testdata / "ofac" / "nonsdn_2025-12"
    rows = _ofac_rows(folder / "cons_prim.csv")
    entries = _read(folder / "cons_prim.csv")
    assert len(entries) == len(rows)
    cmic = {r[0] for r in rows if "CMIC" in r[3]}
    assert {e.entry_id for e in entries if e.list_id == "us-ofac-nscmic"} == cmic
    assert len(cmic) > 40


def test_ofac_enhanced_xml_entities_and_relationships(testdata: Path) -> None:
    path = testdata / "ofac" / "nonsdn_2025-12" / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(path) as archive:
        root = DET.fromstring(archive.read(archive.namelist()[0]))
    ns = {"o": root.tag.split("}")[0].strip("{")}
    expected = root.findall("o:entities/o:entity", ns)
    rels = root.findall("o:entities/o:entity/o:relationships/o:relationship", ns)
    entries = _read(path)
    assert len(entries) == len(expected)
    assert "us-ofac-sdn" not in {e.list_id for e in entries}  # the consolidated file never replaces the SDN list
    found = list(relationships(path))
    assert len(found) == len(rels) == 283
    owned = [r for r in found if r[2] == "Owned or Controlled By"]
    assert len(owned) == 278
    ids = {e.entry_id for e in entries}
    assert all(r[0] in ids for r in found)
    assert sum(len(e.parents) for e in entries) == len(owned)


def test_csl_each_source_is_a_list(testdata: Path) -> None:
    path = testdata / "csl" / "consolidated_2022-05.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        sources = collections.Counter(r["source"] for r in csv.DictReader(handle))
    entries = _read(path)
    by_list = collections.Counter(e.list_id for e in entries)
    assert len(entries) == sum(sources.values())
    assert by_list["us-bis-entity"] == sources["Entity List (EL) - Bureau of Industry and Security"] == 2001
    assert by_list["us-bis-meu"] == sources["Military End User (MEU) List - Bureau of Industry and Security"]
    assert by_list["us-bis-unverified"] == sources["Unverified List (UVL) - Bureau of Industry and Security"]
    cmic = "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department"
    assert by_list["us-ofac-nscmic"] == sources[cmic]
    assert by_list["us-ofac-sdn"] == sources["Specially Designated Nationals (SDN) - Treasury Department"]


def test_csl_json_layout(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.json"
    path.write_text(
        '{"results": [{"source": "Entity List (EL) - Bureau of Industry and Security", "name": "Example Avionics",'
        ' "alt_names": ["EA"], "addresses": [{"address": "1 Road", "city": "Harbin", "country": "CN"}],'
        ' "ids": [{"type": "Registration Number", "number": "123", "country": "CN"}], "programs": ["EAR"],'
        ' "_id": "abc"}]}'
    )
    (entry,) = _read(path)
    assert (entry.list_id, entry.entry_id, entry.name) == ("us-bis-entity", "abc", "Example Avionics")
    assert entry.countries[0].code == "CN" and entry.identifiers[0].value == "123"


def test_dpl(testdata: Path) -> None:
    path = testdata / "csl" / "dpl_2023-11-30.txt"
    rows = [line for line in path.read_text("utf-8").splitlines()[1:] if line.strip()]
    entries = _read(path)
    assert len(entries) == len(rows)
    assert len({e.entry_id for e in entries}) == len(entries)


def test_un(testdata: Path) -> None:
    path = testdata / "un" / "UN_consolidated.xml"
    text = path.read_text("utf-8")
    entries = _read(path)
    schemas = collections.Counter(e.schema for e in entries)
    assert schemas[Schema.PERSON] == len(re.findall(r"<INDIVIDUAL>", text)) == 730
    assert schemas[Schema.ORGANIZATION] == len(re.findall(r"<ENTITY>", text)) == 273
    assert any(a.kind is AliasKind.NATIVE and a.script == "Arab" for e in entries for a in e.aliases)


def test_uk_split(testdata: Path) -> None:
    folder = testdata / "uk"
    with (folder / "subjects.csv").open(encoding="utf-8") as handle:
        subjects = list(csv.DictReader(handle))
    entries = _read(folder)
    assert len(entries) == len(subjects)
    assert collections.Counter(e.schema for e in entries)[Schema.VESSEL] == sum(
        1 for s in subjects if s["subject_type"] == "ship"
    )


def test_uk_official_csv(tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.csv"
    path.write_text(
        "Report Date: 12-May-2026\n"
        "Last Updated,Unique ID,OFSI Group ID,Name 6,Name 1,Name 2,Name type,Alias strength,Name non-latin script,"
        'Regime Name,Address Line 1,Address Country,"Individual, Entity, Ship",Date Designated,Parent company\n'
        "01/01/2026,RUS0001,1,EXAMPLE BANK,,,Primary name,,ПРИМЕР БАНК,Russia,1 Street,Russia,Entity,"
        "01/02/2022,Parent\n"
        "01/01/2026,RUS0001,1,EXAMPLE BK,,,Alias,Good quality,,Russia,,,Entity,01/02/2022,Parent\n"
        "01/01/2026,RUS0002,2,EXAMPLOV,IVAN,,Primary name,,,Russia,,,Individual,01/03/2022,\n",
        encoding="utf-8",
    )
    entry, person = _read(path)
    assert (person.entry_id, person.name, person.schema) == ("RUS0002", "IVAN EXAMPLOV", Schema.PERSON)
    assert entry.entry_id == "RUS0001" and entry.name == "EXAMPLE BANK"
    assert {a.name for a in entry.aliases} == {"EXAMPLE BK", "ПРИМЕР БАНК"}
    assert entry.schema is Schema.ORGANIZATION and entry.programs == ["Russia"] and entry.parents == ["Parent"]
    assert entry.countries[0].code == "RU" and entry.listed_on is not None


def test_eu_csv_folder(testdata: Path) -> None:
    folder = testdata / "eu"
    rows = 0
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            rows += sum(1 for _ in csv.DictReader(handle))
    entries = _read(folder)
    assert len(entries) == rows
    assert {e.list_id for e in entries} == {"eu-fsf"}
    assert any(a.kind is AliasKind.NATIVE and a.script == "Cyrl" for e in entries for a in e.aliases)
    aksyonov = next(e for e in entries if e.entry_id == "32014R0269-1")
    assert aksyonov.birth_dates == ["1972-11-26"] and aksyonov.schema is Schema.PERSON


def test_eu_official_xml(tmp_path: Path) -> None:
    path = tmp_path / "eu.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><export xmlns="http://eu.europa.ec/fpi/fsd/export"'
        ' generationDate="2026-05-01T10:00:00"><sanctionEntity euReferenceNumber="EU.1.2" logicalId="12">'
        '<regulation programme="RUS" publicationDate="2022-03-01"/><subjectType code="enterprise"/>'
        '<nameAlias wholeName="Example Bank" strong="true"/><nameAlias wholeName="EB" strong="false"/>'
        '<address city="Moscow" countryIso2Code="RU" countryDescription="RUSSIA"/>'
        '<identification identificationTypeCode="regnumber" number="77" countryIso2Code="RU"/>'
        "</sanctionEntity></export>"
    )
    assert registry.detect(path).format == "eu-xml"
    (entry,) = _read(path)
    assert (entry.list_id, entry.entry_id, entry.name) == ("eu-fsf", "EU.1.2", "Example Bank")
    assert entry.aliases[0].kind is AliasKind.WEAK and entry.countries[0].code == "RU"
    assert registry.detect(path).published(path) is not None


def test_us_lists(testdata: Path) -> None:
    folder = testdata / "us_lists"
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        entries = _read(path)
        assert len(entries) == len(rows), path.name
    dod = _read(folder / "us_dod_chinese_milcorps_sanctions.csv")
    assert {e.list_id for e in dod} == {"us-dod-1260h"}
    with (folder / "us_dod_chinese_milcorps_sanctions.csv").open(encoding="utf-8") as handle:
        with_parent = sum(1 for r in csv.DictReader(handle) if r["Parent Name"].strip())
    assert sum(1 for e in dod if e.parents) == with_parent == 197
    fcc = _read(folder / "us_fcc_covered_list_table.csv")
    assert "Huawei Technologies Company" in {e.name for e in fcc}


def test_ftm_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text(
        '{"id": "p1", "schema": "Company", "properties": {"name": ["AVIC"]}, "datasets": ["us_dod_chinese_milcorps"]}\n'
        '{"id": "c1", "schema": "Company", "properties": {"name": ["AVIC Hi-Tech"], "alias": ["AVIC HT"],'
        ' "parent": ["p1"], "country": ["cn"], "registrationNumber": ["123"]},'
        ' "datasets": ["us_dod_chinese_milcorps"]}\n'
        '{"id": "s1", "schema": "Sanction", "properties": {"entity": ["c1"]},'
        ' "datasets": ["us_dod_chinese_milcorps"]}\n'
    )
    entries = _read(path)
    assert [e.entry_id for e in entries] == ["p1", "c1"]
    assert entries[1].parents == ["AVIC"] and entries[1].list_id == "us-dod-1260h"
    assert entries[1].countries[0].code == "CN"


def test_ownergate_csv_and_shipped_sample(tmp_path: Path) -> None:
    from ownergate.lists.update import sample_paths

    samples = sample_paths()
    assert {p.stem for p in samples} == {"sample-sanctions", "sample-export-control"}
    for path in samples:
        entries = _read(path)
        assert entries and all(e.list_id == path.stem for e in entries)
    bad = tmp_path / "deny.csv"
    bad.write_text("id,name,aliases,country,type\n1,Acme,,RU,spaceship\n")
    with pytest.raises(SourceFormatError, match=r"deny.csv: line 2: type 'spaceship'"):
        _read(bad)


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><CONSOLIDATED_LIST>&lol3;</CONSOLIDATED_LIST>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&e;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS>"
    b"</CONSOLIDATED_LIST>"
)


@pytest.mark.parametrize("data", [BOMB, XXE], ids=["billion-laughs", "external-entity"])
def test_hostile_xml_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "un.xml"
    path.write_bytes(data)
    with pytest.raises(SourceFormatError, match=r"un.xml: DOCTYPE: refused"):
        _read(path, format="un-xml")


def test_bad_input_names_file_and_line(tmp_path: Path, testdata: Path) -> None:
    latin = tmp_path / "sdn.csv"
    latin.write_bytes(b'1,"ACME",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n2,"CAF\xc9",-0- ,"X"\n')
    with pytest.raises(SourceFormatError, match=r"sdn.csv: line 2: not valid utf-8"):
        _read(latin)
    short = tmp_path / "short.csv"
    short.write_text('1,"ACME",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n2,"B",-0-\n')
    with pytest.raises(SourceFormatError, match=r"short.csv: line 2: 3 fields where 12 are expected"):
        _read(short, format="ofac-csv")
    truncated = tmp_path / "consolidated.csv.gz"
    truncated.write_bytes((testdata / "csl" / "consolidated_2022-05.csv.gz").read_bytes()[:5000])
    with pytest.raises(SourceFormatError, match="truncated or corrupt gzip"):
        _read(truncated, format="csl")
    missing = tmp_path / "dpl.txt"
    missing.write_text('"Name"\t"Street_Address"\n"A"\t"B"\n')
    with pytest.raises(SourceFormatError, match=r"dpl.txt: line 1: missing column"):
        _read(missing)
    unknown = tmp_path / "notes.txt"
    unknown.write_text("hello\n")
    with pytest.raises(SourceFormatError, match="not a known list format"):
        registry.detect(unknown)
