"""Reads for looking back: every rating ever given, and who was key on a past day (the
Selection page's rising stars and back-test)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from kamdash.models import Designation, Rating
from kamdash.store.core import read_frame

__all__ = ["load_all_ratings", "load_key_as_of"]


def load_all_ratings(engine: Engine) -> pd.DataFrame:
    """Every rating, long: ``account_id``, ``criterion``, ``value``, ``rated_on``; oldest
    first (ties by id), so the last row per account and criterion is its latest."""
    stmt = select(Rating.account_id, Rating.criterion, Rating.value, Rating.rated_on).order_by(
        Rating.rated_on, Rating.id)
    frame = read_frame(engine, stmt)
    frame["rated_on"] = pd.to_datetime(frame["rated_on"])
    frame["value"] = frame["value"].astype(float)
    return frame


def load_key_as_of(engine: Engine, as_of: date) -> pd.Series:
    """Per account with any designation up to ``as_of``: was it key that day (its latest
    designation on or before ``as_of``)? Indexed by account id."""
    ranked = select(
        Designation.account_id, Designation.is_key,
        func.row_number().over(partition_by=Designation.account_id,
                               order_by=(Designation.changed_on.desc(), Designation.id.desc()))
        .label("rn"),
    ).where(Designation.changed_on <= as_of).subquery()
    frame = read_frame(engine, select(ranked.c.account_id, ranked.c.is_key).where(
        ranked.c.rn == 1))
    return frame.set_index("account_id")["is_key"].astype(bool).rename("key_then")
