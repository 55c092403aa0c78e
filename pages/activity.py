"""Activity: the audit trail: who changed what, when, filtered by user, account and date."""

from datetime import timedelta

import streamlit as st

from kamdash.ui import data
from kamdash.ui.activity import audit, data_names, render_audit_table
from kamdash.ui.navigation import ensure_app_navigation

ensure_app_navigation()

st.title("Activity")
st.caption("Every change anyone made, newest first: stakeholder edits, logged engagements, "
           "cadence changes, users, imports. Nothing here can be edited or deleted.")
everything = audit()
if everything.empty:
    st.info("Nothing has been changed yet. Every save will show up here with who made it.",
            icon=":material/history:")
    st.stop()
names = data_names()
accounts = data.accounts()
today = data.today()
c1, c2, c3 = st.columns([1, 1, 1])
who = c1.selectbox("Who", [None, *sorted(everything["actor"].unique(),
                                         key=lambda e: names.get(e, e).casefold())],
                   format_func=lambda e: "Everyone" if e is None else names.get(e, e),
                   key="activity_who")
account = c2.selectbox("Account", [None, *accounts.sort_values("name").index.tolist()],
                       format_func=lambda a: "Every account" if a is None
                       else str(accounts.loc[a, "name"]), key="activity_account")
# The latest day is the last change's when that lies after kamdash's today (KAMDASH_TODAY).
first = min(everything["at"].min().date(), today)
last = max(today, everything["at"].max().date())
days = c3.date_input("Between", value=(max(first, today - timedelta(days=90)), last),
                     min_value=first, max_value=last, key="activity_days",
                     help="First and last day, both included")
since, until = (days[0], days[-1]) if isinstance(days, tuple) and days else (None, None)
entries = audit(actor=who, account_id=account, since=since, until=until)
if entries.empty:
    st.info("No changes match these filters. Widen the dates or choose everyone.",
            icon=":material/filter_alt_off:")
    st.stop()
st.caption(f"{len(entries):,} change{'s' if len(entries) != 1 else ''}.")
render_audit_table(entries, key="activity_table")
