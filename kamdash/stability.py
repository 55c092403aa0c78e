"""How sure is a key account? Its chance of staying key when every weight is uncertain, and
the smallest change of one weight that moves an account near the cut across it.

Weights are judgements, not facts: each draw shakes every weight a little, scores every
account exactly as ``score_accounts`` does and applies the rule. All draws of a batch are one
matrix product; nothing loops over accounts or draws.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kamdash import criteria
from kamdash.scoring import RATING_MIN, _checked_weights, _rating_values, score_accounts
from kamdash.selection import (
    WEIGHT_MAX,
    WEIGHT_MIN,
    Capacity,
    Rule,
    select_key_accounts,
    take_within_capacity,
)

SOLID_KEY, SOLID_OUT = 0.9, 0.1  # "solid key" from 90 %, "solid out" up to 10 %
LABELS = ("solid key", "borderline", "solid out")
DEFAULT_SPREAD, DEFAULT_DRAWS = 0.25, 1000
TIPPING_WINDOW = 5  # tipping points for accounts within this many ranks of the cut
_BATCH_CELLS = 2_000_000  # draws x accounts per matrix product (16 MB of float64)


class _Portfolio:
    """The ratings of the weighted criteria, ordered by account id (ties go to the lower id,
    as in ``score_accounts``), ready for many weight vectors at once."""

    def __init__(self, ratings: pd.DataFrame, keys: list[str], missing: str,
                 capacity: Capacity | None):
        self.order = np.argsort(ratings.index.to_numpy(), kind="stable")
        self.ids = ratings.index[self.order]
        values = _rating_values(ratings.reindex(columns=keys)).T[:, self.order]
        self.n = values.shape[1]
        self.missing = missing
        if missing == "floor":
            self.values = np.fmax(values, float(RATING_MIN))
        else:
            rated = ~np.isnan(values)
            self.values = np.where(rated, values, 0.0)
            self.rated = rated.astype(float)
        # Larger is better; equal scores go to the lower id (position), as score_accounts.
        self.tiebreak = (self.n - 1 - np.arange(self.n)).astype(float)
        self.kam = None
        if capacity is not None:
            manager = capacity.manager_of.reindex(self.ids).to_numpy(dtype=float)
            self.kam = np.full(self.n, -1, dtype=np.int64)
            known = ~np.isnan(manager)
            self.kam[known] = capacity.seats.index.get_indexer(manager[known].astype(np.int64))
            self.seats = capacity.seats.to_numpy()

    def key(self, weights: np.ndarray, rule: Rule) -> np.ndarray:
        """Key or not (rows: weight vectors, columns: accounts in id order)."""
        if self.missing == "floor":
            score = (weights / weights.sum(axis=1, keepdims=True)) @ self.values
            scored = None
        else:
            wsum = weights @ self.rated
            with np.errstate(invalid="ignore", divide="ignore"):
                score = (weights @ self.values) / wsum
            scored = wsum > 0
        # Scores in steps of 1e-9 as score_accounts rounds them, then one number per account
        # that orders by score and, among equals, by id: ticks * n + (n - 1 - position). All
        # of it is exact in float64 (below 2**53) and done in place: no int copies.
        ticks = np.multiply(score, 1e9, out=score)
        np.rint(ticks, out=ticks)
        if rule.kind == "threshold":
            chosen = ticks >= np.rint(rule.threshold * 1e9)
            return chosen if scored is None else chosen & scored
        if scored is not None:
            ticks[~scored] = -1.0  # below every real score; the tiebreak keeps them apart
        rank_key = np.multiply(ticks, self.n, out=ticks)
        rank_key += self.tiebreak
        if rule.kind == "top_n":
            take = min(rule.n, self.n if scored is None else int(scored[0].sum()))
            if take <= 0:
                return np.zeros(rank_key.shape, dtype=bool)
            kth = np.partition(rank_key, self.n - take, axis=1)[:, self.n - take, None]
            return rank_key >= kth
        if self.kam is None:
            raise ValueError("the capacity rule needs each account's manager and each KAM's "
                             "capacity")
        best_first = np.argsort(-rank_key, axis=1)
        kam = self.kam[best_first]
        if scored is not None:
            kam = np.where(np.take_along_axis(scored, best_first, axis=1), kam, -1)
        taken = take_within_capacity(kam, self.seats)
        chosen = np.empty_like(taken)
        np.put_along_axis(chosen, best_first, taken, axis=1)
        return chosen


def key_probability(ratings: pd.DataFrame, weights: Mapping[str, float], rule: Rule,
                    missing: str = "floor", spread: float = DEFAULT_SPREAD,
                    draws: int = DEFAULT_DRAWS, seed: int = 0,
                    capacity: Capacity | None = None) -> pd.Series:
    """Share of ``draws`` in which each account is key when every positive weight is
    multiplied by its own factor, uniform in [1 - spread, 1 + spread] (zero weights stay
    zero).

    Indexed like ``ratings`` (every row), values in [0, 1]; ``spread=0`` gives today's
    selection exactly; the same ``seed`` gives the same answer. ValueError naming the cause
    for ``spread`` outside [0, 1), ``draws`` below 1, and everything ``score_accounts``
    refuses. The capacity rule also needs ``capacity``.
    """
    if not 0 <= spread < 1:
        raise ValueError(f"spread must be within [0, 1), got {spread}")
    if int(draws) != draws or draws < 1:
        raise ValueError(f"draws must be a whole number of at least 1, got {draws}")
    ranked = score_accounts(ratings, weights, missing)  # validates everything, once
    if spread == 0:
        today = select_key_accounts(ranked, rule, capacity)
        return today.reindex(ratings.index).astype(float).rename("key_probability")
    w = _checked_weights(weights)
    keys = list(w)
    portfolio = _Portfolio(ratings, keys, missing, capacity)
    base = np.array([w[k] for k in keys])
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(int(draws), len(keys)))
    counts = np.zeros(portfolio.n, dtype=np.int64)
    batch = max(1, _BATCH_CELLS // max(portfolio.n, 1))
    for start in range(0, int(draws), batch):  # batches of draws, each one matrix product
        counts += portfolio.key(base * factors[start:start + batch], rule).sum(axis=0)
    share = pd.Series(counts / draws, index=portfolio.ids, name="key_probability")
    return share.reindex(ratings.index)


def stability_label(probability: pd.Series) -> pd.Series:
    """"solid key" (>= 90 %), "solid out" (<= 10 %), else "borderline"."""
    p = probability.to_numpy(dtype=float)
    return pd.Series(np.select([p >= SOLID_KEY, p <= SOLID_OUT], LABELS[::2], LABELS[1]),
                     index=probability.index, dtype=object)


def tipping_points(ratings: pd.DataFrame, weights: Mapping[str, float], rule: Rule,
                   names: pd.Series, missing: str = "floor",
                   capacity: Capacity | None = None,
                   window: int = TIPPING_WINDOW) -> pd.DataFrame:
    """For each account within ``window`` ranks of the cut: the smallest change of one
    criterion's weight (whole numbers within the slider range) that moves it across.

    One row per account that some single change moves (closest to the cut first): ``rank``,
    ``key`` (today under this scenario), ``criterion``, ``weight``, ``tipping_weight``,
    ``sentence`` ("Brightwater Pharma drops out if Revenue potential weighs 2 or less").
    """
    ranked = score_accounts(ratings, weights, missing)
    key_now = select_key_accounts(ranked, rule, capacity)
    cut = int(key_now.sum())
    near = ranked.index[max(0, cut - window):cut + window]
    columns = ["rank", "key", "criterion", "weight", "tipping_weight", "sentence"]
    if near.empty:
        return pd.DataFrame(columns=columns)
    chosen = [k for k in weights if k in criteria.BY_KEY]
    current = np.array([float(weights[k]) for k in chosen])
    steps = np.arange(WEIGHT_MIN, WEIGHT_MAX + 1, dtype=float)
    alternatives, which = [], []
    for j in range(len(chosen)):  # over the chosen criteria (<= 11), not accounts
        for value in steps[steps != current[j]]:
            row = current.copy()
            row[j] = value
            if row.sum() > 0:
                alternatives.append(row)
                which.append((j, value))
    if not alternatives:
        return pd.DataFrame(columns=columns)
    # Every chosen criterion is a column; a weight of 0 contributes nothing, as on the slider.
    portfolio = _Portfolio(ratings, chosen, missing, capacity)
    keyed = portfolio.key(np.array(alternatives), rule)
    position = pd.Index(portfolio.ids).get_indexer(near)
    now = key_now.reindex(near).to_numpy(dtype=bool)
    which_j = np.array([j for j, _ in which])
    which_v = np.array([v for _, v in which])
    distance = np.abs(which_v - current[which_j])
    rows = []
    for account, pos, is_key in zip(near, position, now, strict=True):  # <= 2 * window
        flips = keyed[:, pos] != is_key
        if not flips.any():
            continue
        best = np.flatnonzero(flips)[np.lexsort((which_j[flips], distance[flips]))[0]]
        j, value = int(which_j[best]), float(which_v[best])
        lower = value < current[j]
        same_side = (which_j == j) & ((which_v <= value) if lower else (which_v >= value))
        steady = bool(flips[same_side].all())
        bound = f" or {'less' if lower else 'more'}" if steady else ""
        label = criteria.label(chosen[j])
        verb = "drops out" if is_key else "becomes key"
        rows.append({
            "account_id": account, "rank": int(ranked.loc[account, "rank"]), "key": is_key,
            "criterion": chosen[j], "weight": current[j], "tipping_weight": value,
            "sentence": f"{names.get(account, account)} {verb} if {label} weighs "
                        f"{value:g}{bound} (now {current[j]:g}).",
        })
    return pd.DataFrame(rows, columns=["account_id", *columns]).set_index("account_id")
