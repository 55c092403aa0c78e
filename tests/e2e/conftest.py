"""Browser-test harness: the real app on a free port, driven by Debian's Chromium.

``app`` starts ``streamlit run streamlit_app.py`` once per session against a fresh temporary
SQLite file, which the app seeds with the demo portfolio itself, as on a user's first
``make run``. ``page`` is a new browser context per test. Every test here is marked ``e2e``
and skips, saying why, when Chromium or Playwright is not installed (in CI, where
KAMDASH_CI is set, that is an error instead).

Playwright's own browser download does not work on our machines, so it drives
``/usr/bin/chromium`` (``KAMDASH_CHROMIUM`` overrides the path).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from app_server import ROOT, start_app, stop_app

from kamdash import bench_browser

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = bench_browser.CHROMIUM  # KAMDASH_CHROMIUM overrides /usr/bin/chromium
VIEWPORT = bench_browser.VIEWPORT


def _missing_browser() -> str | None:
    if not Path(CHROMIUM).is_file():
        return (f"browser tests skipped: no Chromium at {CHROMIUM} "
                "(apt-get install -y chromium, or set KAMDASH_CHROMIUM)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests skipped: Playwright is not installed (pip install -r " \
               "requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(item.fspath).parents]
    reason = _missing_browser() if ours else None
    if reason and os.environ.get("KAMDASH_CI"):  # CI must run them, not skip them
        raise pytest.UsageError(reason.replace("skipped", "cannot run in CI"))
    for item in ours:
        item.add_marker(pytest.mark.e2e)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def app(tmp_path_factory, browser):
    """The app on a fresh, empty database. Its first page visit seeds the demo portfolio, so
    one is made here: every test may then read the database, in any order."""
    from streamlit_page import open_page

    folder = tmp_path_factory.mktemp("e2e")
    served = start_app(f"sqlite:///{folder / 'kamdash.db'}", folder / "streamlit.log")
    first = browser.new_context(viewport=VIEWPORT)
    open_page(first.new_page(), served.url)
    first.close()
    yield served
    stop_app(served)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where every page's screenshot goes (git-ignored): artifacts/screenshots/."""
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS
