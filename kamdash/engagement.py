"""Engagement trends and cadence: pure pandas over the frames the store returns.

- Monthly series (per account, per KAM, portfolio): engagements by kind, distinct
  stakeholders touched, satisfaction and revenue. Every month of the range appears; a month
  without engagements counts zero, while revenue and satisfaction stay missing when nothing
  was recorded (a survey not taken is not a score of zero).
- Cadence: the agreed touches per quarter (tier default or the account's own) against the
  touches over a rolling window; accounts behind it are overdue. A touch is real contact, an
  engagement of one of ``CADENCE_KINDS`` (not an e-mail).
- Declining accounts: health down two months in a row, or engagement down by a third on the
  quarter before.
- KAM load: key accounts per KAM against the KAM's capacity, and a per-KAM comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from kamdash import models
from kamdash.formatting import join_words
from kamdash.models import EngagementKind, ManagerRole

__all__ = [
    "CADENCE_KINDS",
    "CADENCE_WINDOW_DAYS",
    "DECLINE_SHARE",
    "HEALTH_DECLINE_MIN_TOTAL",
    "HEALTH_DROP_MIN_POINTS",
    "KEY_TOUCHES_PER_QUARTER",
    "KIND_LABELS",
    "KINDS",
    "MIN_ENGAGEMENTS_FOR_DECLINE",
    "OTHER_TOUCHES_PER_QUARTER",
    "cadence_compliance",
    "cadence_kinds_text",
    "cadence_targets",
    "declining",
    "engagement_drop",
    "health_falling",
    "kam_comparison",
    "kam_load",
    "month_range",
    "month_start",
    "monthly_by_kind",
    "monthly_trend",
    "overdue",
    "summarise_trend",
    "TrendSummary",
]

# --- the tunable constants, in one place ---------------------------------------------------

# Agreed touches per quarter when an account has no cadence of its own
# (accounts.cadence_per_quarter). A key account has many threads to keep warm: a touch every
# other week. Any other account should hear from us at least once a quarter.
KEY_TOUCHES_PER_QUARTER = 6
OTHER_TOUCHES_PER_QUARTER = 1
# The kinds that count as a touch for cadence (visits, meetings, calls, QBRs, workshops; not
# e-mails): defined beside the kinds in kamdash.models, where the store can count them in SQL.
CADENCE_KINDS: tuple[str, ...] = models.CADENCE_KINDS
# The rolling window cadence is counted over: one quarter, the unit targets are agreed in.
CADENCE_WINDOW_DAYS = 91
# Engagement "down by a third": this quarter at most (1 - DECLINE_SHARE) of the one before.
DECLINE_SHARE = 1 / 3
# ... and only when the quarter before had at least this many engagements: 2 -> 1 is noise.
MIN_ENGAGEMENTS_FOR_DECLINE = 3
# Health "down two months in a row": each month at least HEALTH_DROP_MIN_POINTS below the one
# before, and HEALTH_DECLINE_MIN_TOTAL over both: 93 -> 92 -> 90 is wobble, not a decline.
HEALTH_DROP_MIN_POINTS = 1.0
HEALTH_DECLINE_MIN_TOTAL = 5.0

KINDS: tuple[str, ...] = tuple(k.value for k in EngagementKind)
KIND_LABELS: dict[str, str] = {
    "visit": "Visit",
    "meeting": "Meeting",
    "call": "Call",
    "qbr": "QBR",
    "workshop": "Workshop",
    "email": "E-mail",
}


def cadence_kinds_text() -> str:
    """The kinds that count as a touch, in words: 'visit, meeting, call, QBR or workshop'."""
    return join_words((KIND_LABELS[k] if k == "qbr" else KIND_LABELS[k].lower()
                       for k in CADENCE_KINDS), "or")


_TREND_COLUMNS = [*KINDS, "engagements", "stakeholders_touched", "satisfaction", "revenue"]


# --- months ----------------------------------------------------------------------------------


def month_start(day: date | pd.Timestamp) -> pd.Timestamp:
    """The first day of ``day``'s month, as a Timestamp."""
    return pd.Timestamp(day).to_period("M").to_timestamp()


DEFAULT_TREND_MONTHS = 12  # the Engagement page's period unless someone picks another


