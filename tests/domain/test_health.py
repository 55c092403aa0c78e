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
    cov, single = health.coverage_measure(DATA.stakeholders, DATA.contacts, date(2026, 10, 31),
                                          IDS)
    assert cov.to_dict() == {1: 67.5, 2: 7.5, 3: 0.0}
    assert single.to_dict() == {1: False, 2: False, 3: False}  # one touch is not a thread


def test_coverage_measure_counts_only_contact_up_to_the_day():
    cov, _ = health.coverage_measure(DATA.stakeholders, DATA.contacts, date(2026, 9, 30), IDS)
    assert cov[1] == 37.5  # Ann last met in June by then: every role stale


def test_cadence_measure_counts_three_months_against_the_target_capped_at_100():
    targets = pd.Series([6.0, 3.0, 0.0], index=IDS)
    measure, touches = health.cadence_measure(DATA.touches, targets, OCT)
    assert touches.tolist() == [5.0, 5.0, 0.0]  # July's 10 lie outside Aug-Oct
    assert measure.tolist()[:2] == [pytest.approx(500 / 6), 100.0]
    assert np.isnan(measure[3])  # no cadence agreed: missing, not zero


def test_cadence_measure_counts_only_real_contact_when_the_touches_have_a_kind():
    by_kind = pd.DataFrame({"account_id": [1, 1, 1, 1], "month": [OCT] * 4,
                            "kind": ["visit", "email", "call", "qbr"],
                            "engagements": [1, 9, 2, 1]})
    measure, touches = health.cadence_measure(by_kind, pd.Series([6.0], index=[1]), OCT)
    assert touches.tolist() == [4.0]  # the nine e-mails are not contact
    assert measure.tolist() == [pytest.approx(400 / 6)]


def test_relationship_measure_weighs_stance_by_influence_of_active_people():
    measure, stance, people = health.relationship_measure(DATA.stakeholders, IDS)
    # Ann high (3) supporter +1, Ben low (1) non-supporter -1: (3 - 1) / 4 = +0.5 -> 75.
    assert measure.tolist()[:2] == [75.0, 50.0]
    assert np.isnan(measure[3])
    assert stance.tolist()[:2] == [0.5, 0.0]
    assert people.tolist() == [2, 1, 0]


def test_an_account_without_stakeholders_gets_health_with_coverage_0_not_an_error():
    # As the Account page passes them: every stakeholder of one account, here of none (an
    # empty text column stays text in pandas; its influence cannot be divided unless cast).
    nobody = DATA.stakeholders[DATA.stakeholders["account_id"] == 3]
    measure, stance, people = health.relationship_measure(nobody, IDS)
    assert measure.isna().all() and stance.isna().all() and people.tolist() == [0, 0, 0]
    data = health.HealthData(DATA.accounts.loc[[3]], nobody, DATA.contacts.iloc[:0],
                             DATA.touches, DATA.account_months)
    h = health.health_as_of(data, OCT).loc[3]
    assert h["coverage"] == 0.0 and np.isnan(h["relationship"])
    assert h["score"] == 0.0 and h["band"] == "red"
    assert "relationship (no active stakeholders recorded)" in health.explain(h)


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
    # 1: (25*100 + 25*50 + 15*100 + 20*100 + 15*100) / 100 = 87.5 (not rounded)
    # 2: (25*100 + 15*0) / 40 = 62.5
    assert out["score"].tolist()[:2] == [87.5, 62.5]
    assert np.isnan(out.loc[3, "score"])
    assert out["band"].tolist() == ["green", "yellow", None]
    assert out["missing"].tolist() == [
        "", "cadence,relationship,satisfaction", "coverage,cadence,relationship,satisfaction,"
        "revenue_trend"]


def test_score_is_banded_unrounded_and_shown_floored_so_number_and_band_agree():
    edges = [49.5, 49.7, 49.9, 50.0, 74.9, 75.0]
    out = health.score(pd.DataFrame({k: edges for k in health.MEASURES}))
    assert out["score"].tolist() == edges
    assert out["band"].tolist() == ["red", "red", "red", "yellow", "yellow", "green"]
    # The number a page shows: 49.7 is a red 49, never a red "50".
    assert health.points(out["score"]).tolist() == [49.0, 49.0, 49.0, 50.0, 74.0, 75.0]
    assert health.bands(health.points(out["score"])).tolist() == out["band"].tolist()
    assert health.points(49.7) == 49.0 and np.isnan(health.points(np.nan))


