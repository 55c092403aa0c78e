"""The scoring matrix: accounts x criteria as a grid, the edited grid back as rating rows, and
how old each account's ratings are. Pure: no Streamlit, no session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kamdash import criteria
from kamdash.scoring import RATING_MAX, RATING_MIN

# A rating older than a year no longer describes the customer: the source material asks for a
# regular review, and a yearly one is the slowest cadence it names.
STALE_DAYS = 365


def grid(accounts: pd.DataFrame, latest: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """One row per account of ``accounts`` (index ``account_id``, column ``name``), a column
    per criterion key with its latest value (NaN: never rated). ``latest``: long frame with
    ``account_id``, ``criterion``, ``value`` (one row per account and criterion)."""
    wide = latest.pivot(index="account_id", columns="criterion", values="value") \
        if len(latest) else pd.DataFrame()
    wide = wide.reindex(index=accounts.index, columns=list(keys)).astype(float)
    out = pd.concat([accounts[["name"]], wide], axis=1)
    out.columns.name = None
    return out


def cell_problem(value: object) -> str | None:
    """Why ``value`` cannot be a rating (a whole number 1-10), or None."""
    if isinstance(value, bool):
        return f"'{value}' is not a number"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"'{value}' is not a number"
    if not np.isfinite(number):
        return f"'{value}' is not a number"
    if number != int(number):
        return f"{number:g} is not a whole number; rate 1 to 10"
    if not RATING_MIN <= number <= RATING_MAX:
        return f"{number:g} is outside {RATING_MIN} to {RATING_MAX}"
    return None


def changed_ratings(before: pd.DataFrame, after: pd.DataFrame,
                    keys: Iterable[str]) -> tuple[list[dict], list[str]]:
    """The rating rows an edited grid adds (only the cells that changed) and the problems
    that keep it from being saved, each naming the account and the criterion.

    ``before`` and ``after``: ``grid`` frames, same index (the editor neither adds nor
    removes rows). A cleared cell is a problem: history is kept, a rating is never removed.
    """
    rows: list[dict] = []
    problems: list[str] = []
    names = before["name"]
    for key in keys:
        old = before[key]
        new = after[key].reindex(before.index)
        for account_id in before.index:
            o, n = old.at[account_id], new.at[account_id]
            if _blank(n):
                if not _blank(o):
                    problems.append(f"{names.at[account_id]}, {criteria.label(key)}: a rating "
                                    f"cannot be cleared (it was {o:g}); enter 1 to 10")
                continue
            problem = cell_problem(n)
            if problem:
                problems.append(f"{names.at[account_id]}, {criteria.label(key)}: {problem}")
                continue
            if _blank(o) or float(o) != float(n):
                rows.append({"account_id": int(account_id), "criterion": key,
                             "value": int(float(n))})
    return rows, problems


def _blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def last_rated(latest: pd.DataFrame, account_ids: pd.Index,
               keys: Iterable[str] | None = None) -> pd.Series:
    """Per account of ``account_ids``: the day of its oldest latest rating on ``keys`` (all
    criteria when None), NaT when any of them is unrated. An account is as fresh as its
    stalest criterion."""
    keys = list(keys) if keys is not None else list(criteria.KEYS)
    rows = latest[latest["criterion"].isin(keys)]
    dates = rows.pivot(index="account_id", columns="criterion", values="rated_on") \
        if len(rows) else pd.DataFrame()
    dates = dates.reindex(index=account_ids, columns=keys).apply(pd.to_datetime)
    oldest = dates.min(axis=1)
    return oldest.where(dates.notna().all(axis=1))


def needs_rating(latest: pd.DataFrame, account_ids: pd.Index, keys: Iterable[str],
                 today: date) -> pd.Series:
    """True per account that is unrated on one of ``keys`` or rated on it more than
    STALE_DAYS ago (the Ratings page's "unrated or older than 12 months" filter)."""
    oldest = last_rated(latest, account_ids, keys)
    return oldest.isna() | (oldest < pd.Timestamp(today - timedelta(days=STALE_DAYS)))


def rating_age(latest: pd.DataFrame, account_ids: pd.Index, today: date) -> dict[str, int]:
    """How many accounts were last rated more than STALE_DAYS ago (``stale``: their newest
    rating on any criterion is that old) and how many were never rated (``never``)."""
    newest = (latest.groupby("account_id")["rated_on"].max() if len(latest)
              else pd.Series(dtype="datetime64[ns]"))
    newest = pd.to_datetime(newest.reindex(account_ids))
    cutoff = pd.Timestamp(today - timedelta(days=STALE_DAYS))
    return {"stale": int((newest < cutoff).sum()), "never": int(newest.isna().sum())}


def column_help(key: str) -> str:
    """A grid column's help: the question and what 1 and 10 mean (kamdash.criteria)."""
    return criteria.BY_KEY[key].help


def history_table(history: pd.DataFrame, names: Mapping[str, str] | None = None
                  ) -> pd.DataFrame:
    """One account's ratings (``criterion``, ``value``, ``rated_on``, ``rated_by``) newest
    first per criterion, with the criterion's label and the change on the rating before."""
    if history.empty:
        return history.assign(label=[], change=[])
    out = history.sort_values(["criterion", "rated_on", "rating_id"]
                              if "rating_id" in history else ["criterion", "rated_on"])
    out = out.assign(change=out.groupby("criterion")["value"].diff(),
                     label=out["criterion"].map(names or criteria.label))
    order = {k: i for i, k in enumerate(criteria.KEYS)}
    out = out.assign(_order=out["criterion"].map(order))
    return out.sort_values(["_order", "rated_on"], ascending=[True, False]).drop(
        columns="_order")
