"""Engagement: are we in touch often enough, is it trending up or down, and who is stretched?"""

import pandas as pd
import streamlit as st

from kamdash import engagement, health
from kamdash.charts import engagement as charts
from kamdash.formatting import money
from kamdash.ui import data
from kamdash.ui.account_picker import account_link_column, account_links, plain
from kamdash.ui.deltas import metric_delta
from kamdash.ui.navigation import ensure_app_navigation

ensure_app_navigation()

ALL = "All managers"
PERIODS = {6: "6 months", 12: "12 months", 24: "24 months"}
SCOPES = {"key": "Key accounts", "all": "All accounts"}
CADENCE_CHART_MAX = 40  # more bars than this are unreadable: the table lists them all

st.title("Engagement")
st.caption(
    "How often we are in touch with customers and whether it is trending up or down, who is "
    "behind the agreed cadence, which accounts are declining, and how loaded each key "
    "account manager is, side by side."
)

accounts = data.accounts()
if accounts.empty:
    st.info("No accounts yet. Import your accounts and engagements, or run "
            "`python -m kamdash demo` for a demo.")
    st.stop()
managers = data.managers()

f1, f2, f3 = st.columns([1.3, 1.2, 1])
kam_names = sorted(accounts["manager"].dropna().unique())
kam = f1.selectbox("Manager", [ALL, *kam_names], key="engagement_kam",
                   bind="query-params")
months = f2.segmented_control("Period", list(PERIODS), format_func=PERIODS.get,
                              default=engagement.DEFAULT_TREND_MONTHS,
                              key="engagement_months", bind="query-params", required=True)
scope = f3.segmented_control("Accounts", list(SCOPES), format_func=SCOPES.get, default="key",
                             key="engagement_scope", bind="query-params", required=True)
months, scope = int(months or engagement.DEFAULT_TREND_MONTHS), scope or "key"

today = data.today()
window = engagement.CADENCE_WINDOW_DAYS
mine = accounts if kam == ALL else accounts[accounts["manager"] == kam]
# By id, and every id under that name: two managers may share one.
kam_ids = None if kam == ALL else tuple(sorted(int(m) for m in
                                               mine["manager_id"].dropna().unique()))
shown = mine[mine["is_key"]] if scope == "key" else mine
who = ("the portfolio" if kam == ALL else kam) + ("" if scope == "all" else ", key accounts")


def trends_section(shown: pd.DataFrame) -> None:
    """Engagements by kind, people met, satisfaction and revenue per month."""
    st.header("Trends")
    start = engagement.trend_start(today, months)
    # Grouped in SQL for exactly the accounts in view (a manager's, key or all).
    in_view = dict(since=start.date(), manager_id=kam_ids, key_only=scope == "key")
    am = data.account_months()
    trend = engagement.monthly_trend(
        data.monthly_engagement(**in_view), data.stakeholders_touched(**in_view),
        am[am["account_id"].isin(shown.index)], start, today)
    s = engagement.summarise_trend(trend)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(f"Engagements, last {s.months} complete months", f"{s.engagements:,}",
              **metric_delta(None if s.previous_engagements is None else
                             s.engagements - s.previous_engagements,
                             f"on the {s.months} months before"))
    m2.metric("Different people met per month", f"{s.people_per_month:.0f}",
              help=f"Average over the last {s.months} complete months")
    m3.metric("Satisfaction", "–" if pd.isna(s.satisfaction) else f"{s.satisfaction:.1f} / 10",
              help=f"Mean survey answer over the last {s.months} complete months")
    m4.metric(f"Revenue, last {s.months} complete months", money(s.revenue))
    st.plotly_chart(charts.monthly_trend(trend, f"Engagements per month, {who}",
                                         partial_month=True),
                    width="stretch", key="engagement_trend")
    st.caption(charts.PARTIAL_MONTH_NOTE)
    left, right = st.columns(2)
    left.plotly_chart(charts.satisfaction_line(trend, "Satisfaction (mean of surveys)",
                                               partial_month=True),
                      width="stretch", key="engagement_satisfaction")
    right.plotly_chart(charts.revenue_line(trend, "Revenue per month", partial_month=True),
                       width="stretch", key="engagement_revenue")


# --- cadence, declining accounts, KAM load -------------------------------------------------


def cadence_section(shown: pd.DataFrame) -> None:
    """Who is behind the agreed cadence, key accounts first."""
    st.header("Cadence")
    st.caption(
        f"Touches in the last {window} days against the agreed cadence per quarter: "
        f"{engagement.KEY_TOUCHES_PER_QUARTER} for key accounts, "
        f"{engagement.OTHER_TOUCHES_PER_QUARTER} for others, unless an account has its own. A "
        f"touch is a {engagement.cadence_kinds_text()}; e-mails do not count."
    )
    compliance = engagement.cadence_compliance(shown, data.touches(today, window), today)
    agreed = compliance[compliance["target"] > 0]
    on_track = int((~agreed["behind"]).sum())
    c1, c2 = st.columns(2)
    c1.metric("On cadence", f"{on_track:,} of {len(agreed):,}",
              help="Accounts with at least the agreed touches in the window")
    c2.metric("Behind cadence", f"{len(agreed) - on_track:,}")
    late = engagement.overdue(compliance, shown)
    if late.empty:
        st.success("Every account here is on its agreed cadence.", icon=":material/check_circle:")
    else:
        st.dataframe(
            late.assign(link=account_links(late.index.to_series(), late["name"]),
                        compliance=(late["compliance"] * 100).round().clip(upper=100)),
            hide_index=True, width="stretch", key="engagement_overdue",
            column_order=["link", "manager", "is_key", "touches", "target", "compliance",
                          "days_since_touch"],
            column_config={
                "link": account_link_column("Account", help="Open the account"),
                "manager": "Manager",
                "is_key": st.column_config.CheckboxColumn("Key account"),
                "touches": st.column_config.NumberColumn(f"Touches, last {window} days"),
                "target": st.column_config.NumberColumn("Agreed per quarter", format="%g"),
                "compliance": st.column_config.ProgressColumn(
                    "Of the agreed cadence", min_value=0, max_value=100, format="%d%%"),
                "days_since_touch": st.column_config.NumberColumn(
                    "Days since last touch", format="%d",
                    help="Empty when the account was never touched"),
            },
        )
        st.caption(f"{len(late):,} accounts behind, key accounts first, furthest behind first.")
    if len(compliance) <= CADENCE_CHART_MAX:
        rows = compliance.join(shown["name"]).sort_values(["compliance", "name"])
        st.plotly_chart(charts.cadence_chart(rows, window), width="stretch",
                        key="engagement_cadence_chart")


