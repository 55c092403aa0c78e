"""Rising stars and the back-test on small hand-built frames with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from kamdash import momentum

LAST = pd.Timestamp("2026-06-01")


def months(revenue: dict[int, list[float]]) -> pd.DataFrame:
    """Monthly revenue per account, the last entry being LAST."""
    rows = []
    for account, values in revenue.items():
        for i, value in enumerate(values):
            rows.append({"account_id": account, "revenue": value,
                         "month": LAST - pd.DateOffset(months=len(values) - 1 - i)})
    return pd.DataFrame(rows)


def history(rows: list[tuple[int, str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["account_id", "criterion", "value", "rated_on"]).assign(
        rated_on=lambda f: pd.to_datetime(f["rated_on"]))


def test_revenue_change_compares_the_last_months_with_the_ones_before():
    change = momentum.revenue_change(months({1: [1] * 6 + [2] * 6, 2: [0] * 6 + [5] * 6}),
                                     LAST)
    assert change.loc[1].tolist() == [12.0, 6.0, 1.0]  # now, before, growth +100 %
    assert change.loc[2, "now"] == 30.0 and pd.isna(change.loc[2, "growth"])


def test_ratings_as_of_a_day_and_the_ones_before_the_latest():
    h = history([(1, "solvency", 4, "2025-01-01"), (1, "solvency", 6, "2025-06-01"),
                 (1, "solvency", 9, "2026-01-01"), (2, "solvency", 5, "2026-02-01")])
    assert momentum.ratings_as_of(h)["solvency"].to_dict() == {1: 9.0, 2: 5.0}
    assert momentum.ratings_as_of(h, pd.Timestamp("2025-12-31"))["solvency"].to_dict() == {
        1: 6.0}
    assert momentum.ratings_as_of(h, previous=True)["solvency"].to_dict() == {1: 6.0, 2: 5.0}


ACCOUNTS = pd.DataFrame({"name": ["Acme", "Bolt", "Core", "Dune"],
                         "is_key": [False, False, True, False],
                         "manager": ["Ann", "Bo", "Ann", "Bo"]}, index=[1, 2, 3, 4])


def test_rising_stars_rank_non_key_accounts_by_momentum_and_say_why():
    h = history([(1, "solvency", 5, "2025-06-01"), (1, "solvency", 8, "2026-05-01"),
                 (2, "solvency", 6, "2025-06-01"), (2, "solvency", 6, "2026-05-01"),
                 (3, "solvency", 2, "2025-06-01"), (3, "solvency", 9, "2026-05-01"),
                 (4, "solvency", 7, "2025-06-01"), (4, "solvency", 5, "2026-05-01")])
    revenue = months({1: [10] * 6 + [15] * 6, 2: [10] * 12, 3: [1] * 6 + [9] * 6,
                      4: [10] * 6 + [9] * 6})
    touches = pd.DataFrame({"account_id": [1, 2, 3, 4], "touches": [6, 2, 9, 1],
                            "previous_touches": [2, 2, 1, 3]})
    stars = momentum.rising_stars(ACCOUNTS, h, revenue, touches, {"solvency": 1}, LAST)
    assert list(stars.index) == [1]  # Core is key; Bolt is flat and Dune shrank everywhere
    assert stars.loc[1, "why"] == ("Revenue up 50% on the six months before; score up 3.0 "
                                   "since its previous ratings; 6 touches last quarter "
                                   "against 2 the quarter before.")
    assert stars.loc[1, "score_change"] == 3.0


def test_no_rising_star_when_every_account_is_key():
    stars = momentum.rising_stars(ACCOUNTS.assign(is_key=True), history([]), months({}),
                                  pd.DataFrame(columns=["account_id", "touches",
                                                        "previous_touches"]),
                                  {"solvency": 1}, LAST)
    assert stars.empty


def test_back_test_says_which_criterion_predicted_growth_and_which_is_noise():
    n = 10
    growth_now = {a: [10.0] * 6 + [10.0 + a] * 6 for a in range(1, n + 1)}  # a grows by a
    rows = []
    for a in range(1, n + 1):
        rows.append((a, "solvency", float(a), "2025-11-01"))
        rows.append((a, "tenure", float([5, 2, 8, 3, 9, 1, 7, 4, 6, 10][a - 1]),
                     "2025-11-01"))
        rows.append((a, "solvency", 5.0, "2026-03-01"))  # after the day: not used
    key_then = pd.Series({1: True, 2: True, 10: False})  # the rest: never designated
    result = momentum.back_test(history(rows), months(growth_now), key_then,
                                pd.Timestamp("2025-12-15"), LAST)
    table = result.per_criterion
    assert table.loc["solvency", "correlation"] == pytest.approx(1.0)
    assert table.loc["solvency", "accounts"] == n
    assert table.loc["solvency", "verdict"] == "predicted growth"
    assert table.loc["tenure", "verdict"] == "no better than chance"
    assert table.loc["product_fit", "verdict"] == "too few ratings to tell"
    assert table.index[0] == "solvency"
    assert (result.key_accounts, result.other_accounts) == (2, 8)
    assert result.key_growth == pytest.approx(0.15)  # growth a / 10 of accounts 1 and 2
    assert result.rest_growth == pytest.approx(0.65)  # median of 0.3 .. 1.0
