"""The floor page of the browser bench: one slider and a 50-row table, nothing else.

Served by ``kamdash.bench_browser`` beside the app, with the same Streamlit and the same
config, so that what a page costs above this is kamdash's own doing.
"""

import pandas as pd
import streamlit as st

st.set_page_config(page_title="floor", layout="wide")
st.title("Floor")
weight = st.slider("Weight", 0, 100, 50, key="floor_weight")
rows = pd.RangeIndex(50)
st.dataframe(pd.DataFrame({"rank": rows + 1, "name": [f"Account {i}" for i in rows],
                           "score": (rows * weight % 97) / 9.7}), hide_index=True)
