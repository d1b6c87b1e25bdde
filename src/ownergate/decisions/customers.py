"""Customers: the organisations that want access, their identifiers and their declared owners.

Import is all-or-nothing: a file with any bad row is refused, naming the file, the line and the
problem, and the store is left as it was.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import pycountry

from ownergate import audit
from ownergate.errors import InputError, NotFoundError
from ownergate.policy.countries import known_code
from ownergate.sources.text import read_bytes, sha256_of, text_problem
from ownergate.store import Store, Transaction

CUSTOMER_COLUMNS = ("id", "name", "country", "hq_country", "lei", "registration_number", "website", "entity_id")
OPTIONAL_COLUMNS = ("other_names", "billing_country", "tax_id", "email_domain")
OWNER_COLUMNS = (
    "customer_id",
    "owner_name",
    "owner_country",
    "owner_hq_country",
    "share_min",
    "share_max",
    "owner_type",
)
OWNER_TYPES = ("company", "person")


@dataclass(slots=True, frozen=True)
class DeclaredOwner:
    name: str
    country: str | None
    hq_country: str | None
    share_min: float | None  # None: a share of unknown size
    share_max: float | None
    owner_type: str  # "company" | "person"
    declared_at: str = ""
    owned_by: int | None = None  # None: owns the customer; k: owns the customer's k-th declared owner


@dataclass(slots=True)
class Customer:
    id: str
    name: str
    country: str | None = None  # incorporation
    hq_country: str | None = None
    lei: str | None = None
    registration_number: str | None = None
    website: str | None = None
    entity_id: str | None = None  # a node of the ownership graph
    other_names: list[str] = field(default_factory=list)
    billing_country: str | None = None
    tax_id: str | None = None
    email_domain: str | None = None
    owners: list[DeclaredOwner] = field(default_factory=list)

    @property
    def website_domain(self) -> str | None:
        if not self.website:
            return None
        host = self.website.lower().split("://", 1)[-1].split("/", 1)[0]
        return host.removeprefix("www.") or None


def parse_country(value: str | None, where: str) -> str | None:
    """An ISO 3166-1 alpha-2 country (``CN``) or ISO 3166-2 region (``UA-43``) code; a name such as
    ``China`` or an unknown code is an error naming ``where`` and the value."""
    text = (value or "").strip()
    if not text:
        return None
    code = known_code(text)
    if code is None:
        hint = ""
        with contextlib.suppress(LookupError):
            hint = f" (did you mean {pycountry.countries.lookup(text).alpha_2}?)"
        raise InputError(f"{where}: {text!r} is not an ISO 3166-1 alpha-2 country code or ISO 3166-2 region code{hint}")
    return code


def _share(value: str | None, where: str) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        share = float(value)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a number") from None
    if math.isnan(share) or not 0.0 <= share <= 1.0:
        raise InputError(f"{where}: {value!r} is outside [0, 1] (shares are fractions: 0.51, not 51)")
    return share


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _rows(path: Path, required: Sequence[str]) -> Iterable[tuple[int, dict[str, str]]]:
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")  # NUL and other control characters are refused per field
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not valid utf-8 text (byte 0x{data[exc.start]:02x})") from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(f"{path}: line 1: missing column(s) {', '.join(missing)} (header: {','.join(header)})")
        for row in reader:
            if None in row:
                raise InputError(f"{path}: line {reader.line_num}: more fields than the header has")
            yield reader.line_num, row
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num}: malformed CSV: {exc}") from None


def validate(customer: Customer, where: str = "customer") -> None:
    """A customer needs an id and a name; no id, name or identifier may hold a control character."""
    if not customer.id:
        raise InputError(f"{where}: customer id is empty")
    if not customer.name:
        raise InputError(f"{where}: customer {customer.id!r} has no name")
    checks: list[tuple[str, str | None]] = [("id", customer.id), ("name", customer.name)]
    checks += [("other_names", n) for n in customer.other_names]
    checks += [(k, getattr(customer, k)) for k in ("lei", "registration_number", "website", "entity_id", "tax_id")]
    checks += [("email_domain", customer.email_domain)] + [("owner_name", o.name) for o in customer.owners]
    for what, value in checks:
        problem = text_problem(value, what, required=False)
        if problem:
            raise InputError(f"{where}: {problem}")


def to_dict(customer: Customer) -> dict[str, object]:
    data = asdict(customer)
    data["owners"] = [asdict(o) for o in customer.owners]
    return data


def read_customers(path: Path) -> list[Customer]:
    customers: list[Customer] = []
    seen: dict[str, int] = {}
    for line, row in _rows(path, ("id", "name")):
        where = f"{path}: line {line}"
        cid, name = (row.get("id") or "").strip(), (row.get("name") or "").strip()
        validate(Customer(cid, name), where)
        if cid in seen:
            raise InputError(f"{where}: duplicate customer id {cid!r} (first on line {seen[cid]})")
        seen[cid] = line
        customer = Customer(
            id=cid,
            name=name,
            country=parse_country(row.get("country"), f"{where}: country"),
            hq_country=parse_country(row.get("hq_country"), f"{where}: hq_country"),
            lei=_text(row.get("lei")),
            registration_number=_text(row.get("registration_number")),
            website=_text(row.get("website")),
            entity_id=_text(row.get("entity_id")),
            other_names=[n.strip() for n in (row.get("other_names") or "").split(";") if n.strip()],
            billing_country=parse_country(row.get("billing_country"), f"{where}: billing_country"),
            tax_id=_text(row.get("tax_id")),
            email_domain=_text(row.get("email_domain")),
        )
        validate(customer, where)
        customers.append(customer)
    return customers


def read_owners(path: Path) -> dict[str, list[DeclaredOwner]]:
    owners: dict[str, list[DeclaredOwner]] = {}
    for line, row in _rows(path, ("customer_id", "owner_name")):
        where = f"{path}: line {line}"
        cid, name = (row.get("customer_id") or "").strip(), (row.get("owner_name") or "").strip()
        if not cid or not name:
            raise InputError(f"{where}: customer_id and owner_name are required")
        problem = text_problem(cid, "customer_id") or text_problem(name, "owner_name")
        if problem:
            raise InputError(f"{where}: {problem}")
        lo, hi = (
            _share(row.get("share_min"), f"{where}: share_min"),
            _share(row.get("share_max"), f"{where}: share_max"),
        )
        if lo is not None and hi is None:
            hi = lo
        if hi is not None and lo is None:
            lo = 0.0
        if lo is not None and hi is not None and lo > hi:
            raise InputError(f"{where}: share_min {lo} exceeds share_max {hi}")
        owner_type = (row.get("owner_type") or "company").strip().lower()
        if owner_type not in OWNER_TYPES:
            raise InputError(f"{where}: owner_type {owner_type!r} is not one of {', '.join(OWNER_TYPES)}")
        owners.setdefault(cid, []).append(
            DeclaredOwner(
                name,
                parse_country(row.get("owner_country"), f"{where}: owner_country"),
                parse_country(row.get("owner_hq_country"), f"{where}: owner_hq_country"),
                lo,
                hi,
                owner_type,
            )
        )
    return owners


@dataclass(slots=True, frozen=True)
class ImportResult:
    customers: int
    created: int
    updated: int
    owners: int


def save(tx: Transaction, customers: Sequence[Customer], now: datetime) -> tuple[int, int]:
    """Insert or update customers; returns (created, updated)."""
    created = updated = 0
    stamp = now.isoformat()
    for c in customers:
        values = (
            c.name,
            json.dumps(c.other_names, ensure_ascii=False),
            c.country,
            c.hq_country,
            c.billing_country,
            c.lei,
            c.registration_number,
            c.tax_id,
            c.website,
            c.email_domain,
            c.entity_id,
        )
        if tx.fetchone("SELECT 1 FROM customers WHERE id = ?", (c.id,)) is None:
            tx.execute(
                "INSERT INTO customers (name, other_names, country, hq_country, billing_country, lei,"
                " registration_number, tax_id, website, email_domain, entity_id, id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, c.id, stamp, stamp),
            )
            created += 1
        else:
            tx.execute(
                "UPDATE customers SET name = ?, other_names = ?, country = ?, hq_country = ?, billing_country = ?,"
                " lei = ?, registration_number = ?, tax_id = ?, website = ?, email_domain = ?, entity_id = ?,"
                " updated_at = ? WHERE id = ?",
                (*values, stamp, c.id),
            )
            updated += 1
    return created, updated


def save_owners(tx: Transaction, owners: dict[str, list[DeclaredOwner]], now: datetime) -> int:
    """Replace each named customer's declared owners with the ones given."""
    count = 0
    for cid, declared in owners.items():
        if tx.fetchone("SELECT 1 FROM customers WHERE id = ?", (cid,)) is None:
            raise InputError(f"declared owner of unknown customer {cid!r}")
        tx.execute("DELETE FROM declared_owners WHERE customer_id = ?", (cid,))
        tx.executemany(
            "INSERT INTO declared_owners (customer_id, owner_name, owner_country, owner_hq_country, share_min,"
            " share_max, owner_type, declared_at, owned_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    cid,
                    o.name,
                    o.country,
                    o.hq_country,
                    o.share_min,
                    o.share_max,
                    o.owner_type,
                    o.declared_at or now.isoformat(),
                    o.owned_by,
                )
                for o in declared
            ],
        )
        count += len(declared)
    return count


