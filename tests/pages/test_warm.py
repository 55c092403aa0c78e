"""The warm-up after a write (kamdash.ui.warm): a page's first visit after it computes no
loader, and the thread computes a new data version by itself after a write."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kamdash import db, store
from kamdash.identity import LOCAL
from kamdash.ui import data, warm

PAGES = Path(__file__).parents[2] / "pages"
# Every page a visitor lands on without choosing anything first (Activity reads its last
# 90 days by the latest change's day, on top of the whole trail warmed for it).
LANDING = ["portfolio", "selection", "decisions", "ratings", "coverage", "engagement",
           "account"]


def visit(page: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=120).run()
    assert not at.exception
    return at


def computed_by(page: str) -> set[str]:
    before = data.computed.copy()
    visit(page)
    return {name for name, n in (data.computed - before).items() if n}


@pytest.mark.parametrize("page", LANDING)
def test_a_first_visit_after_the_warm_up_computes_nothing(demo_db, page):
    st.cache_data.clear()
    assert computed_by(page), "a cold visit computes: else this test proves nothing"
    st.cache_data.clear()
    warm.default_views()
    assert computed_by(page) == set()


def test_after_a_write_the_thread_computes_the_new_version_by_itself(writable_demo_db,
                                                                     monkeypatch):
    monkeypatch.setenv("KAMDASH_WARM_UP", "on")
    st.cache_data.clear()
    warm.start()
    warmer = warm._warmer(writable_demo_db)
    first = data.version()
    wait_until(lambda: warmer.warmed == first)

    accounts = store.load_accounts(db.make_engine(writable_demo_db))
    store.log_engagement(db.make_engine(writable_demo_db), int(accounts.index[0]),
                         data.today(), "call", "Warm-up check", 1, actor=LOCAL)
    assert data.version() != first
    wait_until(lambda: warmer.warmed == data.version())
    assert computed_by("portfolio") == set()  # the write's new data, computed ahead
    assert data.computed["kamdash.ui.data.portfolio_health"] >= 2  # once per version


def test_switched_off_it_starts_no_thread(demo_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_WARM_UP", "off")
    st.cache_resource.clear()
    warm.start()
    assert "kamdash-warm-up" not in {t.name for t in threading.enumerate()
                                     if t.is_alive() and getattr(t, "url", None) == demo_db}


def wait_until(done, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, "the warm-up did not finish in time"
        time.sleep(0.1)



def test_an_empty_database_has_nothing_to_warm_up(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("KAMDASH_DATABASE_URL", url)
    monkeypatch.setenv("KAMDASH_DEMO", "off")
    st.cache_data.clear()
    before = data.computed.copy()
    warm.default_views()  # no error, and nothing but the accounts read
    assert {n for n, k in (data.computed - before).items() if k} == {"kamdash.ui.data.accounts"}
