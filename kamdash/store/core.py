"""Core reads and writes: accounts, ratings, whole-portfolio writes, data version.

Reads return pandas DataFrames (what the domain layer eats). Every write runs in one
transaction and bumps the data version, which the app's cached loaders are keyed on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from kamdash import criteria, settings
from kamdash.identity import Actor, UserRole, require_role
from kamdash.models import (
    Account,
    AccountMonth,
    AccountPlan,
    AuditEntry,
    Designation,
    Engagement,
    Manager,
    Meta,
    Offering,
    Opportunity,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanTeamMember,
    ProgrammeAgreement,
    ProgrammeService,
    Proposal,
    ProposalChange,
    Rating,
    Scenario,
    Stakeholder,
    User,
    WhitespaceCell,
)

__all__ = [
    "TABLES_IN_FK_ORDER",
    "ReadOnlyError",
    "ensure_writable",
    "read_only",
    "bump_version",
    "clear_all",
    "data_version",
    "is_empty",
    "key_account_ids",
    "load_accounts",
    "load_managers",
    "load_ratings",
    "read_frame",
    "replace_all",
]

DATA_VERSION_KEY = "data_version"


@dataclass(frozen=True)
class SaveResult:
    """What a save of a table editor did: rows added, changed and deleted."""

    added: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} changed, {self.deleted} deleted"

# Insertion order that satisfies every foreign key (deletion runs in reverse).
TABLES_IN_FK_ORDER: tuple[type[SQLModel], ...] = (
    Manager,
    Account,
    Rating,
    Stakeholder,
    Engagement,
    AccountMonth,
    Scenario,
    Proposal,
    ProposalChange,
    Designation,
    ProgrammeService,
    ProgrammeAgreement,
    AuditEntry,
    # account plans
    Offering,
    AccountPlan,
    PlanGoal,
    PlanAction,
    Opportunity,
    WhitespaceCell,
    PlanTeamMember,
    PlanReview,
    User,
)


# --- data version ------------------------------------------------------------------------


def data_version(engine: Engine) -> int:
    """A number that changes whenever any write lands: the key of every cached read.
    Asked on every page run, so a plain connection, not an ORM session (a third the time)."""
    with engine.connect() as conn:
        value = conn.execute(select(Meta.value).where(Meta.key == DATA_VERSION_KEY)).scalar()
    return int(value) if value is not None else 0


class ReadOnlyError(RuntimeError):
    """A write was attempted while KAMDASH_READ_ONLY is set (a demo in front of an audience)."""


def read_only() -> bool:
    """True when KAMDASH_READ_ONLY is on (see ``kamdash.settings``): every write is refused."""
    return settings.current().read_only


def ensure_writable() -> None:
    """Refuse to write in read-only mode; call first in every write function."""
    if read_only():
        raise ReadOnlyError("kamdash is in read-only mode (KAMDASH_READ_ONLY); nothing was saved.")


def bump_version(session: Session) -> None:
    """Mark the data as changed; call inside every write transaction."""
    updated = session.exec(
        update(Meta).where(Meta.key == DATA_VERSION_KEY).values(value=Meta.value + 1)
    )
    if updated.rowcount == 0:
        session.add(Meta(key=DATA_VERSION_KEY, value=1))


def is_empty(engine: Engine) -> bool:
    """True when the database holds no accounts (a fresh install)."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Account)).one()[0] == 0


# --- bulk writes -------------------------------------------------------------------------


def _delete_everything(session: Session) -> None:
    for table in reversed(TABLES_IN_FK_ORDER):
        session.exec(delete(table))


def replace_all(engine: Engine, rows: Mapping[type[SQLModel], Iterable[Mapping]]) -> None:
    """Replace the whole portfolio with ``rows`` (plain dicts per table) in one transaction."""
    ensure_writable()
    with Session(engine) as session, session.begin():
        _delete_everything(session)
        for table in TABLES_IN_FK_ORDER:
            batch = list(rows.get(table, ()))
            if batch:
                session.exec(insert(table), params=batch)
        _resync_id_sequences(session)
        bump_version(session)


