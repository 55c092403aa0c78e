"""The Account page's key-account tab: ratings and rank, designation history, programme."""

from __future__ import annotations

import streamlit as st

from kamdash.ui.decisions import render_designation_history
from kamdash.ui.programme import render_account_programme
from kamdash.ui.rating_history import render_rating_history

__all__ = ["render_key_account_tab"]


def render_key_account_tab(account_id: int) -> None:
    """Why the account ranks where it does, its key status over time, and its programme."""
    st.subheader("Key-account status")
    render_designation_history(account_id)
    render_account_programme(account_id)
    render_rating_history(account_id)
