"""Cached reads and sums for the Selection page's deeper analyses, keyed on the data version
(``kamdash.ui.data`` holds the shared loaders; these are the Selection page's own)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kamdash import engagement, health, momentum, selection, stability, store
from kamdash.ui import data


@data.versioned(max_entries=4)
def rating_history() -> pd.DataFrame:
    """Every rating ever given (``store.load_all_ratings``)."""
    return store.load_all_ratings(data.engine())


@data.versioned(max_entries=8)
def key_as_of(as_of: date) -> pd.Series:
    """Who was key on ``as_of``."""
    return store.load_key_as_of(data.engine(), as_of)


def capacity() -> selection.Capacity:
    """Each account's KAM and each KAM's capacity (ValueError naming a bad capacity)."""
    return selection.capacity_of(data.accounts(), data.managers())


@data.versioned(max_entries=16, show_spinner="Shaking the weights 1,000 times…")
def key_probability(weights: dict[str, int], missing: str, rule: selection.Rule) -> pd.Series:
    """``stability.key_probability`` of every account under this scenario, cached per
    scenario and data version: moving back to a scenario seen before costs nothing."""
    cap = capacity() if rule.kind == "capacity" else None
    return stability.key_probability(data.ratings().reindex(columns=list(weights)),
                                     dict(weights), rule, missing, capacity=cap)


@data.versioned(max_entries=16)
def tipping_points(weights: dict[str, int], missing: str, rule: selection.Rule
                   ) -> pd.DataFrame:
    """``stability.tipping_points`` under this scenario, cached like ``key_probability``."""
    cap = capacity() if rule.kind == "capacity" else None
    return stability.tipping_points(data.ratings(), dict(weights), rule,
                                    data.accounts()["name"], missing, cap)


def last_month() -> pd.Timestamp:
    """The last complete month: what revenue windows end on."""
    return health.last_complete_month(data.today())


@data.versioned(max_entries=8)
def _rising_stars(weights: dict[str, int], missing: str, today: date) -> pd.DataFrame:
    return momentum.rising_stars(
        data.accounts(), rating_history(), data.account_months(),
        data.touches(today, engagement.CADENCE_WINDOW_DAYS), dict(weights),
        health.last_complete_month(today), missing)


def rising_stars(weights: dict[str, int], missing: str = "floor") -> pd.DataFrame:
    """``momentum.rising_stars`` with these weights, as of today."""
    return _rising_stars(dict(weights), missing, data.today())


@data.versioned(max_entries=8)
def _back_test(as_of: date, today: date) -> momentum.BackTest:
    return momentum.back_test(rating_history(), data.account_months(), key_as_of(as_of),
                              pd.Timestamp(as_of), health.last_complete_month(today))


def back_test(as_of: date) -> momentum.BackTest:
    """``momentum.back_test`` from ``as_of`` to the last complete month."""
    return _back_test(as_of, data.today())
