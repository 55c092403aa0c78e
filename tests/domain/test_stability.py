"""How sure a key account is: its share of draws with uncertain weights, and tipping points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamdash import selection
from kamdash.scoring import score_accounts
from kamdash.selection import Capacity, Rule
from kamdash.stability import key_probability, stability_label, tipping_points

# Ids out of order, and two accounts (5 and 2) with identical ratings: ties go to the lower id.
RATINGS = pd.DataFrame(
    {"solvency": [8.0, 5.0, 2.0, 6.0, 5.0, np.nan],
     "tenure": [2.0, 5.0, 8.0, 4.0, 5.0, 7.0],
     "product_fit": [5.0, 6.0, 4.0, np.nan, 6.0, 9.0]},
    index=[5, 3, 1, 4, 2, 6],
)


def reference(ratings, weights, rule, missing, spread, draws, seed, capacity=None):
    """The slow way: score_accounts per draw, with the same random factors."""
    positive = [k for k, w in weights.items() if w > 0]
    factors = np.random.default_rng(seed).uniform(1 - spread, 1 + spread,
                                                  size=(draws, len(positive)))
    counts = pd.Series(0.0, index=ratings.index)
    for f in factors:
        w = {**weights, **dict(zip(positive, np.array([weights[k] for k in positive]) * f,
                                   strict=True))}
        ranked = score_accounts(ratings, w, missing)
        counts += selection.select_key_accounts(ranked, rule, capacity).reindex(
            ratings.index).astype(float)
    return counts / draws


@pytest.mark.parametrize("missing", ["floor", "ignore"])
@pytest.mark.parametrize("rule", [Rule("top_n", n=2), Rule("top_n", n=9),
                                  Rule("threshold", threshold=5.2)])
def test_each_draw_scores_and_selects_as_score_accounts_does(missing, rule):
    weights = {"solvency": 3, "tenure": 2, "product_fit": 1, "partnership": 0}
    got = key_probability(RATINGS, weights, rule, missing, spread=0.5, draws=200, seed=3)
    pd.testing.assert_series_equal(
        got, reference(RATINGS, weights, rule, missing, 0.5, 200, 3), check_names=False)
    assert list(got.index) == [5, 3, 1, 4, 2, 6]


def test_the_capacity_rule_is_applied_per_draw():
    capacity = Capacity(manager_of=pd.Series([1.0, 1.0, 2.0, np.nan, 2.0, 1.0],
                                             index=[5, 3, 1, 4, 2, 6]),
                        seats=pd.Series([1, 1], index=[1, 2]))
    weights = {"solvency": 3, "tenure": 2}
    got = key_probability(RATINGS, weights, Rule("capacity"), spread=0.6, draws=100,
                          capacity=capacity)
    want = reference(RATINGS, weights, Rule("capacity"), "floor", 0.6, 100, 0, capacity)
    pd.testing.assert_series_equal(got, want, check_names=False)
    assert got.sum() == pytest.approx(2.0)  # one seat per KAM, every draw
    assert got[4] == 0.0  # no KAM, never key


def test_no_spread_gives_exactly_todays_selection():
    got = key_probability(RATINGS, {"solvency": 1, "tenure": 1}, Rule("top_n", n=2), spread=0)
    # scores: 5 -> 5, 3 -> 5, 1 -> 5, 4 -> 5, 2 -> 5, 6 -> 4: five-way tie, lowest ids win
    assert got.to_dict() == {5: 0.0, 3: 0.0, 1: 1.0, 4: 0.0, 2: 1.0, 6: 0.0}


def test_a_coin_flip_account_is_key_in_about_half_the_draws():
    ratings = pd.DataFrame({"solvency": [8.0, 5.0], "tenure": [2.0, 5.0]}, index=[1, 2])
    got = key_probability(ratings, {"solvency": 1, "tenure": 1}, Rule("top_n", n=1),
                          draws=4000)
    # A scores above 5 exactly when solvency's factor beats tenure's: half the time.
    assert got[1] == pytest.approx(0.5, abs=0.04)
    assert got[1] + got[2] == pytest.approx(1.0)  # one key account in every draw


def test_zero_weights_stay_zero():
    ratings = pd.DataFrame({"solvency": [9.0, 1.0], "tenure": [1.0, 10.0]}, index=[1, 2])
    got = key_probability(ratings, {"solvency": 1, "tenure": 0}, Rule("top_n", n=1),
                          spread=0.9)
    assert got.to_dict() == {1: 1.0, 2: 0.0}


def test_the_same_seed_gives_the_same_answer_and_another_seed_may_differ():
    weights, rule = {"solvency": 3, "tenure": 3, "product_fit": 3}, Rule("top_n", n=3)
    one = key_probability(RATINGS, weights, rule, draws=300, seed=1)
    pd.testing.assert_series_equal(one, key_probability(RATINGS, weights, rule, draws=300,
                                                        seed=1))
    assert not one.equals(key_probability(RATINGS, weights, rule, draws=300, seed=2))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"spread": -0.1}, r"spread must be within \[0, 1\), got -0.1"),
    ({"spread": 1.0}, r"spread must be within \[0, 1\), got 1.0"),
    ({"draws": 0}, "draws must be a whole number of at least 1, got 0"),
    ({"weights": {"charisma": 1}}, "unknown criterion key"),
    ({"weights": {"solvency": 0}}, "all weights are zero"),
    ({"missing": "zero"}, "missing must be one of"),
])
def test_bad_arguments_are_refused_naming_the_cause(kwargs, message):
    args = {"ratings": RATINGS, "weights": {"solvency": 1}, "rule": Rule("top_n", n=2),
            **kwargs}
    with pytest.raises(ValueError, match=message):
        key_probability(**args)


def test_out_of_range_ratings_are_refused_as_score_accounts_refuses_them():
    with pytest.raises(ValueError, match="outside 1..10"):
        key_probability(RATINGS.assign(tenure=11.0), {"tenure": 1}, Rule("top_n", n=1))


@pytest.mark.parametrize(("p", "label"), [(1.0, "solid key"), (0.9, "solid key"),
                                          (0.89, "borderline"), (0.11, "borderline"),
                                          (0.1, "solid out"), (0.0, "solid out")])
def test_stability_labels(p, label):
    assert stability_label(pd.Series([p])).tolist() == [label]


def test_tipping_points_name_the_smallest_single_change_in_words():
    ratings = pd.DataFrame({"solvency": [9.0, 6.0, 2.0], "tenure": [3.0, 6.0, 9.0]},
                           index=[1, 2, 3])
    names = pd.Series({1: "Acme", 2: "Bolt", 3: "Core"})
    found = tipping_points(ratings, {"solvency": 5, "tenure": 5}, Rule("top_n", n=1), names)
    # Now Acme 6.0, Bolt 6.0, Core 5.5: Acme is key on the id tie. Solvency 4 makes Bolt
    # key (Acme 5.67, Bolt 6.0, Core 5.89), 3 or less Core (Acme 5.25, Bolt 6.0, Core 6.38);
    # Tenure 6 would also make Bolt key, but the same distance goes to the first criterion.
    assert found["sentence"].to_dict() == {
        1: "Acme drops out if Solvency weighs 4 or less (now 5).",
        2: "Bolt becomes key if Solvency weighs 4 (now 5).",
        3: "Core becomes key if Solvency weighs 3 or less (now 5).",
    }
    assert found.loc[1, "tipping_weight"] == 4 and bool(found.loc[1, "key"])
