"""Reading list files safely: bytes (plain, gzip, zip), strict text, CSV rows, and value clean-up.

Every failure becomes a :class:`~ownergate.errors.SourceFormatError` naming the file and
the line, so parsers never leak ``UnicodeDecodeError`` or ``csv.Error`` to their callers.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pycountry

from ownergate.errors import SourceFormatError
from ownergate.sources.decompress import gunzip, unzip_member
from ownergate.sources.model import Schema

csv.field_size_limit(16 * 1024 * 1024)

# Country names lists use that ISO 3166 names differently (or not at all).
_COUNTRY_ALIASES = {
    "russia": "RU",
    "burma": "MM",
    "korea, north": "KP",
    "north korea": "KP",
    "dprk": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "palestinian": "PS",
    "palestine": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "turkey": "TR",
    "kosovo": "XK",
    "macau": "MO",
    "macao": "MO",
    "uae": "AE",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "iran (islamic republic of)": "IR",
    "syrian arab republic": "SY",
    "venezuela (bolivarian republic of)": "VE",
    "lao people's democratic republic": "LA",
    "democratic people's republic of korea": "KP",
    "republic of korea": "KR",
    "the former yugoslav republic of macedonia": "MK",
    "united states": "US",
    "usa": "US",
    "uk": "GB",
    "great britain": "GB",
    "cote d'ivoire": "CI",
    "ivory coast": "CI",
    "czechia": "CZ",
    "bosnia-herzegovina": "BA",
    "region: crimea": "UA",
    "crimea": "UA",
    "the gambia": "GM",
    "taiwan": "TW",
    "vietnam": "VN",
    "viet nam": "VN",
    "brunei": "BN",
    "cabo verde": "CV",
    "swaziland": "SZ",
    "netherlands antilles": "AN",
    "yemen": "YE",
    "soviet union": "SU",
    "ussr": "SU",
    "yugoslavia": "YU",
}


def read_bytes(path: Path) -> bytes:
    """The file's bytes; gzip files are decompressed, streaming and bounded (:mod:`.decompress`)."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(2)
        if magic == b"\x1f\x8b":
            return gunzip(path)
        return path.read_bytes()
    except OSError as exc:
        raise SourceFormatError(str(path), None, f"cannot read: {exc.strerror or exc}") from exc


def read_zip_member(path: Path, suffix: str) -> tuple[str, bytes]:
    """The first member of the ZIP file ``path`` whose name ends with ``suffix`` (any case), bounded."""
    return unzip_member(path, suffix)


def decode(path: Path | str, data: bytes, encoding: str = "utf-8") -> str:
    """Strict decoding; names the line of the first bad byte. Drops a BOM and a DOS EOF (0x1A)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFormatError(
            str(path), f"line {line}", f"not valid {encoding} text (byte 0x{data[exc.start]:02x})"
        ) from exc
    text = text.removeprefix("\ufeff").rstrip("\x1a")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceFormatError(str(path), f"line {line}", "binary data (NUL byte) in a text file")
    return text


#: C0 and C1 control characters, DEL, and lone surrogates: never part of an id or a name
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(value: str | None, what: str, *, required: bool = True) -> str | None:
    """Why ``value`` cannot be an id or a name (empty, or holding a control character), else None."""
    if value is not None and not isinstance(value, str):
        return f"{what} {value!r} is not text"
    if value is None or not value.strip():
        return f"{what} is empty" if required else None
    found = CONTROL.search(value)
    if found:
        return f"{what} {value!r} holds a control character (U+{ord(found.group()):04X})"
    return None


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a megabyte at a time (what ``sha256sum`` prints)."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise SourceFormatError(str(path), None, f"cannot read: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def read_text(path: Path, encoding: str = "utf-8") -> str:
    return decode(path, read_bytes(path), encoding)


def csv_records(
    path: Path | str, text: str, required: Sequence[str] = (), delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV with a header, as (line number, {column: value}); checks required columns."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise SourceFormatError(str(path), None, "empty file: no header row")
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            raise SourceFormatError(str(path), "line 1", f"missing column(s) {', '.join(missing)} in the header")
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) > len(header) and any(v.strip() for v in row[len(header) :]):
                raise SourceFormatError(
                    str(path), f"line {reader.line_num}", f"{len(row)} fields where the header has {len(header)}"
                )
            values = [v.strip() for v in row] + [""] * (len(header) - len(row))
            yield reader.line_num, dict(zip(header, values, strict=False))
    except csv.Error as exc:
        raise SourceFormatError(str(path), f"line {reader.line_num}", f"malformed CSV: {exc}") from exc


def csv_rows(path: Path | str, text: str, width: int) -> Iterator[tuple[int, list[str]]]:
    """Rows of a header-less CSV (OFAC's layout), each exactly ``width`` fields wide."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                raise SourceFormatError(
                    str(path), f"line {reader.line_num}", f"{len(row)} fields where {width} are expected"
                )
            yield reader.line_num, row
    except csv.Error as exc:
        raise SourceFormatError(str(path), f"line {reader.line_num}", f"malformed CSV: {exc}") from exc


