"""Demo history for the Selection page's look back: a rating round a little over a year ago on
two criteria that foretold the revenue growth that followed, beside the rest of the history
(earlier ratings of the other criteria), which did not.

The story: leadership weighs Revenue potential most, yet a year on, the accounts that grew
were the ones rated well on Existing relationships and Purchase process; the back-test says
so, and Brightwater Pharma, whose ratings rose since that round, is the first rising star.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlmodel import SQLModel

from kamdash import momentum
from kamdash.models import Account, AccountMonth, Engagement, Manager, Rating, Stakeholder

ROUND_DAYS_AGO = 372  # just before "12 months ago", the back-test's default day
PREDICTIVE = ("existing_relationships", "purchase_process")  # foretold growth in the demo
RISING = "Brightwater Pharma"  # demo.STORY_RISING (not imported: demo imports this module)
# Brightwater's KAM stepped up lately: the touches behind its first place among rising stars.
_RISING_TOUCHES = (
    (9, "workshop", "Workshop on the new Basel fill-and-finish line with their engineers"),
    (23, "visit", "Site visit: walked the second production hall they want to equip"),
    (37, "meeting", "Procurement asked for a framework agreement covering three sites"),
    (51, "meeting", "Quality team reviewed our validation package; very positive"),
)


def add_rating_round(rows: dict[type[SQLModel], list[dict]], today: date, seed: int
                     ) -> dict[type[SQLModel], list[dict]]:
    """Append the past rating round to ``rows[Rating]`` (and the rising story's recent
    touches to ``rows[Engagement]``); return ``rows``. Deterministic for the same rows, day
    and seed. Each account rated today on a predictive criterion gets an earlier rating on
    it, by its usual rater, that follows the growth since (plus noise); today's ratings, and
    so today's scores, stand."""
    rng = np.random.default_rng(seed + 12)
    on = today - timedelta(days=ROUND_DAYS_AGO)
    ratings = pd.DataFrame(rows[Rating])
    months = pd.DataFrame(rows[AccountMonth])
    accounts = pd.DataFrame(rows[Account]).set_index("id")
    last_month = pd.Timestamp(today.replace(day=1)) - pd.DateOffset(months=1)
    as_of = pd.Timestamp(today) - pd.DateOffset(months=momentum.BACKTEST_MONTHS)
    span = (last_month.to_period("M") - as_of.to_period("M")).n
    growth = momentum.revenue_change(months, last_month, span)["growth"]
    pct = growth.rank(pct=True).reindex(accounts.index).fillna(0.5)

    # One rating per account on each predictive criterion it is rated on today, by the
    # account's usual rater; the other criteria keep the history they have.
    latest = ratings.sort_values(["rated_on", "id"]).drop_duplicates(
        ["account_id", "criterion"], keep="last")
    frame = latest[latest["criterion"].isin(PREDICTIVE)].sort_values(["account_id",
                                                                      "criterion"])
    since = pd.to_datetime(accounts["customer_since"]).reindex(frame["account_id"])
    frame = frame[(since <= pd.Timestamp(on)).to_numpy()].copy()
    foretold = 1 + 9 * pct.reindex(frame["account_id"]).to_numpy() + rng.normal(0, 1.2,
                                                                                 len(frame))
    frame["value"] = np.clip(np.rint(foretold), 1, 10)
    next_id = max(r["id"] for r in rows[Rating]) + 1
    _rising_touches(rows, today)
    rows[Rating].extend(
        {"id": next_id + i, "account_id": int(a), "criterion": str(c), "value": int(v),
         "rated_on": on, "rated_by": by}
        for i, (a, c, v, by) in enumerate(frame[["account_id", "criterion", "value",
                                                 "rated_by"]].itertuples(index=False)))
    return rows


def _rising_touches(rows: dict[type[SQLModel], list[dict]], today: date) -> None:
    """A few recent, warm touches of the rising story account with its own people."""
    account = next((a for a in rows[Account] if a["name"] == RISING), None)
    if account is None:
        return
    people = [p["id"] for p in rows[Stakeholder] if p["account_id"] == account["id"]]
    kam = next((m["name"] for m in rows[Manager] if m["id"] == account["manager_id"]), None)
    next_id = max((e["id"] for e in rows[Engagement]), default=0) + 1
    rows[Engagement].extend(
        {"id": next_id + i, "account_id": account["id"],
         "stakeholder_id": people[i % len(people)] if people else None,
         "date": today - timedelta(days=days), "kind": kind, "summary": summary,
         "sentiment": 2 if i % 2 == 0 else 1, "logged_by": kam}
        for i, (days, kind, summary) in enumerate(_RISING_TOUCHES))
