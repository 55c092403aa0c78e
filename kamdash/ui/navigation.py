"""Keep every visit inside the app's own navigation (streamlit_app.py)."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_navigation() -> None:
    """Re-run through streamlit_app.py when Streamlit served a page in its legacy mode.

    Until the entry point has called ``st.navigation`` once in a server process, Streamlit
    treats ``pages/`` as a legacy multipage folder: a shared deep link such as
    ``/selection?w_solvency=9`` opened first after a restart would run the page file alone,
    with file-name navigation and no page config. The flag is process-wide, so this costs
    one rerun per server start. (Private API: kept to this one function and a browser test.)
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
