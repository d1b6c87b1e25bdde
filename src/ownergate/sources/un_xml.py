"""UN Security Council consolidated list, XML (``CONSOLIDATED_LIST`` of INDIVIDUAL and ENTITY)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListInfo, ListSource
from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Entry, Identifier, Provenance, Schema
from ownergate.sources.qualifiers import add_published_names
from ownergate.sources.text import UniqueIds, country_code, parse_date, read_bytes, script_of
from ownergate.sources.xmlsafe import date_in_head, flatten, parse_xml, text, texts

_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
_DOCUMENT_KINDS = {"passport": "passport", "national identification number": "national_id"}


def _dob(node: Element) -> str | None:
    return (
        text(node, "DATE")
        or text(node, "YEAR")
        or (f"{text(node, 'FROM_YEAR')}/{text(node, 'TO_YEAR')}" if text(node, "FROM_YEAR") else None)
    )


class UnXmlSource(ListSource):
    format = "un-xml"
    lists = (ListInfo("un-sc", "UN Security Council Consolidated List", "United Nations", _URL),)

    def sniff(self, path: Path, head: bytes) -> bool:
        return not path.is_dir() and b"<CONSOLIDATED_LIST" in head

    def published(self, path: Path) -> date | None:
        return date_in_head(path, r'dateGenerated="(\d{4}-\d{2}-\d{2})')

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        root = parse_xml(path, read_bytes(path))
        if root.tag != "CONSOLIDATED_LIST":
            raise SourceFormatError(str(path), f"<{root.tag}>", "root element is not CONSOLIDATED_LIST")
        unique = UniqueIds()
        for kind, schema in (("INDIVIDUAL", Schema.PERSON), ("ENTITY", Schema.ORGANIZATION)):
            for index, node in enumerate(root.iter(kind), start=1):
                yield self._entry(path, node, kind, index, schema, list_id or "un-sc", unique)

    @staticmethod
    def _entry(
        path: Path, node: Element, kind: str, index: int, schema: Schema, list_id: str, unique: UniqueIds
    ) -> Entry:
        reference = text(node, "REFERENCE_NUMBER") or text(node, "DATAID")
        where = f"<{kind} #{index} REFERENCE_NUMBER={reference or '?'}>"
        name = " ".join(t for t in (text(node, f"{p}_NAME") for p in ("FIRST", "SECOND", "THIRD", "FOURTH")) if t)
        if not reference or not name:
            raise SourceFormatError(str(path), where, "REFERENCE_NUMBER and FIRST_NAME must not be empty")
        entry = Entry(
            list_id=list_id,
            entry_id=unique(reference),
            schema=schema,
            name=name,
            provenance=Provenance(path.name, where),
            programs=texts(node, "UN_LIST_TYPE"),
            listed_on=parse_date(text(node, "LISTED_ON")),
            raw=flatten(node),  # type: ignore[arg-type]
        )
        original = text(node, "NAME_ORIGINAL_SCRIPT")
        if original:
            entry.aliases.append(Alias(original, AliasKind.NATIVE, script_of(original)))
        for alias in node.findall(f"{kind}_ALIAS"):
            alias_name = text(alias, "ALIAS_NAME")
            if alias_name:
                weak = text(alias, "QUALITY").lower() in ("low", "a.k.a. low")
                entry.aliases.append(
                    Alias(alias_name, AliasKind.WEAK if weak else AliasKind.AKA, script_of(alias_name))
                )
        for value in texts(node, "NATIONALITY/VALUE"):
            if code := country_code(value):
                entry.countries.append(Country(code, CountryRole.NATIONALITY))
        for address in node.findall(f"{kind}_ADDRESS"):
            parts = [text(address, k) for k in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
            if any(parts):
                entry.addresses.append(", ".join(p for p in parts if p))
            if (code := country_code(text(address, "COUNTRY"))) and Country(
                code, CountryRole.ADDRESS
            ) not in entry.countries:
                entry.countries.append(Country(code, CountryRole.ADDRESS))
        entry.birth_dates = [d for d in (_dob(n) for n in node.findall("INDIVIDUAL_DATE_OF_BIRTH")) if d]
        for document in node.findall("INDIVIDUAL_DOCUMENT"):
            number = text(document, "NUMBER")
            if number:
                doc_kind = _DOCUMENT_KINDS.get(text(document, "TYPE_OF_DOCUMENT").lower(), "document")
                issuer = text(document, "ISSUING_COUNTRY") or text(document, "COUNTRY_OF_ISSUE")
                entry.identifiers.append(Identifier(doc_kind, number, country_code(issuer) if issuer else None))
        return add_published_names(entry)
