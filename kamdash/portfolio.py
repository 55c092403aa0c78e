"""Portfolio headline figures: how many accounts, how many key, how much revenue they bring."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Headline:
    accounts: int
    key_accounts: int
    revenue: float
    key_revenue: float

    @property
    def key_revenue_share(self) -> float:
        """Share of revenue from key accounts, 0..1 (0 when there is no revenue)."""
        return self.key_revenue / self.revenue if self.revenue else 0.0

    @property
    def key_account_share(self) -> float:
        return self.key_accounts / self.accounts if self.accounts else 0.0


def headline(accounts: pd.DataFrame) -> Headline:
    """Headline figures from ``accounts`` (needs ``is_key`` and ``annual_revenue``)."""
    revenue = accounts["annual_revenue"].fillna(0.0)
    is_key = accounts["is_key"].astype(bool)
    return Headline(
        accounts=len(accounts),
        key_accounts=int(is_key.sum()),
        revenue=float(revenue.sum()),
        key_revenue=float(revenue[is_key].sum()),
    )
