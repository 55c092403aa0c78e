"""Cached reads for ratings, decisions and the programme, keyed on the data version like
kamdash.ui.data's loaders (never mutate a returned frame)."""

from __future__ import annotations

import pandas as pd

from kamdash import store
from kamdash.ui import data


@data.versioned(max_entries=4)
def latest_ratings() -> pd.DataFrame:
    """Latest rating per account and criterion with its day and rater (long)."""
    return store.load_latest_ratings(data.engine())


@data.versioned(max_entries=16)
def rating_history(account_id: int) -> pd.DataFrame:
    """Every rating of one account, oldest first."""
    return store.load_rating_history(data.engine(), account_id)


@data.versioned(max_entries=4)
def proposals() -> pd.DataFrame:
    """Every proposal, newest first, with counts of its changes."""
    return store.load_proposals(data.engine())


@data.versioned(max_entries=4)
def proposal_changes() -> pd.DataFrame:
    """The changes of every proposal."""
    return store.load_proposal_changes(data.engine())


@data.versioned(max_entries=4)
def designations() -> pd.DataFrame:
    """Every account's designation history, oldest first."""
    return store.load_designations(data.engine())


@data.versioned(max_entries=4)
def services() -> pd.DataFrame:
    """The programme's service catalogue."""
    return store.load_services(data.engine())


@data.versioned(max_entries=4)
def agreements() -> pd.DataFrame:
    """Every account's programme status (accounts without one are absent)."""
    return store.load_agreements(data.engine())
