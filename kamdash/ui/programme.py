"""The key-account programme in the UI: the service catalogue editor (Decisions page), one
account's agreement (Account page) and the portfolio's view of it (Portfolio page)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kamdash import programme
from kamdash.identity import UserRole, can_edit_account
from kamdash.store import ProgrammeRejected, save_agreements, save_services
from kamdash.ui import data
from kamdash.ui.account_picker import account_link_column, account_links, plain
from kamdash.ui.decisions_data import agreements, services
from kamdash.ui.identity import current_actor
from kamdash.ui.read_only import writes_disabled
from kamdash.ui.writes import WRITE_ERRORS, problems_text, write_failed

__all__ = ["render_account_programme", "render_catalogue", "render_portfolio_programme"]

MESSAGE_KEY = "programme_saved_message"


def _show_message() -> None:
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _failed(exc: Exception) -> None:
    if isinstance(exc, ProgrammeRejected):
        st.error(problems_text("Nothing was saved:", exc.problems), icon=":material/error:")
    elif isinstance(exc, WRITE_ERRORS):
        st.error(plain(write_failed(exc)), icon=":material/error:")
    else:
        st.error(plain(str(exc)), icon=":material/error:")


def render_catalogue() -> None:
    """The programme's value-added services, editable by leadership."""
    st.subheader("Key-account programme: services")
    st.caption("What a key account is offered. Retire a service by unticking Active: the "
               "agreements that include it keep it.")
    _show_message()
    catalogue = services().reset_index()
    may_edit = not writes_disabled() and current_actor().at_least(UserRole.LEADERSHIP)
    config = {"service_id": None,
              "name": st.column_config.TextColumn("Service", required=True,
                                                  max_chars=programme.NAME_MAX),
              "description": st.column_config.TextColumn("What the customer gets",
                                                         width="large"),
              "active": st.column_config.CheckboxColumn("Active", default=True)}
    key = f"programme_catalogue_{data.version()}"
    if not may_edit:
        st.dataframe(catalogue, hide_index=True, column_config=config, key=key)
        return
    with st.form("programme_catalogue_form", border=False):
        edited = st.data_editor(catalogue, hide_index=True, num_rows="add", width="stretch",
                                column_config=config, key=key)
        submitted = st.form_submit_button("Save services", icon=":material/save:")
    if submitted:
        try:
            changed = save_services(data.engine(), current_actor(), edited)
        except (ProgrammeRejected, *WRITE_ERRORS, PermissionError) as exc:
            _failed(exc)
            return
        st.session_state[MESSAGE_KEY] = (f"Saved {changed} service{'s' if changed != 1 else ''}."
                                         if changed else "Nothing to save: no service changed.")
        st.rerun()


