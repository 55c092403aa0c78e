"""Decisions in the UI: the list of proposals, one proposal's changes with the sign-off
form, and an account's designation history ("key since", "on watch until")."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamdash import decisions, selection, settings
from kamdash.identity import UserRole
from kamdash.models import ProposalStatus
from kamdash.store import DecisionRejected, decide_proposal
from kamdash.ui import data
from kamdash.ui.account_picker import account_link_column, account_links, plain
from kamdash.ui.activity import data_names
from kamdash.ui.decisions_data import designations, proposal_changes, proposals
from kamdash.ui.identity import current_actor
from kamdash.ui.read_only import writes_disabled
from kamdash.ui.writes import WRITE_ERRORS, problems_text, write_failed

__all__ = ["render_designation_history", "render_proposal", "render_proposals"]

MESSAGE_KEY = "decisions_decided_message"
PICK_KEY = "decisions_pick"


def _when(value: object) -> str:
    return "–" if pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


def display_name(email: object) -> object:
    """A user's display name for their e-mail (the e-mail itself for someone who is no user,
    blank stays blank)."""
    return email if pd.isna(email) else data_names().get(str(email), email)


def render_proposals() -> int | None:
    """The table of proposals, newest first; returns the proposal picked to look at."""
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.success(message, icon=":material/gavel:")
    frame = proposals()
    if frame.empty:
        st.info("No proposals yet. On the Selection page, set up a scenario and choose "
                "\"Propose as the new key-account list\".", icon=":material/tune:")
        return None
    shown = frame.assign(
        proposed_by=frame["proposed_by"].map(display_name),
        decided_by=frame["decided_by"].map(display_name),
        status=frame["status"].map(decisions.STATUS_LABELS),
        changes=[decisions.summarise_changes(pd.DataFrame(
            {"kind": ["promote"] * p + ["demote"] * d + ["watch"] * w}))
            for p, d, w in zip(frame["promote"], frame["demote"], frame["watch"], strict=True)],
        proposal=frame.index,
    )
    st.dataframe(
        shown, hide_index=True, width="stretch", key="decisions_table",
        column_order=["proposal", "title", "status", "changes", "proposed_by", "proposed_at",
                      "decided_by", "decided_at", "effective_on"],
        column_config={
            "proposal": st.column_config.NumberColumn("No.", format="%d", width="small"),
            "title": "Proposal", "status": "Status", "changes": "What changes",
            "proposed_by": "Proposed by",
            "proposed_at": st.column_config.DatetimeColumn("Proposed", format="D MMM YYYY"),
            "decided_by": "Decided by",
            "decided_at": st.column_config.DatetimeColumn("Decided", format="D MMM YYYY"),
            "effective_on": st.column_config.DateColumn("Effective", format="D MMM YYYY"),
        },
    )
    open_ = frame.index[frame["status"] == ProposalStatus.open.value]
    options = list(frame.index)
    default = options.index(open_[0]) if len(open_) else 0
    return st.selectbox(
        "Look at proposal", options, index=default, key=PICK_KEY,
        format_func=lambda i: f"{i}: {frame.at[i, 'title']} "
                              f"({decisions.STATUS_LABELS[frame.at[i, 'status']]})")


def render_proposal(proposal_id: int) -> None:
    """One proposal: its scenario, its changes with reasons, and the sign-off form."""
    frame = proposals()
    row = frame.loc[proposal_id]
    st.subheader(f"Proposal {proposal_id}: {plain(row['title'])}")
    rule = row["rule"]
    st.caption(
        f"{decisions.STATUS_LABELS[row['status']]}. Proposed by "
        f"{plain(display_name(row['proposed_by']))} on "
        f"{_when(row['proposed_at'])}. Weights: {selection.describe_weights(row['weights'])}; "
        f"key accounts are {_describe_rule(rule)}.")
    if row["status"] != ProposalStatus.open.value:
        verdict = "Approved" if row["status"] == ProposalStatus.approved.value else "Rejected"
        note = f" Note: {plain(row['decision_note'])}" if pd.notna(row["decision_note"]) else ""
        effective = (f", effective {_when(row['effective_on'])}"
                     if row["status"] == ProposalStatus.approved.value else "")
        st.markdown(f"**{verdict}** by {plain(display_name(row['decided_by']))} on "
                    f"{_when(row['decided_at'])}{effective}.{note}")
    changes = proposal_changes()
    changes = changes[changes["proposal_id"] == proposal_id]
    if changes.empty:
        st.caption("No promotions or demotions: the list was reviewed and stays as it is.")
    else:
        st.dataframe(
            changes.assign(
                account=account_links(changes["account_id"], changes["account"]),
                kind=changes["kind"].map(decisions.KIND_LABELS),
                watch=changes["watch_months"].map(
                    lambda m: "" if pd.isna(m) else f"{int(m)} months")),
            hide_index=True, width="stretch", key=f"decisions_changes_{proposal_id}",
            column_order=["account", "kind", "watch", "reason"],
            column_config={"account": account_link_column("Account"), "kind": "Change",
                           "watch": "On watch for",
                           "reason": st.column_config.TextColumn("Reason or note",
                                                                 width="large")},
        )
    if row["status"] == ProposalStatus.open.value:
        _sign_off_form(proposal_id, str(row["proposed_by"]))


def _describe_rule(rule: dict) -> str:
    try:
        return selection.Rule(str(rule.get("kind", "top_n")), n=int(rule.get("n", 20)),
                              threshold=float(rule.get("threshold", 7.0))).describe()
    except (TypeError, ValueError):
        return "as saved"


def _sign_off_form(proposal_id: int, proposed_by: str) -> None:
    actor = current_actor()
    if writes_disabled():
        st.caption("Read-only demo: signing off is switched off.")
        return
    if not actor.at_least(UserRole.LEADERSHIP):
        st.caption("Waiting for leadership to approve or reject it.")
        return
    four_eyes = settings.four_eyes()
    if four_eyes and actor.email == proposed_by:
        st.info("Four-eyes rule: you proposed this list, so someone else in leadership signs "
                "it off.", icon=":material/visibility:")
        return
    with st.form(f"decisions_decide_{proposal_id}", border=True):
        st.markdown("**Sign off**: approval writes every change to the key-account list on "
                    "the effective date; rejection changes nothing.")
        effective = st.date_input("Effective from", value=data.today(),
                                  max_value=data.today(),
                                  key=f"decisions_effective_{proposal_id}", format="YYYY-MM-DD")
        note = st.text_input("Note (optional)", key=f"decisions_note_decision_{proposal_id}",
                             max_chars=decisions.REASON_MAX)
        c1, c2 = st.columns(2)
        approve = c1.form_submit_button("Approve", type="primary", icon=":material/check:")
        reject = c2.form_submit_button("Reject", icon=":material/close:")
    if not (approve or reject):
        return
    try:
        decide_proposal(data.engine(), actor, proposal_id, approve, effective, note,
                        today=data.today(), four_eyes=four_eyes)
    except DecisionRejected as exc:
        st.error(problems_text("Nothing was decided:", exc.problems), icon=":material/error:")
        return
    except (*WRITE_ERRORS, PermissionError) as exc:
        st.error(plain(write_failed(exc) if isinstance(exc, WRITE_ERRORS) else str(exc)),
                 icon=":material/error:")
        return
    st.session_state[MESSAGE_KEY] = (
        f"Proposal {proposal_id} approved: the key-account list is updated from "
        f"{effective:%d %b %Y}." if approve else f"Proposal {proposal_id} rejected; nothing "
                                                 "changed.")
    st.rerun()


def render_on_watch() -> None:
    """Key accounts on watch today, and until when (the next review decides)."""
    accounts = data.accounts()
    watched = accounts[accounts["is_key"] & accounts["watch_until"].notna()]
    st.subheader(f"Key accounts on watch ({len(watched)})")
    if watched.empty:
        st.caption("None: no key account is on watch.")
        return
    st.dataframe(
        watched.assign(account=account_links(watched.index.to_series(), watched["name"])),
        hide_index=True, width="stretch", key="decisions_on_watch",
        column_order=["account", "watch_until", "manager"],
        column_config={"account": account_link_column("Account"),
                       "watch_until": st.column_config.DateColumn("On watch until",
                                                                  format="D MMM YYYY"),
                       "manager": "Key account manager"})


def render_designation_history(account_id: int) -> None:
    """An account's key status over time: key since, on watch until, and every change with
    its reason, who decided and the proposal it came from."""
    history = designations()
    history = history[history["account_id"] == account_id]
    status = decisions.key_status(history, data.today())
    c1, c2 = st.columns(2)
    if status["is_key"]:
        c1.metric("Key account since", _when(status["key_since"]))
        c2.metric("On watch until", _when(status["watch_until"]) if status["watch_until"]
                  else "Not on watch")
    else:
        c1.metric("Key account", "No")
    if history.empty:
        st.caption("No key-account decisions recorded for this account.")
        return
    shown = history.sort_values(["changed_on", "designation_id"], ascending=False)
    st.dataframe(
        shown.assign(status=shown["is_key"].map({True: "Key account", False: "Not key"}),
                     watch_until=shown["watch_until"].map(
                         lambda d: "" if pd.isna(d) else f"{d:%d %b %Y}"),
                     changed_by=shown["changed_by"].map(display_name),
                     proposal=shown["proposal_id"].map(
                         lambda p: "" if pd.isna(p) else f"Proposal {int(p)}")),
        hide_index=True, width="stretch", key=f"account_designations_{account_id}",
        column_order=["changed_on", "status", "watch_until", "reason", "changed_by",
                      "proposal"],
        column_config={
            "changed_on": st.column_config.DateColumn("From", format="D MMM YYYY"),
            "status": "Status",
            "watch_until": "On watch until",
            "reason": st.column_config.TextColumn("Reason", width="large"),
            "changed_by": "Decided by", "proposal": "Decision",
        },
    )
