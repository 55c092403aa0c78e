"""Rising stars on the Portfolio page: the one-call render the Selection page shares."""

from pathlib import Path

import pytest
from demo_portfolio import DEMO_TODAY
from streamlit.testing.v1 import AppTest

from kamdash import demo

PORTFOLIO = str(Path(__file__).parents[2] / "pages" / "portfolio.py")


@pytest.fixture(autouse=True)
def demo_day(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


def test_the_portfolio_lists_rising_stars_brightwater_first(demo_db):
    at = AppTest.from_file(PORTFOLIO, default_timeout=60).run()
    assert not at.exception
    assert "Rising stars" in [s.value for s in at.subheader]
    stars = [d.value for d in at.dataframe
             if {"why", "revenue_growth", "score_change"} <= set(d.value.columns)][0]
    assert stars["name"].iloc[0] == demo.STORY_RISING
    assert stars["why"].iloc[0].startswith("Revenue up")
    assert 1 <= len(stars) <= 5


def test_rising_stars_explain_an_empty_list(writable_demo_db):
    from kamdash import db
    from kamdash.models import Designation

    engine = db.make_engine(writable_demo_db)
    with engine.begin() as conn:  # every account key: nobody left to rise
        conn.execute(Designation.__table__.update().values(is_key=True))
        conn.exec_driver_sql("INSERT INTO designation (account_id, is_key, changed_on) "
                             "SELECT id, 1, '2026-11-01' FROM account")

    def page():
        from kamdash.ui import rising_stars

        rising_stars.render()

    at = AppTest.from_function(page, default_timeout=60).run()
    assert any("No rising star right now" in i.value for i in at.info)
