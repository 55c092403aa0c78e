"""Deployment harness: two app processes on one PostgreSQL database behind nginx, on loopback.

``front`` starts, once per session, a fresh PostgreSQL schema holding the demo portfolio, two
``streamlit run`` processes on it and nginx in front of them (in the foreground, with its own
prefix, pid and logs in a temporary folder, so parallel runs never collide); see
kamdash/proxy.py. Every test here is marked ``deploy`` and skips, saying why, when nginx,
Chromium or PostgreSQL is missing (under KAMDASH_CI that is an error instead).

``app``, ``browser``, ``page`` and ``screenshots`` have the meaning they have in tests/e2e,
with the proxy's address as the app's, so the browser suite can run through the proxy.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kamdash import bench_browser, demo, proxy

sys.path.insert(0, str(Path(__file__).parents[1] / "e2e"))  # streamlit_page, app_server


def _shared_conftest():
    """tests/conftest.py as a module of its own: its PostgreSQL schema helpers (every
    conftest is named "conftest", so a plain import would find the wrong one)."""
    spec = importlib.util.spec_from_file_location(
        "kamdash_tests_conftest", Path(__file__).parents[1] / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_postgres_engine_or_skip = _shared_conftest()._postgres_engine_or_skip
_drop_postgres_schema = _shared_conftest()._drop_postgres_schema

CHROMIUM = bench_browser.CHROMIUM  # KAMDASH_CHROMIUM overrides /usr/bin/chromium
VIEWPORT = bench_browser.VIEWPORT
DEMO_ACCOUNTS = 300  # the size the browser suite's expectations were written against
ACCESS_LOG = "access.log"


def _missing() -> str | None:
    if not proxy.nginx_available():
        return f"deployment tests skipped: no nginx at {proxy.NGINX} (apt-get install -y nginx)"
    if not Path(CHROMIUM).is_file():
        return f"deployment tests skipped: no Chromium at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "deployment tests skipped: Playwright is not installed"
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(item.fspath).parents]
    reason = _missing() if ours else None
    if reason and os.environ.get("KAMDASH_CI"):
        raise pytest.UsageError(reason.replace("skipped", "cannot run in CI"))
    for item in ours:
        item.add_marker(pytest.mark.deploy)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Deployment:
    url: str  # the proxy: what users open
    database_url: str
    backends: list[str]  # each app process, directly
    folder: Path

    def upstreams_by_session(self) -> dict[str, set[str]]:
        """From nginx's access log: per affinity cookie, which processes served it."""
        seen: dict[str, set[str]] = {}
        for line in (self.folder / "nginx" / ACCESS_LOG).read_text().splitlines():
            cookie, upstream = line.split(" ")[:2]
            if cookie != "-" and upstream != "-":
                seen.setdefault(cookie, set()).add(upstream)
        return seen


@pytest.fixture(scope="session")
def deployment(tmp_path_factory, browser):
    engine = _postgres_engine_or_skip()
    demo.seed_demo(engine, n_accounts=DEMO_ACCOUNTS, seed=7, today=demo_day())
    url = engine.url.render_as_string(hide_password=False)
    folder = tmp_path_factory.mktemp("deploy")
    try:
        with proxy.proxied_app(url, folder, processes=2) as front:
            for app in front.apps:  # each process's first page pays its imports: not a test's
                context = browser.new_context(viewport=VIEWPORT)
                context.new_page().goto(app.url, timeout=bench_browser.SETTLE_TIMEOUT_MS)
                bench_browser.settle(context.pages[0])
                context.close()
            yield Deployment(front.url, url, [a.url for a in front.apps], folder)
    finally:
        _drop_postgres_schema(engine)


def demo_day():
    return bench_browser.TODAY  # what the processes get as KAMDASH_TODAY


@pytest.fixture(scope="session")
def app(deployment):
    """The app as tests/e2e knows it, at the proxy's address."""
    return deployment


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")
