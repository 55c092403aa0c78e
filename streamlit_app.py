"""kamdash entry point: page config and navigation, nothing else."""

import streamlit as st

from kamdash.ui.read_only import sidebar_notice

st.set_page_config(page_title="kamdash · Key accounts", page_icon="🎯", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/portfolio.py", title="Portfolio", icon=":material/dashboard:",
                url_path="portfolio", default=True),
        st.Page("pages/selection.py", title="Selection (what-if)", icon=":material/tune:",
                url_path="selection"),
        st.Page("pages/account.py", title="Account", icon=":material/business:",
                url_path="account"),
        st.Page("pages/coverage.py", title="Coverage", icon=":material/groups:",
                url_path="coverage"),
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
        st.Page("pages/engagement.py", title="Engagement", icon=":material/timeline:",
                url_path="engagement"),
    ]
)
sidebar_notice()
navigation.run()
