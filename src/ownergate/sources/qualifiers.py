"""List names as published, split into the name and its qualifiers.

Lists print more than a name in the name field: a trailing place ("Chengdu Huawei Technologies
Co., Ltd., Chengdu, Sichuan"), a short name or acronym ("Avin Electronics Technology Co., Ltd.
(AETC)"), another name ("X a.k.a. Y", "X (formerly Y)"), the parent ("(Parent Organization: Z)"),
or a scope ("including its subsidiaries"). :func:`published_names` reads them apart; every parser
calls :func:`add_published_names` so that the bare legal name, the short name and the full published
string all find the entry. Each name added keeps what was taken off as its ``qualifier``: the
evidence of how it was read. The entry's own name stays as published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ownergate.sources.model import Alias, AliasKind, Entry

_ALSO = re.compile(
    r"[,;]?\s*\(?\b(a\.?\s?k\.?\s?a\.?|also known as|f\.?\s?k\.?\s?a\.?|formerly known as|formerly|previously"
    r"|d\.?\s?b\.?\s?a\.?|doing business as|trading as|t/a)\b[.,:]?\s*",
    re.IGNORECASE,
)
_FORMER = re.compile(r"^(f\.?\s?k\.?\s?a\.?|formerly known as|formerly|previously)$", re.IGNORECASE)
_PARENT = re.compile(
    r"\(\s*(?:parent(?: organi[sz]ation| company| entity)?|subsidiary of|a subsidiary of)\s*:?\s*([^()]+)\)",
    re.IGNORECASE,
)
_SCOPE = re.compile(
    r",?\s*\b(?:including|and|with) (?:all )?(?:of )?(?:its|their) (?:subsidiaries|affiliates|branches|"
    r"subordinate institutions|subordinate entities)(?: and (?:subsidiaries|affiliates|branches))?\b\.?",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\s*\(([^()]{1,60})\)")
# Words that end an organisation's legal name: what a trailing place follows.
_FORM_END = re.compile(
    r"\b(?:co|corp|corporation|company|ltd|limited|llc|inc|incorporated|plc|gmbh|ag|sa|s\.a|srl|sarl|jsc|pjsc"
    r"|ojsc|cjsc|ooo|oao|zao|pao|ao|llp|lp|bv|nv|pte|pty|bhd|kg|kft|sro|doo|spa|group|institute|university"
    r"|academy|center|centre|factory|plant|bureau)\.?\s*$",
    re.IGNORECASE,
)
_FORM_WORD = re.compile(_FORM_END.pattern.replace(r"\.?\s*$", r"\b"), re.IGNORECASE)
_MAX_PLACE_WORDS = 3


@dataclass(slots=True, frozen=True)
class Published:
    """One searchable name read out of a published name, and what was taken off it."""

    name: str
    kind: AliasKind
    qualifier: str


def _tidy(text: str) -> str:
    return re.sub(r"\s+([,;.])", r"\1", re.sub(r"\s+", " ", text)).strip(" ,;:-")


def _is_place(segment: str, places: set[str]) -> bool:
    """A short segment without digits that names a country or a place of the entry's addresses."""
    from ownergate.sources.text import country_code

    words = segment.split()
    if not words or len(words) > _MAX_PLACE_WORDS or any(ch.isdigit() for ch in segment):
        return False
    return country_code(segment) is not None or segment.casefold() in places


def trailing_places(name: str, places: set[str]) -> tuple[str, list[str]]:
    """``name`` without the places that follow its legal form ("..., Co., Ltd., Chengdu, Sichuan"),
    or that the entry's addresses or a country name vouch for, and those places."""
    parts = [p.strip() for p in name.split(",")]

    def placelike(part: str) -> bool:
        return 0 < len(part.split()) <= _MAX_PLACE_WORDS and not any(ch.isdigit() for ch in part)

    for k in range(len(parts) - 1, 0, -1):
        if _FORM_END.search(", ".join(parts[:k])) and not any(_FORM_WORD.search(p) for p in parts[k:]):
            if all(placelike(p) for p in parts[k:]):
                return ", ".join(parts[:k]), parts[k:]
            break
    taken: list[str] = []
    while len(parts) > 1 and placelike(parts[-1]) and _is_place(parts[-1], places):
        taken.insert(0, parts.pop())
    return ", ".join(parts), taken


def _parentheticals(name: str, places: set[str]) -> list[Published]:
    """The name without each parenthesis, and each short name in one ("(AETC)", "(Huawei)")."""
    out: list[Published] = []
    for match in _PAREN.finditer(name):
        inner = _tidy(match.group(1))
        bare = _tidy(name[: match.start()] + " " + name[match.end() :])
        if not inner or not bare:
            continue
        if _is_place(inner, places):
            out.append(Published(bare, AliasKind.AKA, f"place: {inner}"))
            continue
        out.append(Published(bare, AliasKind.AKA, f"short name: {inner}"))
        if len(inner.split()) <= 4:
            out.append(Published(inner, AliasKind.AKA, f"short name of: {bare}"))
    return out


def published_names(name: str, places: Iterable[str] = ()) -> list[Published]:
    """Every searchable name in the published ``name`` other than itself; ``places`` are the
    entry's address words (city, province), which may trail its name."""
    known = {p.casefold().strip() for p in places if p.strip()}
    out: list[Published] = []
    text = name
    parent = _PARENT.search(text)
    if parent:
        text = _tidy(text[: parent.start()] + " " + text[parent.end() :])
        out.append(Published(text, AliasKind.AKA, f"parent organization: {_tidy(parent.group(1))}"))
    scope = _SCOPE.search(text)
    if scope:
        text = _tidy(text[: scope.start()] + text[scope.end() :])
        out.append(Published(text, AliasKind.AKA, _tidy(scope.group(0))))
    pieces = _ALSO.split(text)
    first = _tidy(pieces[0])
    names: list[Published] = [Published(first, AliasKind.AKA, "published name")] if first else []
    for marker, other in zip(pieces[1::2], pieces[2::2], strict=False):
        other = _tidy(other.rstrip(")"))
        if other:
            kind = AliasKind.FKA if _FORMER.match(marker.strip(" .,:(")) else AliasKind.AKA
            names.append(Published(other, kind, f"{marker.strip()} of {first}"))
    if len(names) > 1:
        out += names
    for item in names:
        bare, taken = trailing_places(item.name, known)
        if taken:
            out.append(Published(bare, item.kind, "place: " + ", ".join(taken)))
        for base in {item.name, bare}:
            out += [Published(p.name, item.kind, p.qualifier) for p in _parentheticals(base, known)]
    seen = {name.casefold()}
    unique: list[Published] = []
    for item in out:
        key = item.name.casefold()
        if item.name and key not in seen and len(item.name) > 1:
            seen.add(key)
            unique.append(item)
    return unique


def _address_places(entry: Entry) -> list[str]:
    return [part.strip() for address in entry.addresses for part in address.split(",")]


def add_published_names(entry: Entry) -> Entry:
    """``entry`` with every name read out of its published names added as an alias (qualifier kept)."""
    places = _address_places(entry)
    have = {n.casefold() for n in entry.all_names()}
    added: list[Alias] = []
    for source in [Alias(entry.name), *entry.aliases]:
        if source.script is not None:
            continue  # a native-script name is read as it is
        for item in published_names(source.name, places):
            if item.name.casefold() not in have:
                have.add(item.name.casefold())
                kind = source.kind if source.kind in (AliasKind.FKA, AliasKind.WEAK) else item.kind
                added.append(Alias(item.name, kind, None, item.qualifier))
    entry.aliases.extend(added)
    return entry
