"""The Plan tab in real Chromium: it opens on the story account with its overdue action, a goal
added through the form shows at once, and "Download the plan" gives a one-page PDF of the
account."""

from __future__ import annotations

from pypdf import PdfReader
from streamlit_page import TIMEOUT_MS, errors_on_page, open_page, screenshot, wait_for_app

from kamdash import db, demo, store


def account_id(app, name: str) -> int:
    accounts = store.load_accounts(db.make_engine(app.database_url))
    return int(accounts.index[accounts["name"] == name][0])


def open_plan(app, page, name: str) -> None:
    open_page(page, f"{app.url}/account?account={account_id(app, name)}")
    page.get_by_role("tab", name="Plan", exact=True).click()
    wait_for_app(page)


def test_the_plan_tab_shows_northwinds_goal_and_overdue_action(app, page, screenshots):
    open_plan(app, page, demo.STORY_SINGLE_THREADED)
    page.get_by_role("tab", name="Goals and actions", exact=True).click()
    wait_for_app(page)
    alert = page.get_by_text("Meet the head of finance with our sales director")
    alert.first.wait_for(timeout=TIMEOUT_MS)
    assert "days late" in alert.first.inner_text()
    for sub in ("Customer's business", "Goals and actions", "Opportunities", "Whitespace",
                "Our team", "Reviews"):
        page.get_by_role("tab", name=sub, exact=True).click()
        wait_for_app(page)
        assert errors_on_page(page) == [], sub
    screenshot(page, screenshots / "account-plan.png")


def test_a_goal_added_in_the_form_is_saved_and_listed(app, page):
    open_plan(app, page, demo.STORY_RISING)
    page.get_by_role("tab", name="Goals and actions", exact=True).click()
    page.get_by_text("Add a goal", exact=True).click()
    page.locator(".st-key-plan_goal_title input").fill("Win the Quality buying centre")
    page.locator(".st-key-plan_goal_add button").click()
    wait_for_app(page)
    page.get_by_text("Goal added: Win the Quality buying centre.").wait_for(timeout=TIMEOUT_MS)
    goals = store.load_goals(db.make_engine(app.database_url),
                             account_id(app, demo.STORY_RISING))
    assert "Win the Quality buying centre" in goals["title"].tolist()


def test_download_the_plan_gives_one_page_with_the_account_name(app, page, tmp_path):
    open_plan(app, page, demo.STORY_SINGLE_THREADED)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        box = page.locator(".st-key-plan_download")
        box.get_by_role("button", name="Download the plan").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "account-plan-Northwind-Logistics.pdf"
    pdf = PdfReader(path)
    assert len(pdf.pages) == 1
    assert f"{demo.STORY_SINGLE_THREADED}: account plan" in pdf.pages[0].extract_text()
