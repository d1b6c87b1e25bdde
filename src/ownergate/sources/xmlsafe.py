"""Safe XML parsing for list files: no DTDs, no entity expansion, no external references.

Built on ``defusedxml``: a billion-laughs bomb or an external entity is refused with a
:class:`~ownergate.errors.SourceFormatError`, as is any malformed document (with its line).
Namespaces are stripped from tags so parsers match plain element names.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml.ElementTree import fromstring

from ownergate.errors import SourceFormatError


def parse_xml(path: Path | str, data: bytes) -> Element:
    """The root element of ``data`` with namespaces removed from every tag."""
    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden as exc:
        raise SourceFormatError(str(path), "DOCTYPE", "refused: XML with a DTD (possible entity bomb)") from exc
    except defusedxml.EntitiesForbidden as exc:
        raise SourceFormatError(str(path), f"entity {exc.name}", "refused: XML entity declarations") from exc
    except defusedxml.ExternalReferenceForbidden as exc:
        raise SourceFormatError(str(path), "external reference", "refused: XML external reference") from exc
    except ParseError as exc:
        line, column = exc.position
        raise SourceFormatError(str(path), f"line {line}, column {column}", f"malformed XML: {exc.msg}") from exc
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.split("}", 1)[1]
    return root


def date_in_head(path: Path, pattern: str, head: bytes | None = None) -> date | None:
    """A publication date from the first bytes of an XML file (``dateGenerated="2026-02-27..."``),
    without parsing the whole document; ``pattern`` is a regex whose group 1 is ``YYYY-MM-DD``."""
    if head is None:
        try:
            with path.open("rb") as handle:
                head = handle.read(8192)
        except OSError:
            return None
    match = re.search(pattern.encode("ascii"), head)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1).decode("ascii"))
    except ValueError:
        return None


def text(element: Element | None, path: str = "") -> str:
    """The whitespace-collapsed text of ``element`` (or of its child at ``path``), '' when absent."""
    if element is None:
        return ""
    node = element.find(path) if path else element
    if node is None or node.text is None:
        return ""
    return " ".join(node.text.split())


def texts(element: Element, path: str) -> list[str]:
    return [t for t in (" ".join((n.text or "").split()) for n in element.findall(path)) if t]


def flatten(element: Element) -> object:
    """An element as JSON-ready data (tag -> text or children), to keep as the raw record."""
    children = list(element)
    if not children:
        value = " ".join((element.text or "").split())
        return {**element.attrib, "#text": value} if element.attrib else value
    out: dict[str, object] = dict(element.attrib)
    for child in children:
        item = flatten(child)
        if child.tag in out:
            existing = out[child.tag]
            if isinstance(existing, list):
                existing.append(item)
            else:
                out[child.tag] = [existing, item]
        else:
            out[child.tag] = item
    return out
