"""Users: who may sign in, with which role, and the manager record they are.

Reads return DataFrames; every write takes the acting ``Actor``, is for admins only (the one
exception: ``sign_in`` adds an e-mail named by KAMDASH_ADMINS, or a viewer under
KAMDASH_SIGNUP=viewer, on their first sign-in), runs in one transaction and writes its audit
entries in it. Bad input raises ``UserRejected`` naming every problem; nothing is written.
E-mails are stored lower-case, so "Ann@X.com" and "ann@x.com" are one user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kamdash.identity import Actor, UserRole, require_role
from kamdash.models import Manager, User
from kamdash.store.audit import record
from kamdash.store.core import bump_version, ensure_writable, read_frame

__all__ = [
    "USER_EDIT_COLUMNS",
    "USER_ROLES",
    "SignIn",
    "UserRejected",
    "UserSaveResult",
    "add_user",
    "record_action",
    "deactivate_user",
    "load_users",
    "save_users",
    "set_role",
    "sign_in",
    "user_actor",
]

# The columns of the admin page's user table and the words its messages use.
USER_EDIT_COLUMNS: dict[str, str] = {
    "email": "E-mail",
    "name": "Name",
    "role": "Role",
    "manager": "Manager record",
    "active": "Active",
}
USER_ROLES = tuple(r.value for r in UserRole)
MAX_NAME = 120
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserRejected(ValueError):
    """A user change had problems; nothing was saved. ``problems`` names each one."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("Nothing was saved: " + "; ".join(self.problems) + ".")


@dataclass(frozen=True)
class UserSaveResult:
    added: int = 0
    updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} changed"


@dataclass(frozen=True)
class SignIn:
    """What a sign-in found: the ``actor`` (None when they may not come in) and why:
    "user" (a known, active user), "new-admin" / "new-viewer" (added just now), "uninvited"
    or "deactivated"."""

    actor: Actor | None
    status: str


def _email(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(
        value).strip().lower()


def _values(user: User) -> dict[str, object]:
    return dict(email=user.email, name=user.name, role=user.role, manager_id=user.manager_id,
                active=user.active)


def _actor(user: User) -> Actor:
    return Actor(email=user.email, name=user.name, role=UserRole(user.role),
                 manager_id=user.manager_id)


# --- reads -----------------------------------------------------------------------------------


def load_users(engine: Engine) -> pd.DataFrame:
    """Every user by e-mail: user_id, email, name, role, manager_id, manager (its name),
    active."""
    stmt = (select(User.id.label("user_id"), User.email, User.name, User.role, User.manager_id,
                   Manager.name.label("manager"), User.active)
            .join(Manager, Manager.id == User.manager_id, isouter=True)
            .order_by(User.email))
    df = read_frame(engine, stmt)
    df["manager_id"] = df["manager_id"].astype("Int64")
    df["active"] = df["active"].astype(bool)
    return df


def user_actor(engine: Engine, email: str) -> Actor | None:
    """The active user with this e-mail (any case) as an ``Actor``; None if there is none."""
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.email == _email(email))).first()
        return _actor(user) if user is not None and user.active else None


def sign_in(engine: Engine, email: str, name: str | None = None, *,
            admins: Iterable[str] = (), signup: str | None = None) -> SignIn:
    """Who a signed-in e-mail is. A known active user comes in with their role; a deactivated
    one does not. An unknown e-mail in ``admins`` (KAMDASH_ADMINS) is added as an admin, else
    as a viewer when ``signup`` is "viewer" (KAMDASH_SIGNUP), else stays out ("uninvited").
    Adding someone is audited with them as its actor; in read-only mode it raises
    ``ReadOnlyError`` (known users still come in)."""
    address = _email(email)
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.email == address)).first()
        if user is not None:
            return SignIn(_actor(user) if user.active else None,
                          "user" if user.active else "deactivated")
    if not _EMAIL.match(address):
        return SignIn(None, "uninvited")
    role = (UserRole.ADMIN if address in {_email(a) for a in admins}
            else UserRole.VIEWER if signup == "viewer" else None)
    if role is None:
        return SignIn(None, "uninvited")
    ensure_writable()
    display = " ".join(str(name or "").split())[:MAX_NAME] or address.split("@")[0]
    newcomer = User(email=address, name=display, role=role.value)
    with Session(engine) as session, session.begin():
        session.add(newcomer)
        session.flush()
        actor = _actor(newcomer)
        record(session, actor, "create", "user", address, None, _values(newcomer))
        bump_version(session)
    return SignIn(actor, f"new-{role.value}")


