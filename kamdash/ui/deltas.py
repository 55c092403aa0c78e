"""How a metric shows a change: always with words saying since when, never a green zero."""

from __future__ import annotations

import pandas as pd

__all__ = ["metric_delta"]


def metric_delta(change: float | None, since: str, higher_is_better: bool = True,
                 muted: bool = False) -> dict:
    """Keyword arguments for ``st.metric``: the change in whole points, signed, with
    ``since`` beside it ('since September'); no change reads 'No change' in grey without an
    arrow; an unknown change shows nothing. ``muted`` greys a change whose colour would
    contradict the page (a rise on an account that is declining over a longer period)."""
    if change is None or pd.isna(change):
        return {}
    whole = int(round(float(change)))
    if whole == 0:
        return dict(delta="No change", delta_color="off", delta_arrow="off",
                    delta_description=since)
    colour = "off" if muted else "normal" if higher_is_better else "inverse"
    return dict(delta=f"{whole:+d}", delta_color=colour, delta_description=since)
