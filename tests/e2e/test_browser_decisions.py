"""The decision loop in real Chromium, on a private copy of the served database: a rating
saved from the matrix re-ranks Selection; propose -> approve changes the key-account list;
a demotion without a reason is refused. Screenshots of the Ratings and Decisions pages."""

from __future__ import annotations

import sqlite3

import pytest
from app_server import start_app, stop_app
from playwright.sync_api import expect
from streamlit_page import (
    errors_on_page,
    grid_rows,
    open_page,
    read_until,
    screenshot,
    wait_for_app,
)

from kamdash import db, selection, store


@pytest.fixture(scope="module")
def own_app(app, tmp_path_factory):
    """The app on a copy of the served database: these tests write, the others read."""
    folder = tmp_path_factory.mktemp("e2e_decisions")
    source = app.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(source) as src, sqlite3.connect(folder / "kamdash.db") as dst:
        src.backup(dst)
    served = start_app(f"sqlite:///{folder / 'kamdash.db'}", folder / "streamlit.log")
    yield served
    stop_app(served)


def engine(app):
    return db.make_engine(app.database_url)


def rank_of(app, account_id: int) -> int:
    e = engine(app)
    accounts = store.load_accounts(e)
    ratings = store.load_ratings(e).reindex(accounts.index)
    table = selection.evaluate(ratings, accounts, selection.DEFAULT_WEIGHTS).table
    return int(table.loc[account_id, "rank"])


def test_a_rating_saved_in_the_matrix_reranks_the_selection(own_app, page, screenshots):
    open_page(page, f"{own_app.url}/ratings")
    screenshot(page, screenshots / "ratings.png")
    page.locator(".st-key-ratings_key").click()
    page.get_by_role("option", name="Key accounts today").click()
    wait_for_app(page)
    name, potential = grid_rows(page, 0, 1)[0][:2]
    assert int(potential) > 1  # key accounts are rated on the default criteria
    accounts = store.load_accounts(engine(own_app))
    account_id = int(accounts.index[accounts["name"] == name][0])
    rank_before = rank_of(own_app, account_id)

    # The grid draws on a canvas (its box, not the frame's: the toolbar sits above it):
    # select the first row's account cell, step right onto Revenue potential (the first
    # criterion) and type the new rating. The grid takes each key only once it has handled
    # the one before, hence the pauses.
    box = page.locator("[data-testid=stDataFrame] canvas").first.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)
    for key in ("ArrowRight", "1", "Enter"):
        page.wait_for_timeout(300)
        page.keyboard.press(key)
    assert read_until(lambda: grid_rows(page, 0, 1)[0][:2], [name, "1"]) == [name, "1"]
    page.get_by_role("button", name="Save ratings").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved 1 rating")).to_be_visible(timeout=60_000)
    assert errors_on_page(page) == []

    history = store.load_rating_history(engine(own_app), account_id)
    assert history[["criterion", "value", "rated_by"]].values.tolist()[-1] == [
        "revenue_potential", 1, "local"]
    assert rank_of(own_app, account_id) > rank_before


def propose(page, url: str) -> None:
    open_page(page, f"{url}/selection")
    page.get_by_role("button", name="Propose as the new key-account list").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Submit for sign-off")).to_be_visible()


def test_a_demotion_without_a_reason_is_refused(own_app, page):
    before = len(store.load_proposals(engine(own_app)))
    propose(page, own_app.url)
    page.get_by_role("button", name="Submit for sign-off").click()
    wait_for_app(page)
    error = page.locator("[data-testid=stAlertContentError] [data-testid=stMarkdownContainer]",
                         has_text="Nothing was proposed").first.inner_text()  # not its icon
    assert error.startswith("Nothing was proposed:")
    assert "a demotion needs a reason" in error
    assert len(store.load_proposals(engine(own_app))) == before


def test_propose_then_approve_changes_the_key_account_list(own_app, page, screenshots):
    propose(page, own_app.url)
    reasons = page.locator("[class*='st-key-decisions_reason_'] input")
    for i in range(reasons.count()):
        reasons.nth(i).fill("Ratings fell below the line")
    page.get_by_role("button", name="Submit for sign-off").click()
    wait_for_app(page)
    expect(page.get_by_text("is waiting for sign-off on the Decisions page")).to_be_visible()
    proposals = store.load_proposals(engine(own_app))
    proposal_id = int(proposals.index[0])
    assert proposals.loc[proposal_id, "proposed_by"] == "local"
    changes = store.load_proposal_changes(engine(own_app), proposal_id)
    promoted = set(changes.loc[changes["kind"] == "promote", "account"])
    demoted = set(changes.loc[changes["kind"] == "demote", "account"])
    assert promoted and demoted

    open_page(page, f"{own_app.url}/decisions")
    screenshot(page, screenshots / "decisions.png")
    page.get_by_role("button", name="Approve").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Proposal {proposal_id} approved")).to_be_visible()
    assert errors_on_page(page) == []
    accounts = store.load_accounts(engine(own_app))
    key = set(accounts.loc[accounts["is_key"], "name"])
    assert promoted <= key and not demoted & key

    open_page(page, own_app.url)  # the Portfolio counts the new key accounts
    metric = page.locator("[data-testid=stMetric]").filter(has_text="Key accounts").first
    assert metric.locator("[data-testid=stMetricValue]").inner_text() == f"{len(key):,}"
