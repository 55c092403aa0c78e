"""Core reads and writes: accounts, ratings, scenarios, whole-portfolio writes, data version.

Reads return pandas DataFrames (what the domain layer eats). Every write runs in one
transaction and bumps the data version, which the app's cached loaders are keyed on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from kamdash import criteria
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
    Rating,
    Scenario,
    Stakeholder,
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
    "load_scenarios",
    "read_frame",
    "replace_all",
    "save_scenario",
]

DATA_VERSION_KEY = "data_version"

# Insertion order that satisfies every foreign key (deletion runs in reverse).
TABLES_IN_FK_ORDER: tuple[type[SQLModel], ...] = (
    Manager,
    Account,
    Rating,
    Stakeholder,
    Engagement,
    AccountMonth,
    Scenario,
    Designation,
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
    """True when KAMDASH_READ_ONLY is set to 1/true/yes: every write path is refused."""
    return os.environ.get("KAMDASH_READ_ONLY", "").strip().lower() in {"1", "true", "yes"}


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


def clear_all(engine: Engine) -> dict[str, int]:
    """Empty every table and keep the schema, for a user who brings their own CRM data
    instead of the demo. One transaction; the data version moves on, so every cached read
    refreshes. Returns how many rows each table held."""
    ensure_writable()
    with Session(engine) as session, session.begin():
        counts = {model.__tablename__: session.exec(
                      select(func.count()).select_from(model)).one()[0]
                  for model in TABLES_IN_FK_ORDER}
        _delete_everything(session)
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
        func.row_number()
        .over(
            partition_by=Designation.account_id,
            order_by=(Designation.changed_on.desc(), Designation.id.desc()),
        )
        .label("rn"),
    ).subquery()
    return select(ranked.c.account_id, ranked.c.is_key, ranked.c.changed_on).where(
        ranked.c.rn == 1
    ).subquery()


def key_account_ids():
    """SELECT of the ids of today's key accounts (their latest designation says key), to use
    in ``... IN (key_account_ids())``."""
    latest = _latest_designation_subquery()
    return select(latest.c.account_id).where(latest.c.is_key)


def load_accounts(engine: Engine) -> pd.DataFrame:
    """One row per account (index ``account_id``) with its manager and key status today."""
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
        )
        .join(Manager, Manager.id == Account.manager_id, isouter=True)
        .join(latest, latest.c.account_id == Account.id, isouter=True)
        .order_by(Account.id)
    )
    df = read_frame(engine, stmt).set_index("account_id")
    df["is_key"] = df["is_key"].fillna(False).astype(bool)
    df["annual_revenue"] = df["annual_revenue"].astype(float)
    for col in ("customer_since", "status_since"):
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


# --- scenarios ---------------------------------------------------------------------------


def save_scenario(
    engine: Engine,
    name: str,
    weights: Mapping[str, float],
    rule: Mapping[str, object],
    author: str | None = None,
) -> None:
    """Save (or overwrite, by name) a what-if scenario."""
    ensure_writable()
    with Session(engine) as session, session.begin():
        existing = session.exec(select(Scenario).where(Scenario.name == name)).first()
        row = existing[0] if existing else Scenario(name=name, weights="{}", rule="{}")
        row.weights = json.dumps(dict(weights))
        row.rule = json.dumps(dict(rule))
        row.author = author
        row.created_at = datetime.now(UTC)
        session.add(row)
        bump_version(session)


def load_scenarios(engine: Engine) -> pd.DataFrame:
    """Saved scenarios, newest first, with ``weights`` and ``rule`` decoded to dicts."""
    stmt = select(
        Scenario.name, Scenario.weights, Scenario.rule, Scenario.author, Scenario.created_at
    ).order_by(Scenario.created_at.desc())
    df = read_frame(engine, stmt)
    df["weights"] = df["weights"].map(json.loads)
    df["rule"] = df["rule"].map(json.loads)
    return df

