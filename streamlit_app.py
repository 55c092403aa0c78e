"""kamdash entry point: page config, navigation, and a clear stop when there is no database."""

import streamlit as st

from kamdash.ui.data import database_problem
from kamdash.ui.read_only import sidebar_notice

st.set_page_config(page_title="kamdash · Key accounts", page_icon="🎯", layout="wide")

# Grouped by who comes for what: leadership decides, key account managers look after accounts.
navigation = st.navigation(
    {
        "Leadership": [
            st.Page("pages/portfolio.py", title="Portfolio", icon=":material/dashboard:",
                    url_path="portfolio", default=True),
            st.Page("pages/selection.py", title="Selection (what-if)", icon=":material/tune:",
                    url_path="selection"),
            st.Page("pages/decisions.py", title="Decisions", icon=":material/gavel:",
                    url_path="decisions"),
        ],
        "Account management": [
            st.Page("pages/account.py", title="Account", icon=":material/business:",
                    url_path="account"),
            st.Page("pages/ratings.py", title="Ratings", icon=":material/star_rate:",
                    url_path="ratings"),
            st.Page("pages/coverage.py", title="Coverage", icon=":material/groups:",
                    url_path="coverage"),
            st.Page("pages/engagement.py", title="Engagement", icon=":material/timeline:",
                    url_path="engagement"),
        ],
        "Data": [
            st.Page("pages/data.py", title="Import and export", icon=":material/upload_file:",
                    url_path="data"),
        ],
    }
)
sidebar_notice()
problem = database_problem()
if problem:  # unreachable or not set up: say so once, instead of a traceback on every page
    st.error(problem, icon=":material/database:")
    st.stop()
navigation.run()
