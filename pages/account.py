"""Account: one customer in depth: profile, buying-role coverage, relationships, stakeholders."""

import pandas as pd
import streamlit as st

from kamdash import coverage, roles, store
from kamdash.charts import coverage as coverage_charts
from kamdash.formatting import money
from kamdash.ui import data
from kamdash.ui.account_health import render_engagement, render_health, render_log_engagement
from kamdash.ui.account_picker import pick_account, plain
from kamdash.ui.activity import render_account_history
from kamdash.ui.decisions_account import render_key_account_tab
from kamdash.ui.identity import edit_refusal
from kamdash.ui.navigation import ensure_app_navigation
from kamdash.ui.plan import render_plan
from kamdash.ui.stakeholder_editor import render_editor

ensure_app_navigation()

# Background of the Status cell in the roles matrix: red missing or against us, amber quiet.
STATUS_COLOURS = {
    "Covered": "#dcfce7",
    "Gone quiet": "#fef0c7",
    "Missing": "#fee4e2",
    **{f"{label.capitalize()}{quiet}": "#fee4e2" for stance, label in roles.STANCE_LABELS.items()
       if stance < 0 for quiet in ("", ", gone quiet")},
}


PRIORITY_BADGES = {
    "High": ":red-badge[High]",
    "Medium": ":orange-badge[Medium]",
    "Low": ":gray-badge[Low]",
}


def _or_dash(value: object) -> str:
    return plain(value) if pd.notna(value) and str(value).strip() else "–"


def profile_header(account: pd.Series) -> None:
    """Who the customer is: industry, where, who serves them, what they bring."""
    where = ", ".join(str(v) for v in (account["city"], account["country"]) if pd.notna(v))
    manager = account["manager"]
    st.markdown(
        f"**Industry** {_or_dash(account['industry'])} &nbsp;·&nbsp; **Location** "
        f"{_or_dash(where)} &nbsp;·&nbsp; **Key account manager** "
        f"{plain(manager) if pd.notna(manager) else 'unassigned'}"
    )
    c1, c2, c3 = st.columns(3)
    c1.metric("Revenue, last 12 months", money(account["annual_revenue"]))
    since = account["status_since"]
    if account["is_key"]:
        c2.metric("Key account", f"Since {since:%b %Y}" if pd.notna(since) else "Yes")
    else:
        c2.metric("Key account", "No", help="Not on today's key-account list")
    customer_since = account["customer_since"]
    c3.metric("Customer since", f"{customer_since:%b %Y}" if pd.notna(customer_since) else "–")


