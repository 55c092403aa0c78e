"""The app in real Chromium: every page opens cleanly, the what-if ranking moves with its
sliders, and a scenario's address reopens it. Screenshots land in artifacts/screenshots/."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from app_server import start_app, stop_app
from playwright.sync_api import expect
from streamlit_page import (
    errors_on_page,
    grid_rows,
    open_page,
    query,
    read_until,
    screenshot,
    set_slider,
    slider_value,
    wait_for_app,
)

from kamdash import db, demo, selection, store

# Every page of streamlit_app.py's navigation, by url_path; a page added there must be added
# here, so that it is born with a browser test.
APP_TITLE = "kamdash · Key accounts"  # streamlit_app.py's page config
PAGES = ["portfolio", "selection", "decisions", "account", "ratings", "coverage", "engagement",
         "activity", "data", "users"]
HOME = "portfolio"  # the default page: served at /, its url_path only names it


def account_id(app, name: str) -> int:
    accounts = store.load_accounts(db.make_engine(app.database_url))
    return int(accounts.index[accounts["name"] == name][0])


def ranked_accounts(page, rows: int = 10) -> list[tuple[int, int]]:
    """(rank, account id) of the first rows of the Selection ranking, as the browser shows it."""
    return [(int(cells[0]), int(parse_qs(urlparse(cells[1]).query)["account"][0]))
            for cells in grid_rows(page, 0, rows)]


def expected_ranking(app, weights: dict[str, int], rows: int = 10) -> list[tuple[int, int]]:
    """The same, worked out by kamdash from the database the app serves."""
    engine = db.make_engine(app.database_url)
    accounts = store.load_accounts(engine)
    ratings = store.load_ratings(engine).reindex(accounts.index)
    table = selection.evaluate(ratings, accounts, weights).table.head(rows)
    return list(zip(table["rank"].astype(int), table.index.astype(int), strict=True))


def test_the_sidebar_lists_every_page(app, page):
    open_page(page, app.url)
    links = page.locator("[data-testid=stSidebarNavLink]")
    assert [urlparse(h).path.strip("/") or HOME
            for h in (links.nth(i).get_attribute("href") for i in range(links.count()))] == PAGES


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_without_an_error(app, page, screenshots, path):
    query_string = ""
    if path == "account":  # the page in use: the single-threaded story account
        query_string = f"?account={account_id(app, demo.STORY_SINGLE_THREADED)}"
    open_page(page, f"{app.url}/{'' if path == HOME else path}{query_string}")
    assert errors_on_page(page) == []
    assert page.locator("h1").first.inner_text().strip()
    screenshot(page, screenshots / f"{path}.png")
    assert errors_on_page(page) == []  # nothing broke while charts and grids laid out


def test_moving_a_weight_slider_reranks_the_accounts(app, page):
    open_page(page, f"{app.url}/selection")
    assert ranked_accounts(page) == expected_ranking(app, selection.DEFAULT_WEIGHTS)

    set_slider(page, "w_revenue_potential", "Home")  # revenue potential no longer counts

    without_potential = {**selection.DEFAULT_WEIGHTS, "revenue_potential": 0}
    assert expected_ranking(app, without_potential) != expected_ranking(
        app, selection.DEFAULT_WEIGHTS)
    expected = expected_ranking(app, without_potential)
    assert read_until(lambda: ranked_accounts(page), expected) == expected
    assert query(page)["w_revenue_potential"] == ["0"]
    assert errors_on_page(page) == []


def test_a_scenario_address_reopens_the_same_weights_and_ranking(app, browser):
    first = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_page(first, f"{app.url}/selection")
    set_slider(first, "w_solvency", "End")
    set_slider(first, "w_product_fit", "Home")
    expected_first = expected_ranking(
        app, {**selection.DEFAULT_WEIGHTS, "solvency": 10, "product_fit": 0})
    shared, ranking = first.url, read_until(lambda: ranked_accounts(first), expected_first)
    first.context.close()

    reopened = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_page(reopened, shared)
    assert slider_value(reopened, "w_solvency") == "10"
    assert slider_value(reopened, "w_product_fit") == "0"
    assert slider_value(reopened, "w_revenue_potential") == "5"
    expected = expected_ranking(
        app, {**selection.DEFAULT_WEIGHTS, "solvency": 10, "product_fit": 0})
    assert ranking == expected
    assert read_until(lambda: ranked_accounts(reopened), expected) == expected
    reopened.context.close()


def test_a_bad_weight_in_the_address_is_explained_not_a_traceback(app, page):
    open_page(page, f"{app.url}/selection?w_solvency=-1&w_warp_drive=3")
    assert errors_on_page(page) == []
    warning = page.locator("[data-testid=stAlertContentWarning]").first.inner_text()
    assert "weights are whole numbers from 0 to 10" in warning
    assert "'warp_drive' is not a selection criterion" in warning
    assert slider_value(page, "w_solvency") == "2"  # the default


def test_a_shared_link_opened_first_after_a_restart_keeps_the_app_navigation(app, page,
                                                                              tmp_path):
    """Before st.navigation has run once in a process, Streamlit serves pages/ in its legacy
    mode; a deep link must still get the app's page config and navigation."""
    fresh = start_app(app.database_url, tmp_path / "streamlit.log")
    try:
        page.goto(f"{fresh.url}/selection?w_solvency=9")
        # The legacy run shows pages/ by file name with no page config, then reruns.
        expect(page).to_have_title(APP_TITLE, timeout=60_000)
        expect(page.locator("[data-testid=stSidebarNavLink]")).to_have_count(len(PAGES))
        wait_for_app(page)
        assert errors_on_page(page) == []
        assert page.locator("h1").first.inner_text() == "Key-account selection (what-if)"
        assert slider_value(page, "w_solvency") == "9"
    finally:
        stop_app(fresh)


def test_a_saved_scenario_is_listed_at_once(app, page):
    """The save form lives in the ranking fragment, the list below it: saving must refresh
    the whole page, not only the fragment."""
    open_page(page, f"{app.url}/selection")
    page.get_by_text("Save this scenario").click()
    page.locator(".st-key-selection_save_name input").fill("Browser scenario")
    page.get_by_role("button", name="Save scenario").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved “Browser scenario”.")).to_be_visible()
    assert errors_on_page(page) == []
    saved = read_until(lambda: [row[0] for row in grid_rows(page, -1)], ["Browser scenario"])
    assert saved == ["Browser scenario"]


def test_every_tab_of_the_account_page_opens_without_an_error(app, page, screenshots):
    open_page(page, f"{app.url}/account?account={account_id(app, demo.STORY_SINGLE_THREADED)}")
    tabs = page.get_by_role("tab")
    labels = tabs.all_inner_texts()
    assert labels[:3] == ["Health", "Buying roles", "Engagement"]
    assert labels[3].startswith("Stakeholders (")
    for i, label in enumerate(labels):
        tabs.nth(i).click()
        wait_for_app(page)
        assert errors_on_page(page) == [], label
        slug = label.split(" (")[0].lower().replace(" ", "-")
        screenshot(page, screenshots / f"account-{slug}.png")
        page.set_viewport_size({"width": 1400, "height": 1000})
