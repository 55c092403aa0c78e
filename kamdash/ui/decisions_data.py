"""Cached reads for ratings, decisions and the programme, keyed on the data version like
kamdash.ui.data's loaders (never mutate a returned frame)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamdash import db, store
from kamdash.ui import data


@st.cache_data(max_entries=4, show_spinner=False)
def _latest_ratings(url: str, data_version: int) -> pd.DataFrame:
    return store.load_latest_ratings(data.engine())


def latest_ratings() -> pd.DataFrame:
    """Latest rating per account and criterion with its day and rater (long)."""
    return _latest_ratings(db.database_url(), data.version())


@st.cache_data(max_entries=16, show_spinner=False)
def _rating_history(url: str, data_version: int, account_id: int) -> pd.DataFrame:
    return store.load_rating_history(data.engine(), account_id)


def rating_history(account_id: int) -> pd.DataFrame:
    """Every rating of one account, oldest first."""
    return _rating_history(db.database_url(), data.version(), account_id)


@st.cache_data(max_entries=4, show_spinner=False)
def _proposals(url: str, data_version: int) -> pd.DataFrame:
    return store.load_proposals(data.engine())


def proposals() -> pd.DataFrame:
    """Every proposal, newest first, with counts of its changes."""
    return _proposals(db.database_url(), data.version())


@st.cache_data(max_entries=4, show_spinner=False)
def _proposal_changes(url: str, data_version: int) -> pd.DataFrame:
    return store.load_proposal_changes(data.engine())


def proposal_changes() -> pd.DataFrame:
    """The changes of every proposal."""
    return _proposal_changes(db.database_url(), data.version())


@st.cache_data(max_entries=4, show_spinner=False)
def _designations(url: str, data_version: int) -> pd.DataFrame:
    return store.load_designations(data.engine())


def designations() -> pd.DataFrame:
    """Every account's designation history, oldest first."""
    return _designations(db.database_url(), data.version())


@st.cache_data(max_entries=4, show_spinner=False)
def _services(url: str, data_version: int) -> pd.DataFrame:
    return store.load_services(data.engine())


def services() -> pd.DataFrame:
    """The programme's service catalogue."""
    return _services(db.database_url(), data.version())


@st.cache_data(max_entries=4, show_spinner=False)
def _agreements(url: str, data_version: int) -> pd.DataFrame:
    return store.load_agreements(data.engine())


def agreements() -> pd.DataFrame:
    """Every account's programme status (accounts without one are absent)."""
    return _agreements(db.database_url(), data.version())
