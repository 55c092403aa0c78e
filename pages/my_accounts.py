"""My accounts: a KAM's own accounts, with health, relationship gaps and overdue cadence."""

import streamlit as st

from kamdash import engagement, health
from kamdash.my_accounts import my_accounts
from kamdash.ui import data
from kamdash.ui.account_picker import account_link_column, account_links, plain
from kamdash.ui.identity import current_actor
from kamdash.ui.navigation import ensure_app_navigation
from kamdash.ui.plan_attention import render_plan_attention

ensure_app_navigation()

st.title("My accounts")
st.caption("The accounts you manage: how healthy each is, its worst relationship gap, and "
           "whether you are keeping the agreed cadence. Open one to act on it.")
actor = current_actor()
if actor.manager_id is None:
    st.info(f"Your user ({plain(actor.email)}) is not linked to a manager record, so no "
            "accounts are yours yet. Ask an admin to link you on the Users page.",
            icon=":material/link_off:")
    st.stop()
month, today = data.health_month(), data.today()
accounts = data.accounts()
table = my_accounts(
    accounts, actor.manager_id,
    health.score_change(data.portfolio_health(month, 2), month),
    data.coverage_report(today).gaps,
    engagement.cadence_compliance(accounts, data.touches(today, engagement.CADENCE_WINDOW_DAYS),
                                  today))
if table.empty:
    st.info("No account is assigned to you yet.", icon=":material/inbox:")
    st.stop()
c1, c2, c3, c4 = st.columns(4)
c1.metric("My accounts", f"{len(table):,}")
c2.metric("Key accounts", f"{int(table['is_key'].sum()):,}")
c3.metric("In the red", f"{int((table['band'] == 'red').sum()):,}",
          help=f"Health below {health.RED_BELOW:.0f} at the end of {month:%B %Y}")
c4.metric("Behind cadence", f"{int(table['behind'].sum()):,}",
          help=f"Fewer touches in the last {engagement.CADENCE_WINDOW_DAYS} days than agreed")
st.dataframe(
    table.assign(account=account_links(table.index.to_series(), table["name"]),
                 band=table["band"].map(health.BAND_LABELS),
                 score=health.points(table["score"]),
                 key=table["is_key"].map({True: "Key", False: ""}),
                 cadence=table["touches"].astype("Int64").astype(str) + " of "
                 + table["target"].round(0).astype("Int64").astype(str),
                 behind=table["behind"].map({True: "Behind", False: "On track"})),
    hide_index=True, width="stretch", key="my_accounts_table",
    column_order=["account", "key", "score", "band", "change", "gaps", "worst_gap", "cadence",
                  "behind", "days_since_touch"],
    column_config={
        "account": account_link_column("Account", help="Open the account"),
        "key": st.column_config.TextColumn("Status", width="small",
                                           help="Key: on today's key-account list"),
        "score": st.column_config.ProgressColumn("Health", min_value=0, max_value=100,
                                                 format="%d"),
        "band": "Band",
        "change": st.column_config.NumberColumn("Change on last month", format="%+d"),
        "gaps": st.column_config.NumberColumn("Gaps", help="Relationship gaps: buying roles "
                                              "missing, gone quiet or hostile"),
        "worst_gap": st.column_config.TextColumn("Worst gap", width="medium"),
        "cadence": st.column_config.TextColumn(
            "Touches / agreed", help=f"Touches in the last {engagement.CADENCE_WINDOW_DAYS} "
                                     "days against the agreed cadence per quarter"),
        "behind": "Cadence",
        "days_since_touch": st.column_config.NumberColumn("Days since last touch",
                                                          format="%d"),
    },
)

render_plan_attention(manager_id=actor.manager_id)
