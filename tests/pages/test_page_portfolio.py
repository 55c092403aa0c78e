"""AppTest of the Portfolio (home) page, and of the app's navigation."""

from pathlib import Path

import pytest
from demo_portfolio import DEMO_TODAY, key_account_health
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, health, portfolio, store
from kamdash.formatting import percent

ROOT = Path(__file__).parents[2]


def test_portfolio_shows_headline_figures_from_the_database(demo_db):
    at = AppTest.from_file(str(ROOT / "pages" / "portfolio.py"), default_timeout=60).run()
    assert not at.exception
    h = portfolio.headline(store.load_accounts(db.make_engine(demo_db)))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Accounts"] == f"{h.accounts:,}"
    assert metrics["Key accounts"] == f"{h.key_accounts:,}"
    assert metrics["Revenue from key accounts"] == percent(h.key_revenue_share)
    key_table = at.dataframe[0].value
    assert len(key_table) == h.key_accounts


def test_app_starts_on_portfolio_and_a_fresh_database_seeds_the_demo(empty_db):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value == "Portfolio"
    assert not store.is_empty(db.make_engine(empty_db))
    at.switch_page("pages/selection.py").run()
    assert not at.exception
    assert at.title[0].value == "Key-account selection (what-if)"


# --- key account health ----------------------------------------------------------------------


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


def test_portfolio_counts_key_accounts_per_health_band(demo_db, fixed_today):
    at = AppTest.from_file(str(ROOT / "pages" / "portfolio.py"), default_timeout=60).run()
    assert not at.exception
    key = key_account_health(demo_db)
    expected = key["band"].value_counts()
    before = key["previous_band"].value_counts()
    metrics = {m.label: m for m in at.metric}
    for band, label in health.BAND_LABELS.items():
        assert metrics[label].value == f"{expected.get(band, 0):,}"
        moved = expected.get(band, 0) - before.get(band, 0)
        assert metrics[label].delta == (f"{moved:+d}" if moved else "No change")
        assert metrics[label].proto.delta_description == "on last month"
        good = (moved > 0) == (band == "green")
        colour = "GRAY" if not moved else "GREEN" if good else "RED"
        assert MetricProto.MetricColor.Name(metrics[label].proto.color) == colour
    shown = sum(int(metrics[label].value) for label in health.BAND_LABELS.values())
    assert shown == len(key) == int(store.load_accounts(db.make_engine(demo_db))["is_key"].sum())
    assert expected.get("yellow", 0) >= 1  # the demo is not all green: Helios is slipping


def test_the_declining_demo_key_account_is_on_the_at_risk_list_with_the_reason(demo_db,
                                                                              fixed_today):
    at = AppTest.from_file(str(ROOT / "pages" / "portfolio.py"), default_timeout=60).run()
    assert not at.exception
    risk = next(d.value for d in at.dataframe if "why" in d.value.columns)
    helios = risk[risk["account"].str.contains("Helios%20Foods", regex=False)]
    assert len(helios) == 1
    row = helios.iloc[0]
    expected = key_account_health(demo_db)
    accounts = store.load_accounts(db.make_engine(demo_db))
    helios_id = int(accounts.index[accounts["name"] == demo.STORY_DECLINING][0])
    assert row["score"] == health.points(expected.loc[helios_id, "score"])
    assert row["band"] == health.BAND_LABELS[expected.loc[helios_id, "band"]]
    assert row["why"].startswith("Watch, and declining: Engagements down")
    assert row["moved_by"]  # and what moved its score since last month
