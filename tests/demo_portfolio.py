"""The small demo portfolio the AppTests read (built once per session by conftest.py), and
what the pages should show of it, worked out here without the app's loaders."""

from datetime import date

import pandas as pd

from kamdash import db, health, store

DEMO_ACCOUNTS = 60
DEMO_SEED = 7
DEMO_TODAY = date(2026, 11, 15)  # fixed, so the demo's stories are the same on every run


def key_account_health(url: str) -> pd.DataFrame:
    """Health of today's key accounts as of the last complete month and the month before,
    computed here straight from the store and kamdash.health (not through the app's loaders)."""
    engine = db.make_engine(url)
    month = health.last_complete_month(DEMO_TODAY)
    accounts = store.load_accounts(engine)
    data = health.health_data(
        accounts, store.load_stakeholders(engine), store.load_contact_months(engine),
        store.monthly_touches_by_account(engine), store.load_account_months(engine))
    history = health.health_history(data, [month - pd.DateOffset(months=1), month])
    change = health.score_change(history, month)
    return change.reindex(accounts.index[accounts["is_key"]])
