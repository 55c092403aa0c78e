"""Account health: one 0-100 score from five measures, a band, and the reason in words.

Measures, each 0-100, computed as of the end of any month (``health_as_of``), vectorised over
accounts:

- coverage: stakeholder coverage of the five buying roles (``kamdash.coverage``'s score);
- cadence: touches (real contact: ``engagement.CADENCE_KINDS``, not e-mails) in the three
  months up to the month against the agreed cadence;
- relationship: the influence-weighted stance of the active stakeholders;
- satisfaction: surveyed satisfaction (0-10) over the last three months;
- revenue_trend: revenue of the last three months against the three before.

The score is the ``WEIGHTS``-weighted mean of the measures an account has; a missing measure
(no survey, no revenue history, nobody known, no cadence agreed) is left out and reported as
missing, never counted as zero. Bands: red below 50, yellow 50 to under 75, green from 75,
decided on the exact score; pages show whole points floored (``points``: 49.7 shows as 49), so
a shown number and its band never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from kamdash import coverage, engagement

__all__ = [
    "BAND_LABELS",
    "GREEN_FROM",
    "INFLUENCE_WEIGHTS",
    "MEASURES",
    "MEASURE_WINDOW_MONTHS",
    "MISSING_REASONS",
    "NOW_COUNTED",
    "NO_LONGER_COUNTED",
    "LOOKBACK_MONTHS",
    "RED_BELOW",
    "SINGLE_THREADED_CAP",
    "SATISFACTION_FULL",
    "SATISFACTION_ZERO",
    "RELATIONSHIP_FULL_MARKS_STANCE",
    "REVENUE_FLAT_SCORE",
    "REVENUE_POINTS_PER_PERCENT",
    "WEIGHTS",
    "HealthData",
    "at_risk",
    "band",
    "band_counts",
    "bands",
    "cadence_measure",
    "explain",
    "health_as_of",
    "health_data",
    "health_history",
    "last_complete_month",
    "measures_as_of",
    "points",
    "relationship_measure",
    "revenue_trend_measure",
    "satisfaction_measure",
    "score",
    "score_change",
]

# --- the tunable constants, in one place ---------------------------------------------------

MEASURES: dict[str, str] = {
    "coverage": "Stakeholder coverage",
    "cadence": "Engagement vs cadence",
    "relationship": "Relationship",
    "satisfaction": "Satisfaction",
    "revenue_trend": "Revenue trend",
}
# Weight of each measure in the score. Coverage and cadence weigh most: they are what the KAM
# controls, and they move before satisfaction and revenue do; revenue and stance move late.
WEIGHTS: dict[str, float] = {
    "coverage": 25.0,
    "cadence": 25.0,
    "relationship": 15.0,
    "satisfaction": 20.0,
    "revenue_trend": 15.0,
}
# Bands: below RED_BELOW needs action now, from GREEN_FROM is healthy, yellow between.
RED_BELOW = 50.0
GREEN_FROM = 75.0
BAND_LABELS: dict[str, str] = {"red": "At risk", "yellow": "Watch", "green": "Healthy"}
# Months of satisfaction answers and of cadence touches a measure looks back over: a quarter,
# so quarterly surveys and quarterly cadence targets both fit.
MEASURE_WINDOW_MONTHS = 3
# Satisfaction: a survey answer (0-10) of SATISFACTION_FULL or more earns full marks (the
# promoters' 9 and 10), SATISFACTION_ZERO or less none (a customer that unhappy is leaving).
SATISFACTION_ZERO = 3.0
SATISFACTION_FULL = 9.0
# Relationship: influence weighs each person's stance (-2 enemy .. +2 mentor). A room of
# supporters on average (this stance) earns full marks; neutral scores 50, non-supporters 0.
INFLUENCE_WEIGHTS: dict[str, float] = {"low": 1.0, "medium": 2.0, "high": 3.0}
RELATIONSHIP_FULL_MARKS_STANCE = 1.0
# Revenue trend: flat revenue scores REVENUE_FLAT_SCORE (healthy: steady business is fine);
# each percent of growth or decline moves the measure this many points (-10% -> 55).
REVENUE_FLAT_SCORE = 75.0
REVENUE_POINTS_PER_PERCENT = 2.0
# A single-threaded account (``kamdash.coverage``: every recent contact with one person)
# scores at most this: Watch at best, whatever the measures say, because if that one person
# leaves every measure drops at once.
SINGLE_THREADED_CAP = GREEN_FROM - 1
# Months of history one health month needs: six of revenue (three against three), three of
# touches, and the coverage stale window (a quarter) before the first of them; one more for
# margin. ``health_data`` keeps this much before the first month asked for.
LOOKBACK_MONTHS = 9

MISSING_REASONS: dict[str, str] = {
    "coverage": "no stakeholders recorded",
    "cadence": "no engagement cadence agreed",
    "relationship": "no active stakeholders recorded",
    "satisfaction": "no survey answer in the last three months",
    "revenue_trend": "less than six months of revenue recorded",
}
# Changes of a measure's words when it appears or drops out between two months.
NOW_COUNTED: dict[str, str] = {"satisfaction": "now surveyed"}
NO_LONGER_COUNTED: dict[str, str] = {"satisfaction": "no longer surveyed"}
# Decimals kept of measures and scores: a mean that is 75 on paper can come out of floating
# point as 74.99999999, which would floor to 74 and band yellow; this drops only that noise.
_NOISE_DECIMALS = 6


@dataclass(frozen=True)
class HealthData:
    """What health is computed from (frames as the store returns them).

    accounts: index account_id, with is_key and cadence_per_quarter.
    stakeholders: stakeholder_id, account_id, roles (';'-joined), stance, influence, active.
    contacts: account_id, stakeholder_id, date: days we met named people (raw engagements,
      or ``store.load_contact_months`` with last_contact as date: the latest day per person
      and month is all coverage needs).
    touches: account_id, month, engagements (per month; several rows per month add up). With
      a kind column only the ``engagement.CADENCE_KINDS`` rows count; without one every row
      is taken as a touch (``store.monthly_touches_by_account`` counts only those kinds).
    account_months: account_id, month, revenue, satisfaction.
    """

    accounts: pd.DataFrame
    stakeholders: pd.DataFrame
    contacts: pd.DataFrame
    touches: pd.DataFrame
    account_months: pd.DataFrame


def health_data(
    accounts: pd.DataFrame,
    stakeholders: pd.DataFrame,
    contact_months: pd.DataFrame,
    touches: pd.DataFrame,
    account_months: pd.DataFrame,
    first_month: date | pd.Timestamp | None = None,
    account_ids: Iterable[int] | None = None,
) -> HealthData:
    """The health inputs from the store's frames, the one way every page and test builds
    them: ``store.load_accounts``, ``load_stakeholders``, ``load_contact_months``,
    ``monthly_touches_by_account`` and ``load_account_months``. Only the accounts in
    ``account_ids`` (None: all) and only the history months from ``first_month`` on need
    (``LOOKBACK_MONTHS`` before it; None: all history)."""
    contacts = contact_months.rename(columns={"last_contact": "date"})
    frames = {"stakeholders": stakeholders, "contacts": contacts, "touches": touches,
              "account_months": account_months}
    if first_month is not None:
        since = engagement.month_start(first_month) - pd.DateOffset(months=LOOKBACK_MONTHS)
        for name in ("contacts", "touches", "account_months"):
            frame = frames[name]
            frames[name] = frame[pd.to_datetime(frame["month"]) >= since]
    if account_ids is not None:
        ids = list(account_ids)
        accounts = accounts.loc[ids]
        frames = {name: f[f["account_id"].isin(ids)] for name, f in frames.items()}
    return HealthData(accounts=accounts, **frames)


# --- months ----------------------------------------------------------------------------------


def last_complete_month(today: date) -> pd.Timestamp:
    """The month health is shown for by default: the last one that has ended before
    ``today`` (revenue and surveys are recorded per completed month)."""
    return engagement.month_start(today) - pd.DateOffset(months=1)


def _month_end(month: pd.Timestamp) -> date:
    return (month + pd.offsets.MonthEnd(0)).date()


def _window(frame: pd.DataFrame, month: pd.Timestamp, months: int, ago: int = 0) -> pd.DataFrame:
    """Rows of ``frame`` whose month lies in the ``months`` months ending ``ago`` months
    before ``month``."""
    last = month - pd.DateOffset(months=ago)
    first = last - pd.DateOffset(months=months - 1)
    when = pd.to_datetime(frame["month"])
    return frame[(when >= first) & (when <= last)]


# --- the measures ----------------------------------------------------------------------------


def coverage_measure(
    stakeholders: pd.DataFrame, contacts: pd.DataFrame, as_of: date, accounts: pd.Index,
    stale_days: int = coverage.STALE_DAYS,
) -> tuple[pd.Series, pd.Series]:
    """Stakeholder coverage 0-100 per account in ``accounts`` (``kamdash.coverage``'s score:
    roles by weight and freshness of contact; knowing nobody scores 0), and whether the
    account is single-threaded (``coverage.threads`` over the same ``stale_days``).
    ``contacts``: days we met named people (raw engagements, or contact months with an
    engagements count). Returns (measure, single_threaded)."""
    met = coverage.contact_summary(contacts, as_of, stale_days)
    cov = coverage.role_coverage(stakeholders, met, as_of, stale_days)
    scores = cov.groupby("account_id")["points"].sum()
    single = coverage.threads(met, accounts)["single_threaded"]
    return (scores.reindex(accounts, fill_value=0.0).astype(float).rename("coverage"),
            single.reindex(accounts, fill_value=False).astype(bool).rename("single_threaded"))


def cadence_measure(
    touches: pd.DataFrame, targets: pd.Series, month: pd.Timestamp
) -> tuple[pd.Series, pd.Series]:
    """Touches in the ``MEASURE_WINDOW_MONTHS`` months up to ``month`` against the agreed
    touches per quarter (``targets``, per account): 100 at or above target, pro rata below,
    missing when no cadence is agreed (target 0). Only real contact counts: rows of another
    kind than ``engagement.CADENCE_KINDS`` (e-mails) are left out when ``touches`` has a kind
    column. Returns (measure, touches)."""
    if "kind" in touches.columns:
        touches = touches[touches["kind"].isin(engagement.CADENCE_KINDS)]
    recent = _window(touches, month, MEASURE_WINDOW_MONTHS)
    actual = recent.groupby("account_id")["engagements"].sum().reindex(
        targets.index, fill_value=0).astype(float)
    needed = targets * MEASURE_WINDOW_MONTHS / 3  # targets are per quarter (three months)
    measure = (100 * actual / needed).clip(upper=100).where(needed > 0)
    return measure.rename("cadence"), actual


def relationship_measure(
    stakeholders: pd.DataFrame, accounts: pd.Index
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Influence-weighted stance of the active stakeholders, 0-100 (supporters on average
    earn full marks, neutral 50); missing with nobody active. Returns (measure, weighted
    stance, active people)."""
    people = stakeholders[stakeholders["active"].fillna(True).astype(bool)]
    # As float explicitly: mapping an empty text column keeps it text (an account without
    # stakeholders), and text cannot be divided.
    weight = people["influence"].map(INFLUENCE_WEIGHTS).astype(float).fillna(
        INFLUENCE_WEIGHTS["medium"])
    stance = pd.to_numeric(people["stance"], errors="coerce").astype(float).fillna(0)
    by = people["account_id"]
    weighted = (stance * weight).groupby(by).sum() / weight.groupby(by).sum()
    weighted = weighted.reindex(accounts).astype(float)
    count = by.value_counts().reindex(accounts, fill_value=0).astype("int64")
    measure = (50 + 50 * weighted / RELATIONSHIP_FULL_MARKS_STANCE).clip(0, 100)
    return measure.rename("relationship"), weighted, count