def test_floating_point_noise_does_not_push_a_measure_below_a_whole_point():
    # A survey answer of 6.6 is 100 * 3.6 / 6 = 60 on paper, 59.999999999 in floating point.
    months = pd.DataFrame({"account_id": [1], "month": [OCT], "satisfaction": [6.6],
                           "revenue": [np.nan]})
    data = health.HealthData(
        pd.DataFrame({"is_key": [False], "cadence_per_quarter": [0]}, index=[1]),
        DATA.stakeholders.iloc[:0], DATA.contacts.iloc[:0], DATA.touches.iloc[:0], months)
    h = health.health_as_of(data, OCT).loc[1]
    assert health.points(h["satisfaction"]) == 60.0
    # coverage 0 (nobody known, weight 25) and satisfaction 60 (20): 1200 / 45 = 26.67
    assert health.points(h["score"]) == 26.0


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
    # 1: (25*67.5 + 25*83.33 + 15*75 + 20*75 + 15*55) / 100 = 72.21
    # 2: (25*7.5 + 25*100 + 15*50 + 15*100) / 80 = 61.72; 3: coverage 0 alone
    assert h["score"].tolist() == pytest.approx([72.2083, 61.71875, 0.0], abs=1e-4)
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
    # (25*37.5 + 25*100 + 15*75 + 20*83.33 + 15*61.67) / 100 = 71.54
    assert sep["score"] == pytest.approx(71.5417, abs=1e-4)


def test_health_history_is_long_with_one_row_per_account_and_month():
    hist = health.health_history(DATA, [SEP, OCT])
    assert list(hist.columns[:2]) == ["account_id", "month"]
    assert list(zip(hist["account_id"], hist["month"], strict=True)) == [
        (1, SEP), (2, SEP), (3, SEP), (1, OCT), (2, OCT), (3, OCT)]
    assert health.points(hist.loc[hist["month"] == OCT, "score"]).tolist() == [72.0, 61.0, 0.0]


def test_score_change_names_the_measures_that_moved_the_score_most():
    change = health.score_change(health.health_history(DATA, [SEP, OCT]), OCT)
    # Measures in whole points: coverage 37 -> 67, cadence 100 -> 83, satisfaction 83 -> 75.
    assert change.loc[1, "moved_by"] == "Stakeholder coverage +30, Engagement vs cadence −17"
    # 71.54 -> 72.21: shown 71 -> 72, so the change is the +1 a reader sees.
    assert change.loc[1, "change"] == 1.0
    assert change.loc[3, "moved_by"] == ""


def measure_history(sep: dict[int, dict], oct_: dict[int, dict]) -> pd.DataFrame:
    """A two-month history from measures per account (a measure left out is missing)."""
    frames = []
    for month, rows in ((SEP, sep), (OCT, oct_)):
        m = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(health.MEASURES))
        frames.append(m.astype(float).join(health.score(m.astype(float))).assign(month=month))
    return pd.concat(frames).rename_axis("account_id").reset_index()


def test_score_change_explains_a_measure_that_drops_out_or_comes_in():
    same = {"coverage": 70, "cadence": 70, "relationship": 70, "revenue_trend": 70}
    half = {k: 50 for k in same}
    hist = measure_history(
        {1: same | {"satisfaction": 0}, 2: half, 3: {k: 60 for k in same}, 4: {}},
        {1: same, 2: half | {"satisfaction": 72.5},
         3: {k: 60 for k in same} | {"coverage": 80, "satisfaction": 90}, 4: {"cadence": 40}})
    change = health.score_change(hist, OCT)
    # 1: Sep (80 * 70 + 20 * 0) / 100 = 56, Oct 70: +14, all of it from the survey dropping out.
    assert change.loc[1, ["previous_score", "score", "change"]].tolist() == [56.0, 70.0, 14.0]
    assert change["moved_by"].to_dict() == {
        1: "Satisfaction no longer surveyed (was 0)",
        2: "Satisfaction now surveyed (72)",  # 50 -> 54.5: +4
        3: "Stakeholder coverage +20, Satisfaction now surveyed (90)",  # pulls 5 and 4.75
        4: "Engagement vs cadence now counted (40)",  # no score before: no change to show
    }
    assert change.loc[2, "change"] == 4.0 and np.isnan(change.loc[4, "change"])


def test_last_complete_month_is_the_month_before_today():
    assert health.last_complete_month(date(2026, 11, 15)) == M("2026-10-01")
    assert health.last_complete_month(date(2026, 1, 1)) == M("2025-12-01")


# --- reasons and the at-risk list ------------------------------------------------------------


def test_explain_names_the_weakest_measures_with_facts_and_what_is_missing():
    h = health.health_as_of(DATA, OCT)
    assert health.explain(h.loc[2]) == (
        "Watch. Weakest: stakeholder coverage 7; relationship 50 (average stance +0.0, weighted by "
        "influence). Not counted: satisfaction (no survey answer in the last three months).")
    assert health.explain(h.loc[1]).startswith(
        "Watch. Weakest: revenue trend 55 (last three months down 10% on the three before); "
        "stakeholder coverage 67.")


def test_explain_without_any_measure_says_so():
    row = pd.Series({k: np.nan for k in health.MEASURES} | {"score": np.nan})
    assert health.explain(row) == "No health score: none of the measures has data yet."