def import_files(
    store: Store, customers_csv: Path, owners_csv: Path | None, now: datetime, *, actor: str = "system"
) -> ImportResult:
    """Import a customer book and, optionally, declared owners, atomically, with its audit record
    (``customers.import``: the files, their SHA-256, the counts) in the same transaction."""
    customers = read_customers(customers_csv)
    owners = read_owners(owners_csv) if owners_csv else {}
    with store.transaction() as tx:
        created, updated = save(tx, customers, now)
        count = save_owners(tx, owners, now)
        result = ImportResult(len(customers), created, updated, count)
        details: dict[str, object] = {**asdict(result), "file": customers_csv.name, "sha256": sha256_of(customers_csv)}
        if owners_csv:
            details |= {"owners_file": owners_csv.name, "owners_sha256": sha256_of(owners_csv)}
        audit.append(tx, actor=actor, action="customers.import", subject=f"file:{customers_csv.name}", details=details)
    return result


def save_one(tx: Transaction, customer: Customer, now: datetime, *, actor: str = "system") -> bool:
    """Add or update one customer with its audit record (``customer.create``/``customer.update``);
    True when it was new."""
    validate(customer)
    created, _ = save(tx, [customer], now)
    action = "customer.create" if created else "customer.update"
    audit.append(tx, actor=actor, action=action, subject=f"customer:{customer.id}", details=to_dict(customer))
    return bool(created)