def clean(value: str | None) -> str:
    """Collapse whitespace; OFAC's ``-0-`` (empty) becomes ''."""
    if not value:
        return ""
    value = " ".join(value.split())
    return "" if value == "-0-" else value


def split(value: str | None, sep: str = ";") -> list[str]:
    return [v for v in (clean(p) for p in (value or "").split(sep)) if v]


@lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name or code, or None when unknown."""
    key = " ".join(name.split()).strip(" .").lower()
    if not key:
        return None
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        pass
    if key.startswith("the "):
        return country_code(key[4:])
    return None


_SCHEMAS = {
    "individual": Schema.PERSON,
    "person": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "organization": Schema.ORGANIZATION,
    "organisation": Schema.ORGANIZATION,
    "company": Schema.ORGANIZATION,
    "legalentity": Schema.ORGANIZATION,
    "legal entity": Schema.ORGANIZATION,
    "publicbody": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "ship": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
    "airplane": Schema.AIRCRAFT,
}


def schema_of(value: str | None, default: Schema = Schema.ORGANIZATION) -> Schema:
    return _SCHEMAS.get(clean(value).lower().replace("-", ""), default)


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y")


def parse_date(value: str | None) -> date | None:
    """A full date in one of the layouts lists use, else None (partial dates are not listing dates)."""
    return _parse_date(clean(value))


@lru_cache(maxsize=65536)
def _parse_date(value: str) -> date | None:
    if not value:
        return None
    value = value[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", value) else value
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


_SCRIPTS = (
    ("CJK", "Hani"),
    ("HIRAGANA", "Hira"),
    ("KATAKANA", "Kana"),
    ("HANGUL", "Hang"),
    ("CYRILLIC", "Cyrl"),
    ("ARABIC", "Arab"),
    ("HEBREW", "Hebr"),
    ("GREEK", "Grek"),
    ("THAI", "Thai"),
    ("GEORGIAN", "Geor"),
    ("ARMENIAN", "Armn"),
    ("DEVANAGARI", "Deva"),
    ("MYANMAR", "Mymr"),
    ("ETHIOPIC", "Ethi"),
)


def script_of(name: str) -> str | None:
    """ISO 15924 code of the first non-Latin script in ``name``, or None for Latin-only names."""
    if name.isascii():
        return None
    for char in name:
        if char.isalpha() and ord(char) > 0x24F:
            uname = unicodedata.name(char, "")
            for prefix, code in _SCRIPTS:
                if uname.startswith(prefix):
                    return code
            return "Zyyy"
    return None


_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")


def date_in_name(path: Path) -> date | None:
    """A publication date written in a file or folder name (``sdn_2024-05-03.csv``, ``nonsdn_2025-12``)."""
    for part in (path.name, path.parent.name):
        match = _DATE_IN_NAME.search(part)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
            except ValueError:
                continue
    return None


_ORG_WORDS = re.compile(
    r"\b(LTD|LIMITED|LLC|L\.L\.C|INC|INCORPORATED|CORP|CORPORATION|CO|COMPANY|GMBH|AG|S\.?A|SARL|S\.?R\.?L|B\.?V|"
    r"PLC|JSC|OJSC|PJSC|OOO|ZAO|AO|LLP|LP|TRADING|ENTERPRISES?|INTERNATIONAL|GROUP|INDUSTR(Y|IES)|TECHNOLOG(Y|IES)|"
    r"SERVICES|HOLDINGS?|BANK|INSTITUTE|UNIVERSITY|AGENCY|CENTER|CENTRE|FOUNDATION|ASSOCIATION|EXPORTS?|IMPORTS?)\b\.?",
    re.IGNORECASE,
)


def looks_like_organization(name: str) -> bool:
    """A guess for lists that do not say whether a party is a person (legal-form words)."""
    return bool(_ORG_WORDS.search(name))


class UniqueIds:
    """Makes ids unique within one file: a repeat gets ``#2``, ``#3`` ... (sources without stable ids)."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, entry_id: str) -> str:
        count = self._seen.get(entry_id, 0) + 1
        self._seen[entry_id] = count
        return entry_id if count == 1 else f"{entry_id}#{count}"


def slug(value: str, limit: int = 80) -> str:
    """A readable id from a name: lower case ASCII words joined by ``-``."""
    from unidecode import unidecode

    text = re.sub(r"[^a-z0-9]+", "-", unidecode(value).lower()).strip("-")
    return text[:limit].rstrip("-") or hashlib_id(value)


def hashlib_id(value: str) -> str:
    import hashlib

    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:16]
