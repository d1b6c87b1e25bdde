"""Installed policy versions: which version of a policy was in force on a date, and which policy
the store runs under (``ownergate policy activate``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from ownergate import audit
from ownergate.errors import ConflictError, NotFoundError, PolicyError
from ownergate.policy.loader import parse_policy, read_policy, shipped_names
from ownergate.policy.model import Policy
from ownergate.store import Store, Transaction


@dataclass(frozen=True, slots=True)
class InstalledPolicy:
    name: str
    version: str
    effective_from: str
    sha256: str
    installed_at: str
    installed_by: str


def install(tx: Transaction, policy: Policy, actor: str, now: datetime) -> bool:
    """Record a policy version; False when that exact version is already installed.

    Re-installing a version with different text is a conflict: versions are immutable.
    """
    existing = tx.fetchone("SELECT sha256 FROM policies WHERE name = ? AND version = ?", (policy.name, policy.version))
    if existing is not None:
        if existing[0] != policy.sha256:
            raise ConflictError(
                f"policy {policy.ref} is already installed with different content: give the change a new version"
            )
        return False
    tx.execute(
        "INSERT INTO policies (name, version, effective_from, sha256, text, installed_at, installed_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            policy.name,
            policy.version,
            policy.effective_from.isoformat(),
            policy.sha256,
            policy.text,
            now.isoformat(),
            actor,
        ),
    )
    return True


def installed(store: Store) -> list[InstalledPolicy]:
    with store.read() as tx:
        rows = tx.fetchall(
            "SELECT name, version, effective_from, sha256, installed_at, installed_by FROM policies"
            " ORDER BY name, effective_from, installed_at"
        )
    return [InstalledPolicy(*r) for r in rows]


def policy_in_force(tx: Transaction, name: str, on: date, known_lists: Collection[str] | None) -> Policy:
    """The version of policy ``name`` in force on ``on``: the installed version with the latest
    ``effective_from`` not after that date (ties: the latest installed). Falls back to the shipped
    policy of that name when none is installed."""
    row = tx.fetchone(
        "SELECT text, version FROM policies WHERE name = ? AND effective_from <= ?"
        " ORDER BY effective_from DESC, installed_at DESC LIMIT 1",
        (name, on.isoformat()),
    )
    if row is not None:
        return parse_policy(row[0], f"{name}@{row[1]}", known_lists)
    any_row = tx.fetchone("SELECT MIN(effective_from) FROM policies WHERE name = ?", (name,))
    if any_row is not None and any_row[0] is not None:
        raise NotFoundError(f"policy {name!r} has no version in force on {on.isoformat()} (first: {any_row[0]})")
    if name in shipped_names():
        policy = read_policy(name, known_lists)
        if policy.effective_from > on:
            raise NotFoundError(f"policy {name!r} takes effect on {policy.effective_from}, after {on.isoformat()}")
        return policy
    raise PolicyError(f"no policy {name!r} is installed or shipped (shipped: {', '.join(shipped_names())})")


#: the policy a store decides under until one is activated
DEFAULT_POLICY = "anthropic"


@dataclass(frozen=True, slots=True)
class ActivePolicy:
    name: str
    activated: bool  # False: nothing was activated, the default applies
    activated_at: str | None = None
    activated_by: str | None = None

    def describe(self) -> str:
        if not self.activated:
            return f"{self.name} (the default: no policy activated; `ownergate policy activate NAME` sets one)"
        return f"{self.name} (activated {self.activated_at} by {self.activated_by})"


def active_policy(tx: Transaction) -> ActivePolicy:
    """The policy the store decides under: the last one activated, else the default."""
    row = tx.fetchone("SELECT name, activated_at, activated_by FROM policy_activations ORDER BY id DESC LIMIT 1")
    if row is None:
        return ActivePolicy(DEFAULT_POLICY, False)
    return ActivePolicy(str(row[0]), True, str(row[1]), str(row[2]))


def policy_name(tx: Transaction, name: str | None) -> str:
    """``name`` when given, else the store's active policy."""
    return name if name else active_policy(tx).name


def activate(tx: Transaction, name: str, actor: str, now: datetime) -> bool:
    """Make ``name`` (installed or shipped) the store's policy in force, audited in ``tx``.

    False when it is already the active one. An unknown name is a :class:`PolicyError`.
    """
    known = {r[0] for r in tx.fetchall("SELECT DISTINCT name FROM policies")} | set(shipped_names())
    if name not in known:
        raise PolicyError(f"no policy {name!r} is installed or shipped (known: {', '.join(sorted(known))})")
    current = active_policy(tx)
    if current.activated and current.name == name:
        return False
    tx.execute(
        "INSERT INTO policy_activations (name, activated_at, activated_by) VALUES (?, ?, ?)",
        (name, now.isoformat(), actor),
    )
    details = {"from": current.name, "from_default": not current.activated, "to": name}
    audit.append(tx, actor=actor, action="policy.activated", subject=f"policy:{name}", details=details)
    return True
