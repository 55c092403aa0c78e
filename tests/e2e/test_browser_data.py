"""The Import and export page in real Chromium: a file of another kind is recognised and one
click reads it as that kind."""

from __future__ import annotations

from playwright.sync_api import expect
from streamlit_page import TIMEOUT_MS, errors_on_page, open_page, wait_for_app

PEOPLE = {"name": "people.csv", "mimeType": "text/csv",
          "buffer": b"account,name,title\nNo Such Account,Ann Berg,CFO\n"}


def test_a_file_of_another_kind_is_recognised_and_switched_to(app, page):
    open_page(page, f"{app.url}/data")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(PEOPLE)
    wait_for_app(page)
    # (the sidebar's local-mode note is an info box too: look in the page itself)
    info = page.locator("[data-testid=stMain] [data-testid=stAlertContentInfo]").first
    expect(info).to_contain_text("looks like a stakeholders file, not an accounts file",
                                 timeout=TIMEOUT_MS)
    assert page.locator("[data-testid=stMain] [data-testid=stAlertContentError]").count() == 0
    page.locator(".st-key-data_switch_kind button").click()
    wait_for_app(page)
    expect(page.locator(".st-key-data_kind input[type=radio]").nth(2)).to_be_checked()
    expect(page.locator("[data-testid=stAlertContentError]").first).to_contain_text(
        "1 problem found", timeout=TIMEOUT_MS)  # now checked as people: the account is unknown
    assert errors_on_page(page) == []
