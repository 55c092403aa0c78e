"""The Account page's "why does it rank here?": the account's rank and score under the
scenario of the latest approved decision (else the default one), what each criterion brings,
and every rating it ever had, when and by whom."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamdash import criteria, ratings_matrix, selection
from kamdash.models import ProposalStatus
from kamdash.ui import data
from kamdash.ui.decisions_data import proposals, rating_history

__all__ = ["ranking_scenario", "render_rating_history"]


def ranking_scenario() -> tuple[dict[str, float], str, str]:
    """Weights, missing policy and where they come from: the latest approved proposal's
    scenario, else the Selection page's default."""
    frame = proposals()
    approved = frame[frame["status"] == ProposalStatus.approved.value]
    if len(approved):
        approved = approved.sort_values("decided_at")
        latest = approved.iloc[-1]
        return (dict(latest["weights"]), str(latest["rule"].get("missing", "floor")),
                f"the weights of the last approved decision (proposal {approved.index[-1]})")
    return dict(selection.DEFAULT_WEIGHTS), selection.DEFAULT_MISSING, "the default weights"


def render_rating_history(account_id: int) -> None:
    st.subheader("Why does it rank here?")
    weights, missing, source = ranking_scenario()
    accounts = data.accounts()
    outcome = selection.evaluate(data.ratings(), accounts, weights, missing,
                                 selection.Rule("top_n", n=max(1, int(accounts["is_key"].sum()))))
    ranked = outcome.ranked
    c1, c2 = st.columns(2)
    c1.metric("Rank", f"{int(ranked.at[account_id, 'rank'])} of {len(ranked):,}",
              help=f"Under {source}")
    score = ranked.at[account_id, "score"]
    c2.metric("Score", "–" if pd.isna(score) else f"{score:.1f} / 10",
              help="Weighted mean of the latest ratings on the chosen criteria")
    history = rating_history(account_id)
    latest = history.sort_values(["rated_on", "rating_id"]).groupby("criterion").tail(1) \
        .set_index("criterion")
    total = sum(weights.values())
    why = pd.DataFrame({
        "criterion": [criteria.label(k) for k in weights],
        "value": [latest["value"].get(k) for k in weights],
        "weight": [f"{w / total:.0%}" for w in weights.values()],
        "contribution": [ranked.at[account_id, f"contrib_{k}"] for k in weights],
        "rated_on": [latest["rated_on"].get(k) for k in weights],
        "rated_by": [latest["rated_by"].get(k) for k in weights],
    })
    st.caption(f"Under {source}. An unrated criterion "
               + ("counts as 1." if missing == "floor" else "is left out of the mean."))
    st.dataframe(why, hide_index=True, width="stretch", key=f"account_why_{account_id}",
                 column_config={
                     "criterion": "Criterion", "value": st.column_config.NumberColumn(
                         "Rating", format="%d", help="Latest rating, 1-10 (blank: unrated)"),
                     "weight": "Weight",
                     "contribution": st.column_config.NumberColumn(
                         "Adds to the score", format="%.2f"),
                     "rated_on": st.column_config.DateColumn("Rated on", format="D MMM YYYY"),
                     "rated_by": "Rated by"})
    st.markdown("**Rating history**")
    if history.empty:
        st.caption("Never rated. Rate it on the Ratings page.")
        return
    table = ratings_matrix.history_table(history)
    table["change"] = table["change"].map(lambda c: "" if pd.isna(c) else f"{c:+.0f}")
    st.dataframe(table, hide_index=True, width="stretch", key=f"account_ratings_{account_id}",
                 column_order=["label", "value", "change", "rated_on", "rated_by"],
                 column_config={
                     "label": "Criterion", "value": st.column_config.NumberColumn(
                         "Rating", format="%d"),
                     "change": st.column_config.TextColumn("Change",
                                                           help="On the rating before"),
                     "rated_on": st.column_config.DateColumn("Rated on", format="D MMM YYYY"),
                     "rated_by": "Rated by"})
