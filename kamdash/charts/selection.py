"""Selection's deeper figures: how stable the accounts around the cut are, and how two
scenarios rank the accounts that move most (a slope chart)."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from kamdash.charts.core import KEY_COLOUR, LAYOUT, OTHER_COLOUR

STABILITY_COLOURS = {"solid key": KEY_COLOUR, "borderline": "#d29922", "solid out": OTHER_COLOUR}


def _names(ids: pd.Index, names: pd.Series) -> list[str]:
    # Names are user text: plotly reads a few HTML tags in labels, so they are escaped.
    return [html.escape(str(n)) for n in names.reindex(ids).fillna(ids.to_series().astype(str))]


def stability_around_cut(frame: pd.DataFrame, names: pd.Series, cut: int) -> go.Figure:
    """Bars of each account's chance of being key, in rank order, for the accounts around the
    cut; ``frame``: index account id, ``rank``, ``probability`` (0-1), ``stability`` label;
    ``cut``: how many accounts the scenario makes key (a line is drawn after them)."""
    labels = _names(frame.index, names)
    bars = []
    for label, colour in STABILITY_COLOURS.items():
        part = frame["stability"].eq(label).to_numpy()
        bars.append(dict(
            type="bar", x=[f"{r}. {n}" for r, n, p in zip(frame["rank"], labels, part,
                                                       strict=True) if p],
            y=(frame.loc[part, "probability"] * 100).tolist(), name=label.capitalize(),
            marker=dict(color=colour),
            hovertemplate="%{x}: key in %{y:.0f}% of the draws<extra></extra>",
        ))
    order = [f"{r}. {n}" for r, n in zip(frame["rank"], labels, strict=True)]
    before_cut = int((frame["rank"] <= cut).sum())
    shapes = []
    if 0 < before_cut < len(frame):
        shapes.append(dict(type="line", xref="x", yref="paper", x0=before_cut - 0.5,
                           x1=before_cut - 0.5, y0=0, y1=1,
                           line=dict(color="#57606a", dash="dash")))
    return go.Figure(data=bars, layout=dict(
        title="Around the cut: how often each account is key when the weights wobble",
        xaxis=dict(title="Accounts by rank (the dashed line is the cut)",
                   categoryorder="array", categoryarray=order, tickangle=-40),
        yaxis=dict(title="Chance of being key (%)", range=[0, 100]),
        shapes=shapes, height=460,
        **{**LAYOUT, "legend": dict(orientation="h", y=1.0, yanchor="bottom", x=0)},
    ))


def rank_slopes(moves: pd.DataFrame, names: pd.Series, label_a: str, label_b: str,
                key_a: pd.Series, key_b: pd.Series) -> go.Figure:
    """A line per account from its rank under A to its rank under B (rank 1 at the top);
    blue when it is key in B, grey when not. ``moves``: ``compare_rankings`` moves."""
    labels = _names(moves.index, names)
    traces = []
    for account, name in zip(moves.index, labels, strict=True):
        row = moves.loc[account]
        in_b = bool(key_b.get(account, False))
        status = (("key in both" if in_b else "key in A only") if key_a.get(account, False)
                  else ("key in B only" if in_b else "key in neither"))
        traces.append(dict(
            type="scatter", mode="lines+markers+text", x=[label_a, label_b],
            y=[int(row["rank_a"]), int(row["rank_b"])], text=["", name],
            textposition="middle right", showlegend=False,
            line=dict(color=KEY_COLOUR if in_b else OTHER_COLOUR, width=2),
            hovertemplate=f"{name}: rank %{{y}} ({status})<extra>%{{x}}</extra>",
        ))
    return go.Figure(data=traces, layout=dict(
        title="Rank under each scenario, for the accounts that change most",
        xaxis=dict(title=None, range=[-0.2, 1.8]),
        yaxis=dict(title="Rank (1 = best)", autorange="reversed"),
        height=max(360, 22 * len(moves) + 160), **LAYOUT,
    ))
