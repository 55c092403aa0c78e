"""Plotly figure builders: small, pre-aggregated DataFrame in, go.Figure out (no Streamlit).

``core`` has the portfolio and selection figures (re-exported here); each capability adds its
own module beside it (``from kamdash.charts import coverage``).
"""

from kamdash.charts.core import KEY_COLOUR, LAYOUT, OTHER_COLOUR, contribution_bars, revenue_pareto

__all__ = ["KEY_COLOUR", "LAYOUT", "OTHER_COLOUR", "contribution_bars", "revenue_pareto"]
