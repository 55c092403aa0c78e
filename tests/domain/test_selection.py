"""Selection rules, the diff against today's key list, and shared-link validation."""

import numpy as np
import pandas as pd
import pytest

from kamdash import selection
from kamdash.selection import DEMOTED, NOT_KEY, PROMOTED, STAYS_KEY, Rule


def ranked(scores: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"score": list(scores.values())}, index=list(scores))


def test_top_n_takes_the_first_n_rows_of_the_ranking():
    chosen = selection.select_key_accounts(ranked({4: 9, 2: 8, 7: 5}), Rule("top_n", n=2))
    assert chosen.to_dict() == {4: True, 2: True, 7: False}


def test_top_n_never_selects_an_account_without_a_score():
    chosen = selection.select_key_accounts(ranked({4: 9, 2: np.nan}), Rule("top_n", n=5))
    assert chosen.to_dict() == {4: True, 2: False}


def test_threshold_takes_every_account_at_or_above_it():
    rule = Rule("threshold", threshold=7)
    chosen = selection.select_key_accounts(ranked({1: 7.5, 2: 7.0, 3: 6.99, 4: np.nan}), rule)
    assert chosen.to_dict() == {1: True, 2: True, 3: False, 4: False}


def test_compare_with_today_labels_each_account():
    would = pd.Series({1: True, 2: True, 3: False, 4: False, 5: True})
    today = pd.Series({1: True, 2: False, 3: True, 4: False})  # 5 was never designated
    change = selection.compare_with_today(would, today)
    assert change.to_dict() == {1: STAYS_KEY, 2: PROMOTED, 3: DEMOTED, 4: NOT_KEY, 5: PROMOTED}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "best"}, "rule must be one of"),
        ({"n": -1}, "must not be negative"),
        ({"kind": "threshold", "threshold": 11}, "within 1..10"),
    ],
)
def test_rule_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Rule(**kwargs)


def test_rule_describes_itself_in_plain_words():
    assert Rule("top_n", n=12).describe() == "the top 12 accounts by score"
    assert Rule("threshold", threshold=7.5).describe() == "every account scoring 7.5 or more"


def test_evaluate_ranks_selects_and_compares():
    ratings = pd.DataFrame(
        {"product_fit": [9, 2, 7, 5], "solvency": [9, 3, 7, 9]}, index=[1, 2, 3, 4], dtype=float
    )
    accounts = pd.DataFrame(
        {"name": ["A", "B", "C", "D"], "is_key": [False, True, True, False],
         "annual_revenue": [100.0, 300.0, 500.0, 100.0]},
        index=[1, 2, 3, 4],
    )
    out = selection.evaluate(ratings, accounts, {"product_fit": 1, "solvency": 1}, "floor",
                             Rule("top_n", n=2))
    assert out.table["name"].tolist() == ["A", "C", "D", "B"]
    assert out.table["change"].tolist() == [PROMOTED, STAYS_KEY, NOT_KEY, DEMOTED]
    assert out.promoted["name"].tolist() == ["A"]
    assert out.demoted["name"].tolist() == ["B"]
    assert out.key_count == 2
    assert out.key_revenue_share == pytest.approx(600 / 1000)
    assert out.key_count_today == 2
    assert out.key_revenue_share_today == pytest.approx(800 / 1000)


def test_evaluate_ignores_rating_columns_that_carry_no_weight():
    ratings = pd.DataFrame({"product_fit": [5.0], "tenure": [99.0]}, index=[1])
    accounts = pd.DataFrame({"name": ["A"], "is_key": [True], "annual_revenue": [1.0]}, index=[1])
    out = selection.evaluate(ratings, accounts, {"product_fit": 2, "tenure": 0})
    assert out.table["score"].tolist() == [5.0]


def test_a_clean_link_has_no_problems():
    params = {"criteria": ["Product fit", "Solvency"], "w_product_fit": ["7"],
              "missing": ["ignore"], "rule": ["threshold"], "threshold": ["6.5"]}
    assert selection.validate_link(params) == []


