"""Account plans across the portfolio: what needs a look, for leadership or for one KAM.

``render_plan_attention(manager_id=None)`` shows key accounts without a plan, plans not
reviewed within their cadence, overdue actions by owner, goals at risk, and where the
whitespace potential lies (by offering and by industry). With ``manager_id`` only that
manager's accounts count (the KAM's own view).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamdash import plans
from kamdash.charts import plans as plan_charts
from kamdash.formatting import money
from kamdash.ui import data
from kamdash.ui.account_picker import account_link_column, account_links
from kamdash.ui.columns import money_column
from kamdash.ui.plan_data import plan_tables

__all__ = ["render_plan_attention"]


def _links(frame: pd.DataFrame) -> pd.Series:
    return account_links(frame["account_id"], frame["account"])


def render_plan_attention(manager_id: int | None = None) -> None:
    """The plans section of Portfolio (or of one manager's own page)."""
    accounts = data.accounts()
    today = data.today()
    seen = plans.attention(accounts, plan_tables(), today, manager_id)
    key = "plan_attention" if manager_id is None else f"plan_attention_{manager_id}"
    st.subheader("Account plans")
    st.caption("Every key account should have a plan that is reviewed on time, with actions "
               f"done when due. {plans.cadence_help()}")
    m1, m2, m3, m4, m5 = st.columns(5)
    m1.metric("Key accounts without a plan", f"{len(seen.without_plan):,}")
    m2.metric("Reviews overdue", f"{len(seen.reviews_overdue):,}",
              help="Plans not reviewed within their cadence (or never reviewed)")
    m3.metric("Overdue actions", f"{len(seen.overdue_actions):,}")
    m4.metric("Goals at risk", f"{len(seen.goals_at_risk):,}",
              help="Marked at risk, or past their due date and not done")
    m5.metric("Whitespace potential", money(seen.potential_total),
              help="Estimated value of every offering x buying centre marked Potential")

    if seen.without_plan.empty and seen.reviews_overdue.empty and \
            seen.overdue_actions.empty and seen.goals_at_risk.empty:
        st.success("Every key account has a plan, reviewed on time, with no overdue action "
                   "and no goal at risk.", icon=":material/verified:")
    left, right = st.columns(2)
    if len(seen.without_plan):
        frame = seen.without_plan.rename_axis("account_id").reset_index().rename(
            columns={"name": "account"})
        left.markdown("**Key accounts without a plan**")
        left.dataframe(frame.assign(link=_links(frame)), hide_index=True, width="stretch",
                       key=f"{key}_without", column_order=["link", "manager", "annual_revenue"],
                       column_config={"link": account_link_column("Account"),
                                      "manager": "Key account manager",
                                      "annual_revenue": money_column("Revenue, 12 months")})
    if len(seen.reviews_overdue):
        frame = seen.reviews_overdue.rename(columns={"name": "account"})
        right.markdown("**Plans not reviewed within their cadence**")
        right.dataframe(
            frame.assign(link=_links(frame), cadence=frame["cadence"].map(plans.CADENCES),
                         late=[("never reviewed" if pd.isna(last) else f"{d} days")
                               for last, d in zip(frame["last_review"], frame["days_late"],
                                                  strict=True)]),
            hide_index=True, width="stretch", key=f"{key}_reviews",
            column_order=["link", "cadence", "last_review", "late", "manager"],
            column_config={"link": account_link_column("Account"), "cadence": "Cadence",
                           "last_review": st.column_config.DateColumn("Last review",
                                                                      format="D MMM YYYY"),
                           "late": "Overdue by", "manager": "Key account manager"})
    left, right = st.columns(2)
    if len(seen.overdue_actions):
        left.markdown("**Overdue actions by owner**")
        left.dataframe(seen.overdue_by_owner.reset_index(), hide_index=True, width="stretch",
                       key=f"{key}_owners",
                       column_config={"owner": "Owner", "overdue": "Overdue actions",
                                      "most_days": "Most days overdue"})
        frame = seen.overdue_actions
        left.dataframe(frame.assign(link=_links(frame)), hide_index=True, width="stretch",
                       key=f"{key}_actions",
                       column_order=["link", "what", "owner", "due_on", "days_overdue"],
                       column_config={"link": account_link_column("Account"),
                                      "what": "Action", "owner": "Owner",
                                      "due_on": st.column_config.DateColumn(
                                          "Due", format="D MMM YYYY"),
                                      "days_overdue": "Days overdue"})
    if len(seen.goals_at_risk):
        frame = seen.goals_at_risk
        right.markdown("**Goals at risk**")
        right.dataframe(frame.assign(link=_links(frame)), hide_index=True, width="stretch",
                        key=f"{key}_goals", column_order=["link", "title", "owner", "why"],
                        column_config={"link": account_link_column("Account"),
                                       "title": "Goal", "owner": "Owner", "why": "Why"})
    if seen.potential_total > 0:
        left, right = st.columns(2)
        left.plotly_chart(plan_charts.potential_bars(
            seen.potential_by_offering, "offering", "Whitespace potential by offering"),
            width="stretch", key=f"{key}_by_offering")
        right.plotly_chart(plan_charts.potential_bars(
            seen.potential_by_industry, "industry", "Whitespace potential by industry"),
            width="stretch", key=f"{key}_by_industry")
    else:
        st.caption("No whitespace potential recorded yet: mark cells as Potential on an "
                   "account's Plan tab.")
