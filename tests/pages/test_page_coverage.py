"""AppTest of the Coverage page on the small demo portfolio."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import streamlit as st
from demo_portfolio import DEMO_TODAY
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from kamdash import coverage, db, demo, store
from kamdash.models import Account

PAGE = str(Path(__file__).parents[2] / "pages" / "coverage.py")


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


def gap_columns(at: AppTest) -> dict:
    """The worst-gap table's column settings as the browser receives them."""
    return json.loads(at.dataframe[0].proto.columns)


def test_the_single_threaded_key_account_is_the_top_gap(demo_db):
    at = run()
    assert not at.exception
    gaps = at.dataframe[0].value
    top = gaps.iloc[0]
    northwind = int(accounts(demo_db).query("name == @demo.STORY_SINGLE_THREADED").index[0])
    assert (top["name"], top["gap"], top["priority"], top["severity"]) == (
        demo.STORY_SINGLE_THREADED, "Single-threaded", "High", 100)
    assert top["link"] == f"/account?name=Northwind%20Logistics&account={northwind}"
    assert gaps["severity"].is_monotonic_decreasing
    assert metric(at, "Single-threaded") == "1"


def test_the_account_column_sorts_by_name_and_still_opens_the_account(demo_db):
    at = run(coverage_key="all")
    gaps = at.dataframe[0].value
    # A table sorts a link column by its address: the address must sort like the name.
    by_link = gaps.sort_values("link", key=lambda s: s.str.casefold(), kind="stable")
    by_name = gaps.sort_values("name", key=lambda s: s.str.casefold(), kind="stable")
    assert by_link["name"].tolist() == by_name["name"].tolist()
    assert gap_columns(at)["link"]["type_config"] == {"type": "link",
                                                      "display_text": "name=([^&]*)"}
    # Following a link opens that account's page.
    row = gaps.iloc[len(gaps) // 2]
    query = {k: v[0] for k, v in parse_qs(urlsplit(row["link"]).query).items()}
    assert query == {"name": row["name"], "account": str(row["account_id"])}
    page = AppTest.from_file(str(Path(PAGE).parent / "account.py"), default_timeout=60)
    for key, value in query.items():
        page.query_params[key] = value
    page.run()
    assert not page.exception
    assert page.title[0].value.replace("\\", "") == row["name"]


def test_names_with_accents_and_ampersands_sort_and_link_right(writable_demo_db):
    engine = db.make_engine(writable_demo_db)
    portfolio = accounts(writable_demo_db)
    northwind = int(portfolio.query("name == @demo.STORY_SINGLE_THREADED").index[0])
    castellan = int(portfolio.query("name == @demo.STORY_DEMOTION").index[0])
    with Session(engine) as session, session.begin():
        session.get(Account, northwind).name = "Östra Hamn"
        session.get(Account, castellan).name = "A&B Steel"
    gaps = run().dataframe[0].value
    links = dict(zip(gaps["name"], gaps["link"], strict=False))
    # Letters beyond ASCII stay readable, so "Östra" sorts by its letters, not as "%C3%96".
    assert links["Östra Hamn"] == f"/account?name=Östra%20Hamn&account={northwind}"
    assert links["A&B Steel"] == f"/account?name=A%26B%20Steel&account={castellan}"
    by_link = gaps.sort_values("link", kind="stable")["name"].tolist()
    assert by_link == gaps.sort_values("name", kind="stable")["name"].tolist()


def test_priority_is_the_number_so_that_sorting_puts_the_most_urgent_first(demo_db):
    at = run()
    columns = gap_columns(at)
    assert "priority" not in columns  # the word would sort High, Low, Medium
    assert columns["severity"]["label"] == "Priority"
    assert columns["severity"]["type_config"]["type"] == "progress"
    assert columns["severity"]["help"] == coverage.severity_help()


@pytest.fixture
def fresh_caches():
    """Tuned constants change what the cached report holds: start and end with none."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_help_texts_follow_the_tuned_constants(demo_db, monkeypatch, fresh_caches):
    monkeypatch.setattr(coverage, "STALE_CREDIT", 0.25)
    monkeypatch.setitem(coverage.GAP_URGENCY, "missing", 0.7)
    at = run()
    assert not at.exception
    score_help = next(m.help for m in at.metric if m.label == "Average coverage score")
    assert score_help.endswith("over 90 days earns a quarter of its points.")
    assert "nobody known 70," in gap_columns(at)["severity"]["help"]


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
