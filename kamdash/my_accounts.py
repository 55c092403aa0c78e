"""A KAM's own accounts in one table: health, the worst relationship gap, cadence.

Pure: frames in, a frame out; the "My accounts" page feeds it the cached loaders' frames.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["my_accounts"]


def my_accounts(accounts: pd.DataFrame, manager_id: int, health_change: pd.DataFrame,
                gaps: pd.DataFrame, compliance: pd.DataFrame) -> pd.DataFrame:
    """The accounts of ``manager_id`` (index account_id, key accounts first, then by name):
    name, is_key, score, band, change (``health.score_change``), gaps (how many), worst_gap
    (the most severe one's headline, '' for none; ``gaps`` is ``coverage_gaps`` output, most
    severe first), target, touches, behind, touches_short and days_since_touch
    (``engagement.cadence_compliance``)."""
    mine = accounts[accounts["manager_id"] == manager_id][["name", "is_key"]]
    own_gaps = gaps[gaps["account_id"].isin(mine.index)]
    counted = own_gaps.groupby("account_id").size()
    worst = own_gaps.groupby("account_id")["gap"].first()
    out = mine.join(health_change[["score", "band", "change"]], how="left").join(
        compliance[["target", "touches", "behind", "touches_short", "days_since_touch"]],
        how="left")
    out["gaps"] = counted.reindex(out.index).fillna(0).astype("int64")
    out["worst_gap"] = worst.reindex(out.index).fillna("").astype(object)
    out["behind"] = out["behind"].fillna(False).astype(bool)
    out = out.assign(_name=out["name"].str.casefold()).sort_values(
        ["is_key", "_name"], ascending=[False, True]).drop(columns="_name")
    return out[["name", "is_key", "score", "band", "change", "gaps", "worst_gap", "target",
                "touches", "behind", "touches_short", "days_since_touch"]]
