"""Cached access to the database for the pages: one engine per process, reads per data version.

Every loader asks the store for the data version (one indexed row) and reuses its cached
frame until a write bumps it; nothing heavy is read per rerun. Never mutate a returned frame.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from kamdash import coverage, db, engagement, health, settings, store


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


# How often each versioned loader had to compute (a cache miss), by "module.loader" name:
# what the warm-up after a write (kamdash.ui.warm) is checked against.
computed: Counter[str] = Counter()


def versioned(max_entries: int, show_spinner: bool | str = False) -> Callable:
    """Cache a loader per database and data version: ``st.cache_data`` keyed on the
    database URL and the data version as well as the loader's own arguments, so a write
    (which bumps the version) is seen on the next run and nothing is read twice before it.
    The decorated function keeps its signature; it reads through ``engine()``."""
    def wrap(load: Callable) -> Callable:
        def cached(url: str, data_version: int, *args, **kwargs):
            computed[name] += 1  # runs on a cache miss only
            return load(*args, **kwargs)

        # Streamlit tells cached functions apart by module and qualified name: give each
        # loader's cache its own, or every loader would share one.
        cached.__module__, cached.__qualname__ = load.__module__, f"{load.__qualname__}.cached"
        name = f"{load.__module__}.{load.__qualname__}"
        in_cache = st.cache_data(max_entries=max_entries, show_spinner=show_spinner)(cached)

        newest: dict[str, int] = {}  # per database: the newest version this loader saw

        @functools.wraps(load)
        def loader(*args, **kwargs):
            url, current = db.database_url(), version()
            if current > newest.get(url, current):  # a write: no run needs the old data
                in_cache.clear()  # again (at 10,000 accounts and 1M engagements, 100s of MB)
            newest[url] = max(current, newest.get(url, current))
            return in_cache(url, current, *args, **kwargs)

        loader.clear = in_cache.clear
        return loader
    return wrap


@versioned(max_entries=4)
def accounts() -> pd.DataFrame:
    """All accounts with manager and key status today (see ``store.load_accounts``)."""
    return store.load_accounts(engine())


@versioned(max_entries=4)
def ratings() -> pd.DataFrame:
    """Latest rating per account and criterion, wide, reindexed on every account (unrated
    ones all-NaN, so scoring sees the whole portfolio)."""
    return store.load_ratings(engine()).reindex(accounts().index)


@versioned(max_entries=4)
def scenarios() -> pd.DataFrame:
    """Saved what-if scenarios, newest first."""
    return store.load_scenarios(engine())


# --- stakeholder coverage (issue 3) ---------------------------------------------------------


today = settings.today  # the day the pages measure from (KAMDASH_TODAY, else today)


@versioned(max_entries=4)
def stakeholders() -> pd.DataFrame:
    """Every account's stakeholders (see ``store.load_stakeholders``)."""
    return store.load_stakeholders(engine())


@versioned(max_entries=8)
def contacts(as_of: date, recent_days: int = coverage.STALE_DAYS) -> pd.DataFrame:
    """Last contact and recent engagement count per account and stakeholder, up to ``as_of``
    (see ``store.load_contacts``)."""
    return store.load_contacts(engine(), as_of, recent_days)


@versioned(max_entries=4, show_spinner="Working out stakeholder coverage…")
def coverage_report(as_of: date, stale_days: int = coverage.STALE_DAYS):
    """``kamdash.coverage.analyse`` of every account (roles, flags, gaps), per data version."""
    return coverage.analyse(stakeholders(), contacts(as_of, stale_days), as_of, stale_days,
                            accounts=accounts().index)


# --- engagement trends and account health (issue 4) -----------------------------------------

HEALTH_TREND_MONTHS = 12  # months of health history on the Account page


def health_month() -> date:
    """The month health is shown for: the last complete month before ``today()``."""
    return health.last_complete_month(today()).date()


def _months_before(month: date, months: int) -> date:
    return (pd.Timestamp(month) - pd.DateOffset(months=months)).date()


@versioned(max_entries=4)
def managers() -> pd.DataFrame:
    """Managers with role and capacity (see ``store.load_managers``)."""
    return store.load_managers(engine())


@versioned(max_entries=16)
def monthly_engagement(account_id: int | None = None, since: date | None = None,
                       manager_id: tuple[int, ...] | None = None, key_only: bool = False
                       ) -> pd.DataFrame:
    """Engagements per month and kind of one account, one manager's accounts, the key
    accounts or the portfolio (grouped in SQL)."""
    return store.monthly_engagement(engine(), account_id, since, manager_id=manager_id,
                                    key_only=key_only)


@versioned(max_entries=16)
def stakeholders_touched(account_id: int | None = None, since: date | None = None,
                         manager_id: tuple[int, ...] | None = None, key_only: bool = False
                         ) -> pd.DataFrame:
    """Different people met per month, of one account, one manager's accounts, the key
    accounts or the portfolio (grouped in SQL)."""
    return store.monthly_stakeholders_touched(engine(), account_id, manager_id, since,
                                              key_only=key_only)


@versioned(max_entries=4)
def account_months() -> pd.DataFrame:
    """Revenue and surveyed satisfaction per account and month."""
    return store.load_account_months(engine())


@versioned(max_entries=16)
def account_engagements(account_id: int) -> pd.DataFrame:
    """One account's engagements, newest first (the timeline)."""
    return store.load_account_engagements(engine(), account_id)


@versioned(max_entries=4)
def touches(as_of: date, window_days: int) -> pd.DataFrame:
    """Touches per account in the window up to ``as_of`` and the window before."""
    return store.load_touches(engine(), as_of, window_days)


@versioned(max_entries=2)
def _contact_and_touch_months(since: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (store.load_contact_months(engine(), since),
            store.monthly_touches_by_account(engine(), since))


def health_inputs(first_month: date, account_ids: list[int] | None = None
                  ) -> health.HealthData:
    """``health.health_data`` for health from ``first_month`` on (of ``account_ids``, None:
    every account): the one way the Account page and the Portfolio get their health inputs.
    The history is read once per data version, as far back as the Account page's trend
    needs."""
    since = _months_before(health_month(), HEALTH_TREND_MONTHS - 1 + health.LOOKBACK_MONTHS)
    contact_months, touch_months = _contact_and_touch_months(since)
    return health.health_data(accounts(), stakeholders(), contact_months, touch_months,
                              account_months(), first_month=first_month,
                              account_ids=account_ids)


@versioned(max_entries=4, show_spinner="Working out account health…")
def portfolio_health(month: date, months: int = 3) -> pd.DataFrame:
    """``health.health_history`` of every account over the ``months`` months up to ``month``."""
    first = _months_before(month, months - 1)
    return health.health_history(health_inputs(first), engagement.month_range(first, month))


@versioned(max_entries=16)
def account_health(account_id: int, month: date, months: int = HEALTH_TREND_MONTHS
                   ) -> pd.DataFrame:
    """``health.health_history`` of one account over the ``months`` months up to ``month``."""
    first = _months_before(month, months - 1)
    return health.health_history(health_inputs(first, [account_id]),
                                 engagement.month_range(first, month))