def trend_start(today: date | pd.Timestamp, months: int) -> pd.Timestamp:
    """The first day of a trend of ``months`` months that ends with ``today``'s month."""
    return (pd.Timestamp(today) - pd.DateOffset(months=months - 1)).to_period("M").to_timestamp()


def month_range(start: date | pd.Timestamp, end: date | pd.Timestamp) -> pd.DatetimeIndex:
    """Every month from ``start``'s to ``end``'s, as first-of-month timestamps."""
    return pd.date_range(month_start(start), month_start(end), freq="MS", name="month").astype(
        "datetime64[ns]")


def _months(values: pd.Series) -> np.ndarray:
    """The first of the month of each value, as datetime64[ns] (NaT stays NaT)."""
    days = pd.to_datetime(values).to_numpy(dtype="datetime64[ns]")
    return days.astype("datetime64[M]").astype("datetime64[ns]")


def _per_month(positions: np.ndarray, values: np.ndarray, n_months: int) -> tuple:
    """Sum and count of the non-missing ``values`` per month position (-1 is left out)."""
    keep = (positions >= 0) & ~np.isnan(values)
    total = np.bincount(positions[keep], weights=values[keep], minlength=n_months)
    count = np.bincount(positions[keep], minlength=n_months)
    return total, count


# --- monthly series --------------------------------------------------------------------------
# Vectorised with month and kind positions and np.bincount: no pivot tables, no groupby,
# no Python loop over accounts or events.


def monthly_by_kind(
    counts: pd.DataFrame,
    start: date | pd.Timestamp,
    end: date | pd.Timestamp,
    by: str | None = None,
    groups: pd.Index | list | None = None,
) -> pd.DataFrame:
    """Engagements per month and kind, wide: a column per kind (``KINDS`` order) and
    ``engagements`` (all kinds), a row for every month from ``start`` to ``end`` even when
    nothing happened (zeros). ``counts`` has month, kind, engagements (and ``by``, e.g.
    account_id or manager_id, giving one block of months per group: those in ``groups``,
    else those present)."""
    months = month_range(start, end)
    month_pos = months.get_indexer(_months(counts["month"]))
    kind_pos = pd.Index(KINDS).get_indexer(counts["kind"])
    inside = (month_pos >= 0) & (kind_pos >= 0)
    if by is None:
        ids, group_pos, index = None, np.zeros(len(counts), dtype=np.intp), months
    else:
        present = counts.loc[inside, by].dropna().unique()
        ids = pd.Index(groups if groups is not None else present).sort_values()
        group_pos = ids.get_indexer(counts[by])
        index = pd.MultiIndex.from_product([ids, months], names=[by, "month"])
    inside &= group_pos >= 0
    cells = (group_pos[inside] * len(months) + month_pos[inside]) * len(KINDS) + kind_pos[inside]
    n_rows = len(index)
    table = np.bincount(cells, weights=counts["engagements"].to_numpy(dtype=float)[inside],
                        minlength=n_rows * len(KINDS)).reshape(n_rows, len(KINDS))
    wide = pd.DataFrame(table.astype("int64"), index=index, columns=list(KINDS))
    wide["engagements"] = wide.to_numpy().sum(axis=1)
    return wide


def monthly_trend(
    counts: pd.DataFrame,
    touched: pd.DataFrame,
    account_months: pd.DataFrame,
    start: date | pd.Timestamp,
    end: date | pd.Timestamp,
) -> pd.DataFrame:
    """One row per month from ``start`` to ``end`` (index ``month``) for one account, one KAM
    or the portfolio: engagements by kind and in total, stakeholders_touched (zeros in quiet
    months), satisfaction (mean of the surveyed accounts; missing when nobody was surveyed)
    and revenue (sum; missing when no account recorded any).

    ``counts``: month, kind, engagements; ``touched``: month, stakeholders_touched;
    ``account_months``: month, revenue, satisfaction (rows of the accounts in scope)."""
    out = monthly_by_kind(counts, start, end)
    months = out.index
    people, _ = _per_month(months.get_indexer(_months(touched["month"])),
                           touched["stakeholders_touched"].to_numpy(dtype=float), len(months))
    out["stakeholders_touched"] = people.astype("int64")
    positions = months.get_indexer(_months(account_months["month"]))
    with np.errstate(invalid="ignore", divide="ignore"):
        total, surveyed = _per_month(
            positions, account_months["satisfaction"].to_numpy(dtype=float), len(months))
        out["satisfaction"] = np.where(surveyed > 0, total / surveyed, np.nan)
    revenue, recorded = _per_month(
        positions, account_months["revenue"].to_numpy(dtype=float), len(months))
    out["revenue"] = np.where(recorded > 0, revenue, np.nan)
    return out[_TREND_COLUMNS]


