"""The demo's people who sign in, and the audit history they left.

Users: an admin, a leadership user, one KAM user per manager record (linked to it, so their
accounts are that manager's), and a viewer from finance. History: the admin invited everyone
four months ago; each manager logged their engagements of the last six weeks; KAMs recorded
what they learnt about their stakeholders (a warmer stance, a title found out).
Deterministic for the same seed and day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from kamdash.identity import UserRole
from kamdash.models import AuditEntry, User
from kamdash.store.audit import audit_values

__all__ = ["ADMIN", "HEAD_OF_SALES", "LEADERSHIP", "VIEWER", "users_and_history"]

DOMAIN = "kamdash.example"
ADMIN = ("Priya Raman", f"priya.raman@{DOMAIN}")
LEADERSHIP = ("Henrik Dahl", f"henrik.dahl@{DOMAIN}")
VIEWER = ("Olivia Chen", f"olivia.chen@{DOMAIN}")
HEAD_OF_SALES = ("Claudia Brandt", f"claudia.brandt@{DOMAIN}")  # prepares the key-account reviews
LOGGED_DAYS = 42  # engagements logged in the app over the last six weeks
STAKEHOLDER_EDITS = 24


def _at(day: date, rng: np.random.Generator) -> datetime:
    """A working-hours moment of ``day`` (08:00-17:59 UTC)."""
    return datetime.combine(day, time(int(rng.integers(8, 18)), int(rng.integers(0, 60))), UTC)


def _user_row(uid: int, name: str, email: str, role: UserRole,
              manager_id: int | None = None) -> dict:
    return dict(id=uid, email=email, name=name, role=role.value, manager_id=manager_id,
                active=True)


def users_and_history(managers: list[dict], accounts: list[dict], stakeholders: list[dict],
                      engagements: list[dict], today: date, seed: int) -> dict[type, list]:
    """Rows for ``store.replace_all``: {User: [...], AuditEntry: [...]}."""
    rng = np.random.default_rng(seed + 9)
    users = [_user_row(1, *ADMIN, UserRole.ADMIN), _user_row(2, *LEADERSHIP,
                                                             UserRole.LEADERSHIP)]
    for m in managers:
        users.append(_user_row(len(users) + 1, m["name"], m["email"], UserRole.KAM, m["id"]))
    users.append(_user_row(len(users) + 1, *VIEWER, UserRole.VIEWER))
    users.append(_user_row(len(users) + 1, *HEAD_OF_SALES, UserRole.LEADERSHIP))
    email_of_manager = {m["id"]: m["email"] for m in managers}
    email_of_name = {m["name"]: m["email"] for m in managers}
    manager_of = {a["id"]: a["manager_id"] for a in accounts}

    entries: list[dict] = []

    def add(at: datetime, actor: str, action: str, entity: str, entity_id: object,
            before: dict | None, after: dict | None, account_id: int | None = None) -> None:
        entries.append(dict(at=at, actor=actor, action=action, entity=entity,
                            entity_id=str(entity_id), account_id=account_id,
                            before=audit_values(before), after=audit_values(after)))

    invited = today - timedelta(days=120)
    for u in users[1:]:
        values = {k: u[k] for k in ("email", "name", "role", "manager_id", "active")}
        add(_at(invited, rng), ADMIN[1], "create", "user", u["email"], None, values)

    since = today - timedelta(days=LOGGED_DAYS)
    for e in engagements:
        if e["date"] < since:
            continue
        actor = email_of_name.get(e["logged_by"], LEADERSHIP[1])
        after = {k: e[k] for k in ("date", "kind", "summary", "sentiment", "stakeholder_id")}
        add(_at(e["date"], rng), actor, "create", "engagement", e["id"], None,
            {**after, "logged_by": actor}, e["account_id"])

    managed = [s for s in stakeholders if manager_of.get(s["account_id"]) is not None]
    fields = ("name", "title", "department", "roles", "influence", "stance", "email", "active",
              "reports_to_id")
    for k in sorted(rng.choice(len(managed), size=min(STAKEHOLDER_EDITS, len(managed)),
                               replace=False)):
        person = managed[int(k)]
        before = {f: person.get(f) for f in fields}
        after = dict(before)
        if person["stance"] > -2 and (rng.random() < 0.6 or not person.get("title")):
            before["stance"] = person["stance"] - 1  # the KAM won them over a step
        else:
            before["title"] = None  # the KAM found out their title
        day = today - timedelta(days=int(rng.integers(1, 90)))
        add(_at(day, rng), email_of_manager[manager_of[person["account_id"]]], "update",
            "stakeholder", person["id"], before, after, person["account_id"])

    entries.sort(key=lambda r: (r["at"], r["entity"], r["entity_id"]))
    return {User: users, AuditEntry: [{"id": i, **r} for i, r in enumerate(entries, start=1)]}
