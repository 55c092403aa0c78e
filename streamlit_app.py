"""kamdash entry point: page config, sign-in, navigation by role, and a clear stop when a
setting is wrong or there is no database."""

import streamlit as st

from kamdash import settings
from kamdash.identity import UserRole
from kamdash.ui import identity
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
actor = gate.actor
kam = actor.role == UserRole.KAM or actor.manager_id is not None
admin = actor.at_least(UserRole.ADMIN)

# Grouped by who comes for what: a KAM starts at their own accounts, leadership decides, key
# account managers look after accounts; admins also move data and manage users.
pages = {"My work": [st.Page("pages/my_accounts.py", title="My accounts", icon=":material/work:",
                             url_path="my-accounts", default=kam)]} if kam else {}
pages["Leadership"] = [
    st.Page("pages/portfolio.py", title="Portfolio", icon=":material/dashboard:",
            url_path="portfolio", default=not kam),
    st.Page("pages/selection.py", title="Selection (what-if)", icon=":material/tune:",
            url_path="selection"),
    st.Page("pages/decisions.py", title="Decisions", icon=":material/gavel:",
            url_path="decisions"),
]
pages["Account management"] = [
    st.Page("pages/account.py", title="Account", icon=":material/business:", url_path="account"),
    st.Page("pages/ratings.py", title="Ratings", icon=":material/star_rate:", url_path="ratings"),
    st.Page("pages/coverage.py", title="Coverage", icon=":material/groups:", url_path="coverage"),
    st.Page("pages/engagement.py", title="Engagement", icon=":material/timeline:",
            url_path="engagement"),
]
pages["Data"] = [
    st.Page("pages/activity.py", title="Activity", icon=":material/history:",
            url_path="activity"),
    *([st.Page("pages/data.py", title="Import and export", icon=":material/upload_file:",
               url_path="data"),
       st.Page("pages/users.py", title="Users", icon=":material/manage_accounts:",
               url_path="users")] if admin else []),
]
navigation = st.navigation(pages)
identity.sidebar_identity(actor)
sidebar_notice()
navigation.run()
