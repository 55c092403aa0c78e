"""The Account page's stakeholder editor: the editable table, and saving it all-or-nothing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kamdash import roles, store
from kamdash.ui import data
from kamdash.ui.account_picker import plain
from kamdash.ui.identity import current_actor
from kamdash.ui.writes import WRITE_ERRORS, problems_text, write_failed

__all__ = ["editable_stakeholders", "render_editor", "save_edits", "show_saved_message"]

_SAVED_KEY = "account_saved_message"
EDIT_COLUMNS = ["stakeholder_id", *store.STAKEHOLDER_EDIT_COLUMNS]


def editable_stakeholders(people: pd.DataFrame) -> pd.DataFrame:
    """One account's stakeholders as the editor shows them: roles as a list of keys, stance
    as its word, the manager by name."""
    out = people.reindex(columns=EDIT_COLUMNS).reset_index(drop=True)
    # Built as object columns so that an account with nobody yet still gets list and text
    # columns (an empty frame would otherwise make them float64, which the editor rejects).
    out["roles"] = pd.Series([r.split(";") if r else [] for r in people["roles"].fillna("")],
                             index=out.index, dtype=object)
    out["stance"] = pd.Series(people["stance"].map(roles.STANCE_LABELS).to_numpy(),
                              index=out.index, dtype=object)
    out["stakeholder_id"] = out["stakeholder_id"].astype("Int64")
    for col in ("name", "title", "department", "reports_to", "email", "influence"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _column_config(names: list[str]) -> dict:
    label = store.STAKEHOLDER_EDIT_COLUMNS
    return {
        "stakeholder_id": None,  # hidden: tells the save which rows are new
        "name": st.column_config.TextColumn(label["name"], required=True, max_chars=200,
                                            width=150),
        "title": st.column_config.TextColumn(label["title"], max_chars=200, width=150),
        "department": st.column_config.TextColumn(
            label["department"], max_chars=200, help="Buying centre, e.g. Procurement",
            width=110),
        "roles": st.column_config.MultiselectColumn(
            label["roles"], options=list(roles.ROLES), format_func=roles.role_label,
            accept_new_options=True, width=170,
            help="Buying roles. You may also type your CRM's words, e.g. Economic Buyer or "
                 "Champion: they are translated on save."),
        "influence": st.column_config.SelectboxColumn(
            label["influence"], options=list(roles.INFLUENCE_LEVELS), default="medium",
            required=True, width=88),
        "stance": st.column_config.SelectboxColumn(
            label["stance"], options=list(roles.STANCE_LABELS.values()), default="neutral",
            required=True, width=100,  # required: the list offers no blank
            help="How they feel about us: enemy, non-supporter, neutral, supporter, mentor"),
        "reports_to": st.column_config.SelectboxColumn(
            label["reports_to"], options=names, width=130,
            help="Their manager among this account's stakeholders (save a new person first "
                 "to pick them here)"),
        "email": st.column_config.TextColumn(label["email"], width=170),
        "active": st.column_config.CheckboxColumn(
            label["active"], default=True, width=70,
            help="Untick for someone who has left: their history stays, they cover no role"),
    }


def save_edits(account_id: int, edited: pd.DataFrame) -> bool:
    """Save an edited stakeholder table; show what went wrong (nothing saved) or remember a
    success message for the next run. True when saved."""
    try:
        result = store.save_stakeholders(data.engine(), account_id, edited, current_actor())
    except store.StakeholderEditRejected as exc:
        count = len(exc.problems)
        st.error(problems_text(f"Nothing was saved: {count} value{'s' if count != 1 else ''} "
                               f"need{'s' if count == 1 else ''} fixing.", exc.problems),
                 icon=":material/error:")
        return False
    except WRITE_ERRORS as exc:
        st.error(plain(write_failed(exc)), icon=":material/error:")
        return False
    st.session_state[_SAVED_KEY] = (
        f"Saved: {result}." if result.changed else "Nothing to save: the table is unchanged.")
    return True


def show_saved_message() -> None:
    """The message of the last save, once, after the page reloaded its data."""
    message = st.session_state.pop(_SAVED_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def render_editor(account_id: int, people: pd.DataFrame, read_only: bool,
                  refused: str | None = None) -> None:
    """The editable stakeholder table with its Save button; shown read-only, saying why, in
    read-only mode or when ``refused`` (the reason the current user may not edit it)."""
    table = editable_stakeholders(people)
    config = _column_config(sorted(table["name"].dropna().astype(str)))
    # Active beside the name: the caption asks to untick it, so it must be in view at 1440 px
    # (the e-mail, least needed while editing, goes last and may scroll).
    order = ["name", "active",
             *[c for c in store.STAKEHOLDER_EDIT_COLUMNS if c not in ("name", "active", "email")],
             "email"]
    # The key changes with every save, so the editor starts from the saved rows again.
    key = f"account_editor_{account_id}_{data.version()}"
    if read_only or refused:
        st.data_editor(table, column_config=config, column_order=order, hide_index=True,
                       disabled=True, width="stretch", key=key)
        st.caption(plain(refused) if refused and not read_only
                   else "Read-only demo: editing stakeholders is switched off.")
        return
    with st.form(f"account_editor_form_{account_id}", border=False):
        edited = st.data_editor(
            table, column_config=config, column_order=order, hide_index=True,
            num_rows="dynamic", width="stretch", key=key,
        )
        st.caption("Add a row for a new person; select rows and delete them to remove people "
                   "entered by mistake. For someone who has left, untick Active instead: "
                   "their history stays.")
        submitted = st.form_submit_button("Save stakeholders", type="primary",
                                          icon=":material/save:", key="account_save")
    if submitted and save_edits(account_id, edited):
        st.rerun()
    show_saved_message()
