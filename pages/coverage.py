"""Coverage: which buying roles we know across the portfolio, and the worst gaps."""

import streamlit as st

from kamdash import coverage
from kamdash.charts import coverage as coverage_charts
from kamdash.ui import data
from kamdash.ui.account_picker import account_link_column, account_links
from kamdash.ui.columns import money_column
from kamdash.ui.navigation import ensure_app_navigation

ensure_app_navigation()

HEATMAP_ROWS = 60  # more rows than this make the heatmap unreadable; the worst come first
KEY_CHOICES = {"key": "Key accounts", "other": "Other accounts", "all": "All accounts"}
KEY_FILTER = {"key": True, "other": False, "all": None}

st.title("Stakeholder coverage")
st.caption(
    "Which buying roles we know in each account, how fresh the contact is, and the worst gaps "
    "across the portfolio. Open an account to see its people and fix a gap."
)

accounts = data.accounts()
if accounts.empty:
    st.info("No accounts yet. Import your accounts and stakeholders to see coverage.")
    st.stop()

f1, f2, f3 = st.columns([1, 1, 1.2])
managers = f1.multiselect(
    "Key account manager", sorted(accounts["manager"].dropna().unique()), key="coverage_kam",
    bind="query-params", placeholder="All managers")
industries = f2.multiselect(
    "Industry", sorted(accounts["industry"].dropna().unique()), key="coverage_industry",
    bind="query-params", placeholder="All industries")
key_choice = f3.segmented_control(
    "Accounts", list(KEY_CHOICES), format_func=KEY_CHOICES.get, default="key",
    key="coverage_key", bind="query-params", required=True)

shown = coverage.select_accounts(accounts, managers, industries, KEY_FILTER[key_choice or "key"])
if shown.empty:
    st.info("No accounts match these filters. Clear a filter to see more.")
    st.stop()

as_of = data.today()
report = data.coverage_report(as_of, coverage.STALE_DAYS)
summary = report.accounts.loc[shown.index]
gaps = report.gaps[report.gaps["account_id"].isin(shown.index)]
h = coverage.headline(report, shown.index)

m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("Accounts", f"{h.accounts:,}")
m2.metric("Average coverage score", f"{h.average_score:.0f} / 100",
          help=coverage.score_help())
m3.metric("Single-threaded", f"{h.single_threaded:,}", help=coverage.single_threaded_help())
m4.metric("No decision maker known", f"{h.no_decision_maker:,}",
          help="Accounts where we know nobody who makes the final call")
m5.metric("Against us at the top", f"{h.hostile:,}",
          help=f"Accounts where a {coverage.hostile_roles_text()} is against us "
               "(stance enemy or non-supporter)")

st.subheader("Where the worst gaps are")
worst = coverage.worst_gaps(gaps, shown)
if worst.empty:
    st.success("No gaps in these accounts: every role covered and in touch.")
else:
    worst["link"] = account_links(worst["account_id"], worst["name"])
    st.dataframe(
        worst, hide_index=True, width="stretch", height=420, key="coverage_gaps",
        # Widths that fit the 1440 px window: who it concerns is named in the next step,
        # so that column comes last.
        column_order=["link", "severity", "gap", "next_step", "manager", "is_key",
                      "annual_revenue", "who"],
        column_config={
            "link": account_link_column(
                "Account", help="Open the account to see its people and fix the gap", width=150),
            # The number, not the word, so that sorting puts the most urgent first.
            "severity": st.column_config.ProgressColumn(
                "Priority", min_value=0, max_value=100, format="%d", width=70,
                help=coverage.severity_help()),
            "gap": st.column_config.TextColumn("Gap", width=165),
            "who": st.column_config.TextColumn("Who"),
            "next_step": st.column_config.TextColumn(
                "Next step", width=340, help="Point at a cell to read all of it"),
            "manager": st.column_config.TextColumn("Manager", width=110),
            "is_key": st.column_config.CheckboxColumn("Key", width=45, help="Key account"),
            "annual_revenue": money_column("Revenue, 12 months", width=95),
        },
    )
    st.caption(f"{len(worst):,} gaps in {worst['account_id'].nunique():,} accounts, most "
               "urgent first (key accounts and bigger revenue first among equals). Click a "
               "column header to sort.")

st.subheader("Coverage by account and role")
cells = coverage.heatmap_cells(report, shown, HEATMAP_ROWS)
st.plotly_chart(coverage_charts.coverage_heatmap(cells, coverage.STALE_DAYS), width="stretch",
                key="coverage_heatmap")
if len(shown) > HEATMAP_ROWS:
    st.caption(f"The {HEATMAP_ROWS} accounts with the lowest coverage score, of {len(shown):,}; "
               "narrow the filters to see the others.")
else:
    st.caption(f"Lowest coverage score first. {coverage.stale_help()}")
