"""AppTest of the Coverage page on the small demo portfolio."""

from pathlib import Path

import pytest
from demo_portfolio import DEMO_TODAY
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, store

PAGE = str(Path(__file__).parents[1] / "pages" / "coverage.py")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


def run(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def accounts(url: str):
    return store.load_accounts(db.make_engine(url))


def test_the_single_threaded_key_account_is_the_top_gap(demo_db):
    at = run()
    assert not at.exception
    gaps = at.dataframe[0].value
    top = gaps.iloc[0]
    northwind = int(accounts(demo_db).query("name == @demo.STORY_SINGLE_THREADED").index[0])
    assert (top["name"], top["gap"], top["priority"]) == (
        demo.STORY_SINGLE_THREADED, "Single-threaded", "High")
    assert top["link"] == f"/account?account={northwind}&name=Northwind%20Logistics"
    assert gaps["severity"].is_monotonic_decreasing
    assert metric(at, "Single-threaded") == "1"


def test_key_accounts_are_shown_by_default_and_all_accounts_on_request(demo_db):
    portfolio = accounts(demo_db)
    at = run()
    assert metric(at, "Accounts") == f"{int(portfolio['is_key'].sum()):,}"
    assert set(at.dataframe[0].value["is_key"]) == {True}
    at.segmented_control(key="coverage_key").set_value("all").run()
    assert not at.exception
    assert metric(at, "Accounts") == f"{len(portfolio):,}"
    at.segmented_control(key="coverage_key").set_value("other").run()
    assert metric(at, "Accounts") == f"{int((~portfolio['is_key']).sum()):,}"
    assert set(at.dataframe[0].value["is_key"]) == {False}


def test_filtering_by_manager_and_industry_narrows_the_gap_list(demo_db):
    portfolio = accounts(demo_db)
    northwind = portfolio[portfolio["name"] == demo.STORY_SINGLE_THREADED].iloc[0]
    at = run()
    at.multiselect(key="coverage_kam").set_value([northwind["manager"]]).run()
    assert not at.exception
    assert set(at.dataframe[0].value["manager"]) == {northwind["manager"]}
    at.multiselect(key="coverage_industry").set_value([northwind["industry"]]).run()
    expected = portfolio[(portfolio["manager"] == northwind["manager"])
                         & (portfolio["industry"] == northwind["industry"]) & portfolio["is_key"]]
    assert metric(at, "Accounts") == f"{len(expected):,}"
    assert set(at.dataframe[0].value["name"]) <= set(expected["name"])


def test_filters_that_match_nothing_explain_it(demo_db):
    portfolio = accounts(demo_db)
    other_industry = portfolio.loc[~portfolio["is_key"], "industry"].dropna()
    only_non_key = sorted(set(other_industry) - set(portfolio.loc[portfolio["is_key"],
                                                                  "industry"]))
    if not only_non_key:
        pytest.skip("every industry has a key account in this demo")
    at = run()
    at.multiselect(key="coverage_industry").set_value(only_non_key[:1]).run()
    assert not at.exception
    assert "No accounts match" in at.info[0].value


def test_the_heatmap_shows_accounts_by_role_lowest_coverage_first(demo_db):
    at = run()
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    import json

    figure = json.loads(charts[0].proto.spec)
    heat = figure["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["x"] == ["Decision maker", "Buyer", "Influencer", "User", "Ambassador"]
    key_names = set(accounts(demo_db).query("is_key")["name"])
    assert set(heat["y"]) == key_names
    assert figure["layout"]["title"]["text"].startswith("Buying-role coverage by account")


def test_the_page_url_keeps_the_filters(demo_db):
    portfolio = accounts(demo_db)
    manager = sorted(portfolio["manager"].dropna().unique())[0]
    at = run(coverage_kam=manager, coverage_key="All accounts")
    assert not at.exception
    assert at.multiselect(key="coverage_kam").value == [manager]
    assert metric(at, "Accounts") == f"{int((portfolio['manager'] == manager).sum()):,}"
