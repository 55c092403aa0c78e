"""Looking forward and back: rising stars among the accounts that are not key yet, and a
back-test of whether each criterion's past ratings predicted revenue growth.

Pure pandas (scipy for the rank correlation). Inputs are the store's frames: the rating
history (long), monthly revenue, touches per account in two windows, who was key when.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kamdash import criteria
from kamdash.formatting import percent
from kamdash.scoring import score_accounts

REVENUE_MONTHS = 6  # rising stars: revenue of the last six months against the six before
RISING_STARS = 5  # how many the pages show
BACKTEST_MONTHS = 12  # back-test: default "as of" 12 months ago, growth over the 12 since
MIN_BACKTEST_ACCOUNTS = 10  # fewer rated accounts than this: too few to tell
SIGNIFICANCE = 0.05  # a criterion "predicts" growth when its correlation is this unlikely by
# chance (Spearman's test); otherwise its ratings are no better than noise


# --- ratings at a point in time --------------------------------------------------------------


def ratings_as_of(history: pd.DataFrame, as_of: pd.Timestamp | None = None,
                  previous: bool = False) -> pd.DataFrame:
    """Wide ratings (index account id, a column per criterion) from the long history:
    the latest rating on or before ``as_of`` (every one when None); with ``previous``, the
    one before each latest instead (the latest where there is no earlier one)."""
    rows = history if as_of is None else history[history["rated_on"] <= pd.Timestamp(as_of)]
    rows = rows.sort_values("rated_on", kind="stable")
    if previous:
        from_end = rows.groupby(["account_id", "criterion"]).cumcount(ascending=False)
        count = rows.groupby(["account_id", "criterion"])["value"].transform("size")
        rows = rows[(from_end == 1) | ((from_end == 0) & (count == 1))]
    latest = rows.drop_duplicates(["account_id", "criterion"], keep="last")
    wide = latest.pivot(index="account_id", columns="criterion", values="value")
    wide = wide.reindex(columns=[k for k in criteria.KEYS]).astype(float)
    wide.columns.name = None
    return wide


def revenue_change(account_months: pd.DataFrame, last_month: pd.Timestamp,
                   months: int = REVENUE_MONTHS) -> pd.DataFrame:
    """Per account: revenue of the ``months`` months up to ``last_month`` (``now``), of the
    ``months`` before (``before``), and ``growth`` = now / before - 1 (NaN when before is 0)."""
    last = pd.Timestamp(last_month).to_period("M")
    month = pd.to_datetime(account_months["month"]).dt.to_period("M")
    age = (last - month).map(lambda offset: offset.n)  # 0 = last_month, 1 = the one before
    window = np.select([(age >= 0) & (age < months), (age >= months) & (age < 2 * months)],
                       ["now", "before"], "")
    frame = account_months.assign(window=window)
    sums = (frame[frame["window"] != ""].pivot_table(index="account_id", columns="window",
                                                     values="revenue", aggfunc="sum")
            .reindex(columns=["now", "before"]).fillna(0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(sums["before"] > 0, sums["now"] / sums["before"] - 1, np.nan)
    return sums.assign(growth=growth)


# --- rising stars ----------------------------------------------------------------------------


def rising_stars(accounts: pd.DataFrame, history: pd.DataFrame,
                 account_months: pd.DataFrame, touches: pd.DataFrame,
                 weights: Mapping[str, float], last_month: pd.Timestamp,
                 missing: str = "floor", top: int = RISING_STARS) -> pd.DataFrame:
    """The non-key accounts with the strongest momentum, best first, each with its reason.

    Momentum is the mean of three standard scores among the non-key accounts (how unusual
    each is, capped at 3 either way, missing counted as usual): revenue of the last six
    months against the six before, the change of the account's score (under ``weights``)
    since its previous ratings, and touches in the last quarter against the quarter before
    (``touches``: ``account_id``, ``touches``, ``previous_touches``). Only accounts that grew
    on at least one of them qualify.
    """
    columns = ["name", "manager", "momentum", "revenue_growth", "score", "score_change",
               "touches", "previous_touches", "why"]
    candidates = accounts.index[~accounts["is_key"].fillna(False).to_numpy(dtype=bool)]
    if candidates.empty:
        return pd.DataFrame(columns=columns)
    weighted = [k for k, w in weights.items() if w]
    now = ratings_as_of(history).reindex(index=candidates, columns=weighted)
    before = ratings_as_of(history, previous=True).reindex(index=candidates, columns=weighted)
    score_now = score_accounts(now, weights, missing)["score"]
    score_before = score_accounts(before, weights, missing)["score"]
    revenue = revenue_change(account_months, last_month).reindex(candidates)
    contact = touches.set_index("account_id").reindex(candidates)[
        ["touches", "previous_touches"]].fillna(0).astype(int)
    frame = pd.DataFrame({
        "name": accounts.loc[candidates, "name"],
        "manager": accounts.loc[candidates, "manager"] if "manager" in accounts else None,
        "revenue_growth": revenue["growth"],
        "score": score_now.reindex(candidates),
        "score_change": (score_now - score_before).reindex(candidates),
        "touches": contact["touches"], "previous_touches": contact["previous_touches"],
    }, index=candidates)
    trend = frame["touches"] - frame["previous_touches"]
    parts = [frame["revenue_growth"], frame["score_change"], trend.astype(float)]
    frame["momentum"] = sum(_standard(p) for p in parts) / len(parts)
    grew = (frame["revenue_growth"] > 0) | (frame["score_change"] > 0) | (trend > 0)
    frame = frame[grew].sort_values(["momentum", "revenue_growth"], ascending=False,
                                    kind="stable").head(top)
    frame["why"] = [_why(row) for row in frame.itertuples()]  # <= top rows
    return frame[columns]


def _standard(values: pd.Series) -> pd.Series:
    """(value - mean) / standard deviation, capped at +-3; 0 where missing or all equal."""
    spread = values.std()
    if not spread or np.isnan(spread):
        return pd.Series(0.0, index=values.index)
    return ((values - values.mean()) / spread).clip(-3, 3).fillna(0.0)


def _why(row) -> str:
    reasons = []
    if pd.notna(row.revenue_growth):
        direction = "up" if row.revenue_growth >= 0 else "down"
        reasons.append(f"revenue {direction} {percent(abs(row.revenue_growth))} on the six "
                       "months before")
    if pd.notna(row.score_change) and row.score_change != 0:
        direction = "up" if row.score_change > 0 else "down"
        reasons.append(f"score {direction} {abs(row.score_change):.1f} since its previous "
                       "ratings")
    reasons.append(f"{row.touches} touches last quarter against {row.previous_touches} the "
                   "quarter before")
    text = "; ".join(reasons)
    return text[0].upper() + text[1:] + "."


# --- back-test -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackTest:
    """How well past ratings predicted revenue growth since."""

    as_of: pd.Timestamp
    per_criterion: pd.DataFrame  # index criterion key: label, correlation, p_value, accounts,
    # verdict; best predictor first
    key_growth: float  # median growth of the accounts that were key as of then
    rest_growth: float  # median growth of the others
    key_accounts: int
    other_accounts: int


def back_test(history: pd.DataFrame, account_months: pd.DataFrame, key_then: pd.Series,
              as_of: pd.Timestamp, last_month: pd.Timestamp) -> BackTest:
    """Rank correlation (Spearman) per criterion between the ratings as of ``as_of`` and
    each account's revenue growth since: the months after ``as_of`` up to ``last_month``
    against as many months before ``as_of``. ``key_then``: who was key as of then."""
    as_of = pd.Timestamp(as_of)
    months = max(1, (pd.Timestamp(last_month).to_period("M") - as_of.to_period("M")).n)
    growth = revenue_change(account_months, last_month, months)["growth"]
    ratings = ratings_as_of(history, as_of)
    rows = []
    for key in criteria.KEYS:  # over the criteria (11), each one vectorised
        pair = pd.DataFrame({"rating": ratings.get(key, np.nan),
                             "growth": growth}).dropna()
        n = len(pair)
        rho = p = float("nan")
        if n >= 3 and pair["rating"].nunique() > 1 and pair["growth"].nunique() > 1:
            result = stats.spearmanr(pair["rating"], pair["growth"])
            rho, p = float(result.statistic), float(result.pvalue)
        rows.append({"criterion": key, "label": criteria.label(key), "correlation": rho,
                     "p_value": p, "accounts": n, "verdict": _verdict(rho, p, n)})
    table = pd.DataFrame(rows).set_index("criterion").sort_values(
        "correlation", ascending=False, na_position="last")
    was_key = key_then.reindex(growth.index).fillna(False).astype(bool)
    known = growth.notna()
    return BackTest(
        as_of=as_of, per_criterion=table,
        key_growth=float(growth[known & was_key].median()),
        rest_growth=float(growth[known & ~was_key].median()),
        key_accounts=int((known & was_key).sum()), other_accounts=int((known & ~was_key).sum()),
    )


def _verdict(rho: float, p: float, n: int) -> str:
    if n < MIN_BACKTEST_ACCOUNTS or np.isnan(rho):
        return "too few ratings to tell"
    if p < SIGNIFICANCE:
        return "predicted growth" if rho > 0 else "pointed the wrong way"
    return "no better than chance"
