"""Cached access to the database for the pages: one engine per process, reads per data version.

Every loader asks the store for the data version (one indexed row) and reuses its cached
frame until a write bumps it; nothing heavy is read per rerun. Never mutate a returned frame.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from kamdash import coverage, db, settings, store


class DatabaseNotReady(RuntimeError):
    """The app cannot open its database: unreachable, or read-only and not set up."""


@st.cache_resource(show_spinner="Opening the database (a fresh install seeds the demo first)…")
def _engine(url: str) -> Engine:
    engine = db.make_engine(url, read_only=store.read_only())  # reads create nothing
    if store.read_only():
        # No writes at all, not even a migration or the first-start demo: the database must
        # have been prepared (python -m kamdash demo) before the read-only show.
        if not db.schema_is_current(engine):
            engine.dispose()
            raise DatabaseNotReady(
                "kamdash is read-only (KAMDASH_READ_ONLY) and its database is not set up yet. "
                "Prepare it first without read-only mode, e.g. `python -m kamdash demo`.")
        return engine
    db.create_schema(engine)
    if store.is_empty(engine) and settings.demo_on_first_start():
        from kamdash import demo  # only a fresh install needs the generator

        demo.seed_demo(engine, today=today())
    return engine


def engine() -> Engine:
    """The process-wide engine for the configured database, seeded on first start if empty."""
    return _engine(db.database_url())


def database_problem() -> str | None:
    """Why the pages cannot work (the database is unreachable or not set up), in words for
    the person running the app; None when all is well. The entry point asks first, so no
    page ever shows a traceback for it."""
    try:
        engine()
    except DatabaseNotReady as exc:
        return str(exc)
    except (SQLAlchemyError, ModuleNotFoundError, OSError) as exc:
        return (f"kamdash cannot open its database at `{db.display_url()}`: "
                f"{db.describe_error(exc)}. Check KAMDASH_DATABASE_URL and that the database "
                "server is running.")
    return None


def version() -> int:
    """The current data version (changes with every write)."""
    return store.data_version(engine())


@st.cache_data(max_entries=4, show_spinner=False)
def _accounts(url: str, data_version: int) -> pd.DataFrame:
    return store.load_accounts(_engine(url))


@st.cache_data(max_entries=4, show_spinner=False)
def _ratings(url: str, data_version: int) -> pd.DataFrame:
    # Every account gets a row, unrated ones all-NaN, so scoring sees the whole portfolio.
    return store.load_ratings(_engine(url)).reindex(_accounts(url, data_version).index)


def accounts() -> pd.DataFrame:
    """All accounts with manager and key status today (see ``store.load_accounts``)."""
    return _accounts(db.database_url(), version())


def ratings() -> pd.DataFrame:
    """Latest rating per account and criterion, wide, reindexed on every account."""
    return _ratings(db.database_url(), version())


@st.cache_data(max_entries=4, show_spinner=False)
def _scenarios(url: str, data_version: int) -> pd.DataFrame:
    return store.load_scenarios(_engine(url))


def scenarios() -> pd.DataFrame:
    """Saved what-if scenarios, newest first."""
    return _scenarios(db.database_url(), version())


# --- stakeholder coverage (issue 3) ---------------------------------------------------------


today = settings.today  # the day the pages measure from (KAMDASH_TODAY, else today)


@st.cache_data(max_entries=4, show_spinner=False)
def _stakeholders(url: str, data_version: int) -> pd.DataFrame:
    return store.load_stakeholders(_engine(url))


def stakeholders() -> pd.DataFrame:
    """Every account's stakeholders (see ``store.load_stakeholders``)."""
    return _stakeholders(db.database_url(), version())


@st.cache_data(max_entries=8, show_spinner=False)
def _contacts(url: str, data_version: int, as_of: date, recent_days: int) -> pd.DataFrame:
    return store.load_contacts(_engine(url), as_of, recent_days)


def contacts(as_of: date, recent_days: int = coverage.STALE_DAYS) -> pd.DataFrame:
    """Last contact and recent engagement count per account and stakeholder, up to ``as_of``
    (see ``store.load_contacts``)."""
    return _contacts(db.database_url(), version(), as_of, recent_days)


@st.cache_data(max_entries=4, show_spinner="Working out stakeholder coverage…")
def _coverage_report(url: str, data_version: int, as_of: date, stale_days: int):
    return coverage.analyse(
        _stakeholders(url, data_version), _contacts(url, data_version, as_of, stale_days),
        as_of, stale_days, accounts=_accounts(url, data_version).index,
    )


def coverage_report(as_of: date, stale_days: int = coverage.STALE_DAYS):
    """``kamdash.coverage.analyse`` of every account (roles, flags, gaps), per data version."""
    return _coverage_report(db.database_url(), version(), as_of, stale_days)


# --- engagement trends and account health (issue 4) -----------------------------------------

HEALTH_TREND_MONTHS = 12  # months of health history on the Account page
# History one health month needs: six months of revenue, three of touches, and contacts of the
# coverage stale window (coverage.STALE_DAYS, a quarter) before the first of them; a month
# more for margin.
_HEALTH_LOOKBACK_MONTHS = 9


def health_month() -> date:
    """The month health is shown for: the last complete month before ``today()``."""
    from kamdash import health

    return health.last_complete_month(today()).date()


