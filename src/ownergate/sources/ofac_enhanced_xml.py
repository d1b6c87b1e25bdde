"""OFAC's enhanced XML (``SDN_ENHANCED.ZIP`` / ``CONS_ENHANCED.ZIP`` or the bare XML), including
the relationships between entries ("Owned or Controlled By", "Acting for or on behalf of" ...).

:func:`relationships` yields them as ``(from_entry_id, to_entry_id, type, record)`` for the
ownership graph. Countries resolve through the file's own reference values (ISO codes).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element

from ownergate.errors import SourceFormatError
from ownergate.sources.base import ListInfo, ListSource
from ownergate.sources.model import Alias, AliasKind, Country, CountryRole, Entry, Identifier, Provenance
from ownergate.sources.ofac_remarks import IDENTIFIER_LABELS, iso_partial_date
from ownergate.sources.qualifiers import add_published_names
from ownergate.sources.text import country_code, parse_date, read_bytes, read_zip_member, schema_of, script_of
from ownergate.sources.xmlsafe import date_in_head, flatten, parse_xml, text

_BASE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
_ALIASES = {"A.K.A.": AliasKind.AKA, "F.K.A.": AliasKind.FKA, "N.K.A.": AliasKind.AKA}
_FEATURE_IDS = {"website": "website", "email address": "email", "swift/bic": "swift", "legal entity number": "lei"}


def _root(path: Path) -> tuple[str, Element]:
    data = read_bytes(path)
    name = path.name
    if data[:2] == b"PK":
        name, data = read_zip_member(path, ".xml")
    return name, parse_xml(f"{path}:{name}" if name != path.name else path, data)


def _list_id(node: Element, consolidated: bool) -> str:
    """The list an entity belongs to. In the consolidated (non-SDN) file, SDN membership is ignored:
    that file holds only a few SDN entries, and loading them as the SDN list would remove all others."""
    lists = " ".join(text(s) for s in node.findall("sanctionsLists/sanctionsList")).upper()
    programs = " ".join(text(s) for s in node.findall("sanctionsPrograms/sanctionsProgram")).upper()
    if "SDN LIST" in lists and not consolidated:
        return "us-ofac-sdn"
    if "CMIC" in lists or "CMIC" in programs:
        return "us-ofac-nscmic"
    if "SECTORAL" in lists:
        return "us-ofac-ssi"
    if "PALESTINIAN" in lists:
        return "us-ofac-plc"
    return "us-ofac-cons"


class OfacEnhancedXmlSource(ListSource):
    format = "ofac-enhanced-xml"
    lists = (ListInfo("us-ofac-sdn", "OFAC Specially Designated Nationals", "US Treasury OFAC",
                      _BASE + "SDN_ENHANCED.ZIP"),
             ListInfo("us-ofac-cons", "OFAC other consolidated non-SDN lists", "US Treasury OFAC",
                      _BASE + "CONS_ENHANCED.ZIP"))  # fmt: skip

    def official_lists(self) -> frozenset[str]:
        """The lists ``_list_id`` sorts entities into, from each entity's own list and programmes."""
        return frozenset({"us-ofac-sdn", "us-ofac-cons", "us-ofac-nscmic", "us-ofac-ssi", "us-ofac-plc"})

    def sniff(self, path: Path, head: bytes) -> bool:
        if path.is_dir():
            return False
        if head[:2] == b"PK":
            return path.name.upper().endswith("ENHANCED.ZIP")
        return b"<sanctionsData" in head and b"ENHANCED_XML" in head

    def published(self, path: Path) -> date | None:
        head = b""
        try:
            if path.name.upper().endswith(".ZIP"):
                with zipfile.ZipFile(path) as archive, archive.open(archive.namelist()[0]) as member:
                    head = member.read(8192)
            else:
                with path.open("rb") as handle:
                    head = handle.read(8192)
        except (OSError, zipfile.BadZipFile, IndexError, EOFError, zlib.error):
            return None
        return date_in_head(path, r"<dataAsOf>(\d{4}-\d{2}-\d{2})", head)

    def read(self, path: Path, list_id: str | None = None) -> Iterator[Entry]:
        name, root = _root(path)
        countries = {
            r.get("refId", ""): text(r, "isoCode")
            for r in root.iter("referenceValue")
            if text(r, "type") == "COUNTRY" and text(r, "isoCode")
        }
        entities = root.find("entities")
        if entities is None:
            raise SourceFormatError(f"{path}:{name}", f"<{root.tag}>", "no <entities> element")
        filters = " ".join(text(s) for s in root.findall("publicationInfo/filters/sanctionsLists/sanctionsList"))
        consolidated = "consolidated" in filters.lower() or "CONS" in path.name.upper()
        for node in entities.findall("entity"):
            yield self._entry(path.name, node, countries, list_id or _list_id(node, consolidated))

    @staticmethod
    def _entry(file_name: str, node: Element, countries: dict[str, str], list_id: str) -> Entry:
        entity_id = node.get("id", "")
        where = f"<entity id={entity_id}>"
        names: list[tuple[bool, AliasKind, str]] = []
        for name in node.findall("names/name"):
            primary = text(name, "isPrimary") == "true"
            weak = text(name, "isLowQuality") == "true"
            kind = AliasKind.WEAK if weak else _ALIASES.get(text(name, "aliasType"), AliasKind.AKA)
            for translation in name.findall("translations/translation"):
                full = text(translation, "formattedFullName")
                if full:
                    names.append((primary and text(translation, "isPrimary") == "true", kind, full))
        main = next((n for n in names if n[0]), names[0] if names else None)
        if not entity_id or main is None:
            raise SourceFormatError(file_name, where, "an entity needs an id and a name")
        entry = Entry(
            list_id=list_id,
            entry_id=entity_id,
            schema=schema_of(text(node, "generalInfo/entityType")),
            name=main[2],
            provenance=Provenance(file_name, where),
            programs=[text(p) for p in node.findall("sanctionsPrograms/sanctionsProgram") if text(p)],
            raw=flatten(node),  # type: ignore[arg-type]
        )
        published = [parse_date(s.get("datePublished")) for s in node.findall("sanctionsLists/sanctionsList")]
        entry.listed_on = min((d for d in published if d), default=None)
        for _, kind, full in names:
            if full != entry.name:
                script = script_of(full)
                entry.aliases.append(Alias(full, AliasKind.NATIVE if script else kind, script))
        for address in node.findall("addresses/address"):
            parts = [text(p, "value") for p in address.iter("addressPart")]
            country = address.find("country")
            if country is not None:
                parts.append(text(country))
                code = countries.get(country.get("refId", "")) or country_code(text(country))
                if code and Country(code, CountryRole.ADDRESS) not in entry.countries:
                    entry.countries.append(Country(code, CountryRole.ADDRESS))
            if any(parts):
                entry.addresses.append(", ".join(p for p in parts if p))
        for feature in node.findall("features/feature"):
            kind_name, value = text(feature, "type").lower(), text(feature, "value")
            if kind_name == "birthdate" and value:
                entry.birth_dates.append(iso_partial_date(value))
            elif kind_name in ("nationality country", "citizenship country") and value:
                code = countries.get(text(feature, "valueRefId")) or country_code(value)
                role = CountryRole.NATIONALITY if kind_name.startswith("nationality") else CountryRole.CITIZENSHIP
                if code:
                    entry.countries.append(Country(code, role))
            elif kind_name in _FEATURE_IDS and value:
                entry.identifiers.append(Identifier(_FEATURE_IDS[kind_name], value))
        for document in node.findall("identityDocuments/identityDocument"):
            number = text(document, "documentNumber")
            if number:
                label = text(document, "type").lower()
                issuer = document.find("issuingCountry")
                code = countries.get(issuer.get("refId", "")) if issuer is not None else None
                entry.identifiers.append(Identifier(IDENTIFIER_LABELS.get(label, label or "other"), number, code))
        entry.parents = [
            text(r, "relatedEntity")
            for r in node.findall("relationships/relationship")
            if text(r, "type") == "Owned or Controlled By" and text(r, "relatedEntity")
        ]
        return add_published_names(entry)


def relationships(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """Every relationship in an enhanced XML file: ``(from_entry_id, to_entry_id, type, record)``.

    ``record`` locates it (``<relationship id=17928>``); ids are OFAC entity ids, the same as
    :attr:`Entry.entry_id` of the entries this format yields. "Owned or Controlled By" reads
    *from* the owned entry *to* its owner.
    """
    name, root = _root(path)
    for node in root.iter("entity"):
        for relation in node.findall("relationships/relationship"):
            related = relation.find("relatedEntity")
            if related is None or not related.get("entityId"):
                raise SourceFormatError(
                    f"{path}:{name}", f"<relationship id={relation.get('id', '?')}>", "no relatedEntity entityId"
                )
            yield (
                node.get("id", ""),
                related.get("entityId", ""),
                text(relation, "type"),
                (f"<relationship id={relation.get('id', '')}>"),
            )