def declining_section(shown: pd.DataFrame) -> None:
    """Accounts whose health fell two months running or whose engagement fell by a third."""
    st.header("Declining accounts")
    month = data.health_month()
    history = data.portfolio_health(month, 3)
    falling = engagement.health_falling(history[history["account_id"].isin(shown.index)], month)
    drop = engagement.engagement_drop(data.touches(today, window))
    down = engagement.declining(shown, falling, drop)
    st.caption(
        f"Health down two months running to {pd.Timestamp(month):%B %Y} (every month lower, "
        f"{engagement.HEALTH_DECLINE_MIN_TOTAL:.0f} points or more in all), or engagements "
        f"of any kind in the last {window} days down by a third or more on the {window} days "
        "before."
    )
    if down.empty:
        st.success("No declining accounts here.", icon=":material/trending_up:")
        return
    st.dataframe(
        down.assign(link=account_links(down.index.to_series(), down["name"]),
                    band=health.bands(down["score"]).map(health.BAND_LABELS),
                    score=health.points(down["score"])),
        hide_index=True, width="stretch", key="engagement_declining",
        column_order=["link", "score", "band", "reason", "manager",
                      *(["is_key"] if scope == "all" else [])],
        column_config={
            "link": account_link_column("Account", help="Open the account"),
            "reason": st.column_config.TextColumn("Why it is on the list", width="large"),
            "score": st.column_config.ProgressColumn(
                f"Health, {pd.Timestamp(month):%b %Y}", min_value=0, max_value=100,
                format="%d", help=f"Health score as of the end of {pd.Timestamp(month):%B %Y}"),
            "band": "Band",
            "manager": "Manager",
            "is_key": st.column_config.CheckboxColumn("Key account"),
        },
    )


def kam_load_section() -> None:
    """Key accounts per KAM against capacity."""
    st.header("Key account manager load")
    load = engagement.kam_load(accounts, managers)
    if kam != ALL:
        load = load[load["name"] == kam]
    if load.empty:
        st.info("No key account manager to show: the chosen manager is not a KAM."
                if kam != ALL else "No key account managers recorded yet.")
        return
    st.caption("A KAM can serve only a handful of key accounts well. The bars count key "
               "accounts, the black marker is each KAM's capacity for them; other accounts do "
               "not count against it and are named under the KAM.")
    over = load[load["over_capacity"]]
    if not over.empty:
        verb = "carries" if len(over) == 1 else "carry"
        st.warning(plain(", ".join(over["name"].astype(str))) + f" {verb} more key accounts "
                   "than their capacity.", icon=":material/warning:")
    st.plotly_chart(charts.kam_load_chart(load), width="stretch", key="engagement_kam_load")


def kam_comparison_section() -> None:
    """Every KAM side by side: load, touches, cadence and health of their key accounts."""
    month = data.health_month()
    history = data.portfolio_health(month, 3)  # the cached read the declining list uses
    scores = history[history["month"] == pd.Timestamp(month)].set_index("account_id")["score"]
    table = engagement.kam_comparison(accounts, managers, data.touches(today, window), today,
                                      scores)
    if table.empty:
        return
    st.subheader("Key account managers compared")
    st.caption(f"Every KAM's key accounts, whichever manager is chosen above: touches in the "
               f"last {window} days, the share keeping the agreed cadence, and mean health as "
               f"of {pd.Timestamp(month):%B %Y}.")
    st.dataframe(
        table.assign(on_cadence=(table["on_cadence"] * 100).round(),
                     health=health.points(table["health"])),
        hide_index=True, width="stretch", key="engagement_kam_comparison",
        column_order=["name", "key_accounts", "capacity", "other_accounts",
                      "touches_per_key_account", "on_cadence", "health"],
        column_config={
            "name": "Key account manager",
            "key_accounts": st.column_config.NumberColumn("Key accounts"),
            "capacity": st.column_config.NumberColumn("Capacity", format="%g",
                                                      help="Key accounts they can serve well"),
            "other_accounts": st.column_config.NumberColumn("Other accounts"),
            "touches_per_key_account": st.column_config.NumberColumn(
                f"Touches per key account, last {window} days", format="%.1f"),
            "on_cadence": st.column_config.ProgressColumn(
                "Key accounts on cadence", min_value=0, max_value=100, format="%d%%"),
            "health": st.column_config.ProgressColumn(
                "Mean health of key accounts", min_value=0, max_value=100, format="%d"),
        },
    )


if shown.empty:
    st.info(plain(f"{kam} has no {SCOPES[scope].lower()}.") + " Choose all accounts or another "
            "manager to see their trends, cadence and declining accounts.")
else:
    trends_section(shown)
    cadence_section(shown)
    declining_section(shown)
kam_load_section()
kam_comparison_section()
