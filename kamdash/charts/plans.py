"""Account-plan figures: where the whitespace potential lies across the portfolio."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from kamdash.charts.core import KEY_COLOUR, LAYOUT
from kamdash.formatting import CURRENCY_SYMBOL


def potential_bars(potential: pd.DataFrame, by: str, title: str) -> go.Figure:
    """Horizontal bars of whitespace potential, largest on top. ``potential``: index the
    offering or industry (``by`` names it for the axis), columns potential and accounts
    (as ``kamdash.plans.whitespace_by`` gives)."""
    df = potential.iloc[::-1]  # plotly draws the first bar at the bottom
    names = [html.escape(str(n)) for n in df.index]  # user text (offering names)
    fig = go.Figure(go.Bar(
        x=df["potential"], y=names, orientation="h", marker_color=KEY_COLOUR,
        customdata=df[["accounts"]].to_numpy(),
        hovertemplate=(f"%{{y}}<br>{CURRENCY_SYMBOL}%{{x:,.0f}} in %{{customdata[0]}} "
                       "accounts<extra></extra>")))
    fig.update_layout(**LAYOUT, title=title, height=max(220, 60 + 32 * len(df)),
                      showlegend=False)
    fig.update_xaxes(title=f"Estimated potential ({CURRENCY_SYMBOL})", tickprefix=CURRENCY_SYMBOL)
    fig.update_yaxes(title=by.capitalize())
    return fig
