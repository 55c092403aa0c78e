"""Column configurations shared by the pages' tables: one way to show money in a grid."""

import streamlit as st

from kamdash.formatting import CURRENCY_SYMBOL


def money_column(label: str, help: str | None = None,
                 width: str | int | None = None) -> st.column_config.NumberColumn:
    """Whole currency units with thousands separators: '€1,229,360'; ``width`` as
    ``st.column_config`` takes it ("small", "medium", "large" or pixels) for wide tables."""
    return st.column_config.NumberColumn(label, format=f"{CURRENCY_SYMBOL}%,d", help=help,
                                         width=width)