def test_link_problems_name_the_bad_value_and_what_was_used_instead():
    problems = selection.validate_link({
        "criteria": ["Product fit", "loyalty", "solvency"],
        "w_product_fit": "-1",
        "w_tenure": "lots",
        "w_solvency": "2.5",
        "w_charisma": "3",
        "missing": "zero",
        "rule": "best",
        "n": "500",
        "threshold": "99",
    }, max_key_accounts=300)
    assert problems == [
        "'loyalty' is not a selection criterion, so it was left out.",
        "The weight for Product fit in the link is -1; weights are whole numbers from 0 to 10, "
        "so the default was used.",
        "The weight for Customer tenure in the link, 'lots', is not a number; the default was "
        "used.",
        "The weight for Solvency in the link is 2.5; weights are whole numbers, so 2 was used.",
        "'charisma' is not a selection criterion, so its weight was ignored.",
        "'zero' is not a way to treat missing ratings (use floor or ignore); the default was used.",
        "'best' is not a selection rule (use top_n, threshold or capacity); the default was used.",
        "The number of key accounts in the link is 500; it is a whole number from 1 to 300, so "
        "the default was used.",
        "The minimum score in the link is 99; scores run from 1 to 10, so the default was used.",
    ]


@pytest.mark.parametrize(("n", "problem"), [
    ("12", None),
    ("abc", "The number of key accounts in the link, 'abc', is not a number; the default was "
            "used."),
    ("0", "The number of key accounts in the link is 0; it is a whole number from 1 to 40, so "
          "the default was used."),
    ("7.5", "The number of key accounts in the link is 7.5; it is a whole number, so 7 was "
            "used."),
])
def test_the_number_of_key_accounts_in_a_link_is_checked_against_the_portfolio(n, problem):
    assert selection.validate_link({"n": n}, max_key_accounts=40) == ([problem] if problem else [])


def test_criteria_named_by_key_are_translated_to_the_pickers_labels():
    assert selection.link_criteria_as_labels(["solvency", "Product fit", "loyalty"]) == [
        "Solvency", "Product fit", "loyalty"]
    assert selection.link_criteria_as_labels(["Solvency", "Product fit"]) is None
    assert selection.link_criteria_as_labels([]) is None


def test_default_weights_use_known_criteria_within_the_slider_range():
    from kamdash import criteria

    assert criteria.unknown_keys(selection.DEFAULT_WEIGHTS) == []
    assert all(selection.WEIGHT_MIN <= w <= selection.WEIGHT_MAX
               for w in selection.DEFAULT_WEIGHTS.values())


def test_link_params_reopen_a_top_n_scenario():
    params = selection.link_params({"solvency": 7, "tenure": 2}, "ignore", Rule("top_n", n=12))
    assert params == {
        "criteria": ["solvency", "tenure"],
        "w_solvency": ["7"],
        "w_tenure": ["2"],
        "missing": ["ignore"],
        "rule": ["top_n"],
        "n": ["12"],
    }
    assert selection.validate_link(params) == []


def test_link_params_of_a_threshold_scenario_carry_the_threshold():
    params = selection.link_params({"solvency": 1}, "floor", Rule("threshold", threshold=6.5))
    assert params["rule"] == ["threshold"] and params["threshold"] == ["6.5"]
    assert "n" not in params


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "Give the scenario a name."), ("   ", "Give the scenario a name."),
     ("x" * 81, "Keep the name under 80 characters (it has 81)."), ("Growth 2027", None)],
)
def test_scenario_names_must_be_present_and_short(name, problem):
    assert selection.scenario_name_problem(name) == problem


def test_a_saved_scenario_link_round_trips_through_the_stored_rule():
    query = selection.saved_link_query(
        {"solvency": 3}, {"kind": "threshold", "n": 20, "threshold": 6.5, "missing": "ignore"}
    )
    assert query == ("criteria=solvency&w_solvency=3&missing=ignore&rule=threshold"
                     "&threshold=6.5")
    assert selection.describe_weights({"solvency": 3, "tenure": 1.5}) == (
        "Solvency 3 · Customer tenure 1.5")


def test_evaluate_ranks_an_account_without_any_rating_and_can_demote_it():
    ratings = pd.DataFrame({"product_fit": [9.0, 7.0]}, index=[1, 2])  # account 3: no ratings
    accounts = pd.DataFrame(
        {"name": ["A", "B", "C"], "is_key": [False, False, True],
         "annual_revenue": [10.0, 20.0, 70.0]},
        index=[1, 2, 3],
    )
    out = selection.evaluate(ratings, accounts, {"product_fit": 1}, "floor", Rule("top_n", n=2))
    assert out.table.index.tolist() == [1, 2, 3]
    assert out.table["score"].tolist() == [9.0, 7.0, 1.0]  # unrated counts as the floor
    assert out.demoted["name"].tolist() == ["C"]
    assert out.key_count_today == 1
    assert out.key_revenue_share_today == pytest.approx(0.7)
