"""kamdash.engagement on small hand-built frames: monthly series, cadence, declining, KAM load."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from kamdash import engagement as eg

M = pd.Timestamp  # a month start, for short literals


def counts(rows, by=None):
    cols = ([by] if by else []) + ["month", "kind", "engagements"]
    return pd.DataFrame(rows, columns=cols).assign(month=lambda t: pd.to_datetime(t["month"]))


def accounts(rows):
    """rows: (account_id, name, is_key, cadence_per_quarter, manager_id, manager)."""
    df = pd.DataFrame(rows, columns=["account_id", "name", "is_key", "cadence_per_quarter",
                                     "manager_id", "manager"])
    return df.set_index("account_id")


# --- months and monthly series ---------------------------------------------------------------


def test_month_start_and_range_cover_every_month_inclusive():
    assert eg.month_start(date(2026, 3, 17)) == M("2026-03-01")
    assert list(eg.month_range(date(2025, 11, 30), date(2026, 2, 1))) == [
        M("2025-11-01"), M("2025-12-01"), M("2026-01-01"), M("2026-02-01")]


def test_monthly_by_kind_shows_empty_months_as_zero_not_missing():
    raw = counts([("2026-01-01", "visit", 2), ("2026-01-01", "email", 1),
                  ("2026-03-01", "call", 4)])
    wide = eg.monthly_by_kind(raw, date(2026, 1, 1), date(2026, 4, 30))
    expected = pd.DataFrame(
        {"visit": [2, 0, 0, 0], "meeting": [0, 0, 0, 0], "call": [0, 0, 4, 0],
         "qbr": [0, 0, 0, 0], "workshop": [0, 0, 0, 0], "email": [1, 0, 0, 0],
         "engagements": [3, 0, 4, 0]},
        index=pd.DatetimeIndex(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"],
                               name="month").astype("datetime64[ns]"),
    ).astype("int64")
    assert_frame_equal(wide, expected, check_freq=False)


def test_monthly_by_kind_ignores_months_outside_the_range():
    raw = counts([("2025-12-01", "visit", 9), ("2026-01-01", "visit", 1)])
    wide = eg.monthly_by_kind(raw, date(2026, 1, 1), date(2026, 1, 1))
    assert wide["engagements"].tolist() == [1]


def test_monthly_by_kind_per_group_gives_every_group_every_month():
    raw = counts([(7, "2026-01-01", "call", 1), (7, "2026-01-01", "call", 2),
                  (9, "2026-02-01", "qbr", 1)], by="account_id")
    wide = eg.monthly_by_kind(raw, date(2026, 1, 1), date(2026, 2, 1), by="account_id",
                              groups=[9, 7, 11])
    assert wide.index.tolist() == [(7, M("2026-01-01")), (7, M("2026-02-01")),
                                   (9, M("2026-01-01")), (9, M("2026-02-01")),
                                   (11, M("2026-01-01")), (11, M("2026-02-01"))]
    assert wide["engagements"].tolist() == [3, 0, 0, 1, 0, 0]
    assert wide["call"].tolist() == [3, 0, 0, 0, 0, 0]


def test_monthly_trend_sums_accounts_and_keeps_unrecorded_satisfaction_and_revenue_missing():
    raw = counts([(1, "2026-01-01", "visit", 1), (2, "2026-01-01", "visit", 2),
                  (2, "2026-03-01", "email", 1)], by="account_id")
    touched = pd.DataFrame({"account_id": [1, 2], "month": [M("2026-01-01")] * 2,
                            "stakeholders_touched": [1, 2]})
    months = pd.DataFrame({
        "account_id": [1, 2, 1, 2],
        "month": [M("2026-01-01"), M("2026-01-01"), M("2026-02-01"), M("2026-02-01")],
        "revenue": [100.0, 50.0, 80.0, 0.0],
        "satisfaction": [8.0, 6.0, np.nan, np.nan],
    })
    trend = eg.monthly_trend(raw, touched, months, date(2026, 1, 1), date(2026, 3, 31))
    assert trend["engagements"].tolist() == [3, 0, 1]
    assert trend["visit"].tolist() == [3, 0, 0]
    assert trend["stakeholders_touched"].tolist() == [3, 0, 0]
    assert_series_equal(trend["satisfaction"], pd.Series([7.0, np.nan, np.nan],
                        index=trend.index, name="satisfaction"))
    assert_series_equal(trend["revenue"], pd.Series([150.0, 80.0, np.nan], index=trend.index,
                                                    name="revenue"))


def test_summarise_trend_leaves_out_the_month_in_progress():
    idx = eg.month_range(date(2026, 1, 1), date(2026, 7, 1))
    trend = pd.DataFrame({"engagements": [1, 2, 3, 4, 5, 6, 100],
                          "stakeholders_touched": [1, 1, 1, 2, 2, 5, 100],
                          "satisfaction": [7.0, 7, 7, 8, np.nan, 6, 1],
                          "revenue": [10.0, 10, 10, 20, 20, 20, 0]}, index=idx)
    s = eg.summarise_trend(trend)
    assert s == eg.TrendSummary(months=3, engagements=15, previous_engagements=6,
                                people_per_month=3.0, satisfaction=7.0, revenue=60.0)
    assert eg.summarise_trend(trend.head(4)).previous_engagements is None


# --- cadence ---------------------------------------------------------------------------------


ACCOUNTS = accounts([
    (1, "Key default", True, None, 10, "Ann"),
    (2, "Other default", False, None, 10, "Ann"),
    (3, "Key with own cadence", True, 12, 11, "Bob"),
    (4, "No cadence agreed", False, 0, None, None),
])


def test_cadence_targets_take_the_tier_default_unless_the_account_has_its_own():
    assert eg.cadence_targets(ACCOUNTS).tolist() == [
        eg.KEY_TOUCHES_PER_QUARTER, eg.OTHER_TOUCHES_PER_QUARTER, 12.0, 0.0]
    assert eg.cadence_targets(ACCOUNTS, key_target=4, other_target=2).tolist() == [4, 2, 12, 0]


def test_cadence_targets_without_a_cadence_column_take_the_tier_default_of_every_account():
    tiers = ACCOUNTS.drop(columns="cadence_per_quarter")
    assert_series_equal(eg.cadence_targets(tiers), pd.Series(
        [6.0, 1.0, 6.0, 1.0], index=ACCOUNTS.index, name="target"))


def test_cadence_kinds_are_real_contact_not_e_mail():
    assert set(eg.CADENCE_KINDS) == set(eg.KINDS) - {"email"}
    assert eg.cadence_kinds_text() == "visit, meeting, call, QBR or workshop"


def test_cadence_compliance_compares_touches_in_the_window_with_the_target():
    touches = pd.DataFrame({"account_id": [1, 3, 4], "touches": [6, 5, 0],
                            "previous_touches": [0, 0, 0],
                            "last_touch": pd.to_datetime(["2026-11-10", "2026-11-14",
                                                          "2026-01-01"])})
    c = eg.cadence_compliance(ACCOUNTS, touches, date(2026, 11, 15))
    assert c["target"].tolist() == [6.0, 1.0, 12.0, 0.0]
    assert c["touches"].tolist() == [6, 0, 5, 0]
    assert c["behind"].tolist() == [False, True, True, False]  # no cadence: never behind
    assert c["touches_short"].tolist() == [0, 1, 7, 0]
    assert c["compliance"].tolist()[:3] == [1.0, 0.0, 5 / 12]
    assert np.isnan(c["compliance"].iloc[3])
    assert c["days_since_touch"].tolist()[0] == 5.0
    assert np.isnan(c["days_since_touch"].iloc[1])  # never touched


def test_overdue_lists_key_accounts_first_then_the_furthest_behind():
    touches = pd.DataFrame({"account_id": [3], "touches": [5], "previous_touches": [0],
                            "last_touch": pd.to_datetime(["2026-11-14"])})
    c = eg.cadence_compliance(ACCOUNTS, touches, date(2026, 11, 15))
    late = eg.overdue(c, ACCOUNTS)
    assert late.index.tolist() == [1, 3, 2]
    assert late["name"].tolist() == ["Key default", "Key with own cadence", "Other default"]


# --- declining -------------------------------------------------------------------------------


def test_engagement_drop_flags_a_fall_by_a_third_or_more_from_enough_engagements():
    # Engagements of every kind decide it; the touches (contact only) play no part here.
    touches = pd.DataFrame({"account_id": [1, 2, 3, 4, 5], "engagements": [3, 4, 5, 0, 9],
                            "previous_engagements": [6, 6, 6, 2, 0], "touches": 0,
                            "previous_touches": 9, "last_touch": pd.NaT})
    d = eg.engagement_drop(touches)
    assert d["dropped"].tolist() == [True, True, False, False, False]
    assert d["change"].tolist()[:4] == pytest.approx([-0.5, -1 / 3, -1 / 6, -1.0])
    assert np.isnan(d["change"].iloc[4])


def history(scores: dict[int, list[float]], last: str = "2026-10-01") -> pd.DataFrame:
    months = eg.month_range(M(last) - pd.DateOffset(months=2), M(last))
    return pd.DataFrame([(a, m, s) for a, values in scores.items()
                         for m, s in zip(months, values, strict=True)],
                        columns=["account_id", "month", "score"])


def test_health_falling_is_decided_on_the_whole_points_shown():
    # 71.9 -> 71.1 -> 65.5 falls less than a point in the first month, but the path reads
    # 71 -> 71 -> 65 either way: shown and decided agree (not falling, no "71 → 70" drop).
    f = eg.health_falling(history({1: [71.9, 71.1, 65.5], 2: [72.0, 70.9, 66.2]}),
                          date(2026, 10, 1))
    assert f["path"].to_dict() == {1: "71 → 71 → 65", 2: "72 → 70 → 66"}
    assert f["falling"].to_dict() == {1: False, 2: True}


def test_health_falling_needs_two_monthly_drops_and_five_points_in_all():
    h = history({1: [71, 63, 61], 2: [93, 92, 90], 3: [70, 60, 60], 4: [50, 60, 40],
                 5: [np.nan, 60, 50]})
    f = eg.health_falling(h, date(2026, 10, 1))
    assert f["falling"].to_dict() == {1: True, 2: False, 3: False, 4: False, 5: False}
    assert f.loc[1, "path"] == "71 → 63 → 61"
    assert f.loc[5, "path"] == "? → 60 → 50"
    assert (f.loc[1, "score"], f.loc[1, "score_before"]) == (61, 71)


def test_declining_lists_either_reason_in_words_both_first():
    accts = accounts([(1, "Both", True, None, 1, "Ann"), (2, "Health", True, None, 1, "Ann"),
                      (3, "Touches", False, None, 1, "Ann"), (4, "Fine", True, None, 1, "Ann")])
    f = eg.health_falling(history({1: [71, 63, 61], 2: [80, 70, 60], 3: [80, 80, 80],
                                   4: [90, 90, 91]}), date(2026, 10, 1))
    d = eg.engagement_drop(pd.DataFrame({"account_id": [1, 3, 4], "engagements": [3, 1, 9],
                                         "previous_engagements": [7, 4, 9]}))
    out = eg.declining(accts, f, d)
    assert out.index.tolist() == [1, 2, 3]
    assert out["reason"].tolist() == [
        "Health falling: 71 → 63 → 61; engagements down 57%: 7 → 3",
        "Health falling: 80 → 70 → 60",
        "Engagements down 75% on the quarter before: 4 → 1",
    ]
    assert out["health_falling"].tolist() == [True, True, False]
    assert out["engagement_dropped"].tolist() == [True, False, True]


# --- KAM load --------------------------------------------------------------------------------


def test_kam_load_counts_key_accounts_against_capacity_for_kams_only():
    managers = pd.DataFrame({"name": ["Ann", "Bob", "Cleo"], "role": ["kam", "kam",
                                                                      "account_manager"],
                             "capacity": [2, 4, 15]}, index=pd.Index([10, 11, 12],
                                                                     name="manager_id"))
    accts = pd.DataFrame({"manager_id": [10, 10, 10, 11, 12, None],
                          "is_key": [True, True, True, False, False, True]},
                         index=pd.RangeIndex(1, 7, name="account_id"))
    load = eg.kam_load(accts, managers)
    assert load.index.tolist() == [10, 11]
    assert load["key_accounts"].tolist() == [3, 0]
    assert load["other_accounts"].tolist() == [0, 1]
    assert load["load"].tolist() == [1.5, 0.0]
    assert load["over_capacity"].tolist() == [True, False]


@pytest.mark.parametrize("capacity, over", [(3, False), (0, True)])
def test_kam_load_at_capacity_is_not_over_it(capacity, over):
    managers = pd.DataFrame({"name": ["Ann"], "role": ["kam"], "capacity": [capacity]},
                            index=pd.Index([1], name="manager_id"))
    accts = pd.DataFrame({"manager_id": [1, 1, 1], "is_key": [True, True, True]})
    assert bool(eg.kam_load(accts, managers)["over_capacity"].iloc[0]) is over


def test_kam_comparison_sets_the_kams_side_by_side_from_the_frames_the_page_has():
    managers = pd.DataFrame({"name": ["Ann", "Bob", "Cleo", "Dora"],
                             "role": ["kam", "kam", "account_manager", "kam"],
                             "capacity": [3, 4, 15, 5]},
                            index=pd.Index([10, 11, 12, 13], name="manager_id"))
    accts = accounts([
        (1, "A1", True, None, 10, "Ann"), (2, "A2", True, None, 10, "Ann"),
        (3, "A3", True, 0, 10, "Ann"), (4, "A4", False, None, 10, "Ann"),
        (5, "B1", True, None, 11, "Bob"), (6, "C1", True, None, 12, "Cleo"),
    ])
    touches = pd.DataFrame({"account_id": [1, 2, 3, 4, 5], "touches": [6, 2, 1, 9, 8],
                            "previous_touches": 0, "last_touch": pd.Timestamp("2026-11-01")})
    scores = pd.Series({1: 80.0, 2: 40.0, 3: np.nan, 4: 10.0, 5: 66.5})
    out = eg.kam_comparison(accts, managers, touches, date(2026, 11, 15), scores)
    assert out.index.tolist() == [10, 11, 13]  # KAMs only, most loaded first
    assert out["key_accounts"].tolist() == [3, 1, 0]
    assert out["other_accounts"].tolist() == [1, 0, 0]
    # Ann: (6 + 2 + 1) touches over 3 key accounts; A3 has no cadence agreed, A1 keeps its 6,
    # A2 is behind: 1 of 2 on cadence; health of A1 and A2 (A3 has none, A4 is not key).
    assert out.loc[10, ["touches_per_key_account", "on_cadence", "health"]].tolist() == [
        3.0, 0.5, 60.0]
    assert out.loc[11, ["touches_per_key_account", "on_cadence", "health"]].tolist() == [
        8.0, 1.0, 66.5]
    assert out.loc[13, ["touches_per_key_account", "on_cadence", "health"]].isna().all()


def test_kam_comparison_counts_a_key_account_without_touches_as_untouched_and_behind():
    managers = pd.DataFrame({"name": ["Ann"], "role": ["kam"], "capacity": [3]},
                            index=pd.Index([10], name="manager_id"))
    accts = accounts([(1, "A1", True, None, 10, "Ann"), (2, "A2", True, None, 10, "Ann")])
    touches = pd.DataFrame({"account_id": [1], "touches": [6], "previous_touches": [0],
                            "last_touch": [pd.Timestamp("2026-11-01")]})  # none for A2
    out = eg.kam_comparison(accts, managers, touches, date(2026, 11, 15),
                            pd.Series(dtype=float))
    assert out.loc[10, ["touches_per_key_account", "on_cadence"]].tolist() == [3.0, 0.5]
    assert np.isnan(out.loc[10, "health"])
