"""kamdash entry point: page config, sign-in, navigation by role, and a clear stop when a
setting is wrong or there is no database."""

import streamlit as st

from kamdash import navigation, settings
from kamdash.ui import identity, warm
from kamdash.ui.data import database_problem
from kamdash.ui.read_only import sidebar_notice

st.set_page_config(page_title="kamdash · Key accounts", page_icon="🎯", layout="wide")

setting_problem = settings.problem()
if setting_problem:  # a KAMDASH_ variable that does not parse: say which, run no page
    st.navigation([st.Page(lambda: None, title="Setting problem", url_path="start")],
                  position="hidden")
    st.error(f"kamdash cannot start: {setting_problem}.", icon=":material/settings:")
    st.stop()
# With [auth] in secrets, nothing but the sign-in page until someone has signed in.
if not identity.local_mode() and not st.user.get("is_logged_in"):
    st.navigation([st.Page(identity.sign_in_page, title="Sign in", url_path="sign-in")],
                  position="hidden").run()
    st.stop()
problem = database_problem()
if problem:  # unreachable or not set up: say so once, instead of a traceback on every page
    st.navigation([st.Page(lambda: None, title="Database problem", url_path="start")],
                  position="hidden")
    st.error(problem, icon=":material/database:")
    st.stop()
gate = identity.gate()
if gate.actor is None:  # signed in, but not (or no longer) a user
    st.navigation([st.Page(lambda: identity.not_let_in_page(gate.status, gate.email),
                           title="Ask for access", url_path="access")], position="hidden").run()
    st.stop()
warm.start()  # the pages' data is computed after every write, ahead of the next visit
shown, landing = navigation.pages_for(gate.actor)
pages: dict[str, list] = {}
for spec in shown:
    pages.setdefault(spec.group, []).append(st.Page(
        spec.script, title=spec.title, icon=spec.icon, url_path=spec.url_path,
        default=spec is landing))
menu = st.navigation(pages)
identity.sidebar_identity(gate.actor)
sidebar_notice()
menu.run()
