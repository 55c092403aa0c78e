"""Ratings: the scoring matrix. Rate every account 1-10 on the criteria in use."""

import streamlit as st

from kamdash import criteria, ratings_matrix, selection
from kamdash.ui import data
from kamdash.ui.decisions_data import latest_ratings
from kamdash.ui.decisions_ratings import KEY_FILTERS, filtered_accounts, render_matrix
from kamdash.ui.navigation import ensure_app_navigation

ensure_app_navigation()

st.title("Ratings")
st.caption(
    "Rate each account 1 to 10 on the selection criteria (hover a column for what 1 and 10 "
    "mean). Saving adds the changed ratings as of today in your name; earlier ratings stay "
    "in the account's history, and the Selection ranking uses the latest."
)

accounts = data.accounts()
if accounts.empty:
    st.info("No accounts yet. Import your accounts, or run `python -m kamdash demo` for a demo.")
    st.stop()

keys = st.multiselect("Criteria", criteria.KEYS, default=list(selection.DEFAULT_WEIGHTS),
                      format_func=criteria.label, key="ratings_criteria",
                      help="The criteria in use on the Selection page; add others to rate them.")
f1, f2, f3, f4 = st.columns([1, 1, 1, 1.2], vertical_alignment="bottom")
manager = f1.selectbox("Manager", sorted(accounts["manager"].dropna().unique()), index=None,
                       placeholder="All managers", key="ratings_manager")
industry = f2.selectbox("Industry", sorted(accounts["industry"].dropna().unique()), index=None,
                        placeholder="All industries", key="ratings_industry")
key_filter = f3.selectbox("Key status", list(KEY_FILTERS), format_func=KEY_FILTERS.get,
                          key="ratings_key")
stale_only = f4.checkbox("Only unrated or rated more than 12 months ago", key="ratings_stale")

if not keys:
    st.info("Choose at least one criterion to rate.")
    st.stop()
needs = ratings_matrix.needs_rating(latest_ratings(), accounts.index, keys, data.today())
shown = filtered_accounts(accounts, manager, industry, key_filter,
                          needs if stale_only else None)
st.caption(f"{len(shown):,} of {len(accounts):,} accounts; {int(needs.sum()):,} in all are "
           "unrated or rated more than 12 months ago on these criteria.")
if shown.empty:
    st.info("No account matches these filters.")
    st.stop()
render_matrix(shown, keys)