def _months_before(month: date, months: int) -> date:
    return (pd.Timestamp(month) - pd.DateOffset(months=months)).date()


@st.cache_data(max_entries=4, show_spinner=False)
def _managers(url: str, data_version: int) -> pd.DataFrame:
    return store.load_managers(_engine(url))


def managers() -> pd.DataFrame:
    """Managers with role and capacity (see ``store.load_managers``)."""
    return _managers(db.database_url(), version())


@st.cache_data(max_entries=16, show_spinner=False)
def _monthly_engagement(url: str, data_version: int, account_id: int | None,
                        since: date | None, manager_id: tuple[int, ...] | None = None,
                        key_only: bool = False) -> pd.DataFrame:
    return store.monthly_engagement(_engine(url), account_id, since, manager_id=manager_id,
                                    key_only=key_only)


def monthly_engagement(account_id: int | None = None, since: date | None = None,
                       manager_id: tuple[int, ...] | None = None, key_only: bool = False
                       ) -> pd.DataFrame:
    """Engagements per month and kind of one account, one manager's accounts, the key
    accounts or the portfolio (grouped in SQL)."""
    return _monthly_engagement(db.database_url(), version(), account_id, since, manager_id,
                               key_only)


@st.cache_data(max_entries=16, show_spinner=False)
def _stakeholders_touched(url: str, data_version: int, account_id: int | None,
                          since: date | None, manager_id: tuple[int, ...] | None,
                          key_only: bool) -> pd.DataFrame:
    return store.monthly_stakeholders_touched(_engine(url), account_id, manager_id, since,
                                              key_only=key_only)


def stakeholders_touched(account_id: int | None = None, since: date | None = None,
                         manager_id: tuple[int, ...] | None = None, key_only: bool = False
                         ) -> pd.DataFrame:
    """Different people met per month, of one account, one manager's accounts, the key
    accounts or the portfolio (grouped in SQL)."""
    return _stakeholders_touched(db.database_url(), version(), account_id, since, manager_id,
                                 key_only)


@st.cache_data(max_entries=4, show_spinner=False)
def _account_months(url: str, data_version: int) -> pd.DataFrame:
    return store.load_account_months(_engine(url))


def account_months() -> pd.DataFrame:
    """Revenue and surveyed satisfaction per account and month."""
    return _account_months(db.database_url(), version())


@st.cache_data(max_entries=16, show_spinner=False)
def _account_engagements(url: str, data_version: int, account_id: int) -> pd.DataFrame:
    return store.load_account_engagements(_engine(url), account_id)


def account_engagements(account_id: int) -> pd.DataFrame:
    """One account's engagements, newest first (the timeline)."""
    return _account_engagements(db.database_url(), version(), account_id)


@st.cache_data(max_entries=4, show_spinner=False)
def _touches(url: str, data_version: int, as_of: date, window_days: int) -> pd.DataFrame:
    return store.load_touches(_engine(url), as_of, window_days)


def touches(as_of: date, window_days: int) -> pd.DataFrame:
    """Touches per account in the window up to ``as_of`` and the window before."""
    return _touches(db.database_url(), version(), as_of, window_days)


@st.cache_data(max_entries=4, show_spinner="Working out account health…")
def _portfolio_health(url: str, data_version: int, month: date, months: int) -> pd.DataFrame:
    from kamdash import engagement, health

    engine = _engine(url)
    since = _months_before(month, months + _HEALTH_LOOKBACK_MONTHS)
    contacts = store.load_contact_months(engine, since).rename(columns={"last_contact": "date"})
    am = _account_months(url, data_version)
    data_ = health.HealthData(
        accounts=_accounts(url, data_version), stakeholders=_stakeholders(url, data_version),
        contacts=contacts, touches=store.monthly_touches_by_account(engine, since),
        account_months=am[am["month"] >= pd.Timestamp(since)],
    )
    wanted = engagement.month_range(_months_before(month, months - 1), month)
    return health.health_history(data_, wanted)


def portfolio_health(month: date, months: int = 3) -> pd.DataFrame:
    """``health.health_history`` of every account over the ``months`` months up to ``month``."""
    return _portfolio_health(db.database_url(), version(), month, months)


@st.cache_data(max_entries=16, show_spinner=False)
def _account_health(url: str, data_version: int, account_id: int, month: date,
                    months: int) -> pd.DataFrame:
    from kamdash import engagement, health

    accounts_ = _accounts(url, data_version)
    people = _stakeholders(url, data_version)
    counts = _monthly_engagement(url, data_version, account_id, None)
    am = _account_months(url, data_version)
    data_ = health.HealthData(
        accounts=accounts_.loc[[account_id]],
        stakeholders=people[people["account_id"] == account_id],
        contacts=_account_engagements(url, data_version, account_id).assign(
            account_id=account_id),
        touches=counts.assign(account_id=account_id),
        account_months=am[am["account_id"] == account_id],
    )
    wanted = engagement.month_range(_months_before(month, months - 1), month)
    return health.health_history(data_, wanted)


def account_health(account_id: int, month: date, months: int = HEALTH_TREND_MONTHS):
    """``health.health_history`` of one account over the ``months`` months up to ``month``."""
    return _account_health(db.database_url(), version(), account_id, month, months)
