"""Shared fixtures: every test gets its own temporary database, never data/kamdash.db.

``engine`` runs each store test twice: on SQLite, and on PostgreSQL when a server answers at
KAMDASH_TEST_POSTGRES_URL (default: the local one, 127.0.0.1:5432 database ``test``).
``demo_db`` is a small demo portfolio (seeded once per session) that AppTests read; tests that
write get their own copy from ``writable_demo_db``.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import random
import sqlite3
import sys
import types
import uuid
from pathlib import Path

import pytest
from demo_portfolio import DEMO_ACCOUNTS, DEMO_SEED, DEMO_TODAY
from sqlalchemy import text

from kamdash import db, settings

POSTGRES_URL = os.environ.get(
    "KAMDASH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_engine_or_skip():
    """An engine on a schema of its own in the test database (dropped again by
    ``_drop_postgres_schema``): tests running at once, in one run or in several, never meet."""
    admin = db.make_engine(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        if os.environ.get("KAMDASH_CI"):  # CI must test PostgreSQL, not skip it
            pytest.fail(f"no PostgreSQL server answers at {POSTGRES_URL} ({exc})")
        pytest.skip(
            f"PostgreSQL run skipped: no server answers at {POSTGRES_URL} "
            f"({type(exc).__name__}); set KAMDASH_TEST_POSTGRES_URL to test that path"
        )
    finally:
        admin.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return db.make_engine(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")


def _drop_postgres_schema(engine) -> None:
    schema = engine.url.query["options"].split("=", 1)[1]
    engine.dispose()
    admin = db.make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(autouse=True)
def _no_settings_from_outside(monkeypatch, tmp_path_factory):
    """Every test starts from kamdash's defaults, whatever the shell running pytest or an
    earlier test set: no read-only mode, demo on, the real date. A test that forgets to name
    its database gets a throwaway file, never data/kamdash.db."""
    for name in settings.VARIABLES:
        monkeypatch.delenv(name, raising=False)
    # No warm-up thread (kamdash.ui.warm) behind an AppTest: it would outlive the test
    # and read its database after it; tests of the warm-up switch it on.
    monkeypatch.setenv("KAMDASH_WARM_UP", "off")
    unnamed = tmp_path_factory.getbasetemp() / "no-database-named.db"
    monkeypatch.setenv("KAMDASH_DATABASE_URL", f"sqlite:///{unnamed}")


@pytest.fixture
def fresh_processes(monkeypatch):
    """A multiprocessing context whose workers start clean: a fork server of this test's own
    (stopped again after it), with ``kamdash.store`` imported once, and no ``__main__`` to
    re-run. After an AppTest, ``__main__`` is a page script, which a worker would otherwise
    run again (and write to the database itself)."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    server = multiprocessing.forkserver._forkserver
    server._stop()  # one an earlier test started knows another __main__
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kamdash.store"])
    yield context
    server._stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A fresh, empty database with the schema: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        e = db.make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        e = _postgres_engine_or_skip()
    db.create_schema(e)
    yield e
    if request.param == "postgresql":
        _drop_postgres_schema(e)
    else:
        e.dispose()


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory) -> Path:
    """A SQLite file holding the small demo portfolio, built once per test session."""
    from kamdash import demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    e = db.make_engine(f"sqlite:///{path}")
    demo.seed_demo(e, n_accounts=DEMO_ACCOUNTS, seed=DEMO_SEED, today=DEMO_TODAY)
    e.dispose()
    return path


def _use(monkeypatch, path: Path) -> str:
    url = f"sqlite:///{path}"
    monkeypatch.setenv("KAMDASH_DATABASE_URL", url)
    monkeypatch.delenv("KAMDASH_READ_ONLY", raising=False)
    return url


@pytest.fixture
def demo_db(demo_db_path, monkeypatch) -> str:
    """Point the app at the shared demo database (read it, do not write it). Returns the URL."""
    return _use(monkeypatch, demo_db_path)


@pytest.fixture
def writable_demo_db(demo_db_path, tmp_path, monkeypatch) -> str:
    """A private copy of the demo database for a test that writes. Returns the URL."""
    copy = tmp_path / "demo-copy.db"
    with sqlite3.connect(demo_db_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    return _use(monkeypatch, copy)


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> str:
    """An empty database file path for the app (the app will seed it on first start)."""
    return _use(monkeypatch, tmp_path / "empty.db")




_DATABASE_FIXTURES = {"engine", "demo_db", "writable_demo_db", "empty_db", "demo_db_path"}


def pytest_collection_modifyitems(config, items):
    """Markers by what a test needs, so lanes can be chosen: ``apptest`` for tests/pages,
    ``store`` for any test that opens a database, ``e2e`` (set by tests/e2e/conftest.py);
    the rest is pure (``make quick``: ``-m "not store and not apptest and not e2e"``)."""
    pages = Path(__file__).parent / "pages"
    shuffle = os.environ.get("KAMDASH_TEST_SHUFFLE")
    if shuffle:  # any order must pass: KAMDASH_TEST_SHUFFLE=<seed> runs the tests shuffled
        random.Random(shuffle).shuffle(items)
    for item in items:
        path = Path(item.fspath)
        if pages in path.parents:
            item.add_marker(pytest.mark.apptest)
        if _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.store)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run, shared by the browser, deployment and bench tests:
    Playwright's sync API allows one instance per thread, so a second one started while the
    first is still open (a session fixture lives to the end of the run) fails."""
    from kamdash import bench_browser

    with bench_browser.chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies, no storage) and a tab in it."""
    from kamdash import bench_browser

    context = browser.new_context(viewport=bench_browser.VIEWPORT)
    yield context.new_page()
    context.close()
