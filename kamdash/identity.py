"""Who is acting and what they may do: the one place every write path asks.

Pure: no Streamlit, no session. The pages find the signed-in user (``kamdash.ui.identity``),
the command line takes ``--as``; both hand an ``Actor`` to the store, which asks ``require``
before it writes and records ``actor.email`` as the author.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class UserRole(StrEnum):
    """What a user may do, each role everything the one before may, and more."""

    VIEWER = "viewer"  # reads everything
    KAM = "kam"  # also edits the accounts they manage
    LEADERSHIP = "leadership"  # edits every account, saves scenarios, signs off decisions
    ADMIN = "admin"  # also manages users, imports, exports and clears


_RANK = {UserRole.VIEWER: 0, UserRole.KAM: 1, UserRole.LEADERSHIP: 2, UserRole.ADMIN: 3}


@dataclass(frozen=True)
class Actor:
    """A signed-in user (or the local user): e-mail, display name, role, and the manager
    record they are (a KAM's accounts are the ones whose manager this is)."""

    email: str
    name: str
    role: UserRole
    manager_id: int | None = None

    def at_least(self, role: UserRole) -> bool:
        return _RANK[self.role] >= _RANK[role]


# Local mode (no [auth] in secrets): one user on a laptop or in a demo, with every right.
LOCAL = Actor(email="local", name="Local user", role=UserRole.ADMIN)


class Refused(PermissionError):
    """The actor may not do this; the message says why, in words for the page."""


def can_edit_account(actor: Actor, manager_id: int | None) -> bool:
    """Leadership and admins edit every account; a KAM only the accounts they manage."""
    if actor.at_least(UserRole.LEADERSHIP):
        return True
    return actor.role == UserRole.KAM and manager_id is not None and actor.manager_id == manager_id


def require_account_edit(actor: Actor, manager_id: int | None, account_name: str) -> None:
    """Raise ``Refused`` unless ``actor`` may change ``account_name`` (managed by
    ``manager_id``)."""
    if not can_edit_account(actor, manager_id):
        if actor.role == UserRole.KAM:
            raise Refused(f"{account_name} is managed by another KAM: only its own KAM or "
                          "leadership can change it.")
        raise Refused(f"Your role ({actor.role}) can read {account_name} but not change it.")


def require_role(actor: Actor, role: UserRole, what: str) -> None:
    """Raise ``Refused`` unless ``actor`` has at least ``role``; ``what`` names the action,
    e.g. "save scenarios"."""
    if not actor.at_least(role):
        raise Refused(f"Only {role} and above can {what}; you are signed in as {actor.role}.")
