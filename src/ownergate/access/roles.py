"""Roles and actors: ``viewer`` < ``analyst`` < ``approver`` < ``admin``, and ``onboarding`` beside them.

Each role can do what the roles below it can:

- viewer: read customers, decisions, overrides, keys (never secrets)
- analyst: also propose overrides
- approver: also approve or reject overrides proposed by someone else (four eyes)
- admin: also issue and revoke API keys and admin tokens

Beside them, ``onboarding`` is for a provider's sign-up flow: it may create, read, change and
delete customers through ``/v1/customers`` (which admin may too) and nothing else.

The roles sit below the domain, so a workflow (``decisions.overrides``) checks them itself, whoever
calls it: the admin API and the review desk with the actor of an admin token, the command line
with :func:`operator` (whoever can open the store file holds every role).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ownergate.errors import PermissionDenied


class Role(StrEnum):
    viewer = "viewer"
    analyst = "analyst"
    approver = "approver"
    admin = "admin"
    onboarding = "onboarding"


_RANK = {Role.viewer: 0, Role.analyst: 1, Role.approver: 2, Role.admin: 3, Role.onboarding: -1}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a call: the admin token's id (0 for the command line), the name and the role."""

    token_id: int
    name: str
    role: Role

    def can(self, role: Role) -> bool:
        if role is Role.onboarding:  # outside the ladder: onboarding tokens and admins
            return self.role in (Role.onboarding, Role.admin)
        return _RANK[self.role] >= _RANK[role]


def operator(name: str) -> Actor:
    """The command line's actor: an operator who can open the store holds every role (four eyes still apply)."""
    return Actor(0, name, Role.admin)


def require(actor: Actor, role: Role) -> None:
    """:class:`PermissionDenied` unless ``actor`` has ``role`` or a higher one."""
    if not actor.can(role):
        raise PermissionDenied(f"{actor.name} has role {actor.role.value}; this needs {role.value} or higher")
