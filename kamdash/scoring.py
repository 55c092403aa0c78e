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
    """
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, got {missing!r}")
    unknown_cols = criteria.unknown_keys(ratings.columns)
    if unknown_cols:
        raise ValueError(f"unknown criterion column(s) in ratings: {', '.join(unknown_cols)}")
    w = _checked_weights(weights)
    keys = list(w)

    # Criteria nobody has rated yet simply have no column: treat them as all missing.
    frame = ratings.reindex(columns=keys)
    values = frame.to_numpy(dtype=float, na_value=np.nan)
    rated = ~np.isnan(values)
    out_of_range = rated & ((values < RATING_MIN) | (values > RATING_MAX))
    if out_of_range.any():
        row, col = np.argwhere(out_of_range)[0]
        raise ValueError(
            f"rating {values[row, col]:g} for account {frame.index[row]} on {keys[col]!r} "
            f"is outside {RATING_MIN}..{RATING_MAX}"
        )

    wvec = np.array([w[k] for k in keys])
    if missing == "floor":
        used = np.where(rated, values, float(RATING_MIN))
        share = np.broadcast_to(wvec / wvec.sum(), used.shape)
    else:
        used = np.where(rated, values, 0.0)
        wsum = (rated * wvec).sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(wsum > 0, rated * wvec / wsum, 0.0)
    contrib = share * used
    # Rounded so that equal weighted means tie exactly despite float summation order.
    score = np.round(contrib.sum(axis=1), 9)
    if missing == "ignore":
        score = np.where(rated.any(axis=1), score, np.nan)

    out = pd.DataFrame(
        {"score": score, **{f"contrib_{k}": contrib[:, i] for i, k in enumerate(keys)}},
        index=ratings.index.copy(),
    )
    # Best first; ties (and unscored accounts) by account id ascending.
    order = np.lexsort((out.index.to_numpy(), np.nan_to_num(-score, nan=np.inf)))
    out = out.iloc[order]
    out.insert(
        1, "rank", out["score"].rank(method="min", ascending=False, na_option="bottom").astype(int)
    )
    return out