# --- writes (admins only) ----------------------------------------------------------------------


def _problems(session: Session, email: str, name: str, role: str,
              manager_id: int | None) -> list[str]:
    found = []
    if not _EMAIL.match(email):
        found.append(f"{email[:60]!r} is not an e-mail address")
    if not name:
        found.append("the name is empty")
    elif len(name) > MAX_NAME:
        found.append(f"the name has {len(name)} characters; at most {MAX_NAME} fit")
    if role not in USER_ROLES:
        found.append(f"the role {role[:30]!r} is not one of {', '.join(USER_ROLES)}")
    if manager_id is not None and session.get(Manager, manager_id) is None:
        found.append(f"there is no manager record with id {manager_id}")
    return found


def _admins_left(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == UserRole.ADMIN.value, User.active))


def _find(session: Session, email: str) -> User:
    user = session.scalars(select(User).where(User.email == _email(email))).first()
    if user is None:
        raise UserRejected([f"there is no user {_email(email)!r}"])
    return user


def add_user(engine: Engine, actor: Actor, email: str, name: str, role: str = "viewer",
             manager_id: int | None = None) -> int:
    """Invite someone: a new active user. Admins only; an e-mail already taken (in any case),
    a bad address, an empty name, an unknown role or manager record are refused."""
    ensure_writable()
    require_role(actor, UserRole.ADMIN, "manage users")
    address, display, role = _email(email), " ".join(str(name or "").split()), str(role).lower()
    with Session(engine) as session, session.begin():
        problems = _problems(session, address, display, role, manager_id)
        if session.scalars(select(User).where(User.email == address)).first() is not None:
            problems.insert(0, f"{address} is already a user")
        if problems:
            raise UserRejected(problems)
        user = User(email=address, name=display, role=role, manager_id=manager_id)
        session.add(user)
        session.flush()
        record(session, actor, "create", "user", address, None, _values(user))
        bump_version(session)
        return int(user.id)


def _update(engine: Engine, actor: Actor, email: str, **changes: object) -> None:
    ensure_writable()
    require_role(actor, UserRole.ADMIN, "manage users")
    with Session(engine) as session, session.begin():
        user = _find(session, email)
        before = _values(user)
        for field, value in changes.items():
            setattr(user, field, value)
        problems = _problems(session, user.email, user.name, user.role, user.manager_id)
        if problems:
            raise UserRejected(problems)
        session.flush()
        if _admins_left(session) == 0:
            raise UserRejected([f"{user.email} is the last active admin; make someone else "
                                "admin first, or nobody could manage users any more"])
        if _values(user) != before:
            record(session, actor, "update", "user", user.email, before, _values(user))
            bump_version(session)


def set_role(engine: Engine, actor: Actor, email: str, role: str) -> None:
    """Give a user another role (admins only; the last active admin keeps theirs)."""
    _update(engine, actor, email, role=str(role).strip().lower())


def deactivate_user(engine: Engine, actor: Actor, email: str) -> None:
    """Stop a user signing in; their history stays (admins only; not the last admin)."""
    _update(engine, actor, email, active=False)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        not isinstance(value, str | bool) and bool(pd.isna(value)))


