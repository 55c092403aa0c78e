"""Users: who may sign in and with which role (admins only)."""

import pandas as pd
import streamlit as st

from kamdash import store
from kamdash.identity import UserRole
from kamdash.ui import data
from kamdash.ui.account_picker import plain
from kamdash.ui.identity import ROLE_WORDS, current_actor, local_mode
from kamdash.ui.navigation import ensure_app_navigation
from kamdash.ui.writes import WRITE_ERRORS, problems_text, write_failed

ensure_app_navigation()
_SAVED = "users_saved_message"

st.title("Users")
st.caption("Who may sign in, with which role, and which manager record a KAM is (their "
           "accounts are that manager's). Nobody is deleted: untick Active to stop someone "
           "signing in; their history stays.")
actor = current_actor()
if not actor.at_least(UserRole.ADMIN):
    st.warning("Only admins manage users.", icon=":material/lock:")
    st.stop()
if local_mode():
    st.info("Local mode: nobody signs in yet, so these users only matter once sign-in is set "
            "up (see the README).", icon=":material/laptop:")
st.markdown("\n".join(f"- `{role}`: {words.split(': ', 1)[1]}"
                      for role, words in ROLE_WORDS.items()))

users = store.load_users(data.engine())
managers = data.managers()
table = users[["user_id", *store.USER_EDIT_COLUMNS]].astype({"user_id": "Int64"})
table["manager"] = table["manager"].astype(object).where(table["manager"].notna(), None)
locked = store.read_only()
with st.form("users_form", border=False):
    edited = st.data_editor(
        table, hide_index=True, width="stretch", num_rows="add", disabled=locked,
        key=f"users_editor_{data.version()}",
        column_config={
            "user_id": None,
            "email": st.column_config.TextColumn("E-mail", required=True,
                                                 help="As the sign-in provider sends it"),
            "name": st.column_config.TextColumn("Name", required=True, max_chars=120),
            "role": st.column_config.SelectboxColumn(
                "Role", options=list(store.USER_ROLES), default="viewer", required=True),
            "manager": st.column_config.SelectboxColumn(
                "Manager record", options=sorted(managers["name"].astype(str)),
                help="For a KAM: the manager whose accounts they edit"),
            "active": st.column_config.CheckboxColumn("Active", default=True),
        },
    )
    st.caption("Add a row to invite someone. Every row is checked first; if anything is wrong "
               "nothing is saved and the problems are listed.")
    saved = st.form_submit_button("Save users", type="primary", icon=":material/save:",
                                  disabled=locked, key="users_save")
if saved and not locked:
    try:
        result = store.save_users(data.engine(), actor, edited)
    except store.UserRejected as exc:
        st.error(problems_text("Nothing was saved. Please fix:", exc.problems),
                 icon=":material/error:")
    except WRITE_ERRORS as exc:
        st.error(plain(write_failed(exc)), icon=":material/error:")
    else:
        st.session_state[_SAVED] = (f"Saved: {result}." if result.changed
                                    else "Nothing to save: the table is unchanged.")
        st.rerun()
message = st.session_state.pop(_SAVED, None)
if message:
    st.success(message, icon=":material/check_circle:")
n_active = int(pd.Series(users["active"]).sum())
st.caption(f"{n_active:,} active user{'s' if n_active != 1 else ''} of {len(users):,}.")
