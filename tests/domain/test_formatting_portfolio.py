"""Number formatting for people, and the portfolio headline figures."""

import math

import pandas as pd
import pytest

from kamdash import portfolio
from kamdash.formatting import money, percent


@pytest.mark.parametrize(
    ("value", "text"),
    [(950, "€950"), (830_000, "€830k"), (1_250_000, "€1.2M"), (2_000_000, "€2M"),
     (3.4e9, "€3.4B"), (-1500, "-€1.5k"), (None, "–"), (math.nan, "–")],
)
def test_money_compact(value, text):
    assert money(value) == text


def test_money_exact_and_percent():
    assert money(1234567.4, compact=False) == "€1,234,567"
    assert percent(0.4231) == "42%"
    assert percent(0.4231, 1) == "42.3%"
    assert percent(None) == "–"


def test_headline_counts_key_accounts_and_their_revenue_share():
    accounts = pd.DataFrame({"is_key": [True, False, True, False],
                             "annual_revenue": [600.0, 100.0, 200.0, None]})
    h = portfolio.headline(accounts)
    assert (h.accounts, h.key_accounts, h.revenue, h.key_revenue) == (4, 2, 900.0, 800.0)
    assert h.key_revenue_share == pytest.approx(800 / 900)
    assert h.key_account_share == 0.5


def test_headline_of_an_empty_portfolio_is_zero_not_an_error():
    h = portfolio.headline(pd.DataFrame({"is_key": [], "annual_revenue": []}))
    assert (h.accounts, h.key_revenue_share, h.key_account_share) == (0, 0.0, 0.0)