@dataclass(frozen=True)
class TrendSummary:
    """The headline of a monthly trend over its last complete months."""

    months: int  # complete months summed (the last ones)
    engagements: int
    previous_engagements: int | None  # the same number of months before; None if too short
    people_per_month: float  # different people met, mean per month
    satisfaction: float  # mean survey answer (NaN: nobody surveyed)
    revenue: float  # sum (NaN: nothing recorded)


def summarise_trend(trend: pd.DataFrame, months: int = 3,
                    partial_last: bool = True) -> TrendSummary:
    """Totals of the last ``months`` complete months of a ``monthly_trend`` (the last row is
    left out when ``partial_last``: that month is not over) and engagements in the months
    before, for the change."""
    complete = trend.iloc[:-1] if partial_last else trend
    last = complete.tail(months)
    before = complete.iloc[-2 * months:-months] if len(complete) >= 2 * months else None
    return TrendSummary(
        months=len(last),
        engagements=int(last["engagements"].sum()),
        previous_engagements=None if before is None else int(before["engagements"].sum()),
        people_per_month=float(last["stakeholders_touched"].mean()) if len(last) else 0.0,
        satisfaction=float(last["satisfaction"].mean()),
        revenue=float(last["revenue"].sum(min_count=1)),
    )


# --- cadence ---------------------------------------------------------------------------------


def cadence_targets(
    accounts: pd.DataFrame,
    key_target: float = KEY_TOUCHES_PER_QUARTER,
    other_target: float = OTHER_TOUCHES_PER_QUARTER,
) -> pd.Series:
    """Agreed touches per quarter per account (index as ``accounts``): the account's own
    ``cadence_per_quarter`` when set, else the tier default by ``is_key`` (every account
    when there is no such column)."""
    key = accounts["is_key"].astype("boolean").fillna(False).astype(bool)
    tier = pd.Series(np.where(key, key_target, other_target), index=accounts.index, dtype=float)
    if "cadence_per_quarter" not in accounts.columns:
        return tier.rename("target")
    own = pd.to_numeric(accounts["cadence_per_quarter"], errors="coerce").astype(float)
    return own.fillna(tier).rename("target")


def cadence_compliance(
    accounts: pd.DataFrame,
    touches: pd.DataFrame,
    as_of: date,
    window_days: int = CADENCE_WINDOW_DAYS,
) -> pd.DataFrame:
    """Per account (index as ``accounts``): target (touches per quarter), touches in the
    window, compliance (touches / target; NaN when no cadence is agreed, i.e. target 0),
    behind (fewer touches than agreed), touches_short, last_touch and days_since_touch (NaN:
    never). ``touches`` is ``store.load_touches`` output for the same ``as_of`` and window (an
    account without a row counts as never touched)."""
    target = cadence_targets(accounts)
    # A target is per quarter; a window of another length scales it.
    target = target * window_days / CADENCE_WINDOW_DAYS
    t = touches.set_index("account_id").reindex(accounts.index)
    actual = t["touches"].fillna(0).astype("int64")
    last = pd.to_datetime(t["last_touch"]).astype("datetime64[ns]")
    agreed = target > 0
    out = pd.DataFrame({
        "target": target,
        "touches": actual,
        "compliance": (actual / target).where(agreed),
        "behind": agreed & (actual < target),
        "touches_short": np.ceil((target - actual).clip(lower=0)).astype("int64"),
        "last_touch": last,
        "days_since_touch": (pd.Timestamp(as_of) - last).dt.days.astype(float),
    }, index=accounts.index)
    return out


