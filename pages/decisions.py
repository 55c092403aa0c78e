"""Decisions: the key-account list as decided, proposal by proposal, and the programme."""

import streamlit as st

from kamdash.ui import decisions, programme
from kamdash.ui.navigation import ensure_app_navigation

ensure_app_navigation()

st.title("Key-account decisions")
st.caption(
    "Every proposed key-account list with who proposed it, who decided and what changed. "
    "Proposals come from a Selection scenario; leadership approves or rejects them, and an "
    "approval updates the key-account list on its effective date."
)

picked = decisions.render_proposals()
if picked is not None:
    decisions.render_proposal(picked)
decisions.render_on_watch()
programme.render_catalogue()
