"""Portfolio: the headline figures and where the revenue comes from."""

import streamlit as st

from kamdash import charts, engagement, health, portfolio
from kamdash.formatting import money, percent
from kamdash.ui import data, rising_stars
from kamdash.ui.account_picker import account_link_column, account_links
from kamdash.ui.columns import money_column
from kamdash.ui.deltas import metric_delta
from kamdash.ui.navigation import ensure_app_navigation
from kamdash.ui.plan_attention import render_plan_attention
from kamdash.ui.programme import render_portfolio_programme

ensure_app_navigation()

st.title("Portfolio")
st.caption(
    "All customers at a glance: how many are key accounts and how much of the revenue they bring."
)

accounts = data.accounts()
if accounts.empty:
    st.info("No accounts yet. Import your accounts, or run `python -m kamdash demo` for a demo.")
    st.stop()

h = portfolio.headline(accounts)
c1, c2, c3, c4 = st.columns(4)
c1.metric("Accounts", f"{h.accounts:,}")
c2.metric("Key accounts", f"{h.key_accounts:,}", help="Today's key-account list")
c2.caption(f"{percent(h.key_account_share, 1)} of all accounts")
c3.metric("Revenue, last 12 months", money(h.revenue))
c4.metric("Revenue from key accounts", percent(h.key_revenue_share),
          help="Share of the last 12 months' revenue that comes from today's key accounts")
c4.caption(money(h.key_revenue))

st.plotly_chart(charts.revenue_pareto(accounts), width="stretch", key="portfolio_pareto")

st.subheader("Today's key accounts")
key = accounts.loc[accounts["is_key"], ["name", "industry", "country", "manager", "annual_revenue",
                                        "status_since"]]
st.dataframe(
    key.sort_values("annual_revenue", ascending=False).assign(
        account=lambda t: account_links(t.index.to_series(), t["name"])),
    hide_index=True,
    width="stretch",
    column_order=["account", "industry", "country", "manager", "annual_revenue", "status_since"],
    column_config={
        "account": account_link_column("Account", help="Open the account"),
        "industry": "Industry",
        "country": "Country",
        "manager": "Key account manager",
        "annual_revenue": money_column("Revenue, 12 months"),
        "status_since": st.column_config.DateColumn("Key account since", format="MMM YYYY"),
    },
    key="portfolio_key_accounts",
)

# --- key account health (issue 4) ---------------------------------------------------------
st.subheader("Key account health")
health_month = data.health_month()
health_history = data.portfolio_health(health_month, 3)
health_change = health.score_change(health_history, health_month)
key_health = health_change.reindex(accounts.index[accounts["is_key"]])
st.caption(f"As of the end of {health_month:%B %Y}. Red below {health.RED_BELOW:.0f}, green "
           f"from {health.GREEN_FROM:.0f}; open an account to see why.")
per_band = health.band_counts(key_health["band"])
was = health.band_counts(key_health["previous_band"])
b1, b2, b3 = st.columns(3)
for column, band in zip((b1, b2, b3), ("green", "yellow", "red"), strict=True):
    column.metric(health.BAND_LABELS[band], f"{per_band[band]:,}",
                  **metric_delta(per_band[band] - was[band], "on last month",
                                 higher_is_better=band == "green"),
                  help={"green": "Key accounts in the green band",
                        "yellow": "Key accounts in the yellow band: worth a look",
                        "red": "Key accounts in the red band: act now"}[band])
# Declining as on the Engagement page: health falling two months running, or engagement
# down by a third on the quarter before.
declining = engagement.declining(
    accounts[accounts["is_key"]], engagement.health_falling(health_history, health_month),
    engagement.engagement_drop(data.touches(data.today(), engagement.CADENCE_WINDOW_DAYS)))
risk = health.at_risk(key_health, accounts, declining["reason"])
if risk.empty:
    st.success("No key account needs attention: none is red, none slipped a band since last "
               "month and none is yellow and declining.", icon=":material/verified:")
else:
    st.markdown("**Needs attention:** red, slipped a band since last month, or yellow and "
                "declining (health falling two months running, or engagement down by a third "
                "on the quarter before)")
    st.dataframe(
        risk.assign(account=lambda t: account_links(t.index.to_series(), t["name"]),
                    band=lambda t: t["band"].map(health.BAND_LABELS),
                    score=lambda t: health.points(t["score"])),
        hide_index=True, width="stretch", key="portfolio_at_risk",
        column_order=["account", "why", "score", "band", "change", "moved_by", "manager"],
        column_config={
            "account": account_link_column("Account", help="Open the account"),
            "why": st.column_config.TextColumn("Why"),
            "score": st.column_config.ProgressColumn("Health", min_value=0, max_value=100,
                                                     format="%d"),
            "band": "Band",
            "change": st.column_config.NumberColumn("Change on last month", format="%+d"),
            "moved_by": st.column_config.TextColumn("Moved by", width="large"),
            "manager": "Key account manager",
        },
    )
rising_stars.render(key="portfolio_rising_stars")
render_portfolio_programme()
render_plan_attention()
