"""The browser suite of tests/e2e, run again through nginx in front of two app processes on
one PostgreSQL database (the fixtures of tests/deploy/conftest.py give it the proxy's
address as the app's)."""

from test_browser_pages import *  # noqa: F403  (pytest collects the imported tests here)
