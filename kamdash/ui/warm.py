"""Warm-up after a write: the pages' data is computed ahead of the next visit, not during it.

Every loader is cached per data version (``kamdash.ui.data.versioned``), so after a write the
next visitor of each page would wait while its reads are computed again: at 10,000 accounts
and 1M engagements the Portfolio's health history alone takes seconds. One thread per server
process watches the data version (one indexed row, once a second) and, when it moves,
computes what the pages read with their default choices (``default_views``). A visitor who
arrives while it runs waits on that same computation (Streamlit computes a cache entry once),
never on a second one. A write through another process on the same database is seen the
same way. ``KAMDASH_WARM_UP=off`` switches it off (the tests do, except their own).
"""

from __future__ import annotations

import threading
import time

import streamlit as st
from streamlit.logger import get_logger

from kamdash import coverage, db, engagement, selection, settings
from kamdash.ui import activity, data, decisions_data, plan_data, selection_data
from kamdash.warm_log import WARMED

__all__ = ["default_views", "start"]

log = get_logger(__name__)  # Streamlit's handler and level: the line shows in the server log
POLL_SECONDS = 1.0
RETRY_SECONDS = 30.0  # after a failure (say, the database restarts), try again this much later


def default_views() -> None:
    """Compute what the pages read on a first visit with their default choices. A page
    visited right after this computes no loader again (tests/pages/test_warm.py)."""
    if data.accounts().empty:  # nothing imported yet: every page says so and reads nothing
        return
    today, month = data.today(), data.health_month()
    data.ratings()
    data.stakeholders()
    data.managers()
    data.scenarios()
    data.portfolio_health(month, 3)  # the Portfolio's and Engagement's health, the costliest
    data.touches(today, engagement.CADENCE_WINDOW_DAYS)
    data.coverage_report(today, coverage.STALE_DAYS)  # Coverage, and every Account page
    start = engagement.trend_start(today, engagement.DEFAULT_TREND_MONTHS).date()
    data.monthly_engagement(since=start, manager_id=None, key_only=True)  # Engagement's trend
    data.stakeholders_touched(since=start, manager_id=None, key_only=True)
    data.account_months()
    selection_data.rising_stars(dict(selection.DEFAULT_WEIGHTS))  # Portfolio and Selection
    decisions_data.latest_ratings()
    decisions_data.agreements()
    decisions_data.proposals()
    decisions_data.proposal_changes()
    decisions_data.services()
    plan_data.plan_tables()
    activity.audit()  # the Activity page's whole trail (its filtered read is its own)
    activity.data_names()


class _Warmer(threading.Thread):
    def __init__(self, url: str):
        super().__init__(name="kamdash-warm-up", daemon=True)
        self.url = url
        self.warmed: int | None = None

    def run(self) -> None:
        while db.database_url() == self.url:  # a process serves one database
            try:
                version = data.version()
                if version != self.warmed:
                    started = time.perf_counter()
                    default_views()
                    self.warmed = version
                    log.info(WARMED.format(version=version,
                                           seconds=time.perf_counter() - started))
            except Exception:  # the pages compute for themselves then; say why, once a while
                log.warning("kamdash warm-up failed; the next visitor computes instead",
                            exc_info=True)
                time.sleep(RETRY_SECONDS)
            time.sleep(POLL_SECONDS)


@st.cache_resource(show_spinner=False)
def _warmer(url: str) -> _Warmer:
    warmer = _Warmer(url)
    warmer.start()
    return warmer


def start() -> None:
    """Start this process's warm-up thread (once; later calls do nothing), unless
    KAMDASH_WARM_UP is off."""
    if settings.current().warm_up:
        _warmer(db.database_url())
