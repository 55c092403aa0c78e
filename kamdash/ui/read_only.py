"""Read-only mode in the UI: a visible notice, and one question every write control asks."""

from __future__ import annotations

import streamlit as st

from kamdash import store

NOTICE = "Read-only demo: changes are switched off, nothing you do here is saved."


def writes_disabled() -> bool:
    """True when KAMDASH_READ_ONLY is set: pages disable their save and import controls."""
    return store.read_only()


def sidebar_notice() -> None:
    """Show the read-only notice in the sidebar (called once by streamlit_app.py)."""
    if writes_disabled():
        st.sidebar.warning(NOTICE, icon=":material/lock:")
