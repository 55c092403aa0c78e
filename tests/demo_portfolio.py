"""The small demo portfolio the AppTests read (built once per session by conftest.py)."""

from datetime import date

DEMO_ACCOUNTS = 60
DEMO_SEED = 7
DEMO_TODAY = date(2026, 11, 15)  # fixed, so the demo's stories are the same on every run
