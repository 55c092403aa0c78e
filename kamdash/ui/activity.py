"""The audit trail on the pages: the Activity page's table and one account's history tab."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from kamdash import activity, store
from kamdash.ui import data

__all__ = ["audit", "render_account_history", "render_audit_table"]


@data.versioned(max_entries=16)
def audit(actor: str | None = None, account_id: int | None = None, since: date | None = None,
          until: date | None = None) -> pd.DataFrame:
    """Audit entries (newest first, described in words), per data version: every write moves
    it on, so a change shows here at once."""
    frame = store.load_audit(data.engine(), actor=actor, account_id=account_id, since=since,
                             until=until)
    return activity.describe(frame)


def render_audit_table(entries: pd.DataFrame, key: str, account: bool = True) -> None:
    """The entries as a table: when, who, what, which account, the change."""
    names = data_names()
    st.dataframe(
        entries.assign(who=entries["actor"].map(lambda e: names.get(e, e))),
        hide_index=True, width="stretch", key=key,
        column_order=["at", "who", "what", "entity_id", *(["account"] if account else []),
                      "change"],
        column_config={
            "at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
            "who": "Who", "what": "What", "entity_id": "Id", "account": "Account",
            "change": st.column_config.TextColumn("Change", width="large"),
        },
    )


def data_names() -> dict[str, str]:
    """E-mail -> display name of every user (and the local user), for the "Who" column."""
    users = _users()
    return {"local": "Local user", **dict(zip(users["email"], users["name"], strict=True))}


@data.versioned(max_entries=4)
def _users() -> pd.DataFrame:
    return store.load_users(data.engine())


def render_account_history(account_id: int) -> None:
    """One account's history: every change to it, its people and its engagements."""
    entries = audit(account_id=account_id)
    if entries.empty:
        st.info("No changes recorded for this account yet. Every edit, logged engagement and "
                "cadence change will show here with who made it.", icon=":material/history:")
        return
    st.caption(f"{len(entries):,} change{'s' if len(entries) != 1 else ''}, newest first: "
               "who changed what, and the values before and after.")
    render_audit_table(entries, key="account_history", account=False)
