"""Weighted scoring of accounts on the selection criteria: the hot path behind the sliders."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kamdash import criteria

MISSING_POLICIES = ("floor", "ignore")
RATING_MIN, RATING_MAX = 1, 10


def _checked_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """The positive weights, in the given order; ValueError naming any bad one."""
    unknown = criteria.unknown_keys(weights)
    if unknown:
        raise ValueError(f"unknown criterion key(s): {', '.join(map(repr, unknown))}")
    checked: dict[str, float] = {}
    for key, w in weights.items():
        try:
            w = float(w)
        except (TypeError, ValueError):
            raise ValueError(f"weight for {key!r} is not a number: {w!r}") from None
        if not math.isfinite(w):
            raise ValueError(f"weight for {key!r} must be finite, got {w}")
        if w < 0:
            raise ValueError(f"weight for {key!r} must not be negative, got {w:g}")
        if w > 0:
            checked[key] = w
    if not checked:
        raise ValueError("all weights are zero: give at least one criterion a weight above 0")
    return checked


def _rating_values(ratings: pd.DataFrame) -> np.ndarray:
    """All ratings as floats (NaN = not rated); ValueError naming the first bad cell."""
    try:
        values = ratings.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        for key in ratings.columns:  # only on the error path: a loop over <= 11 criteria
            numbers = pd.to_numeric(ratings[key], errors="coerce")
            bad = numbers.isna() & ratings[key].notna()
            if bad.any():
                account = bad.index[bad.to_numpy()][0]
                raise ValueError(f"rating {ratings[key][account]!r} for account {account} on "
                                 f"{key!r} is not a number") from None
        raise
    # fmin/fmax skip NaN: one pass each, no temporary matrices on the good path.
    if values.size and (np.fmin.reduce(values, axis=None) < RATING_MIN
                        or np.fmax.reduce(values, axis=None) > RATING_MAX):
        row, col = np.argwhere((values < RATING_MIN) | (values > RATING_MAX))[0]
        raise ValueError(
            f"rating {values[row, col]:g} for account {ratings.index[row]} on "
            f"{ratings.columns[col]!r} is outside {RATING_MIN}..{RATING_MAX}"
        )
    return values


def _min_ranks(sorted_scores: np.ndarray) -> np.ndarray:
    """Ranks 1..n of scores sorted best first, NaN last: equal scores share the lowest rank
    (pandas' "min"), every unscored account ranks after the last scored one."""
    scored = int((~np.isnan(sorted_scores)).sum())
    ranks = np.full(len(sorted_scores), scored + 1, dtype=np.int64)
    head = sorted_scores[:scored]
    # Each run of equal scores takes the position of its first member (one pass, no search).
    starts = np.flatnonzero(np.r_[True, head[1:] != head[:-1]])
    ranks[:scored] = np.repeat(starts + 1, np.diff(np.r_[starts, scored]))
    return ranks


def score_accounts(
    ratings: pd.DataFrame, weights: Mapping[str, float], missing: str = "floor"
) -> pd.DataFrame:
    """Rank accounts by the weighted mean of their 1-10 ratings, best first.

    ``ratings`` has one row per account (index = account id) and one column per criterion
    key, NaN where not rated. ``missing="floor"`` counts an unrated criterion as 1;
    ``missing="ignore"`` leaves it out of that account's mean (an account with none of the
    weighted criteria rated then has no score and ranks last).

    Returns a new frame with ``score``, ``rank`` (1 = best, ties share the lowest rank and
    are ordered by account id) and ``contrib_<key>`` per weighted criterion, summing to score.
    ValueError, naming the cause, for bad weights, unknown criteria, ratings that are not
    numbers or lie outside 1..10, and an account id that appears twice.

    All numpy on one matrix, the result frame built once: no loop over accounts.
    """
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, got {missing!r}")
    unknown_cols = criteria.unknown_keys(ratings.columns)
    if unknown_cols:
        raise ValueError(f"unknown criterion column(s) in ratings: {', '.join(unknown_cols)}")
    if not ratings.index.is_unique:
        twice = ratings.index[ratings.index.duplicated()][0]
        raise ValueError(f"account {twice} appears more than once in ratings")
    w = _checked_weights(weights)
    keys = list(w)

    # Criteria x accounts: each criterion's ratings lie contiguous, every step below runs
    # along rows, and pandas keeps the result block as it is (its own layout), without copies.
    all_values = _rating_values(ratings).T
    position = {key: i for i, key in enumerate(ratings.columns)}
    if all(key in position for key in keys):
        values = np.take(all_values, [position[key] for key in keys], axis=0)
    else:  # criteria nobody has rated yet have no column: all missing
        values = np.full((len(keys), len(ratings)), np.nan)
        for j, key in enumerate(keys):  # over the weighted criteria (<= 11), not accounts
            if key in position:
                values[j] = all_values[position[key]]

    wvec = np.array([w[k] for k in keys])[:, None]
    if missing == "floor":
        contrib = np.fmax(values, float(RATING_MIN), out=values)  # fmax gives 1 for NaN
        contrib *= wvec / wvec.sum()
    else:
        rated = ~np.isnan(values)
        contrib = np.where(rated, values, 0.0)
        wsum = (rated * wvec).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            contrib *= wvec / wsum
        contrib[:, wsum == 0] = 0.0
    # Scores in steps of 1e-9, so that equal weighted means tie exactly despite float
    # summation order; the integer steps also sort faster than floats.
    ticks = np.rint(contrib.sum(axis=0) * 1e9).astype(np.int64)
    score = ticks / 1e9
    sort_key = -ticks
    if missing == "ignore":
        score[wsum == 0] = np.nan
        sort_key[wsum == 0] = np.iinfo(np.int64).max  # unscored: last

    # Best first; ties (and unscored accounts) by account id ascending. A stable sort keeps
    # ids in order among equals when they come sorted (as from the store); else sort by both.
    if ratings.index.is_monotonic_increasing:
        order = np.argsort(sort_key, kind="stable")
    else:
        order = np.lexsort((ratings.index.to_numpy(), sort_key))
    ranked = score[order]
    columns = {"score": ranked, "rank": _min_ranks(ranked)}
    columns.update(zip((f"contrib_{k}" for k in keys), np.take(contrib, order, axis=1),
                       strict=True))
    return pd.DataFrame(columns, index=ratings.index[order], copy=False)
