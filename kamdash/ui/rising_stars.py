"""Rising stars: one call for any page (the Portfolio page ends with it, Selection has a tab)."""

from __future__ import annotations

import streamlit as st

from kamdash import selection
from kamdash.formatting import percent
from kamdash.ui import selection_data
from kamdash.ui.account_picker import account_link_column, account_links


def render(weights: dict[str, int] | None = None, missing: str = "floor",
           key: str = "rising_stars", heading: bool = True) -> None:
    """The non-key accounts with the strongest momentum, each with its reason in words;
    scored with ``weights`` (the default scenario when None)."""
    weights = dict(weights or selection.DEFAULT_WEIGHTS)
    if heading:
        st.subheader("Rising stars")
    st.caption("Accounts that are not key yet, with the strongest momentum: revenue of the "
               "last six months against the six before, how much their score rose since "
               "their previous ratings, and touches last quarter against the quarter before.")
    stars = selection_data.rising_stars(weights, missing)
    if stars.empty:
        st.info("No rising star right now: no account that is not key grew on revenue, "
                "score or contact.")
        return
    st.dataframe(
        stars.assign(account=account_links(stars.index.to_series(), stars["name"]),
                     revenue_growth=stars["revenue_growth"].map(lambda g: percent(g)),
                     ),
        hide_index=True, width="stretch", key=key,
        column_order=["account", "why", "revenue_growth", "score", "score_change", "manager"],
        column_config={
            "account": account_link_column("Account", help="Open the account"),
            "why": st.column_config.TextColumn("Why it is rising", width="large"),
            "revenue_growth": st.column_config.TextColumn("Revenue, 6 months on 6 before"),
            "score": st.column_config.NumberColumn("Score now", format="%.1f"),
            "score_change": st.column_config.NumberColumn("Score change", format="%+.1f"),
            "manager": "Manager",
        },
    )
