"""The scoring matrix: the grid from the latest ratings, the edited grid back as new rating
rows (only changed cells) with problems naming the cell, and how old ratings are."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kamdash import ratings_matrix

ACCOUNTS = pd.DataFrame({"name": ["Acme", "Bolt"]}, index=pd.Index([1, 2], name="account_id"))
LATEST = pd.DataFrame({
    "account_id": [1, 1, 2], "criterion": ["solvency", "product_fit", "solvency"],
    "value": [7, 4, 9],
    "rated_on": pd.to_datetime(["2026-10-01", "2025-06-01", "2026-09-01"]),
})
KEYS = ["solvency", "product_fit"]


def before() -> pd.DataFrame:
    return ratings_matrix.grid(ACCOUNTS, LATEST, KEYS)


def test_grid_has_a_row_per_account_and_a_column_per_criterion_nan_where_unrated():
    expected = pd.DataFrame({"name": ["Acme", "Bolt"], "solvency": [7.0, 9.0],
                             "product_fit": [4.0, np.nan]},
                            index=pd.Index([1, 2], name="account_id"))
    pd.testing.assert_frame_equal(before(), expected)


def edit(**cells) -> pd.DataFrame:
    out = before().astype(object)
    for cell, value in cells.items():
        key, account = cell.rsplit("_", 1)
        out.at[int(account), key] = value
    return out


@pytest.mark.parametrize(("cells", "rows", "problems"), [
    ({}, [], []),
    ({"solvency_1": 7}, [], []),  # the same value again is no change
    ({"solvency_1": 8, "product_fit_2": 3.0},
     [{"account_id": 1, "criterion": "solvency", "value": 8},
      {"account_id": 2, "criterion": "product_fit", "value": 3}], []),
    ({"solvency_1": 11}, [], ["Acme, Solvency: 11 is outside 1 to 10"]),
    ({"solvency_1": 0}, [], ["Acme, Solvency: 0 is outside 1 to 10"]),
    ({"product_fit_2": 7.5}, [], ["Bolt, Product fit: 7.5 is not a whole number; rate 1 to 10"]),
    ({"product_fit_2": "high"}, [], ["Bolt, Product fit: 'high' is not a number"]),
    ({"solvency_2": None}, [],
     ["Bolt, Solvency: a rating cannot be cleared (it was 9); enter 1 to 10"]),
    ({"product_fit_2": None}, [], []),  # unrated stays unrated
    ({"solvency_1": 5, "solvency_2": 12}, [
        {"account_id": 1, "criterion": "solvency", "value": 5}],
     ["Bolt, Solvency: 12 is outside 1 to 10"]),
])
def test_changed_ratings(cells, rows, problems):
    assert ratings_matrix.changed_ratings(before(), edit(**cells), KEYS) == (rows, problems)


@pytest.mark.parametrize(("value", "problem"), [
    (1, None), (10, None), (7.0, None), ("8", None),
    (True, "'True' is not a number"), (float("inf"), "'inf' is not a number"),
    (10.5, "10.5 is not a whole number; rate 1 to 10"), (-3, "-3 is outside 1 to 10"),
])
def test_cell_problem(value, problem):
    assert ratings_matrix.cell_problem(value) == problem


def test_an_account_needs_rating_when_a_criterion_is_unrated_or_older_than_a_year():
    ids = pd.Index([1, 2, 3])
    today = date(2026, 11, 15)
    # Acme: product fit rated 2025-06-01 (stale); Bolt: product fit unrated; 3: nothing.
    assert ratings_matrix.needs_rating(LATEST, ids, KEYS, today).tolist() == [True, True, True]
    assert ratings_matrix.needs_rating(LATEST, ids, ["solvency"], today).tolist() == [
        False, False, True]
    assert ratings_matrix.needs_rating(LATEST, ids, ["solvency"], date(2027, 9, 15)).tolist() \
        == [False, True, True]


def test_rating_age_counts_accounts_last_rated_over_a_year_ago_and_never_rated():
    ids = pd.Index([1, 2, 3])
    assert ratings_matrix.rating_age(LATEST, ids, date(2026, 11, 15)) == {"stale": 0,
                                                                          "never": 1}
    assert ratings_matrix.rating_age(LATEST, ids, date(2027, 9, 15)) == {"stale": 1,
                                                                         "never": 1}


def test_column_help_says_what_1_and_10_mean():
    assert ratings_matrix.column_help("solvency") == (
        "Can they pay, reliably and on time?\n\n1 = payment problems or credit risk\n\n"
        "10 = excellent credit, pays on time")


def test_history_table_orders_by_criterion_newest_first_with_the_change():
    history = pd.DataFrame({
        "rating_id": [1, 2, 3], "criterion": ["solvency", "product_fit", "solvency"],
        "value": [6, 4, 8], "rated_on": pd.to_datetime(["2025-01-01", "2025-02-01",
                                                        "2026-01-01"]),
        "rated_by": ["ann", "ann", "ben"]})
    table = ratings_matrix.history_table(history)
    assert table[["label", "value", "rated_by"]].values.tolist() == [
        ["Product fit", 4, "ann"], ["Solvency", 8, "ben"], ["Solvency", 6, "ann"]]
    assert table["change"].tolist()[1] == 2 and np.isnan(table["change"].tolist()[2])
