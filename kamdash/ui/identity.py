"""The current user of this browser session, for the pages to hand to the store.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` everyone signs in through Streamlit's
``st.login`` (any OpenID Connect provider) and is who the users table says their e-mail is;
without it the app runs in local mode: one local user with every right. ``kamdash.identity``
holds the rules, ``kamdash.store.users`` the users; this module only asks Streamlit who is
there.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from kamdash import settings, store
from kamdash.identity import LOCAL, Actor, Refused, UserRole, require_account_edit
from kamdash.ui import data
from kamdash.ui.account_picker import plain

__all__ = ["Gate", "current_actor", "edit_refusal", "gate", "local_mode", "sidebar_identity"]

ROLE_WORDS = {
    UserRole.VIEWER: "Viewer: reads everything, changes nothing",
    UserRole.KAM: "Key account manager: edits the accounts they manage",
    UserRole.LEADERSHIP: "Leadership: edits every account, saves scenarios",
    UserRole.ADMIN: "Admin: everything, and manages users, imports and exports",
}


def local_mode() -> bool:
    """True when no sign-in is configured (no ``[auth]`` in the app's secrets)."""
    try:
        return "auth" not in st.secrets
    except FileNotFoundError as exc:  # Streamlit's StreamlitSecretNotFoundError
        if str(exc).startswith("No secrets found"):
            return True
        # A secrets file that does not parse must not quietly grant every right to anyone.
        raise RuntimeError("kamdash cannot read .streamlit/secrets.toml; fix the file (see "
                           "the server log) or remove it for local mode") from exc


def _signed_in() -> tuple[str, str] | None:
    """The signed-in e-mail and name, as the provider sent them; None when signed out."""
    user = st.user
    if not user.get("is_logged_in"):
        return None
    email = str(user.get("email") or "").strip()
    return (email, str(user.get("name") or "").strip()) if email else None


@dataclass(frozen=True)
class Gate:
    """Who may come in: ``actor`` (None: show only ``status``'s page), ``status``: "local",
    "signed-out", "user", "new-admin", "new-viewer", "uninvited" or "deactivated", and the
    e-mail the provider signed in."""

    actor: Actor | None
    status: str
    email: str = ""


def gate() -> Gate:
    """Once per run, by streamlit_app.py: local mode, signed out, or the user the signed-in
    e-mail is (added now when KAMDASH_ADMINS or KAMDASH_SIGNUP says so)."""
    if local_mode():
        return Gate(LOCAL, "local")
    who = _signed_in()
    if who is None:
        return Gate(None, "signed-out")
    email, name = who
    try:
        found = store.sign_in(data.engine(), email, name, admins=settings.admin_emails(),
                              signup=settings.signup_role())
    except store.ReadOnlyError:  # a read-only show lets known users in and adds nobody
        return Gate(None, "uninvited", email)
    return Gate(found.actor, found.status, email)


def current_actor() -> Actor:
    """Who is using the app right now: the local user in local mode, else the signed-in
    user. Someone who is not (or no longer) a user gets a viewer with no rights, so a page
    reached some other way can still write nothing."""
    if local_mode():
        return LOCAL
    who = _signed_in()
    if who is None:
        return Actor(email="", name="Signed out", role=UserRole.VIEWER)
    actor = store.user_actor(data.engine(), who[0])
    return actor or Actor(email=who[0].lower(), name=who[1] or who[0], role=UserRole.VIEWER)


def edit_refusal(account_id: int) -> str | None:
    """Why the current user may not change this account (the store's own words), or None
    when they may: the pages hide what the store would refuse anyway."""
    accounts = data.accounts()
    if account_id not in accounts.index:
        return None  # the store says "no such account" itself
    manager = accounts.loc[account_id, "manager_id"]
    try:
        require_account_edit(current_actor(), None if manager != manager else int(manager),
                             str(accounts.loc[account_id, "name"]))
    except Refused as exc:
        return str(exc)
    return None


def sidebar_identity(actor: Actor) -> None:
    """Who is signed in (and a sign-out button), or plainly that this is local mode."""
    if local_mode():
        st.sidebar.info("**Local mode:** nobody signs in; you are the local user with every "
                        "right. Set up sign-in (README) before others can reach this app.",
                        icon=":material/laptop:")
        return
    with st.sidebar.container(key="identity"):
        st.markdown(f":material/account_circle: **{plain(actor.name)}**  \n"
                    f"{plain(actor.email)}")
        st.caption(ROLE_WORDS[actor.role])
        if st.button("Sign out", icon=":material/logout:", key="identity_sign_out"):
            st.logout()


# --- the pages someone sees before they are let in ----------------------------------------------


def sign_in_page() -> None:
    """All a signed-out visitor sees: what this is, and the button to sign in."""
    st.title("kamdash · Key accounts")
    st.write("Customer relationship data lives here: please sign in with your company "
             "account.")
    if st.button("Sign in", type="primary", icon=":material/login:", key="identity_sign_in"):
        st.login()


def not_let_in_page(status: str, email: str) -> None:
    """A signed-in e-mail that is not an active user: who they are, what to do, sign out."""
    st.title("kamdash · Key accounts")
    if status == "deactivated":
        st.warning(f"You are signed in as {plain(email)}, but your access to kamdash was "
                   "switched off. Ask a kamdash admin if you need it back.",
                   icon=":material/block:")
    else:
        st.info(f"You are signed in as {plain(email)}, but you are not a kamdash user yet. "
                "Ask a kamdash admin to invite you.", icon=":material/mail:")
    if st.button("Sign out", icon=":material/logout:", key="identity_sign_out"):
        st.logout()
