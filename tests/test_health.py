"""kamdash.health on a tiny hand-built portfolio: every measure, the score, bands, history."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_series_equal

from kamdash import health

M = pd.Timestamp
OCT, SEP = M("2026-10-01"), M("2026-09-01")


def portfolio() -> health.HealthData:
    """Account 1: key, default cadence, well known; 2: own cadence 3, one person, never
    surveyed; 3: no cadence agreed (0), nobody known, revenue and a survey long ago and in
    October only."""
    accounts = pd.DataFrame({"name": ["One", "Two", "Three"], "is_key": [True, False, False],
                             "cadence_per_quarter": [None, 3, 0]},
                            index=pd.Index([1, 2, 3], name="account_id"))
    stakeholders = pd.DataFrame({
        "stakeholder_id": [11, 12, 13, 21],
        "account_id": [1, 1, 1, 2],
        "name": ["Ann", "Ben", "Cat", "Dan"],
        "roles": ["decision_maker;buyer", "influencer", "user", "user"],
        "influence": ["high", "low", "high", "medium"],
        "stance": [1, -1, -2, 0],
        "active": [True, True, False, True],
    })
    contacts = pd.DataFrame({"account_id": [1, 1], "stakeholder_id": [11, 11],
                             "date": pd.to_datetime(["2026-06-01", "2026-10-05"])})
    touches = pd.DataFrame({
        "account_id": [1, 1, 1, 1, 2],
        "month": [M("2026-07-01"), M("2026-08-01"), M("2026-09-01"), OCT, OCT],
        "engagements": [10, 2, 1, 2, 5],
    })
    months = pd.date_range("2026-04-01", "2026-10-01", freq="MS")
    rows = [(1, m, 100.0 if m < M("2026-08-01") else 90.0, s)
            for m, s in zip(months, [np.nan] * 4 + [8.0, np.nan, 7.0], strict=True)]
    rows += [(2, m, 100.0 if m < M("2026-08-01") else 120.0, np.nan) for m in months]
    rows += [(3, M("2026-04-01"), 50.0, 9.0), (3, OCT, 70.0, np.nan)]
    account_months = pd.DataFrame(rows, columns=["account_id", "month", "revenue",
                                                 "satisfaction"])
    return health.HealthData(accounts, stakeholders, contacts, touches, account_months)


DATA = portfolio()
IDS = DATA.accounts.index


# --- bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize("score, expected", [
    (0, "red"), (49.9, "red"), (50, "yellow"), (74.9, "yellow"), (75, "green"), (100, "green"),
    (None, None), (np.nan, None),
])
def test_band_edges_red_below_50_green_from_75(score, expected):
    assert health.band(score) == expected


def test_bands_of_a_series_match_band_and_keep_missing_missing():
    values = pd.Series([49.9, 50.0, 74.9, 75.0, np.nan])
    assert health.bands(values).tolist() == ["red", "yellow", "yellow", "green", None]


def test_band_counts_give_every_band_even_when_empty():
    counts = health.band_counts(pd.Series(["green", "red", "green", None]))
    assert counts.to_dict() == {"green": 2, "yellow": 0, "red": 1, "none": 1}


# --- the measures ----------------------------------------------------------------------------


def test_coverage_measure_weighs_roles_and_halves_stale_ones_and_knowing_nobody_scores_0():
    # Ann (decision maker and buyer) met 26 days before the end of October: 30 + 30; Ben
    # (influencer) never met: half of 15; Cat left: her user role is not covered.
    cov = health.coverage_measure(DATA.stakeholders, DATA.contacts, date(2026, 10, 31), IDS)
    assert cov.to_dict() == {1: 67.5, 2: 7.5, 3: 0.0}


def test_coverage_measure_counts_only_contact_up_to_the_day():
    cov = health.coverage_measure(DATA.stakeholders, DATA.contacts, date(2026, 9, 30), IDS)
    assert cov[1] == 37.5  # Ann last met in June by then: every role stale


def test_coverage_falls_back_to_the_share_of_roles_held_without_the_coverage_module(
        monkeypatch):
    monkeypatch.setattr(health, "_coverage_scores", None)
    cov = health.coverage_measure(DATA.stakeholders, DATA.contacts, date(2026, 10, 31), IDS)
    assert cov.to_dict() == {1: 60.0, 2: 20.0, 3: 0.0}  # 3 of 5 roles, 1 of 5, none


def test_cadence_measure_counts_three_months_against_the_target_capped_at_100():
    targets = pd.Series([6.0, 3.0, 0.0], index=IDS)
    measure, touches = health.cadence_measure(DATA.touches, targets, OCT)
    assert touches.tolist() == [5.0, 5.0, 0.0]  # July's 10 lie outside Aug-Oct
    assert measure.tolist()[:2] == [pytest.approx(500 / 6), 100.0]
    assert np.isnan(measure[3])  # no cadence agreed: missing, not zero


def test_relationship_measure_weighs_stance_by_influence_of_active_people():
    measure, stance, people = health.relationship_measure(DATA.stakeholders, IDS)
    # Ann high (3) supporter +1, Ben low (1) non-supporter -1: (3 - 1) / 4 = +0.5 -> 75.
    assert measure.tolist()[:2] == [75.0, 50.0]
    assert np.isnan(measure[3])
    assert stance.tolist()[:2] == [0.5, 0.0]
    assert people.tolist() == [2, 1, 0]


def test_relationship_measure_full_marks_for_supporters_and_zero_for_non_supporters():
    people = pd.DataFrame({"account_id": [1, 2, 3], "stance": [2, -1, -2],
                           "influence": ["low"] * 3, "active": [True] * 3})
    measure, _, _ = health.relationship_measure(people, pd.Index([1, 2, 3]))
    assert measure.tolist() == [100.0, 0.0, 0.0]


def test_satisfaction_measure_scales_the_mean_answer_of_the_last_three_months():
    measure, answer = health.satisfaction_measure(DATA.account_months, OCT, IDS)
    assert answer[1] == 7.5
    assert measure[1] == pytest.approx(100 * (7.5 - 3) / 6)  # 75
    assert np.isnan(measure[2]) and np.isnan(measure[3])  # never surveyed / only in April


def test_satisfaction_measure_full_marks_from_9_and_none_from_3_down():
    months = pd.DataFrame({"account_id": [1, 2, 3], "month": [OCT] * 3,
                           "satisfaction": [9.5, 3.0, 6.0], "revenue": 0.0})
    measure, _ = health.satisfaction_measure(months, OCT, pd.Index([1, 2, 3]))
    assert measure.tolist() == [100.0, 0.0, 50.0]


def test_revenue_trend_measure_compares_last_three_months_with_the_three_before():
    measure, change = health.revenue_trend_measure(DATA.account_months, OCT, IDS)
    assert change[1] == pytest.approx(-0.10)
    assert measure[1] == pytest.approx(health.REVENUE_FLAT_SCORE - 10 * 2)  # -10% -> 55
    assert measure[2] == 100.0  # +20%, capped
    assert np.isnan(measure[3])  # nothing recorded in May-July to compare with


def test_revenue_trend_flat_scores_the_flat_score():
    months = pd.DataFrame({"account_id": 1, "month": pd.date_range("2026-05-01", periods=6,
                                                                   freq="MS"),
                           "revenue": 10.0, "satisfaction": np.nan})
    measure, _ = health.revenue_trend_measure(months, OCT, pd.Index([1]))
    assert measure.tolist() == [health.REVENUE_FLAT_SCORE]


# --- score -----------------------------------------------------------------------------------


def test_score_is_the_weighted_mean_of_available_measures_missing_left_out_not_zero():
    measures = pd.DataFrame({
        "coverage": [100.0, 100.0, np.nan],
        "cadence": [50.0, np.nan, np.nan],
        "relationship": [100.0, np.nan, np.nan],
        "satisfaction": [100.0, np.nan, np.nan],
        "revenue_trend": [100.0, 0.0, np.nan],
    }, index=[1, 2, 3])
    out = health.score(measures)
    # 1: (25*100 + 25*50 + 15*100 + 20*100 + 15*100) / 100 = 87.5 -> 88 (halves up)
    # 2: (25*100 + 15*0) / 40 = 62.5 -> 63
    assert out["score"].tolist()[:2] == [88.0, 63.0]
    assert np.isnan(out.loc[3, "score"])
    assert out["band"].tolist() == ["green", "yellow", None]
    assert out["missing"].tolist() == [
        "", "cadence,relationship,satisfaction", "coverage,cadence,relationship,satisfaction,"
        "revenue_trend"]


def test_score_rounds_to_whole_points_so_the_shown_number_decides_the_band():
    measures = pd.DataFrame({k: [49.4, 49.5, 74.5] for k in health.MEASURES})
    out = health.score(measures)
    assert out["score"].tolist() == [49.0, 50.0, 75.0]
    assert out["band"].tolist() == ["red", "yellow", "green"]


def test_score_takes_other_weights():
    measures = pd.DataFrame({"coverage": [100.0], "cadence": [0.0], "relationship": [0.0],
                             "satisfaction": [0.0], "revenue_trend": [0.0]})
    weights = {"coverage": 1, "cadence": 1, "relationship": 0, "satisfaction": 0,
               "revenue_trend": 0}
    assert health.score(measures, weights)["score"].tolist() == [50.0]


def test_health_as_of_october_combines_the_measures_of_every_account():
    h = health.health_as_of(DATA, date(2026, 10, 15))
    assert h.index.tolist() == [1, 2, 3]
    assert h.loc[1, ["coverage", "relationship", "satisfaction"]].tolist() == [67.5, 75.0, 75.0]
    # 1: (25*67.5 + 25*83.33 + 15*75 + 20*75 + 15*55) / 100 = 72.2
    # 2: (25*7.5 + 25*100 + 15*50 + 15*100) / 80 = 61.7; 3: coverage 0 alone
    assert h["score"].tolist() == [72.0, 62.0, 0.0]
    assert h["band"].tolist() == ["yellow", "yellow", "red"]
    assert h["missing"].tolist() == ["", "satisfaction",
                                     "cadence,relationship,satisfaction,revenue_trend"]
    assert h.loc[1, ["touches", "target", "survey"]].tolist() == [5, 6.0, 7.5]


def test_health_as_of_a_past_month_ignores_what_came_later():
    sep = health.health_as_of(DATA, SEP).loc[1]
    # End of September: Ann's October meeting has not happened; July's 10 touches count;
    # revenue Jul-Sep (100, 90, 90) against Apr-Jun (100 each); August's survey only.
    assert sep["coverage"] == 37.5
    assert sep["cadence"] == 100.0
    assert sep["revenue_change"] == pytest.approx(-1 / 15)
    assert sep["satisfaction"] == pytest.approx(100 * (8 - 3) / 6)
    # (25*37.5 + 25*100 + 15*75 + 20*83.33 + 15*61.67) / 100 = 71.5 -> 72
    assert sep["score"] == 72.0


def test_health_history_is_long_with_one_row_per_account_and_month():
    hist = health.health_history(DATA, [SEP, OCT])
    assert list(hist.columns[:2]) == ["account_id", "month"]
    assert list(zip(hist["account_id"], hist["month"], strict=True)) == [
        (1, SEP), (2, SEP), (3, SEP), (1, OCT), (2, OCT), (3, OCT)]
    assert hist.loc[hist["month"] == OCT, "score"].tolist() == [72.0, 62.0, 0.0]


def test_score_change_names_the_measures_that_moved_the_score_most():
    change = health.score_change(health.health_history(DATA, [SEP, OCT]), OCT)
    assert change.loc[1, "moved_by"] == "Stakeholder coverage +30, Engagement vs cadence −17"
    assert change.loc[1, ["score", "previous_score", "change"]].tolist() == [72.0, 72.0, 0.0]
    assert change.loc[3, "moved_by"] == ""


def test_last_complete_month_is_the_month_before_today():
    assert health.last_complete_month(date(2026, 11, 15)) == M("2026-10-01")
    assert health.last_complete_month(date(2026, 1, 1)) == M("2025-12-01")


# --- reasons and the at-risk list ------------------------------------------------------------


def test_explain_names_the_weakest_measures_with_facts_and_what_is_missing():
    h = health.health_as_of(DATA, OCT)
    assert health.explain(h.loc[2]) == (
        "Watch. Weakest: stakeholder coverage 8; relationship 50 (average stance +0.0, weighted by "
        "influence). Not counted: satisfaction (no survey answer in the last three months).")
    assert health.explain(h.loc[1]).startswith(
        "Watch. Weakest: revenue trend 55 (last three months down 10% on the three before); "
        "stakeholder coverage 68.")


def test_explain_without_any_measure_says_so():
    row = pd.Series({k: np.nan for k in health.MEASURES} | {"score": np.nan})
    assert health.explain(row) == "No health score: none of the measures has data yet."


def test_at_risk_lists_red_slipped_and_yellow_falling_accounts_lowest_first():
    change = pd.DataFrame({
        "score": [40.0, 70.0, 65.0, 60.0, 90.0],
        "previous_score": [45.0, 80.0, 70.0, 62.0, 95.0],
        "change": [-5.0, -10.0, -5.0, -2.0, -5.0],
        "band": ["red", "yellow", "yellow", "yellow", "green"],
        "previous_band": ["red", "green", "yellow", "yellow", "green"],
        "moved_by": "",
    }, index=[1, 2, 3, 4, 5])
    accounts = pd.DataFrame({"name": list("ABCDE"), "manager": "Ann", "is_key": True},
                            index=[1, 2, 3, 4, 5])
    falling = pd.Series([True, False, True, False, True], index=[1, 2, 3, 4, 5])
    out = health.at_risk(change, accounts, falling)
    assert out.index.tolist() == [1, 3, 2]
    assert_series_equal(out["why"], pd.Series(
        ["In the red band", "Yellow, and falling two months running",
         "Slipped from Healthy to Watch"], index=[1, 3, 2], name="why"), check_dtype=False)
    assert health.at_risk(change, accounts).index.tolist() == [1, 2]