def satisfaction_measure(
    account_months: pd.DataFrame, month: pd.Timestamp, accounts: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """Mean surveyed satisfaction (0-10) over the ``MEASURE_WINDOW_MONTHS`` months up to
    ``month``, scaled from ``SATISFACTION_ZERO`` (0) to ``SATISFACTION_FULL`` (100); missing
    without an answer. Returns (measure, mean answer)."""
    recent = _window(account_months, month, MEASURE_WINDOW_MONTHS)
    answer = recent.groupby("account_id")["satisfaction"].mean().reindex(accounts).astype(float)
    scaled = 100 * (answer - SATISFACTION_ZERO) / (SATISFACTION_FULL - SATISFACTION_ZERO)
    return scaled.clip(0, 100).rename("satisfaction"), answer


def revenue_trend_measure(
    account_months: pd.DataFrame, month: pd.Timestamp, accounts: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """Revenue of the three months up to ``month`` against the three before (mean per
    recorded month): flat scores ``REVENUE_FLAT_SCORE``, each percent of change
    ``REVENUE_POINTS_PER_PERCENT`` points; missing without revenue in both halves. Returns
    (measure, change as a share)."""
    mean_of = {
        ago: _window(account_months, month, 3, ago).groupby("account_id")["revenue"].mean()
        .reindex(accounts).astype(float)
        for ago in (0, 3)
    }
    change = (mean_of[0] / mean_of[3] - 1).where(mean_of[3] > 0)
    measure = (REVENUE_FLAT_SCORE + REVENUE_POINTS_PER_PERCENT * 100 * change).clip(0, 100)
    return measure.rename("revenue_trend"), change


def measures_as_of(data: HealthData, month: date | pd.Timestamp) -> pd.DataFrame:
    """The five measures (0-100, NaN = missing) of every account as of the end of ``month``,
    with the facts behind them: touches (in the three months), target (agreed per quarter),
    survey (mean answer 0-10), revenue_change (share), stance (weighted), people (active)
    and single_threaded (every recent contact with one person)."""
    m = engagement.month_start(month)
    ids = data.accounts.index
    targets = engagement.cadence_targets(data.accounts)
    cadence, touches = cadence_measure(data.touches, targets, m)
    relationship, stance, people = relationship_measure(data.stakeholders, ids)
    satisfaction, survey = satisfaction_measure(data.account_months, m, ids)
    revenue, change = revenue_trend_measure(data.account_months, m, ids)
    covered, single = coverage_measure(data.stakeholders, data.contacts, _month_end(m), ids)
    measures = pd.DataFrame({
        "coverage": covered,
        "cadence": cadence,
        "relationship": relationship,
        "satisfaction": satisfaction,
        "revenue_trend": revenue,
    }, index=ids).round(_NOISE_DECIMALS)
    out = measures.assign(touches=touches.astype("int64"), target=targets, survey=survey,
                          revenue_change=change, stance=stance, people=people,
                          single_threaded=single)
    out.index.name = "account_id"
    return out


# --- score and bands -------------------------------------------------------------------------


def points(values):
    """Whole points as shown on the pages: a score or measure (scalar or Series) floored, so
    49.7 shows as 49. The bands start at whole numbers, so the shown number and the band
    always agree (rounding would show a red 49.7 as '50'). Missing stays missing."""
    return np.floor(values)


def band(value: float | None) -> str | None:
    """'red' below ``RED_BELOW``, 'yellow' below ``GREEN_FROM``, else 'green'; None when
    there is no score."""
    if value is None or pd.isna(value):
        return None
    return "red" if value < RED_BELOW else "yellow" if value < GREEN_FROM else "green"


def bands(values: pd.Series) -> pd.Series:
    """``band`` of each score (missing stays missing)."""
    v = values.astype(float)
    out = np.select([v < RED_BELOW, v < GREEN_FROM, v >= GREEN_FROM], ["red", "yellow", "green"],
                    default="")
    named = pd.Series(out, index=values.index, name="band", dtype=object)
    return named.where(named != "", None)


def band_counts(values: pd.Series) -> pd.Series:
    """How many of ``values`` (bands) are green, yellow and red, and 'none' without a
    score; every label present, zero when empty."""
    counts = values.fillna("none").value_counts()
    return counts.reindex(["green", "yellow", "red", "none"], fill_value=0).astype("int64")


def score(measures: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Per account: score (the weighted mean of the available measures, 0-100, not rounded;
    missing when none is available; at most ``SINGLE_THREADED_CAP`` where ``measures`` say
    single_threaded), band (of that exact score: 49.7 is red), missing (the absent measures'
    keys, comma-separated, '' when complete) and capped (the cap took points off). Show it
    with ``points``."""
    w = pd.Series(dict(weights or WEIGHTS), dtype=float)
    values = measures[list(w.index)].astype(float)
    have = values.notna()
    total = (values.fillna(0) * w).sum(axis=1)
    weight = have.mul(w).sum(axis=1)
    exact = (total / weight).where(weight > 0).round(_NOISE_DECIMALS)
    single = (measures["single_threaded"].astype(bool) if "single_threaded" in measures
              else pd.Series(False, index=measures.index))
    capped = single & (exact > SINGLE_THREADED_CAP)
    exact = exact.where(~capped, float(SINGLE_THREADED_CAP))
    missing = pd.Series("", index=values.index, dtype=object)
    for key in w.index:  # five measures, not a loop over accounts
        missing = missing + np.where(have[key], "", key + ",")
    missing = missing.str.rstrip(",")
    return pd.DataFrame({"score": exact, "band": bands(exact), "missing": missing,
                         "capped": capped}, index=measures.index)


def health_as_of(data: HealthData, month: date | pd.Timestamp,
                 weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """``measures_as_of`` plus score, band and missing, for every account."""
    measures = measures_as_of(data, month)
    return measures.join(score(measures, weights))


def health_history(data: HealthData, months: Iterable[date | pd.Timestamp],
                   weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """``health_as_of`` for each month, long: account_id, month, measures, score, band, ..."""
    frames = [health_as_of(data, m, weights).assign(month=engagement.month_start(m))
              for m in months]
    if not frames:
        return pd.DataFrame(columns=["account_id", "month", *MEASURES, "score", "band"])
    out = pd.concat(frames).reset_index()
    return out[["account_id", "month", *[c for c in out.columns
                                          if c not in ("account_id", "month")]]]


# --- change and reasons ----------------------------------------------------------------------


def _signed(values: pd.Series) -> pd.Series:
    whole = values.round(0).astype("int64")
    return np.where(whole > 0, "+", np.where(whole < 0, "−", "±")) + whole.abs().astype(str)


def _shown(values: pd.Series) -> pd.Series:
    """Whole points as text ('' where missing)."""
    return points(values).astype("Int64").astype("string").fillna("").astype(object)


def _shares(values: pd.DataFrame, w: pd.Series) -> pd.DataFrame:
    """Each available measure's share of the weights in play (0 where missing)."""
    weight = values.notna().mul(w)
    return weight.div(weight.sum(axis=1), axis=0)


def _entry_pull(values: pd.DataFrame, share: pd.DataFrame, scores: pd.Series) -> pd.DataFrame:
    """How far a measure moved the score by being counted at all: a measure of value v and
    share s moves a weighted mean by s * (v - mean of the others) = s * (v - score) / (1 - s).
    When it is the only measure, the score is just v."""
    others = 1 - share
    return (share * values.sub(scores, axis=0) / others).where(others > 0, values)


def score_change(history: pd.DataFrame, month: date | pd.Timestamp,
                 weights: Mapping[str, float] | None = None, top: int = 2) -> pd.DataFrame:
    """Per account: score at ``month``, previous_score (the month before), change (in the
    whole points shown, ``points``), band, previous_band and moved_by: the ``top`` measures
    that moved the score most, in words (e.g. 'Satisfaction −12, Engagement vs cadence −33';
    a measure counted only in one of the months: 'Satisfaction now surveyed (72)',
    'Satisfaction no longer surveyed (was 40)'; '' when nothing moved)."""
    m = engagement.month_start(month)
    w = pd.Series(dict(weights or WEIGHTS), dtype=float)
    keys = list(w.index)
    now = history[history["month"] == m].set_index("account_id")
    before = history[history["month"] == m - pd.DateOffset(months=1)].set_index(
        "account_id").reindex(now.index)
    v_now, v_before = now[keys].astype(float), before[keys].astype(float)
    both = v_now.notna() & v_before.notna()
    came = v_now.notna() & v_before.isna()
    went = v_now.isna() & v_before.notna()
    delta = points(v_now) - points(v_before)
    # Each measure's pull on the score: counted in both months, its change times its share of
    # the weights in play; counted in one month only, what counting it did to the score.
    pull = pd.DataFrame(np.select(
        [both, came, went],
        [delta * _shares(v_now, w),
         _entry_pull(v_now, _shares(v_now, w), now["score"].astype(float)),
         -_entry_pull(v_before, _shares(v_before, w), before["score"].astype(float))],
        default=np.nan), index=now.index, columns=keys)
    long = pd.DataFrame({
        "account_id": np.repeat(now.index.to_numpy(), len(keys)),
        "measure": np.tile(keys, len(now)),
        "pull": pull.to_numpy().ravel(),
        "delta": delta.to_numpy().ravel(),
        "came": came.to_numpy().ravel(),
        "went": went.to_numpy().ravel(),
        "now": v_now.to_numpy().ravel(),
        "before": v_before.to_numpy().ravel(),
    })
    long = long[long["pull"].abs() >= 0.5]
    long = long.assign(size=long["pull"].abs()).sort_values(["account_id", "size"],
                                                            ascending=[True, False])
    long = long.groupby("account_id").head(top)
    label = long["measure"].map(MEASURES)
    arrived = long["measure"].map(NOW_COUNTED).fillna("now counted")
    left = long["measure"].map(NO_LONGER_COUNTED).fillna("no longer counted")
    words = pd.Series(np.select(
        [long["came"].to_numpy(), long["went"].to_numpy()],
        [label + " " + arrived + " (" + _shown(long["now"]) + ")",
         label + " " + left + " (was " + _shown(long["before"]) + ")"],
        default=label + " " + _signed(long["delta"].fillna(0))), index=long.index)
    moved = words.groupby(long["account_id"]).agg(", ".join).reindex(now.index).fillna("")
    # The single-thread cap moves a score without any measure moving: it is named first.
    cap_now = _flag(now, "capped")
    cap_before = _flag(before, "capped")
    capped = f"(capped at {SINGLE_THREADED_CAP:.0f})"
    cap = pd.Series(np.select(
        [cap_now & ~cap_before, cap_before & ~cap_now, cap_now & cap_before],
        [f"Single-threaded {capped}", "No longer single-threaded",
         f"Still single-threaded {capped}"], default=""), index=now.index)
    # Under a cap both months, the measures still moved, but not the score: say so.
    joint = np.where(cap_now & cap_before, "; beneath the cap: ", ", ")
    moved = cap + np.where((cap != "") & (moved != ""), joint, "") + moved
    return pd.DataFrame({
        "score": now["score"],
        "previous_score": before["score"],
        "change": points(now["score"].astype(float)) - points(before["score"].astype(float)),
        "band": now["band"],
        "previous_band": before["band"],
        "moved_by": moved,
    }, index=now.index)


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """A boolean column of ``frame``, False where missing or absent (older histories)."""
    if column not in frame:
        return pd.Series(False, index=frame.index)
    return frame[column].astype("boolean").fillna(False).astype(bool)


def at_risk(change: pd.DataFrame, accounts: pd.DataFrame,
            declining: pd.Series | None = None) -> pd.DataFrame:
    """The accounts that need attention, lowest score first: red; or slipped a band since
    the month before (green to yellow, yellow to red); or yellow and declining (``declining``:
    the reason in words per declining account, e.g. ``engagement.declining(...)["reason"]``:
    health falling two months running or engagement down by a third). ``change`` is
    ``score_change`` output; adds name, manager, is_key and why (in words)."""
    order = {"red": 0, "yellow": 1, "green": 2}
    now = change["band"].map(order)
    was = change["previous_band"].map(order)
    red = change["band"] == "red"
    worse = now.notna() & was.notna() & (now < was)
    reason = (pd.Series(dtype=object) if declining is None else declining).reindex(change.index)
    sinking = reason.notna() & (change["band"] == "yellow")
    slipped = ("Slipped from " + change["previous_band"].map(BAND_LABELS).fillna("")
               + " to " + change["band"].map(BAND_LABELS).fillna(""))
    why = pd.Series(np.select([worse, red, sinking],
                              [slipped, "In the red band", "Watch, and declining: "
                               + reason.fillna("").astype(str)], default=""),
                    index=change.index)
    shown = change.assign(why=why)[red | worse | sinking]
    out = accounts[["name", "manager", "is_key"]].join(shown, how="inner")
    return out.sort_values(["score", "change"], na_position="last")


def explain(row: pd.Series) -> str:
    """The reason for one account's score in words: its band, the weakest measures with the
    facts behind them, and what is missing. ``row`` is one row of ``health_as_of``."""
    if pd.isna(row.get("score")):
        return "No health score: none of the measures has data yet."
    label = BAND_LABELS[band(row["score"])]
    present = [k for k in MEASURES if pd.notna(row.get(k))]
    weakest = sorted(present, key=lambda k: row[k])
    notes = [_fact(k, row) for k in weakest if row[k] < GREEN_FROM][:2]
    if bool(row.get("capped", False)):
        label += (f", capped at {SINGLE_THREADED_CAP:.0f}: single-threaded (every contact in "
                  f"the last {coverage.STALE_DAYS} days was with one person; if they leave, "
                  "we lose the account's ear)")
    if notes:
        text = f"{label}. Weakest: " + "; ".join(notes) + "."
    else:
        text = f"{label}. Every measure is at {GREEN_FROM:.0f} or better."
    missing = [k for k in MEASURES if k not in present]
    if missing:
        text += " Not counted: " + "; ".join(
            f"{MEASURES[k].lower()} ({MISSING_REASONS[k]})" for k in missing) + "."
    return text


def _fact(key: str, row: pd.Series) -> str:
    value = f"{points(row[key]):.0f}"
    if key == "cadence":
        touches, target = int(row["touches"]), row["target"]
        return (f"engagement vs cadence {value} ({touches} touch{'es' if touches != 1 else ''} "
                f"in three months against {target:g} agreed)")
    if key == "satisfaction":
        return f"satisfaction {value} (surveyed {row['survey']:.1f} out of 10)"
    if key == "revenue_trend":
        change = row["revenue_change"] * 100
        direction = "down" if change < 0 else "up"
        return (f"revenue trend {value} (last three months {direction} {abs(change):.0f}% on "
                "the three before)")
    if key == "relationship":
        return f"relationship {value} (average stance {row['stance']:+.1f}, weighted by influence)"
    return f"stakeholder coverage {value}"