def _date_or_none(value: object) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def render_account_programme(account_id: int) -> None:
    """One account's programme status: offered, agreed, what is included, the document."""
    accounts = data.accounts()
    account = accounts.loc[account_id]
    st.subheader("Key-account programme")
    _show_message()
    saved = agreements()
    row = saved.loc[account_id] if account_id in saved.index else None
    status = "not_offered" if row is None else row["status"]
    catalogue = services()
    names = catalogue["name"].to_dict()
    if not account["is_key"] and row is None:
        st.caption("Not a key account: the programme is offered to key accounts.")
        return
    if account["is_key"] and status == "not_offered":
        st.warning(f"**Never offered.** {programme.NEVER_OFFERED_HELP}", icon=":material/flag:")
    if row is not None:
        c1, c2, c3 = st.columns(3)
        c1.metric("Programme", programme.STATUSES[status])
        c2.metric("Agreed on", "–" if pd.isna(row["agreed_on"]) else f"{row['agreed_on']:%d %b %Y}")
        c3.metric("Next review",
                  "–" if pd.isna(row["next_review"]) else f"{row['next_review']:%d %b %Y}")
        included = programme.service_names(row["services"], names)
        st.markdown(f"**Services included:** {plain(included) if included else 'none yet'}")
        if row["customer_commits"]:
            st.markdown(f"**The customer commits to:** {plain(row['customer_commits'])}")
        if pd.notna(row["document_url"]) and row["document_url"]:
            st.link_button("Open the signed agreement", str(row["document_url"]),
                           icon=":material/description:")
    actor = current_actor()
    if writes_disabled() or not can_edit_account(actor, account["manager_id"]):
        return
    current = tuple(row["services"]) if row is not None else ()
    offered = [i for i in catalogue.index if catalogue.at[i, "active"] or i in current]
    with st.expander("Update the programme status", icon=":material/edit:"), \
            st.form(f"programme_form_{account_id}", border=False):
        new_status = st.selectbox("Status", list(programme.STATUSES),
                                  index=list(programme.STATUSES).index(status),
                                  format_func=programme.STATUSES.get,
                                  key=f"programme_status_{account_id}")
        c1, c2 = st.columns(2)
        agreed_on = c1.date_input("Agreed on", value=None if row is None else
                                  _date_or_none(row["agreed_on"]), format="YYYY-MM-DD",
                                  key=f"programme_agreed_{account_id}")
        next_review = c2.date_input(
            "Next review", value=None if row is None else _date_or_none(row["next_review"]),
            format="YYYY-MM-DD", key=f"programme_review_{account_id}",
            help=f"Blank: {programme.REVIEW_MONTHS_DEFAULT} months after the agreement")
        chosen = st.multiselect("Services included", offered, default=list(current),
                                format_func=lambda i: names.get(i, f"service {i}"),
                                key=f"programme_services_{account_id}")
        commits = st.text_area("What the customer commits to",
                               value="" if row is None else row["customer_commits"],
                               max_chars=programme.COMMITS_MAX,
                               key=f"programme_commits_{account_id}",
                               placeholder="e.g. a three-year volume forecast, a reference "
                                           "visit a year")
        url = st.text_input("Link to the signed document",
                            value="" if row is None or pd.isna(row["document_url"])
                            else row["document_url"], max_chars=programme.URL_MAX,
                            key=f"programme_url_{account_id}", placeholder="https://…")
        submitted = st.form_submit_button("Save programme status", type="primary",
                                          icon=":material/save:")
    if not submitted:
        return
    if agreed_on and not next_review and new_status == "agreed":
        next_review = programme.default_next_review(agreed_on)
    try:
        save_agreements(data.engine(), actor, [{
            "account_id": account_id, "status": new_status, "agreed_on": agreed_on,
            "next_review": next_review, "services": chosen, "customer_commits": commits,
            "document_url": url}], data.today())
    except (ProgrammeRejected, *WRITE_ERRORS, PermissionError) as exc:
        _failed(exc)
        return
    st.session_state[MESSAGE_KEY] = "Saved the programme status."
    st.rerun()


def render_portfolio_programme() -> None:
    """Portfolio: how many key accounts agreed, who was never offered, reviews due."""
    st.subheader("Key-account programme")
    view = programme.overview(data.accounts(), agreements(), data.today())
    if not view.key_accounts:
        st.caption("No key accounts yet.")
        return
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Agreed", f"{view.agreed} of {view.key_accounts}",
              help="Key accounts that signed the programme's agreement")
    c2.metric("Offered, not yet agreed", f"{view.offered:,}")
    c3.metric("Declined", f"{view.declined:,}")
    c4.metric("Never offered", f"{len(view.never_offered):,}",
              help=programme.NEVER_OFFERED_HELP)
    if len(view.never_offered):
        st.warning(f"**{len(view.never_offered)} key account"
                   f"{'s' if len(view.never_offered) != 1 else ''} never offered the "
                   f"programme.** {programme.NEVER_OFFERED_HELP}", icon=":material/flag:")
        never = view.never_offered
        st.dataframe(never.assign(account=account_links(never.index.to_series(),
                                                        never["name"])),
                     hide_index=True, width="stretch", key="portfolio_never_offered",
                     column_order=["account", "manager"],
                     column_config={"account": account_link_column("Account"),
                                    "manager": "Key account manager"})
    due = view.due_for_review
    if due.empty:
        st.caption(f"No agreement is due for review in the next {programme.REVIEW_DUE_DAYS} "
                   "days.")
        return
    st.markdown(f"**Agreements due for review** (within {programme.REVIEW_DUE_DAYS} days or "
                "overdue)")
    st.dataframe(due.assign(account=account_links(due.index.to_series(), due["name"]),
                            overdue=due["overdue"].map({True: "Overdue", False: ""})),
                 hide_index=True, width="stretch", key="portfolio_reviews_due",
                 column_order=["account", "next_review", "overdue", "manager"],
                 column_config={"account": account_link_column("Account"),
                                "next_review": st.column_config.DateColumn(
                                    "Next review", format="D MMM YYYY"),
                                "overdue": "", "manager": "Key account manager"})