def test_at_risk_lists_red_slipped_and_yellow_declining_accounts_lowest_first():
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
    declining = pd.Series({1: "Health falling: 50 → 45 → 40",
                           3: "Engagements down 50% on the quarter before: 8 → 4",
                           5: "Health falling: 99 → 95 → 90"})
    out = health.at_risk(change, accounts, declining)
    assert out.index.tolist() == [1, 3, 2]  # 4: yellow but steady; 5: falling but green
    assert_series_equal(out["why"], pd.Series(
        ["In the red band",
         "Watch, and declining: Engagements down 50% on the quarter before: 8 → 4",
         "Slipped from Healthy to Watch"], index=[1, 3, 2], name="why"), check_dtype=False)
    assert health.at_risk(change, accounts).index.tolist() == [1, 2]


# --- single-threaded accounts are capped at Watch --------------------------------------------


def single_threaded_account(touches_with_ann: int) -> health.HealthData:
    """Account 1 known well (every role, supporters, surveyed, cadence kept), but the last
    quarter's contacts were all with Ann (contact months: a row per person and month with
    the month's count)."""
    accounts = pd.DataFrame({"is_key": [True], "cadence_per_quarter": [3]},
                            index=pd.Index([1], name="account_id"))
    people = pd.DataFrame({
        "stakeholder_id": [11, 12], "account_id": [1, 1], "name": ["Ann", "Ben"],
        "roles": ["decision_maker;buyer", "influencer;user;ambassador"],
        "influence": ["high", "high"], "stance": [2, 2], "active": [True, True]})
    contact_months = pd.DataFrame({
        "account_id": [1, 1], "stakeholder_id": [12, 11],
        "month": [M("2026-05-01"), OCT], "engagements": [1, touches_with_ann],
        "last_contact": pd.to_datetime(["2026-05-10", "2026-10-20"])})
    touches = pd.DataFrame({"account_id": [1], "month": [OCT], "engagements": [9]})
    months = pd.date_range("2026-04-01", "2026-10-01", freq="MS")
    account_months = pd.DataFrame({"account_id": 1, "month": months, "revenue": 100.0,
                                   "satisfaction": 9.0})
    return health.health_data(accounts, people, contact_months, touches, account_months)


@pytest.mark.parametrize(("touches_with_ann", "single", "score", "band"), [
    (2, False, 91, "green"),  # two touches say little: not single-threaded, Healthy
    (3, True, 74, "yellow"),  # three, all with Ann: Watch at best
    (9, True, 74, "yellow"),
])
def test_a_single_threaded_account_scores_watch_at_best(touches_with_ann, single, score, band):
    h = health.health_as_of(single_threaded_account(touches_with_ann), OCT).loc[1]
    assert bool(h["single_threaded"]) is single
    assert (health.points(h["score"]), h["band"]) == (score, band)
    assert bool(h["capped"]) is single
    assert ("capped at 74: single-threaded" in health.explain(h)) is single


def test_the_cap_is_named_as_what_moved_the_score():
    data = single_threaded_account(4)
    history = health.health_history(data, [M("2026-05-01"), M("2026-06-01")])
    moved = health.score_change(history, M("2026-06-01"))["moved_by"].iloc[0]
    assert "Single-threaded" not in moved  # nobody met lately in May or June: no thread
    history = health.health_history(data, [SEP, OCT])
    change = health.score_change(history, OCT).iloc[0]
    assert change["moved_by"].startswith("Single-threaded (capped at 74)")
    assert change["band"] == "yellow"
    both = single_threaded_account(4)
    both = health.HealthData(both.accounts, both.stakeholders, pd.concat([
        both.contacts, both.contacts[both.contacts["stakeholder_id"] == 11].assign(
            month=SEP, date=M("2026-09-20"))]),
        pd.concat([both.touches, both.touches.assign(month=SEP)]), both.account_months)
    change = health.score_change(health.health_history(both, [SEP, OCT]), OCT).iloc[0]
    assert change["change"] == 0
    assert change["moved_by"] == "Still single-threaded (capped at 74)"


def test_health_data_keeps_the_accounts_and_the_months_asked_for():
    d = health.health_data(DATA.accounts, DATA.stakeholders,
                           pd.DataFrame({"account_id": [1, 2, 1], "stakeholder_id": [11, 21, 11],
                                         "month": [M("2025-01-01"), OCT, OCT],
                                         "engagements": [1, 1, 2],
                                         "last_contact": [M("2025-01-09"), M("2026-10-02"),
                                                          M("2026-10-05")]}),
                           DATA.touches, DATA.account_months, first_month=OCT, account_ids=[1])
    assert d.accounts.index.tolist() == [1]
    assert d.stakeholders["stakeholder_id"].tolist() == [11, 12, 13]
    assert d.contacts["date"].tolist() == [M("2026-10-05")]  # Jan 2025 is before Jan 2026
    assert d.touches["engagements"].tolist() == [10, 2, 1, 2]
    assert set(d.account_months["account_id"]) == {1}
