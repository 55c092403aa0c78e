"""score_accounts: the weighted ranking behind the Selection page."""

import numpy as np
import pandas as pd
import pytest

from kamdash.scoring import score_accounts

NAN = np.nan


def frame(rows: dict[int, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index")


def test_score_is_weighted_mean_on_the_rating_scale():
    ratings = frame({1: {"product_fit": 10, "solvency": 4}, 2: {"product_fit": 2, "solvency": 8}})
    out = score_accounts(ratings, {"product_fit": 3, "solvency": 1})
    assert out["score"].to_dict() == {1: 8.5, 2: 3.5}
    assert out.index.tolist() == [1, 2]
    assert out["rank"].tolist() == [1, 2]


def test_weights_are_relative_so_scaling_them_changes_nothing():
    ratings = frame({1: {"product_fit": 7, "solvency": 3}, 2: {"product_fit": 5, "solvency": 9}})
    a = score_accounts(ratings, {"product_fit": 1, "solvency": 2})
    b = score_accounts(ratings, {"product_fit": 5, "solvency": 10})
    pd.testing.assert_frame_equal(a, b)


def test_raising_a_weight_moves_the_account_strong_on_it_up():
    ratings = frame({1: {"product_fit": 9, "solvency": 2}, 2: {"product_fit": 3, "solvency": 9}})
    assert score_accounts(ratings, {"product_fit": 1, "solvency": 5}).index[0] == 2
    assert score_accounts(ratings, {"product_fit": 5, "solvency": 1}).index[0] == 1


def test_ties_share_the_lowest_rank_and_are_ordered_by_account_id():
    ratings = frame({
        30: {"product_fit": 6, "solvency": 4},
        10: {"product_fit": 4, "solvency": 6},
        20: {"product_fit": 9, "solvency": 9},
        5: {"product_fit": 1, "solvency": 1},
    })
    out = score_accounts(ratings, {"product_fit": 1, "solvency": 1})
    assert out.index.tolist() == [20, 10, 30, 5]
    assert out["rank"].tolist() == [1, 2, 2, 4]
    assert out["rank"].dtype.kind == "i"


def test_ties_hold_despite_float_rounding_in_thirds():
    ratings = frame({
        2: {"product_fit": 3, "solvency": 6, "tenure": 9},
        1: {"product_fit": 6, "solvency": 6, "tenure": 6},
    })
    out = score_accounts(ratings, {"product_fit": 1, "solvency": 1, "tenure": 1})
    assert out["rank"].tolist() == [1, 1]
    assert out.index.tolist() == [1, 2]


def test_missing_floor_counts_an_unrated_criterion_as_one():
    ratings = frame({1: {"product_fit": 9, "solvency": NAN}})
    out = score_accounts(ratings, {"product_fit": 1, "solvency": 1}, missing="floor")
    assert out.loc[1, "score"] == 5.0
    assert out.loc[1, "contrib_solvency"] == 0.5


def test_missing_ignore_averages_over_rated_criteria_only():
    ratings = frame({1: {"product_fit": 9, "solvency": NAN}, 2: {"product_fit": 8, "solvency": 8}})
    out = score_accounts(ratings, {"product_fit": 1, "solvency": 3}, missing="ignore")
    assert out["score"].to_dict() == {1: 9.0, 2: 8.0}
    assert out.loc[1, "contrib_solvency"] == 0.0


def test_missing_ignore_puts_accounts_with_nothing_rated_last_without_a_score():
    ratings = frame({1: {"product_fit": NAN}, 2: {"product_fit": 2}, 3: {"product_fit": NAN}})
    out = score_accounts(ratings, {"product_fit": 1}, missing="ignore")
    assert out.index.tolist() == [2, 1, 3]
    assert out["rank"].tolist() == [1, 2, 2]
    assert out["score"].isna().tolist() == [False, True, True]


def test_a_weighted_criterion_nobody_rated_counts_as_missing():
    ratings = frame({1: {"product_fit": 8}})
    out = score_accounts(ratings, {"product_fit": 1, "tenure": 1})
    assert out.loc[1, "score"] == 4.5


@pytest.mark.parametrize("missing", ["floor", "ignore"])
def test_contributions_sum_to_score_and_zero_weights_get_no_column(missing):
    rng = np.random.default_rng(1)
    keys = ["product_fit", "solvency", "tenure", "cultural_fit"]
    ratings = pd.DataFrame(rng.integers(1, 11, size=(50, 4)).astype(float), columns=keys)
    ratings = ratings.mask(rng.random((50, 4)) < 0.2)
    out = score_accounts(ratings, {"product_fit": 2, "solvency": 0.5, "tenure": 0,
                                   "cultural_fit": 1}, missing=missing)
    contrib = out.filter(like="contrib_")
    assert list(contrib.columns) == ["contrib_product_fit", "contrib_solvency",
                                     "contrib_cultural_fit"]
    np.testing.assert_allclose(contrib.sum(axis=1), out["score"], atol=1e-8)


def test_output_columns_and_input_not_mutated():
    ratings = frame({1: {"product_fit": 5, "solvency": NAN}, 2: {"product_fit": 7, "solvency": 2}})
    before = ratings.copy()
    out = score_accounts(ratings, {"solvency": 1, "product_fit": 1})
    pd.testing.assert_frame_equal(ratings, before)
    assert list(out.columns) == ["score", "rank", "contrib_solvency", "contrib_product_fit"]


def test_empty_ratings_give_an_empty_ranking():
    out = score_accounts(pd.DataFrame(columns=["product_fit"], dtype=float), {"product_fit": 1})
    assert out.empty
    assert list(out.columns) == ["score", "rank", "contrib_product_fit"]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"product_fit": 0, "solvency": 0}, "all weights are zero"),
        ({"product_fit": -1}, "'product_fit' must not be negative"),
        ({"loyalty": 1}, "unknown criterion key(s): 'loyalty'"),
        ({"product_fit": float("nan")}, "must be finite"),
        ({"product_fit": "heavy"}, "not a number"),
    ],
)
def test_bad_weights_raise_a_value_error_naming_the_cause(weights, message):
    ratings = frame({1: {"product_fit": 5, "solvency": 5}})
    with pytest.raises(ValueError) as err:
        score_accounts(ratings, weights)
    assert message in str(err.value)