_SELECT = (
    "SELECT id, name, country, hq_country, lei, registration_number, website, entity_id, other_names,"
    " billing_country, tax_id, email_domain FROM customers"
)


def _customer(row: tuple[object, ...]) -> Customer:
    (cid, name, country, hq, lei, reg, website, entity, other, billing, tax, email) = row
    return Customer(
        str(cid),
        str(name),
        country,  # type: ignore[arg-type]
        hq,  # type: ignore[arg-type]
        lei,  # type: ignore[arg-type]
        reg,  # type: ignore[arg-type]
        website,  # type: ignore[arg-type]
        entity,  # type: ignore[arg-type]
        json.loads(str(other)),
        billing,  # type: ignore[arg-type]
        tax,  # type: ignore[arg-type]
        email,  # type: ignore[arg-type]
    )


def _attach_owners(tx: Transaction, customers: dict[str, Customer]) -> None:
    rows = tx.fetchall(
        "SELECT customer_id, owner_name, owner_country, owner_hq_country, share_min, share_max, owner_type,"
        " declared_at, owned_by FROM declared_owners ORDER BY id"
    )
    for cid, *rest in rows:
        if cid in customers:
            customers[cid].owners.append(DeclaredOwner(*rest))


def get_customer(tx: Transaction, customer_id: str) -> Customer:
    row = tx.fetchone(_SELECT + " WHERE id = ?", (customer_id,))
    if row is None:
        raise NotFoundError(f"no customer {customer_id!r}")
    customer = _customer(row)
    for owner in tx.fetchall(
        "SELECT owner_name, owner_country, owner_hq_country, share_min, share_max, owner_type, declared_at,"
        " owned_by FROM declared_owners WHERE customer_id = ? ORDER BY id",
        (customer_id,),
    ):
        customer.owners.append(DeclaredOwner(*owner))
    return customer


def all_customers(tx: Transaction) -> list[Customer]:
    """Every customer of the book (a customer deleted through the onboarding API has left it)."""
    customers = {str(r[0]): _customer(r) for r in tx.iterate(_SELECT + " WHERE deleted_at IS NULL ORDER BY id")}
    _attach_owners(tx, customers)
    return list(customers.values())