def overdue(compliance: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """The accounts behind their cadence, key accounts first, then the furthest behind:
    ``compliance`` rows joined with name, manager and is_key."""
    behind = compliance[compliance["behind"]].join(accounts[["name", "manager", "is_key"]])
    return behind.sort_values(["is_key", "compliance", "days_since_touch"],
                              ascending=[False, True, False], na_position="last")


# --- declining accounts ----------------------------------------------------------------------


def engagement_drop(touches: pd.DataFrame) -> pd.DataFrame:
    """Per account (index account_id): engagements (every kind, e-mails too: this is about
    engagement, not cadence) this quarter and the one before, change (share, e.g. -0.5 for
    half as many) and dropped: down by at least ``DECLINE_SHARE`` from at least
    ``MIN_ENGAGEMENTS_FOR_DECLINE``. ``touches`` is ``store.load_touches`` output."""
    t = touches.set_index("account_id")
    now = t["engagements"].astype(float)
    before = t["previous_engagements"].astype(float)
    change = (now / before - 1).where(before > 0)
    # (a hair of tolerance: 4 of 6 is down by exactly a third, whatever the float rounding)
    dropped = (before >= MIN_ENGAGEMENTS_FOR_DECLINE) & (now <= before * (1 - DECLINE_SHARE) + 1e-9)
    return pd.DataFrame({"engagements": now.astype("int64"), "previous_engagements":
                         before.astype("int64"), "change": change, "dropped": dropped})


def health_falling(history: pd.DataFrame, month: date | pd.Timestamp,
                   months: int = 2) -> pd.DataFrame:
    """Per account: score at ``month``, score_before (``months`` earlier), path ('71 → 63 →
    61') and falling: down by at least ``HEALTH_DROP_MIN_POINTS`` in each of the last
    ``months`` months and by ``HEALTH_DECLINE_MIN_TOTAL`` in all. ``history`` is long
    (account_id, month, score), e.g. ``kamdash.health.health_history``."""
    wanted = month_range(month_start(month) - pd.DateOffset(months=months), month)
    wide = history.assign(month=_months(history["month"])).pivot_table(
        index="account_id", columns="month", values="score", aggfunc="first").reindex(
        columns=wanted)
    # Decided on the whole points the pages show (floored, as ``health.points``), so that the
    # path in words always agrees with the decision.
    wide = np.floor(wide.astype(float))
    steps = wide.diff(axis=1).iloc[:, 1:]
    total = wide.iloc[:, -1] - wide.iloc[:, 0]
    falling = ((steps <= -HEALTH_DROP_MIN_POINTS).all(axis=1) & steps.notna().all(axis=1)
               & (total <= -HEALTH_DECLINE_MIN_TOTAL))
    out = pd.DataFrame({
        "score": wide.iloc[:, -1],
        "score_before": wide.iloc[:, 0],
        "path": _path(wide),
        "falling": falling,
    })
    return out


def _path(wide: pd.DataFrame) -> pd.Series:
    """'71 → 63 → 61' per row of monthly scores in whole points ('?' for a month without a
    score)."""
    parts = [np.floor(wide[c].astype(float)).astype("Int64").astype("string").fillna("?")
             for c in wide]
    if not parts:
        return pd.Series("", index=wide.index)
    path = parts[0]
    for part in parts[1:]:
        path = path + " → " + part
    return path.astype(object)


def declining(
    accounts: pd.DataFrame,
    falling: pd.DataFrame,
    drop: pd.DataFrame,
) -> pd.DataFrame:
    """Accounts whose health fell two months in a row or whose engagement fell by a third on
    the quarter before, with the reason in words: name, manager, is_key, score, path,
    engagements, previous_engagements, change, health_falling, engagement_dropped, reason.
    Both reasons first, then the lowest health."""
    f = falling.reindex(accounts.index)
    d = drop.reindex(accounts.index)
    by_health = f["falling"].astype("boolean").fillna(False).astype(bool)
    by_engagement = d["dropped"].astype("boolean").fillna(False).astype(bool)
    out = accounts[["name", "manager", "is_key"]].assign(
        score=f["score"], path=f["path"],
        engagements=d["engagements"].fillna(0).astype("int64"),
        previous_engagements=d["previous_engagements"].fillna(0).astype("int64"),
        change=d["change"],
        health_falling=by_health, engagement_dropped=by_engagement,
    )[by_health | by_engagement]
    health_text = "Health falling: " + out["path"].fillna("")
    pct = (-out["change"] * 100).round(0).fillna(0).astype("int64").astype(str)
    counts = out["previous_engagements"].astype(str) + " → " + out["engagements"].astype(str)
    engagement_text = "Engagements down " + pct + "% on the quarter before: " + counts
    both = out["health_falling"] & out["engagement_dropped"]
    out["reason"] = np.where(
        both, health_text + "; engagements down " + pct + "%: " + counts,
        np.where(out["health_falling"], health_text, engagement_text))
    out["reasons"] = out["health_falling"].astype(int) + out["engagement_dropped"].astype(int)
    out = out.sort_values(["reasons", "is_key", "score"], ascending=[False, False, True],
                          na_position="last")
    return out.drop(columns="reasons")


# --- KAM load --------------------------------------------------------------------------------


def kam_load(accounts: pd.DataFrame, managers: pd.DataFrame) -> pd.DataFrame:
    """Per key account manager (role KAM; index manager_id): name, capacity, key_accounts,
    other_accounts, load (key accounts / capacity) and over_capacity, most loaded first.
    ``accounts`` needs manager_id and is_key; ``managers`` name, role, capacity."""
    kams = managers[managers["role"] == ManagerRole.kam.value]
    owned = accounts.dropna(subset=["manager_id"])
    ids = owned["manager_id"].astype("int64")
    key = owned["is_key"].astype(bool)
    key_count = key.groupby(ids).sum().reindex(kams.index, fill_value=0).astype("int64")
    other_count = (~key).groupby(ids).sum().reindex(kams.index, fill_value=0).astype("int64")
    capacity = pd.to_numeric(kams["capacity"], errors="coerce").astype(float)
    out = pd.DataFrame({
        "name": kams["name"],
        "capacity": capacity,
        "key_accounts": key_count,
        "other_accounts": other_count,
        "load": (key_count / capacity).where(capacity > 0),
        "over_capacity": key_count > capacity.fillna(np.inf),
    }, index=kams.index)
    return out.sort_values(["load", "name"], ascending=[False, True], na_position="last")


def kam_comparison(accounts: pd.DataFrame, managers: pd.DataFrame, touches: pd.DataFrame,
                   as_of: date, scores: pd.Series) -> pd.DataFrame:
    """Key account managers side by side, for leadership (index manager_id, ``kam_load``
    order): name, key_accounts, capacity, other_accounts, touches_per_key_account (touches in
    the cadence window per key account), on_cadence (share of their key accounts with an
    agreed cadence that keep it) and health (mean score of their key accounts that have one).
    A figure without anything to measure is NaN, not zero.

    ``touches``: ``store.load_touches`` output for ``as_of`` and ``CADENCE_WINDOW_DAYS`` (a key
    account without a row was not touched); ``scores``: health score per account (e.g.
    ``health_as_of``)."""
    load = kam_load(accounts, managers)
    owned = accounts.dropna(subset=["manager_id"])
    key = owned[owned["is_key"].astype("boolean").fillna(False).astype(bool)]
    ids = key["manager_id"].astype("int64")
    c = cadence_compliance(key, touches, as_of)
    agreed = c["target"] > 0
    agreed_count = agreed.groupby(ids).sum().reindex(load.index, fill_value=0)
    kept_count = (agreed & ~c["behind"]).groupby(ids).sum().reindex(load.index, fill_value=0)
    touched = c["touches"].astype(float).groupby(ids).sum().reindex(load.index, fill_value=0.0)
    health = scores.reindex(key.index).astype(float).groupby(ids).mean()
    key_count = load["key_accounts"]
    return pd.DataFrame({
        "name": load["name"],
        "key_accounts": key_count,
        "capacity": load["capacity"],
        "other_accounts": load["other_accounts"],
        "touches_per_key_account": (touched / key_count).where(key_count > 0),
        "on_cadence": (kept_count / agreed_count).where(agreed_count > 0),
        "health": health.reindex(load.index),
    }, index=load.index)
