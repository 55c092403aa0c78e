"""Selection scenarios travel exactly in real Chromium: a saved link (choices by key) and the
page's own address (choices by label) reopen the same widgets and the same figures in a
fresh browser, with no "only partly understood" warning, for every option of every control."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect
from streamlit_page import (
    errors_on_page,
    grid_rows,
    open_page,
    read_until,
    set_slider,
    slider_value,
    wait_for_app,
)

from kamdash import db, selection, selection_export, store

FRESH = {"viewport": {"width": 1400, "height": 1000}}
WEIGHTS = {"solvency": 7, "tenure": 3, "product_fit": 5}


def checked(page, key: str) -> str:
    return page.locator(f".st-key-{key} label:has(input:checked)").inner_text().strip()


def metrics(page) -> dict[str, str]:
    cards = page.locator("[data-testid=stMetric]")
    out = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        label = card.locator("[data-testid=stMetricLabel]").inner_text().strip()
        out[label] = card.locator("[data-testid=stMetricValue]").inner_text().strip()
    return out


def link_warnings(page) -> list[str]:
    return [t for t in page.locator("[data-testid=stAlertContentWarning]").all_inner_texts()
            if "only partly understood" in t]


def expected(app, missing: str, rule: selection.Rule) -> selection.Outcome:
    engine = db.make_engine(app.database_url)
    accounts = store.load_accounts(engine)
    capacity = (selection.capacity_of(accounts, store.load_managers(engine))
                if rule.kind == "capacity" else None)
    return selection.evaluate(store.load_ratings(engine).reindex(accounts.index), accounts,
                              WEIGHTS, missing, rule, capacity)


def assert_scenario(page, app, missing: str, rule: selection.Rule) -> None:
    assert errors_on_page(page) == []
    assert link_warnings(page) == []
    assert checked(page, "missing") == selection.MISSING_LABELS[missing]
    assert checked(page, "rule") == selection.RULE_LABELS[rule.kind]
    want = expected(app, missing, rule)
    got = read_until(lambda: metrics(page).get("Key accounts"), str(want.key_count))
    assert got == str(want.key_count)
    assert metrics(page)["Demoted"] == str(len(want.demoted))
    first = read_until(lambda: int(grid_rows(page, 0, 1)[0][0]), 1)
    assert first == 1


SCENARIOS = [
    ("floor", selection.Rule("top_n", n=12)),
    ("ignore", selection.Rule("top_n", n=25)),
    ("floor", selection.Rule("threshold", threshold=6.5)),
    ("ignore", selection.Rule("threshold", threshold=7.2)),
    ("floor", selection.Rule("capacity")),
    ("ignore", selection.Rule("capacity")),
]


@pytest.mark.parametrize(("missing", "rule"), SCENARIOS,
                         ids=[f"{m}-{r.kind}" for m, r in SCENARIOS])
def test_a_saved_link_and_the_pages_own_address_reopen_exactly(app, browser, missing, rule):
    query = urlencode(selection.link_params(WEIGHTS, missing, rule), doseq=True)
    first = browser.new_context(**FRESH).new_page()
    open_page(first, f"{app.url}/selection?{query}")
    assert_scenario(first, app, missing, rule)
    if rule.kind == "top_n":
        assert first.locator(".st-key-n input").input_value() == str(rule.n)
    own_address = first.url
    first.context.close()

    again = browser.new_context(**FRESH).new_page()
    open_page(again, own_address)
    assert_scenario(again, app, missing, rule)
    if rule.kind == "threshold":
        assert again.locator(".st-key-threshold input[type=range]").input_value() == (
            f"{rule.threshold:g}")
    again.context.close()


def test_choosing_each_radio_option_by_hand_writes_an_address_that_reopens_it(app, browser):
    page = browser.new_context(**FRESH).new_page()
    open_page(page, f"{app.url}/selection")
    for label in (selection.MISSING_LABELS["ignore"], selection.RULE_LABELS["threshold"]):
        page.get_by_text(label, exact=True).click()
        wait_for_app(page)
    assert link_warnings(page) == []
    address = page.url
    page.context.close()

    fresh = browser.new_context(**FRESH).new_page()
    open_page(fresh, address)
    assert link_warnings(fresh) == []
    assert checked(fresh, "missing") == selection.MISSING_LABELS["ignore"]
    assert checked(fresh, "rule") == selection.RULE_LABELS["threshold"]
    fresh.context.close()


@pytest.mark.parametrize("tab", ["How stable", "Compare scenarios", "Rising stars",
                                 "Are our criteria right?"])
def test_each_analysis_tab_opens_from_the_address(app, browser, tab, screenshots):
    from streamlit_page import screenshot

    page = browser.new_context(**FRESH).new_page()
    open_page(page, f"{app.url}/selection?{urlencode({'analysis': tab})}")
    assert errors_on_page(page) == [] and link_warnings(page) == []
    selected = page.locator("[role=tab][aria-selected=true]").first.inner_text().strip()
    assert selected == tab
    screenshot(page, screenshots / f"selection-{tab.split()[0].lower()}.png")
    page.context.close()


def test_the_stability_toggle_travels_in_the_address(app, browser):
    page = browser.new_context(**FRESH).new_page()
    open_page(page, f"{app.url}/selection")
    page.locator(".st-key-stability label").click()
    wait_for_app(page)
    assert "stability=" in page.url
    address = page.url
    page.context.close()
    fresh = browser.new_context(**FRESH).new_page()
    open_page(fresh, address)
    assert fresh.locator(".st-key-stability input").is_checked()
    assert link_warnings(fresh) == []
    fresh.context.close()


def test_a_saved_threshold_scenario_reopens_from_its_open_link(app, browser):
    page = browser.new_context(**FRESH).new_page()
    rule = selection.Rule("threshold", threshold=6.5)
    query = urlencode(selection.link_params(WEIGHTS, "ignore", rule), doseq=True)
    open_page(page, f"{app.url}/selection?{query}")
    page.get_by_text("Save this scenario").click()
    page.locator(".st-key-selection_save_name input").fill("Browser threshold")
    page.get_by_role("button", name="Save scenario").click()
    wait_for_app(page)
    saved = store.load_scenarios(db.make_engine(app.database_url)).set_index("name")
    link = selection.saved_link_query(saved.loc["Browser threshold", "weights"],
                                      saved.loc["Browser threshold", "rule"])
    page.context.close()
    reopened = browser.new_context(**FRESH).new_page()
    open_page(reopened, f"{app.url}/selection?{link}")
    assert_scenario(reopened, app, "ignore", rule)
    reopened.context.close()


def test_the_downloads_hold_the_whole_ranking_of_the_scenario_on_screen(app, browser):
    """A non-default scenario's files, downloaded in the browser, are the whole ranking and
    lists of that scenario (built on click, not per rerun)."""
    import io

    import openpyxl

    rule = selection.Rule("threshold", threshold=7.2)
    page = browser.new_context(**FRESH, accept_downloads=True).new_page()
    query = urlencode(selection.link_params(WEIGHTS, "ignore", rule), doseq=True)
    open_page(page, f"{app.url}/selection?{query}")
    assert_scenario(page, app, "ignore", rule)
    want = selection_export.lists(expected(app, "ignore", rule).table)

    with page.expect_download() as csv_file:
        page.get_by_role("button", name="Download the whole ranking (CSV)").click()
    name = csv_file.value.suggested_filename
    assert name.startswith("selection_min-score-7.2_") and "solvency-7" in name
    assert name.endswith("_unrated-left-out.csv")
    assert Path(csv_file.value.path()).read_bytes() == selection_export.to_csv(want["Ranking"])

    with page.expect_download() as xlsx_file:
        page.get_by_role("button", name="Download ranking and lists (Excel)").click()
    assert xlsx_file.value.suggested_filename == name.removesuffix(".csv") + ".xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx_file.value.path()).read_bytes()))
    assert book.sheetnames == ["Scenario", "Ranking", "Promoted", "Demoted", "Stays key"]
    assert book["Scenario"]["B2"].value == rule.describe()
    for title, frame in want.items():
        rows = list(book[title].iter_rows(values_only=True))
        assert (list(rows[0]), len(rows) - 1) == (list(frame.columns), len(frame))
    assert [r[1] for r in list(book["Ranking"].iter_rows(values_only=True))[1:]] == list(
        want["Ranking"]["Account"])
    page.context.close()


def test_the_open_list_stays_open_when_a_weight_moves(app, browser):
    """Promoted / Demoted / Stays key: only the open one is drawn, and it stays the open one
    while the ranking changes under it."""
    page = browser.new_context(**FRESH).new_page()
    open_page(page, f"{app.url}/selection")
    page.get_by_role("tab", name="Demoted", exact=True).click()
    wait_for_app(page)
    set_slider(page, "w_solvency", "End")
    demoted = page.get_by_role("tab", name="Demoted", exact=True)
    assert demoted.get_attribute("aria-selected") == "true"
    weights = {**selection.DEFAULT_WEIGHTS, "solvency": int(slider_value(page, "w_solvency"))}
    engine = db.make_engine(app.database_url)
    accounts = store.load_accounts(engine)
    want = selection.evaluate(store.load_ratings(engine).reindex(accounts.index), accounts,
                              weights, rule=selection.Rule("top_n", n=int(
                                  accounts["is_key"].sum())))
    n = len(want.demoted)
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text(f"{n:,} account{'s' if n != 1 else ''}.", exact=True)
           ).to_be_visible()
    expect(main.get_by_role("button", name="Download demoted (CSV)")).to_be_visible()
    for other in ("promoted", "stays key"):  # the closed lists are not drawn at all
        assert main.get_by_role("button", name=f"Download {other} (CSV)").count() == 0
    page.context.close()
