"""The Ratings page's scoring matrix: the filtered grid, its editor, and saving it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamdash import criteria, ratings_matrix
from kamdash.identity import can_edit_account
from kamdash.store import RatingsRejected, add_ratings
from kamdash.ui import data
from kamdash.ui.account_picker import plain
from kamdash.ui.decisions_data import latest_ratings
from kamdash.ui.identity import current_actor
from kamdash.ui.read_only import writes_disabled
from kamdash.ui.writes import WRITE_ERRORS, problems_text, write_failed

__all__ = ["KEY_FILTERS", "filtered_accounts", "render_matrix", "save_grid"]

MESSAGE_KEY = "ratings_saved_message"
KEY_FILTERS = {"all": "All accounts", "key": "Key accounts today", "other": "Not key today"}


def filtered_accounts(accounts: pd.DataFrame, manager: str | None, industry: str | None,
                      key: str, needs_rating: pd.Series | None) -> pd.DataFrame:
    """The accounts the grid shows: by manager, industry, key status today, and (when
    ``needs_rating`` is given) only those it marks True."""
    keep = pd.Series(True, index=accounts.index)
    if manager:
        keep &= accounts["manager"] == manager
    if industry:
        keep &= accounts["industry"] == industry
    if key == "key":
        keep &= accounts["is_key"]
    elif key == "other":
        keep &= ~accounts["is_key"]
    if needs_rating is not None:
        keep &= needs_rating.reindex(accounts.index, fill_value=True)
    return accounts[keep].sort_values("name")


def save_grid(before: pd.DataFrame, edited: pd.DataFrame, keys: list[str]) -> bool:
    """Append the changed cells as ratings of today by the current user; show what is wrong
    (nothing saved) or remember the success for the next run. True when saved."""
    rows, problems = ratings_matrix.changed_ratings(before, edited, keys)
    if not problems and not rows:
        st.info("Nothing to save: no rating changed.")
        return False
    try:
        if problems:
            raise RatingsRejected(problems)
        added = add_ratings(data.engine(), current_actor(), rows, data.today())
    except RatingsRejected as exc:
        count = len(exc.problems)
        st.error(problems_text(f"Nothing was saved: {count} rating{'s' if count != 1 else ''} "
                               f"need{'s' if count == 1 else ''} fixing.", exc.problems),
                 icon=":material/error:")
        return False
    except (*WRITE_ERRORS, PermissionError) as exc:
        st.error(plain(write_failed(exc) if isinstance(exc, WRITE_ERRORS) else str(exc)),
                 icon=":material/error:")
        return False
    st.session_state[MESSAGE_KEY] = (
        f"Saved {added} rating{'s' if added != 1 else ''} as of {data.today():%d %b %Y}. The "
        "Selection ranking uses them now; earlier ratings stay in each account's history.")
    return True


def render_matrix(shown: pd.DataFrame, keys: list[str]) -> None:
    """The editable grid of ``shown`` accounts x ``keys`` with its Save button."""
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    actor = current_actor()
    editable = shown[[can_edit_account(actor, m if pd.notna(m) else None)
                      for m in shown["manager_id"]]]
    before = ratings_matrix.grid(shown, latest_ratings(), keys)
    config = {"name": st.column_config.TextColumn("Account", disabled=True, pinned=True)}
    config.update({k: st.column_config.NumberColumn(
        criteria.label(k), help=ratings_matrix.column_help(k), min_value=1, max_value=10,
        step=1, format="%d") for k in keys})
    key = f"ratings_grid_{data.version()}_{hash((tuple(shown.index), tuple(keys)))}"
    if writes_disabled() or editable.empty:
        st.dataframe(before, hide_index=True, width="stretch", column_config=config, key=key)
        st.caption("Read-only demo: rating is switched off." if writes_disabled() else
                   "You can read these ratings; only each account's KAM or leadership can "
                   "change them.")
        return
    if len(editable) < len(shown):
        st.caption(f"Showing the {len(editable)} of these accounts you may rate (your own).")
        before = before.loc[editable.index]
    with st.form("ratings_form", border=False):
        edited = st.data_editor(before, hide_index=True, width="stretch", column_config=config,
                                num_rows="fixed", key=key, height=min(600, 38 + 35 * len(before)))
        submitted = st.form_submit_button("Save ratings", type="primary", icon=":material/save:")
    st.caption("An empty cell (None) is not rated yet. Only the cells you change are saved.")
    if submitted and save_grid(before, edited, keys):
        st.rerun()
