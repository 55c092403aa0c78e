"""Cached access to every account's plan: one read of the plan tables per data version."""

from __future__ import annotations

from kamdash import plans, store
from kamdash.ui import data


@data.versioned(max_entries=4)
def plan_tables() -> plans.PlanTables:
    """Every account's plan (see ``kamdash.plans.PlanTables``); never mutate it."""
    engine = data.engine()
    return plans.PlanTables(
        plans=store.load_plans(engine), goals=store.load_goals(engine),
        actions=store.load_actions(engine), opportunities=store.load_opportunities(engine),
        whitespace=store.load_whitespace(engine), team=store.load_team(engine),
        reviews=store.load_reviews(engine), offerings=store.load_offerings(engine))
