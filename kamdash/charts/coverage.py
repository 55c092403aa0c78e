"""Stakeholder coverage figures: one account's relationship map, the portfolio heatmap.

People's and accounts' names are user text: plotly reads a few HTML tags in labels, so
``<``, ``>`` and ``&`` are escaped before it sees them and a name like ``<b>x</b>`` shows as
typed. Quotes are left alone: plotly decodes only a few entities, and ``&quot;`` would show
as those six characters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kamdash.charts.core import LAYOUT, plotly_text
from kamdash.coverage import FRESHNESS, STALE_DAYS, days_ago, fresh_within_days
from kamdash.roles import STANCE_LABELS, roles_label

__all__ = ["FRESHNESS_COLOURS", "STANCE_COLOURS", "coverage_heatmap", "relationship_map"]

# Stance towards us, red (enemy) to green (mentor).
STANCE_COLOURS: dict[int, str] = {
    -2: "#b42318",
    -1: "#f79009",
    0: "#98a2b3",
    1: "#66c61c",
    2: "#2b7a0b",
}
INFLUENCE_SIZES: dict[str, int] = {"low": 14, "medium": 22, "high": 32}
# Freshness of contact with a role: the heatmap's colours, worst first.
FRESHNESS_COLOURS: dict[str, str] = {
    "missing": "#d92d20",
    "stale": "#f79009",
    "cooling": "#fde272",
    "fresh": "#47b04b",
}
_FRESHNESS_ORDER = ("missing", "stale", "cooling", "fresh")


def _safe(values: pd.Series) -> pd.Series:
    """``plotly_text`` of each value ('' for missing)."""
    return values.astype(object).where(values.notna(), "").astype(str).map(plotly_text)


def _empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font=dict(size=14, color="#57606a"))
    fig.update_layout(title=title, height=260, xaxis=dict(visible=False),
                      yaxis=dict(visible=False), **LAYOUT)
    return fig


# --- relationship map ----------------------------------------------------------------------


def _tree_positions(ids: list[int], boss: dict[int, int | None]) -> dict[int, tuple[int, float]]:
    """(depth, row) per person for a left-to-right tree: leaves on consecutive rows, a
    manager level with the middle of their reports. A reporting line to someone outside
    ``ids`` (or running in a circle) starts a new tree."""
    members = set(ids)
    children: dict[int | None, list[int]] = {}
    for person in ids:
        parent = boss.get(person)
        children.setdefault(parent if parent in members else None, []).append(person)
    position: dict[int, tuple[int, float]] = {}
    next_row = [0.0]

    def place(person: int, depth: int, trail: frozenset[int]) -> float:
        kids = [k for k in children.get(person, []) if k not in trail and k not in position]
        if kids:
            rows = [place(k, depth + 1, trail | {person}) for k in kids]
            row = (min(rows) + max(rows)) / 2
        else:
            row = next_row[0]
            next_row[0] += 1
        position[person] = (depth, row)
        return row

    for root in children.get(None, []):
        place(root, 0, frozenset())
    for person in ids:  # people in a reporting circle: their own tree
        if person not in position:
            place(person, 0, frozenset())
    return position


def relationship_map(
    people: pd.DataFrame, account: str | None = None, recent_days: int = STALE_DAYS
) -> go.Figure:
    """Who reports to whom among an account's active stakeholders: colour = stance towards
    us, size = influence. ``people`` needs stakeholder_id, name, reports_to_id, stance,
    influence, roles, active; title, department and days_since_contact show on hover,
    people with recent_engagements > 0 (counted over ``recent_days``) get a dark ring, and
    those with ``new`` true are labelled new."""
    title = "Relationship map" + (f": {plotly_text(account)}" if account else "")
    active = people[people["active"].fillna(True).astype(bool)].reset_index(drop=True)
    if active.empty:
        return _empty(title, "No active stakeholders recorded yet.")
    ids = active["stakeholder_id"].astype(int).tolist()
    bosses = active["reports_to_id"].astype("Int64")
    boss = {i: (None if pd.isna(b) else int(b)) for i, b in zip(ids, bosses, strict=True)}
    where = _tree_positions(ids, boss)
    active["x"] = [where[i][0] for i in ids]
    active["y"] = [where[i][1] for i in ids]
    at = active.set_index("stakeholder_id")[["x", "y"]]

    fig = go.Figure()
    lines_x: list[float | None] = []
    lines_y: list[float | None] = []
    for person, parent in boss.items():
        if parent in at.index and where[person][0] == where[parent][0] + 1:
            (cx, cy), (px, py) = where[person], where[parent]
            lines_x += [px, px + 0.5, px + 0.5, cx, None]
            lines_y += [py, py, cy, cy, None]
    fig.add_scatter(x=lines_x, y=lines_y, mode="lines", line=dict(color="#d0d7de", width=1.5),
                    hoverinfo="skip", showlegend=False)

    name = _safe(active["name"])
    role_words = active["roles"].fillna("").map(roles_label)
    days = active.get("days_since_contact", pd.Series(np.nan, index=active.index))
    last = days_ago(days).replace("never", "no contact on record")
    hover = ("<b>" + name + "</b><br>" + _safe(active.get("title", pd.Series(index=active.index)))
             + "<br>Department: " + _safe(active.get("department",
                                                    pd.Series(index=active.index)))
             + "<br>Roles: " + role_words.replace("", "none recorded")
             + "<br>Stance: " + active["stance"].map(STANCE_LABELS).fillna("")
             + "<br>Influence: " + active["influence"].fillna("")
             + "<br>Last contact: " + last)
    new = active.get("new", pd.Series(False, index=active.index)).fillna(False).astype(bool)
    label = (name + np.where(new, " · <b>new</b>", "") + "<br>"
             + role_words.where(role_words != "", "(no buying role)"))
    sizes = active["influence"].map(INFLUENCE_SIZES).fillna(INFLUENCE_SIZES["medium"])
    # A dark ring marks the people we met lately: a single thread shows as one ring.
    recent = active.get("recent_engagements", pd.Series(0, index=active.index)).fillna(0) > 0
    ring_width = np.where(recent, 3.0, 1.0)
    ring_colour = np.where(recent, "#1f2328", "white")
    for stance, colour in STANCE_COLOURS.items():
        part = (active["stance"] == stance).to_numpy()
        if not part.any():
            continue
        fig.add_scatter(
            x=active.loc[part, "x"], y=active.loc[part, "y"], mode="markers+text",
            name=f"{STANCE_LABELS[stance].capitalize()} ({stance:+d})".replace("+0", "0"),
            marker=dict(color=colour, size=sizes[part],
                        line=dict(color=ring_colour[part], width=ring_width[part])),
            # Labels above the nodes: the reporting lines leave a node sideways at its
            # centre and turn halfway between two levels, so they never cross a label.
            text=label[part], textposition="top center", textfont=dict(size=12),
            hovertext=hover[part], hoverinfo="text",
        )
    depth = int(active["x"].max())
    rows = float(active["y"].max())
    fig.update_layout(
        title=dict(text=title, subtitle=dict(
            text="Lines: who reports to whom · colour: stance towards us · size: influence · "
                 f"dark ring: met in the last {recent_days} days")),
        xaxis=dict(visible=False, range=[-0.6, depth + 0.6]),
        # Top down, with room above the first row for its labels (a set range: autorange
        # would cut the top label off).
        yaxis=dict(visible=False, autorange=False, range=[rows + 0.45, -0.95]),
        height=max(340, int(84 * (rows + 1)) + 160),
        legend=dict(orientation="h", y=-0.02, title_text="Stance"),
        margin=dict(l=10, r=10, t=80, b=10),
    )
    return fig


# --- portfolio heatmap ---------------------------------------------------------------------


def coverage_heatmap(
    roles: pd.DataFrame, stale_days: int = STALE_DAYS, title: str | None = None
) -> go.Figure:
    """Accounts x buying roles, coloured by how fresh our contact with the role is.

    ``roles``: one row per (account, role), accounts in display order (first at the top),
    with name (the account's), role_label, freshness (a ``kamdash.coverage.FRESHNESS`` key),
    days_since_contact and covered_by.
    """
    title = title or "Buying-role coverage by account: how fresh is our contact?"
    if roles.empty:
        return _empty(title, "No accounts match the filters.")
    accounts = list(dict.fromkeys(roles["name"]))
    role_order = list(dict.fromkeys(roles["role_label"]))
    code = roles["freshness"].map({k: i for i, k in enumerate(_FRESHNESS_ORDER)})
    days = roles["days_since_contact"]
    cell = pd.Series(np.where(days.notna(), days.fillna(0).astype(int).astype(str) + " d",
                              "never"), index=roles.index).where(roles["freshness"] != "missing",
                                                                 "–")
    who = _safe(roles["covered_by"]).replace("", "nobody")
    last = days_ago(days).where(roles["freshness"] != "missing", "no one to contact")
    hover = ("<b>" + _safe(roles["name"]) + "</b> · " + roles["role_label"]
             + "<br>Covered by: " + who + "<br>Last contact: " + last
             + "<br>" + roles["freshness"].map(FRESHNESS))
    frame = roles.assign(code=code, cell=cell, hover=hover, account=_safe(roles["name"]))
    grid = frame.pivot(index="account", columns="role_label")
    order = [plotly_text(a) for a in accounts]
    z = grid["code"].reindex(index=order, columns=role_order)
    n = len(_FRESHNESS_ORDER)
    colourscale = []
    for i, key in enumerate(_FRESHNESS_ORDER):
        colourscale += [[i / n, FRESHNESS_COLOURS[key]], [(i + 1) / n, FRESHNESS_COLOURS[key]]]
    fresh_within = fresh_within_days(stale_days)
    ticks = {
        "missing": "Nobody in the role",
        "stale": f"Gone quiet: over {stale_days} days or never",
        "cooling": f"Going cold: {fresh_within + 1}-{stale_days} days",
        "fresh": f"Fresh: within {fresh_within} days",
    }
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(float), x=role_order, y=order, zmin=-0.5, zmax=n - 0.5,
        colorscale=colourscale, xgap=2, ygap=2,
        text=grid["cell"].reindex(index=order, columns=role_order).to_numpy(),
        texttemplate="%{text}", textfont=dict(size=11),
        hovertext=grid["hover"].reindex(index=order, columns=role_order).to_numpy(),
        hoverinfo="text",
        colorbar=dict(title="Last contact", tickvals=list(range(n)),
                      ticktext=[ticks[k] for k in _FRESHNESS_ORDER], thickness=14),
    ))
    fig.update_layout(
        title=title,
        xaxis=dict(title=dict(text="Buying role", standoff=16), side="top"),
        yaxis=dict(title="Account", autorange="reversed", type="category"),
        height=max(300, 26 * len(order) + 190),
        margin=dict(l=10, r=10, t=150, b=10),
    )
    return fig
