"""Engagement and health figures: small, pre-aggregated frames in, go.Figure out.

User text (names, summaries) goes into hover labels HTML-escaped, so it shows as typed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kamdash import health
from kamdash.charts.core import KEY_COLOUR, LAYOUT, plotly_text
from kamdash.engagement import KIND_LABELS, KINDS
from kamdash.formatting import CURRENCY_SYMBOL

__all__ = [
    "BAND_COLOURS",
    "BAND_FILLS",
    "KIND_COLOURS",
    "PARTIAL_MONTH_NOTE",
    "cadence_chart",
    "engagement_timeline",
    "health_trend",
    "kam_load_chart",
    "measure_breakdown",
    "monthly_trend",
    "revenue_line",
    "satisfaction_line",
]

BAND_COLOURS = {"red": "#d1242f", "yellow": "#bf8700", "green": "#1a7f37"}
BAND_FILLS = {"red": "#fee4e2", "yellow": "#fef0c7", "green": "#dcfce7"}
MISSING_COLOUR = "#8c959f"
KIND_COLOURS = {
    "visit": "#1f6feb",
    "meeting": "#54aeff",
    "call": "#8250df",
    "qbr": "#0e8a16",
    "workshop": "#e16f24",
    "email": "#b6c2cf",
}
SENTIMENT_COLOURS = {-2: "#a40e26", -1: "#fa4549", 0: "#8c959f", 1: "#4ac26b", 2: "#1a7f37"}
SENTIMENT_LABELS = {-2: "very negative", -1: "negative", 0: "neutral", 1: "positive",
                    2: "very positive"}
_MONTH_FORMAT = "%b %Y"
# The caption under a chart drawn with ``partial_month``.
PARTIAL_MONTH_NOTE = ("This month is not over yet: its bars are drawn lighter, its count of "
                      "people met is dashed, and satisfaction and revenue leave it out.")


def _text(values: pd.Series, limit: int = 140) -> pd.Series:
    """User text for a hover label: cut to ``limit`` characters, HTML-escaped."""
    cut = values.fillna("").astype(str).map(
        lambda s: s if len(s) <= limit else s[: limit - 1] + "…")
    return cut.map(plotly_text)


def _layout(**overrides) -> dict:
    """The shared layout with the legend below the x-axis title (not on top of it): pinned to
    the figure's bottom edge in a margin of its own, so it stays clear of the axis however
    the chart was first laid out (a chart drawn in a hidden tab gets no second layout)."""
    return {**LAYOUT, "margin": dict(l=10, r=10, t=50, b=80),
            "legend": dict(orientation="h", yref="container", y=0, yanchor="bottom"),
            **overrides}


def _title(text: str) -> str:
    """A chart title that may hold user text (an account's or a manager's name)."""
    return plotly_text(text)


def _band_background(fig: go.Figure) -> None:
    for name, low, high in (("red", 0, health.RED_BELOW),
                            ("yellow", health.RED_BELOW, health.GREEN_FROM),
                            ("green", health.GREEN_FROM, 100)):
        fig.add_hrect(y0=low, y1=high, fillcolor=BAND_FILLS[name], opacity=0.7, line_width=0,
                      layer="below")


def health_trend(history: pd.DataFrame, title: str = "Health over the last 12 months") -> go.Figure:
    """One account's health score per month (``history``: month, score, band) on the red /
    yellow / green bands, in the whole points the pages show (``health.points``)."""
    fig = go.Figure()
    _band_background(fig)
    labels = history["band"].map(health.BAND_LABELS).fillna("no score")
    fig.add_scatter(
        x=history["month"], y=health.points(history["score"].astype(float)),
        mode="lines+markers", name="Health score",
        line=dict(color="#24292f", width=2),
        marker=dict(size=9, color=history["band"].map(BAND_COLOURS).fillna(MISSING_COLOUR),
                    line=dict(color="white", width=1)),
        customdata=np.column_stack([labels]),
        hovertemplate="%{x|%B %Y}: %{y:.0f} (%{customdata[0]})<extra></extra>",
    )
    fig.update_layout(
        title=_title(title),
        xaxis=dict(title="Month", tickformat=_MONTH_FORMAT),
        yaxis=dict(title="Health score (0-100)", range=[0, 100], tickvals=[0, 25, 50, 75, 100]),
        showlegend=False, height=320, **_layout(),
    )
    return fig


def measure_breakdown(row: pd.Series, title: str = "What the score is made of") -> go.Figure:
    """The five measures of one account (a ``health.health_as_of`` row) as bars 0-100 in
    band colours; a missing measure is labelled missing with the reason, not drawn as zero."""
    keys = list(health.MEASURES)[::-1]  # first measure at the top
    total = sum(health.WEIGHTS.values())
    labels = [f"{health.MEASURES[k]} ({health.WEIGHTS[k] / total:.0%})" for k in keys]
    values = pd.Series([row.get(k) for k in keys], index=keys, dtype=float)
    present = values.notna()
    colours = [BAND_COLOURS[health.band(v)] if pd.notna(v) else MISSING_COLOUR for v in values]
    texts = [f"{health.points(v):.0f}" if pd.notna(v) else
             f"missing: {health.MISSING_REASONS[k]}"
             for k, v in values.items()]
    fig = go.Figure()
    fig.add_bar(
        y=labels, x=values.fillna(0), orientation="h", marker_color=colours, text=texts,
        textposition=["inside" if p and v >= 20 else "outside" for p, v in
                      zip(present, values.fillna(0), strict=True)],
        insidetextanchor="end", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    for x in (health.RED_BELOW, health.GREEN_FROM):
        fig.add_vline(x=x, line=dict(color="#57606a", width=1, dash="dot"))
    fig.update_layout(
        title=_title(title),
        xaxis=dict(title="Measure (0-100); weight in brackets", range=[0, 100],
                   tickvals=[0, 25, 50, 75, 100]),
        yaxis=dict(title=None), showlegend=False, height=300, **_layout(),
    )
    return fig


def engagement_timeline(engagements: pd.DataFrame, title: str) -> go.Figure:
    """Each engagement of one account as a dot: when (x), what kind (y), how it went
    (colour). ``engagements``: date, kind, stakeholder, summary, sentiment."""
    fig = go.Figure()
    kinds = [k for k in KINDS if k in set(engagements["kind"])] or list(KINDS)
    for mood in sorted(SENTIMENT_COLOURS, reverse=True):
        part = engagements[engagements["sentiment"] == mood]
        if part.empty:
            continue
        who = _text(part["stakeholder"].fillna("nobody named"), 60)
        fig.add_scatter(
            x=part["date"], y=part["kind"].map(KIND_LABELS), mode="markers",
            name=SENTIMENT_LABELS[mood].capitalize(),
            marker=dict(size=11, color=SENTIMENT_COLOURS[mood], line=dict(color="white",
                                                                               width=1)),
            customdata=np.column_stack([who, _text(part["summary"])]),
            hovertemplate=("%{x|%d %b %Y} · %{y} with %{customdata[0]}<br>%{customdata[1]}"
                           "<extra>" + SENTIMENT_LABELS[mood] + "</extra>"),
        )
    fig.update_layout(
        title=_title(title),
        xaxis=dict(title="Date"),
        yaxis=dict(title="Kind", type="category", categoryorder="array",
                   categoryarray=[KIND_LABELS[k] for k in kinds][::-1]),
        legend=dict(orientation="h", y=-0.25, title="How it went: "),
        height=max(260, 48 * len(kinds) + 150),
        margin=LAYOUT["margin"],
    )
    return fig


def monthly_trend(trend: pd.DataFrame, title: str, partial_month: bool = False) -> go.Figure:
    """Engagements per month stacked by kind, and the different people met (line, right
    axis). ``trend``: index month, a column per kind and stakeholders_touched. With
    ``partial_month`` the last month is not over yet: its bars are drawn lighter and the
    line reaches it dashed, apart from the complete months (so it never seems to plunge)."""
    fig = go.Figure()
    opacity = np.ones(len(trend))
    if partial_month and len(trend):
        opacity[-1] = 0.45
    for kind in KINDS:
        fig.add_bar(
            x=trend.index, y=trend[kind], name=KIND_LABELS[kind],
            marker=dict(color=KIND_COLOURS[kind], opacity=opacity),
            hovertemplate=f"%{{x|%B %Y}}: %{{y}} {KIND_LABELS[kind].lower()}<extra></extra>",
        )
    partial = partial_month and len(trend) > 0
    complete = trend.iloc[:-1] if partial else trend
    fig.add_scatter(
        x=complete.index, y=complete["stakeholders_touched"], name="Different people met",
        yaxis="y2", mode="lines+markers", line=dict(color="#24292f", width=2),
        hovertemplate="%{x|%B %Y}: %{y} different people met<extra></extra>",
    )
    if partial:
        so_far = trend.iloc[-2:]
        fig.add_scatter(
            x=so_far.index, y=so_far["stakeholders_touched"], yaxis="y2",
            name="Different people met, this month so far", mode="lines+markers",
            line=dict(color="#8c959f", width=2, dash="dot"),
            marker=dict(symbol="circle-open", size=[0] * (len(so_far) - 1) + [9]),
            hovertemplate="%{x|%B %Y} so far: %{y} different people met<extra></extra>",
        )
    fig.update_layout(
        title=_title(title), barmode="stack",
        xaxis=dict(title="Month", tickformat=_MONTH_FORMAT),
        yaxis=dict(title="Engagements"),
        yaxis2=dict(title="Different people met", overlaying="y", side="right",
                    showgrid=False, rangemode="tozero", tickmode="auto"),
        height=360, **_layout(),
    )
    if partial_month and len(trend):
        fig.add_annotation(x=trend.index[-1], y=1, yref="paper", text="so far",
                           showarrow=False, yanchor="bottom", font=dict(color="#57606a"))
    return fig


def _complete(trend: pd.DataFrame, partial_month: bool) -> pd.DataFrame:
    """``trend`` without its last month when that month is not over yet."""
    return trend.iloc[:-1] if partial_month and len(trend) else trend


def satisfaction_line(trend: pd.DataFrame, title: str = "Satisfaction (survey)",
                      partial_month: bool = False) -> go.Figure:
    """Surveyed satisfaction per month, 0-10 (``trend``: index month, satisfaction); months
    without an answer are gaps bridged by a dotted line. With ``partial_month`` the last
    month (not over yet) is left out of the line, but kept on the axis."""
    data = _complete(trend, partial_month)["satisfaction"].dropna()
    fig = go.Figure()
    fig.add_scatter(
        x=data.index, y=data, mode="lines+markers", name="Satisfaction",
        line=dict(color="#8250df", width=2), connectgaps=True,
        hovertemplate="%{x|%B %Y}: %{y:.1f} out of 10<extra></extra>",
    )
    fig.update_layout(
        title=_title(title),
        xaxis=dict(title="Month", tickformat=_MONTH_FORMAT,
                   range=[trend.index.min(), trend.index.max()] if len(trend) else None),
        yaxis=dict(title="Satisfaction (0-10)", range=[0, 10.2]),
        showlegend=False, height=300, **_layout(),
    )
    return fig


def revenue_line(trend: pd.DataFrame, title: str = "Revenue per month",
                 partial_month: bool = False) -> go.Figure:
    """Revenue per month (``trend``: index month, revenue); unrecorded months are gaps. With
    ``partial_month`` the last month (not over yet) is left out, but kept on the axis."""
    fig = go.Figure()
    data = _complete(trend, partial_month)
    fig.add_scatter(
        x=data.index, y=data["revenue"], mode="lines+markers", name="Revenue",
        line=dict(color=KEY_COLOUR, width=2),
        hovertemplate=f"%{{x|%B %Y}}: {CURRENCY_SYMBOL}%{{y:,.0f}}<extra></extra>",
    )
    fig.update_layout(
        title=_title(title),
        xaxis=dict(title="Month", tickformat=_MONTH_FORMAT,
                   range=[trend.index.min(), trend.index.max()] if len(trend) else None),
        yaxis=dict(title=f"Revenue ({CURRENCY_SYMBOL})", tickprefix=CURRENCY_SYMBOL,
                   rangemode="tozero"),
        showlegend=False, height=300, **_layout(),
    )
    return fig


def cadence_chart(rows: pd.DataFrame, window_days: int,
                  title: str = "Touches against the agreed cadence") -> go.Figure:
    """Per account: touches in the window (bar; red when behind) against the agreed target
    (marker). ``rows``: name, touches, target, behind; shown in the given order, top down."""
    shown = rows.iloc[::-1]
    names = _text(shown["name"], 40)
    fig = go.Figure()
    fig.add_bar(
        y=names, x=shown["touches"], orientation="h", name="Touches",
        marker_color=np.where(shown["behind"], BAND_COLOURS["red"], KEY_COLOUR),
        hovertemplate="%{y}: %{x} touches<extra></extra>",
    )
    fig.add_scatter(
        y=names, x=shown["target"], mode="markers", name="Agreed cadence",
        marker=dict(symbol="line-ns", size=22, line=dict(width=3, color="#24292f")),
        hovertemplate="%{y}: %{x:g} agreed<extra></extra>",
    )
    fig.update_layout(
        title=_title(title),
        xaxis=dict(title=f"Touches in the last {window_days} days", rangemode="tozero"),
        yaxis=dict(title=None, type="category"),
        height=max(300, 26 * len(shown) + 150), **_layout(),
    )
    return fig


def kam_load_chart(load: pd.DataFrame,
                   title: str = "Key accounts per key account manager, against capacity"
                   ) -> go.Figure:
    """Per KAM: key accounts (bar; red above capacity) against the KAM's capacity for key
    accounts (marker), on one scale. Other accounts are not key accounts and do not count
    against that capacity: they are named under the KAM's name and in the hover, never
    stacked onto the bar. ``load``: name, key_accounts, other_accounts, capacity,
    over_capacity; shown in the given order, top down."""
    shown = load.iloc[::-1]
    others = shown["other_accounts"].fillna(0).astype(int)
    other_text = others.astype(str) + " other account" + np.where(others == 1, "", "s")
    names = _text(shown["name"], 40) + np.where(
        others > 0, "<br><span style='font-size:11px;color:#57606a'>+ " + other_text
        + "</span>", "")
    capacity = shown["capacity"].astype(float)
    room = np.where(capacity.isna(), "no capacity recorded",
                    np.where(shown["over_capacity"], "over capacity", "within capacity"))
    fig = go.Figure()
    fig.add_bar(
        y=names, x=shown["key_accounts"], orientation="h", name="Key accounts",
        marker_color=np.where(shown["over_capacity"], BAND_COLOURS["red"], KEY_COLOUR),
        customdata=np.column_stack([capacity.fillna(0), other_text, room]),
        hovertemplate=("%{x} key accounts, capacity %{customdata[0]:g} (%{customdata[2]})"
                       "<br>also manages %{customdata[1]}<extra></extra>"),
    )
    fig.add_scatter(
        y=names, x=capacity, mode="markers", name="Capacity for key accounts",
        marker=dict(symbol="line-ns", size=22, line=dict(width=3, color="#24292f")),
        hovertemplate="capacity for %{x:g} key accounts<extra></extra>",
    )
    fig.update_layout(
        title=_title(title),
        xaxis=dict(title="Key accounts managed", rangemode="tozero", dtick=1),
        yaxis=dict(title="Key account manager", type="category"),
        height=max(280, 44 * len(shown) + 150), **_layout(),
    )
    return fig