def clear_all(engine: Engine, actor: Actor) -> dict[str, int]:
    """Empty every table and keep the schema, for a user who brings their own CRM data
    instead of the demo. Admins only. The users stay (without their manager records, which
    go), so that the admin can still sign in; the audit trail starts again with this clear.
    One transaction; the data version moves on, so every cached read refreshes. Returns how
    many rows each table held (users: 0, none removed)."""
    from kamdash.store.audit import record

    ensure_writable()
    require_role(actor, UserRole.ADMIN, "clear the database")
    with Session(engine) as session, session.begin():
        counts = {model.__tablename__: session.exec(
                      select(func.count()).select_from(model)).one()[0]
                  for model in TABLES_IN_FK_ORDER if model is not User}
        users = [dict(id=u.id, email=u.email, name=u.name, role=u.role, active=u.active)
                 for u in session.scalars(select(User))]
        _delete_everything(session)
        if users:
            session.exec(insert(User), params=users)
        record(session, actor, "delete", "portfolio", "all", counts, None)
        bump_version(session)
    return counts


def _resync_id_sequences(session: Session) -> None:
    """PostgreSQL: move every id sequence past the largest id. Rows inserted with explicit ids
    (as above) do not advance it, and the next insert without an id would collide."""
    if session.connection().dialect.name != "postgresql":
        return
    for model in TABLES_IN_FK_ORDER:
        table = model.__table__
        if "id" in table.c:
            session.exec(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            ))


# --- reads -------------------------------------------------------------------------------


def read_frame(engine: Engine, stmt) -> pd.DataFrame:
    """Run a SELECT and return its rows as a DataFrame."""
    with engine.connect() as conn:
        return pd.read_sql(stmt, conn)


def _latest_designation_subquery():
    ranked = select(
        Designation.account_id,
        Designation.is_key,
        Designation.changed_on,
        Designation.watch_until,
        func.row_number()
        .over(
            partition_by=Designation.account_id,
            order_by=(Designation.changed_on.desc(), Designation.id.desc()),
        )
        .label("rn"),
    ).subquery()
    return select(ranked.c.account_id, ranked.c.is_key, ranked.c.changed_on,
                  ranked.c.watch_until).where(
        ranked.c.rn == 1
    ).subquery()


def key_account_ids():
    """SELECT of the ids of today's key accounts (their latest designation says key), to use
    in ``... IN (key_account_ids())``."""
    latest = _latest_designation_subquery()
    return select(latest.c.account_id).where(latest.c.is_key)


def load_accounts(engine: Engine) -> pd.DataFrame:
    """One row per account (index ``account_id``) with its manager and key status today
    (``watch_until``: a key account on watch until that day, else NaT)."""
    latest = _latest_designation_subquery()
    stmt = (
        select(
            Account.id.label("account_id"),
            Account.name,
            Account.industry,
            Account.country,
            Account.city,
            Account.employees,
            Account.annual_revenue,
            Account.customer_since,
            Account.manager_id,
            Account.cadence_per_quarter,
            Manager.name.label("manager"),
            latest.c.is_key,
            latest.c.changed_on.label("status_since"),
            latest.c.watch_until,
        )
        .join(Manager, Manager.id == Account.manager_id, isouter=True)
        .join(latest, latest.c.account_id == Account.id, isouter=True)
        .order_by(Account.id)
    )
    df = read_frame(engine, stmt).set_index("account_id")
    df["is_key"] = df["is_key"].fillna(False).astype(bool)
    df["annual_revenue"] = df["annual_revenue"].astype(float)
    for col in ("customer_since", "status_since", "watch_until"):
        df[col] = pd.to_datetime(df[col])
    return df


def load_ratings(engine: Engine) -> pd.DataFrame:
    """Latest rating per account and criterion, wide: index ``account_id``, a column per key.

    Accounts without any rating are absent; callers reindex on their account list.
    """
    ranked = select(
        Rating.account_id,
        Rating.criterion,
        Rating.value,
        func.row_number()
        .over(
            partition_by=(Rating.account_id, Rating.criterion),
            order_by=(Rating.rated_on.desc(), Rating.id.desc()),
        )
        .label("rn"),
    ).subquery()
    stmt = select(ranked.c.account_id, ranked.c.criterion, ranked.c.value).where(
        ranked.c.rn == 1
    )
    long = read_frame(engine, stmt)
    wide = long.pivot(index="account_id", columns="criterion", values="value")
    wide = wide.reindex(columns=list(criteria.KEYS)).astype(float)
    wide.columns.name = None
    return wide


def load_managers(engine: Engine) -> pd.DataFrame:
    """Managers (index ``manager_id``) with their role and capacity."""
    stmt = select(
        Manager.id.label("manager_id"), Manager.name, Manager.email, Manager.role, Manager.capacity
    ).order_by(Manager.name)
    return read_frame(engine, stmt).set_index("manager_id")
