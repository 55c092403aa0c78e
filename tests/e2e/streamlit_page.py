"""What a browser test does with a Streamlit page: open it, wait for it, read a grid, move a
slider, take a screenshot. Selectors follow Streamlit's own e2e suite (data-testid, st-key-)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

from kamdash import bench_browser

SCRIPT_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
TIMEOUT_MS = 60_000


def wait_for_app(page: Page) -> None:
    """Until the page has settled (``bench_browser.SETTLED_JS``: connected, the run over,
    nothing stale or loading), twice in a row (a rerun may start right after the first)."""
    for _ in range(2):
        page.wait_for_function(bench_browser.SETTLED_JS, timeout=TIMEOUT_MS)
        page.wait_for_timeout(250)
    page.wait_for_function(bench_browser.SETTLED_JS, timeout=TIMEOUT_MS)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def errors_on_page(page: Page) -> list[str]:
    """What the user would see go wrong: exception boxes (a traceback) and dialogs such as
    Streamlit's "Page not found"."""
    return [*page.locator("[data-testid=stException]").all_inner_texts(),
            *page.locator("[role=dialog]").all_inner_texts()]


def grid_rows(page: Page, index: int = 0, rows: int = 10) -> list[list[str]]:
    """The first ``rows`` body rows of the ``index``-th table, as the cells' text.

    The grid draws on a canvas; its accessible twin (role=gridcell) holds the visible rows,
    with raw values (a link column gives its URL, a number all its digits).
    """
    grid = page.locator("[data-testid=stDataFrame]").nth(index)
    expect(grid.locator("[role=gridcell]").first).to_be_attached(timeout=TIMEOUT_MS)
    body = grid.locator("[role=row]:has([role=gridcell])")
    return [body.nth(i).locator("[role=gridcell]").all_inner_texts()
            for i in range(min(rows, body.count()))]


def read_until(read, expected, timeout_s: float = 15):
    """``read()`` again until it returns ``expected`` or time runs out; the last value read.

    A grid redraws a moment after the script run that changed it has ended."""
    deadline = time.monotonic() + timeout_s
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.2)
        value = read()
    return value


def slider(page: Page, key: str):
    """The range input of the slider with widget key ``key`` (react-aria, since 1.6x)."""
    return page.locator(f".st-key-{key} input[type=range]")


def slider_value(page: Page, key: str) -> str:
    return slider(page, key).input_value()


def set_slider(page: Page, key: str, keypress: str) -> None:
    """Move a slider with the keyboard (Home, End, ArrowLeft...) and wait for the rerun."""
    thumb = slider(page, key)
    before = thumb.input_value()
    thumb.focus()
    thumb.press(keypress)
    expect(thumb).not_to_have_value(before, timeout=TIMEOUT_MS)
    wait_for_app(page)


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def screenshot(page: Page, path: Path) -> None:
    """The whole page, not just the window: the main area scrolls inside the app, so the
    window is made as tall as its content first."""
    height = page.evaluate(
        "() => Math.max(...['stMain', 'stAppViewContainer', 'stMainBlockContainer']"
        ".map(id => document.querySelector(`[data-testid=${id}]`)?.scrollHeight || 0))")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": max(600, min(int(height) + 40, 12000))})
    page.wait_for_timeout(500)  # let charts and grids lay out at the new size
    page.screenshot(path=str(path), full_page=True)
