"""KAMDASH_TODAY is the day of every write that dates a business event, not only of the pages:
a logged visit may not lie after it, the demo's history ends on it."""

from __future__ import annotations

from datetime import date

import pytest

from kamdash import demo, store
from kamdash.identity import LOCAL
from kamdash.models import Account, Engagement


def test_a_visit_after_kamdash_today_is_in_the_future_and_on_it_is_not(engine, monkeypatch):
    store.replace_all(engine, {Account: [dict(id=1, name="Acme")]})
    monkeypatch.setenv("KAMDASH_TODAY", "2025-01-31")
    with pytest.raises(store.EngagementRejected, match="01 Feb 2025 lies in the future"):
        store.log_engagement(engine, 1, date(2025, 2, 1), "visit", "Plant tour", 1, actor=LOCAL)
    store.log_engagement(engine, 1, date(2025, 1, 31), "visit", "Plant tour", 1, actor=LOCAL)
    assert store.read_frame(engine, Engagement.__table__.select())["date"].astype(str).tolist() == [
        "2025-01-31"]


def test_the_demo_is_built_up_to_kamdash_today(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", "2024-05-15")
    rows = demo.build_portfolio(n_accounts=demo.MIN_ACCOUNTS, seed=1)
    assert rows == demo.build_portfolio(n_accounts=demo.MIN_ACCOUNTS, seed=1,
                                        today=date(2024, 5, 15))
    assert max(e["date"] for e in rows[Engagement]) <= date(2024, 5, 15)