def save_users(engine: Engine, actor: Actor, edited: pd.DataFrame,
               managers: Mapping[str, int] | None = None) -> UserSaveResult:
    """Make the admin page's edited user table true: rows without a user_id are new users,
    the others updated. Every row is checked first ("row N, column C: what is wrong"; e-mails
    unique in any case, a known role, a manager record named by ``managers``, manager name ->
    id, default every manager); any problem, a removed row (deactivate instead) or leaving no
    active admin raises ``UserRejected`` and nothing is written. Admins only."""
    ensure_writable()
    require_role(actor, UserRole.ADMIN, "manage users")
    label = USER_EDIT_COLUMNS
    absent = [c for c in ("user_id", *label) if c not in edited.columns]
    if absent:
        raise UserRejected([f"the table has no column {', '.join(absent)}"])
    with Session(engine) as session, session.begin():
        known = managers if managers is not None else {
            m.name: m.id for m in session.scalars(select(Manager))}
        existing = {u.id: u for u in session.scalars(select(User))}
        problems: list[str] = []
        rows: list[tuple[int | None, dict[str, object]]] = []
        first: dict[str, int] = {}
        for n, (_, raw) in enumerate(edited.iterrows(), start=1):
            uid = None if _blank(raw["user_id"]) else int(raw["user_id"])
            email = "" if _blank(raw["email"]) else _email(raw["email"])
            name = "" if _blank(raw["name"]) else " ".join(str(raw["name"]).split())
            role = "" if _blank(raw["role"]) else str(raw["role"]).strip().lower()
            manager = None if _blank(raw["manager"]) else str(raw["manager"]).strip()
            active = True if _blank(raw["active"]) else bool(raw["active"])
            where = {"email": f"row {n}, column {label['email']}",
                     "name": f"row {n}, column {label['name']}",
                     "role": f"row {n}, column {label['role']}",
                     "manager": f"row {n}, column {label['manager']}"}
            if not email:
                problems.append(f"{where['email']}: is empty; every user needs an e-mail")
            elif not _EMAIL.match(email):
                problems.append(f"{where['email']}: {email[:60]!r} is not an e-mail address")
            elif email in first:
                problems.append(f"{where['email']}: {email} is already row {first[email]}")
            else:
                first[email] = n
            if not name:
                problems.append(f"{where['name']}: is empty; every user needs a name")
            elif len(name) > MAX_NAME:
                problems.append(f"{where['name']}: has {len(name)} characters; at most "
                                f"{MAX_NAME} fit")
            if role not in USER_ROLES:
                problems.append(f"{where['role']}: {role[:30]!r} is not one of "
                                f"{', '.join(USER_ROLES)}")
            if manager is not None and manager not in known:
                problems.append(f"{where['manager']}: {manager[:60]!r} is not a manager record")
            if uid is not None and uid not in existing:
                problems.append(f"row {n}: this user is no longer saved (changed elsewhere "
                                "meanwhile?); reload the page and try again")
            rows.append((uid, dict(email=email, name=name, role=role,
                                   manager_id=None if manager is None else known.get(manager),
                                   active=active)))
        kept = {uid for uid, _ in rows if uid is not None}
        for uid, user in existing.items():
            if uid not in kept:
                problems.append(f"{user.email} is missing from the table: users are not "
                                "deleted; untick Active to stop them signing in")
        if not problems and not any(v["role"] == UserRole.ADMIN.value and v["active"]
                                    for _, v in rows):
            problems.append("no active admin would be left; keep at least one, or nobody "
                            "could manage users any more")
        if problems:
            raise UserRejected(problems)
        added = updated = 0
        for uid, values in rows:
            if uid is None:
                user = User(**values)
                session.add(user)
                session.flush()
                record(session, actor, "create", "user", user.email, None, _values(user))
                added += 1
                continue
            user = existing[uid]
            before = _values(user)
            if before != values:
                for field, value in values.items():
                    setattr(user, field, value)
                record(session, actor, "update", "user", user.email, before, _values(user))
                updated += 1
        result = UserSaveResult(added=added, updated=updated)
        if result.changed:
            session.flush()
            bump_version(session)
    return result


def record_action(engine: Engine, actor: Actor, action: str, entity: str, entity_id: object,
                  after: Mapping[str, object] | None = None) -> None:
    """Audit an admin action whose rows another write already replaced (the demo seeding,
    which starts the trail afresh): one entry in a transaction of its own."""
    ensure_writable()
    with Session(engine) as session, session.begin():
        record(session, actor, action, entity, entity_id, None, after)