def coverage_section(account_id: int, name: str, people: pd.DataFrame) -> None:
    """Which buying roles we know, how fresh the contact is, the map, and what to do next."""
    as_of = data.today()
    report = data.coverage_report(as_of, coverage.STALE_DAYS)
    summary = report.accounts.loc[account_id]
    role_rows = report.roles[report.roles["account_id"] == account_id]
    gaps = report.gaps[report.gaps["account_id"] == account_id]

    st.caption("Who we know in each buying role, and when we last spoke to them. "
               + coverage.stale_help())
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Coverage score", f"{summary['coverage_score']:.0f} / 100",
              help=coverage.score_help())
    known, in_touch = int(summary["roles_covered"]), int(summary["roles_in_contact"])
    m2.metric("Roles in contact", f"{in_touch} of {len(roles.ROLES)}",
              help=f"Buying roles where we know someone and spoke to them in the last "
                   f"{coverage.STALE_DAYS} days")
    m2.caption(f"{known} of {len(roles.ROLES)} known"
               + (f", {known - in_touch} gone quiet" if known > in_touch else ""))
    m3.metric(f"Contacts, last {coverage.STALE_DAYS} days",
              f"{int(summary['recent_engagements']):,}",
              help="Visits, meetings, calls and e-mails with someone we know by name in "
                   "the account")
    m4.metric(f"People met, last {coverage.STALE_DAYS} days", f"{int(summary['people_met']):,}",
              help="How many different people those contacts were with")
    if summary["single_threaded"]:
        st.warning(f"**Single-threaded:** {coverage.single_threaded_help()} See the gaps below.",
                   icon=":material/warning:")

    new = coverage.new_people(data.account_engagements(account_id), as_of)
    matrix = coverage.role_matrix(people, role_rows, new)
    person_columns = {c: st.column_config.CheckboxColumn(c) for c in matrix.columns[4:]}
    styled = matrix.style.map(lambda s: f"background-color: {STATUS_COLOURS.get(s, 'white')}",
                              subset=["status"])
    st.dataframe(
        styled, hide_index=True, width="stretch", key="account_matrix",
        column_config={
            "role": st.column_config.TextColumn("Buying role", pinned=True),
            "status": st.column_config.TextColumn("Status"),
            "covered_by": st.column_config.TextColumn("Covered by"),
            "last_contact": st.column_config.TextColumn(
                "Last contact", help="The most recent contact with anyone in this role"),
            **person_columns,
        },
    )
    newcomers = people[people["stakeholder_id"].isin(new) & people["active"]]
    if len(newcomers):
        st.caption(plain(
            f"New (first met in the last {coverage.NEW_WITHIN_DAYS} days): " + "; ".join(
                newcomers["name"] + newcomers["roles"].map(roles.roles_label).map(
                    lambda r: f" ({r.lower()})" if r else ""))
            + ". Introduce us properly while they are settling in."))
    if people["active"].sum() == 0:
        st.caption("Nobody active is recorded for this account yet, so every role is open: "
                   "add the people you know under Stakeholders below.")

    st.subheader("Gaps and next steps")
    if gaps.empty:
        st.success("No gaps: every role is covered, recently in touch, and nobody key is "
                   "against us.", icon=":material/verified:")
    else:
        badges = coverage.priority(gaps["severity"]).map(PRIORITY_BADGES)
        for badge, gap, step in zip(badges, gaps["gap"], gaps["next_step"], strict=True):
            st.markdown(f"{badge} **{plain(gap)}**: {plain(step)}")

    contacts = data.contacts(as_of, coverage.STALE_DAYS)
    mapped = coverage.contact_by_person(people, contacts[contacts["account_id"] == account_id],
                                        as_of).assign(new=people["stakeholder_id"].isin(new))
    st.plotly_chart(coverage_charts.relationship_map(mapped, name, coverage.STALE_DAYS),
                    width="stretch", key="account_map")
    former = int((~people["active"]).sum())
    if former:
        st.caption(f"{former} former contact{'s' if former != 1 else ''} (left the company) "
                   "not shown.")


def stakeholders_section(account_id: int, people: pd.DataFrame) -> None:
    read_only = store.read_only()
    if people.empty:
        add = f" {coverage.first_people_to_add()} Add a row for each person, then save."
        st.info("No stakeholders recorded for this account yet." + ("" if read_only else add),
                icon=":material/person_add:")
    st.caption("Edit in place, then save. Every row is checked first; if anything is wrong "
               "nothing is saved and the problems are listed.")
    render_editor(account_id, people, read_only, edit_refusal(account_id))


title = st.empty()
accounts = data.accounts()
if accounts.empty:
    title.title("Account")
    st.info("No accounts yet. Import your accounts, or run `python -m kamdash demo` for a demo.")
    st.stop()

account_id = pick_account(accounts)
if account_id is None:
    title.title("Account")
    st.caption("One customer in depth: who they are, which buying roles we know, and where "
               "the relationship has gaps.")
    st.info("Choose an account above, or open one from the Portfolio, Selection or Coverage "
            "page.", icon=":material/arrow_upward:")
    st.stop()

account = accounts.loc[account_id]
title.title(plain(account["name"]))
profile_header(account)

all_people = data.stakeholders()
people = all_people[all_people["account_id"] == account_id]
# One tab per question a KAM brings; the address keeps the account, so a link still opens here.
health_tab, roles_tab, engagement_tab, people_tab, plan_tab, key_tab, history_tab = st.tabs(
    ["Health", "Buying roles", "Engagement", f"Stakeholders ({int(people['active'].sum())})",
     "Plan", "Key-account status", "History"])
with health_tab:
    render_health(account_id)
with roles_tab:
    coverage_section(account_id, str(account["name"]), people)
with engagement_tab:
    render_engagement(account_id)
    render_log_engagement(account_id)
with people_tab:
    stakeholders_section(account_id, people)
with plan_tab:
    render_plan(account_id)
with key_tab:
    render_key_account_tab(account_id)
with history_tab:
    render_account_history(account_id)
