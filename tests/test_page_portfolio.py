"""AppTest of the Portfolio (home) page, and of the app's navigation."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from kamdash import db, portfolio, store
from kamdash.formatting import percent

ROOT = Path(__file__).parents[1]


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