@pytest.mark.parametrize("bad", [0, 11, 10.5, -3])
def test_a_rating_outside_one_to_ten_is_an_error_naming_account_and_criterion(bad):
    ratings = frame({7: {"product_fit": 5}, 8: {"product_fit": bad}})
    with pytest.raises(ValueError, match=r"for account 8 on 'product_fit' is outside 1\.\.10"):
        score_accounts(ratings, {"product_fit": 1})


def test_unknown_missing_policy_and_unknown_rating_column_are_errors():
    ratings = frame({1: {"product_fit": 5}})
    with pytest.raises(ValueError, match="missing must be one of"):
        score_accounts(ratings, {"product_fit": 1}, missing="zero")
    with pytest.raises(ValueError, match="unknown criterion column"):
        score_accounts(frame({1: {"loyalty": 5}}), {"product_fit": 1})


def test_matches_a_plain_python_reference_on_random_data():
    rng = np.random.default_rng(3)
    keys = ["product_fit", "solvency", "tenure"]
    ratings = pd.DataFrame(rng.integers(1, 11, size=(200, 3)).astype(float), columns=keys,
                           index=rng.permutation(1000)[:200])
    weights = {"product_fit": 3, "solvency": 1, "tenure": 2}
    out = score_accounts(ratings, weights)
    expected = {
        acct: sum(weights[k] * row[k] for k in keys) / 6 for acct, row in ratings.iterrows()
    }
    ordered = sorted(expected, key=lambda a: (-round(expected[a], 9), a))
    assert out.index.tolist() == ordered
    np.testing.assert_allclose(out["score"], [expected[a] for a in ordered])


def test_every_rating_column_is_checked_even_one_without_weight():
    ratings = frame({1: {"product_fit": 5, "solvency": 50}})
    with pytest.raises(ValueError, match=r"rating 50 for account 1 on 'solvency' is outside"):
        score_accounts(ratings, {"product_fit": 1, "solvency": 0})


def test_a_rating_that_is_not_a_number_is_an_error_naming_account_and_criterion():
    ratings = pd.DataFrame({"product_fit": [5, "high"]}, index=[3, 4], dtype=object)
    with pytest.raises(ValueError) as err:
        score_accounts(ratings, {"product_fit": 1})
    assert str(err.value) == "rating 'high' for account 4 on 'product_fit' is not a number"


def test_an_account_listed_twice_is_an_error():
    ratings = pd.DataFrame({"product_fit": [5.0, 6.0, 7.0]}, index=[1, 2, 1])
    with pytest.raises(ValueError, match="account 1 appears more than once in ratings"):
        score_accounts(ratings, {"product_fit": 1})


def test_unsorted_account_ids_still_break_ties_by_id():
    ratings = frame({9: {"product_fit": 5}, 3: {"product_fit": 5}, 6: {"product_fit": 8},
                     1: {"product_fit": 5}})
    out = score_accounts(ratings, {"product_fit": 1})
    assert out.index.tolist() == [6, 1, 3, 9]
    assert out["rank"].tolist() == [1, 2, 2, 2]
