"""The demo's account plans: every key account gets a believable plan, and the stories show.

``plan_rows`` is pure and deterministic for the same portfolio rows, seed and day (its own
random stream, so the rest of the demo does not move). The stories:

- Northwind Logistics (single-threaded): its plan's first goal is "Multi-thread the account",
  with an overdue action to meet the head of finance.
- Brightwater Pharma (not key today, rising): already has a plan, with the largest whitespace
  potential of the portfolio.
- Helios Foods (declining): a goal at risk, and its review is overdue.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlmodel import SQLModel

from kamdash import plans
from kamdash.models import (
    Account,
    AccountPlan,
    Designation,
    Manager,
    Offering,
    Opportunity,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanTeamMember,
    Stakeholder,
    WhitespaceCell,
)

__all__ = ["OFFERINGS", "plan_rows"]

NORTHWIND = "Northwind Logistics"
BRIGHTWATER = "Brightwater Pharma"
HELIOS = "Helios Foods"

# Our catalogue: (name, description, typical yearly value in a buying centre).
OFFERINGS: tuple[tuple[str, str, float], ...] = (
    ("Supply contract", "Core products on a framework agreement", 180_000),
    ("Spare parts programme", "Stocked parts with next-day delivery", 60_000),
    ("Maintenance service", "Planned and on-call maintenance", 90_000),
    ("Digital monitoring", "Sensors and dashboards for the plant", 120_000),
    ("ERP integration", "Ordering straight from the customer's ERP", 45_000),
    ("Training academy", "Courses for the customer's staff", 25_000),
    ("Sustainability reporting", "CO2 figures per delivery", 35_000),
)

_GOALS = (  # (title, horizon, measure, target share of revenue growth)
    ("Grow share of wallet", "mid", "Revenue", 1.25),
    ("Renew the framework agreement", "short", None, None),
    ("Become preferred supplier in Operations", "long", None, None),
    ("Launch digital monitoring in a second plant", "mid", "Plants live", None),
    ("Lift satisfaction to 8", "short", "Satisfaction", None),
)
_ACTIONS = (
    "Prepare the QBR deck with this year's savings",
    "Workshop on next year's demand forecast",
    "Send the renewal proposal",
    "Invite the plant manager to our reference site",
    "Agree a pilot scope with IT",
    "Present the sustainability report",
)
_TEAM_ROLES = ("Solution specialist", "Service manager", "Inside sales")
_LOST_REASONS = ("Price: a competitor was 8% cheaper", "Budget moved to next year",
                 "Chose the incumbent's bundle")
_SWOT = {
    "strengths": ("Ten years of on-time delivery", "Trusted by Procurement",
                  "Local service team"),
    "weaknesses": ("Few contacts beyond Procurement", "Slow quotes for custom parts"),
    "opportunities": ("New plant opening next year", "Push to digitise maintenance",
                      "Sustainability targets need supplier data"),
    "threats": ("A low-cost competitor is courting them", "Budget freeze in the second half"),
}
_INITIATIVES = ("Consolidating suppliers", "New ERP roll-out", "Cutting CO2 by 30% by 2030",
                "Expanding into Eastern Europe", "Automating the warehouse")
_THEIR_GOALS = ("Grow revenue 10% a year", "Lower the cost of goods sold",
                "Shorter delivery times to their customers", "Net zero by 2040")


def _key_today(designations: list[dict]) -> set[int]:
    latest: dict[int, tuple] = {}
    for d in designations:
        mark = (d["changed_on"], d["id"])
        if d["account_id"] not in latest or mark > latest[d["account_id"]][0]:
            latest[d["account_id"]] = (mark, d["is_key"])
    return {a for a, (_, is_key) in latest.items() if is_key}


def plan_rows(rows: dict[type[SQLModel], list[dict]], seed: int, today: date
              ) -> dict[type[SQLModel], list[dict]]:
    """Plan rows per table for the demo portfolio ``rows`` (as ``build_portfolio`` makes
    them): the catalogue, and a plan for every key account and for Brightwater Pharma."""
    rng = np.random.default_rng([seed, 11])
    accounts = {a["id"]: a for a in rows[Account]}
    kams = [m for m in rows[Manager] if m["role"] == "kam"]
    key = _key_today(rows[Designation])
    by_name = {a["name"]: a["id"] for a in rows[Account]}
    planned = sorted(key | {by_name[BRIGHTWATER]} if BRIGHTWATER in by_name else key)
    centres: dict[int, list[str]] = {}
    for s in rows[Stakeholder]:
        if s["active"] and s["department"] and s["department"] not in centres.setdefault(
                s["account_id"], []):
            centres[s["account_id"]].append(s["department"])
    out: dict[type[SQLModel], list[dict]] = {t: [] for t in (
        Offering, AccountPlan, PlanGoal, PlanAction, Opportunity, WhitespaceCell,
        PlanTeamMember, PlanReview)}
    out[Offering] = [{"id": i, "name": n, "description": d, "active": True}
                     for i, (n, d, _) in enumerate(OFFERINGS, start=1)]
    for account_id in planned:
        account = accounts[account_id]
        owner = account["manager_id"] or kams[0]["id"]
        others = [m["id"] for m in kams if m["id"] != owner]
        chosen = [others[int(j)] for j in rng.choice(len(others), size=3, replace=False)]
        names = {m["id"]: m["name"] for m in rows[Manager]}
        _plan(out, rng, account, owner, chosen, centres.get(account_id, []), today, names)
    return out


def _day(today: date, days: int) -> date:
    return today + timedelta(days=int(days))


def _plan(out, rng, account: dict, owner: int, chosen: list[int], centres: list[str],
          today: date, names: dict[int, str]) -> None:
    """One account's plan; ``chosen``: two team members and the executive sponsor."""
    team, sponsor = chosen[:2], chosen[2]
    aid, name = account["id"], account["name"]
    pick = lambda options, k: [options[int(j)] for j in  # noqa: E731
                               rng.choice(len(options), size=k, replace=False)]
    out[AccountPlan].append({
        "account_id": aid, "strategic_goals": "\n".join(pick(_THEIR_GOALS, 2)),
        "initiatives": "\n".join(pick(_INITIATIVES, 2)),
        "financial_health": "watch" if name == HELIOS else str(
            rng.choice(["strong", "stable", "stable"])),
        "financial_note": ("Margins under pressure after two price wars" if name == HELIOS
                           else "Solid balance sheet, pays on time"),
        **{quadrant: "\n".join(pick(items, 2)) for quadrant, items in _SWOT.items()},
        "review_cadence": None, "sponsor_id": sponsor,
        "updated_at": _ts(_day(today, -int(rng.integers(3, 40)))),
        "updated_by": "local",
    })
    out[PlanTeamMember] += [
        {"id": len(out[PlanTeamMember]) + k + 1, "account_id": aid, "manager_id": m,
         "role": role}
        for k, (m, role) in enumerate(zip(
            [owner, *team], ["Key account manager", *pick(_TEAM_ROLES, 2)], strict=True))]

    goals = _story_goals(name) + [g for g in pick(_GOALS, 3)][: 3 - len(_story_goals(name))]
    revenue = float(account["annual_revenue"] or 0)
    for k, (title, horizon, measure, growth) in enumerate(goals):
        gid = len(out[PlanGoal]) + 1
        start = _day(today, -int(rng.integers(60, 200)))
        due = _day(today, {"short": 75, "mid": 200, "long": 500}[horizon]
                   + int(rng.integers(-20, 40)))
        status = ("at_risk" if name == HELIOS else "on_track") if k < len(
            _story_goals(name)) else str(rng.choice(["on_track", "on_track", "not_started",
                                                     "done"]))
        target = current = None
        if measure == "Revenue":
            target, current = round(revenue * growth, -3), round(revenue, -3)
        elif measure == "People met":
            target, current = 5.0, 1.0
        elif measure == "Plants live":
            target, current = 2.0, 1.0
        elif measure == "Satisfaction":
            target, current = 8.0, round(float(rng.uniform(6.0, 7.6)), 1)
        out[PlanGoal].append({
            "id": gid, "account_id": aid, "title": title, "horizon": horizon,
            "owner_id": owner if k == 0 else int(rng.choice([owner, *team])),
            "start_on": start, "due_on": due, "status": status, "measure": measure,
            "target_value": target, "current_value": current, "author": "local"})
        for j, what in enumerate(_story_actions(name, k) or pick(_ACTIONS, 2)):
            late = name == NORTHWIND and k == 0 and j == 0
            story = bool(_story_actions(name, k))  # the story's other steps are still ahead
            due_on = _day(today, -21) if late else _day(today, int(rng.integers(
                10 if story else -40, 60)))
            done = not late and due_on < today and rng.random() < 0.9
            out[PlanAction].append({
                "id": len(out[PlanAction]) + 1, "goal_id": gid, "what": what,
                "owner_id": owner if j == 0 else int(rng.choice([owner, *team])),
                "due_on": due_on, "status": "done" if done else str(
                    rng.choice(["open", "in_progress"])) if not late else "open",
                "gap": "Single-threaded" if late else None,
                "author": "local"})

    offering_ids = list(range(1, len(OFFERINGS) + 1))
    for k in range(int(rng.integers(3, 6))):
        oid = int(rng.choice(offering_ids))
        stage = "open" if k == 0 else str(rng.choice(["open", "open", "won", "lost"]))
        value = round(OFFERINGS[oid - 1][2] * float(rng.uniform(0.4, 1.6)), -3)
        close = _day(today, int(rng.integers(20, 150)) if stage == "open"
                     else -int(rng.integers(15, 330)))
        out[Opportunity].append({
            "id": len(out[Opportunity]) + 1, "account_id": aid,
            "name": f"{OFFERINGS[oid - 1][0]} {('renewal', 'expansion', 'pilot')[k % 3]}",
            "offering_id": oid, "buying_centre": centres[k % len(centres)] if centres else None,
            "value": value, "stage": stage, "close_on": close,
            "lost_reason": str(rng.choice(_LOST_REASONS)) if stage == "lost" else None,
            "author": "local"})

    rich = name == BRIGHTWATER  # the rising account: wide open for growth
    cells: dict[tuple[int, str], dict] = {}
    for oid in offering_ids:
        for centre in centres:
            draw = rng.random()
            if rich:
                status = "potential" if draw < 0.8 else "ours" if draw < 0.9 else "competitor"
            else:
                status = ("ours" if draw < 0.3 else "potential" if draw < 0.5 else
                          "competitor" if draw < 0.6 else "not_relevant" if draw < 0.75
                          else None)
            if status is None:
                continue
            value = round(OFFERINGS[oid - 1][2] * float(rng.uniform(0.5, 1.5)) *
                          (3.0 if rich else 1.0), -3) if status == "potential" else None
            cells[oid, centre] = {"account_id": aid, "offering_id": oid,
                                  "buying_centre": centre, "status": status,
                                  "estimated_value": value}
    for o in out[Opportunity]:  # an open deal shows in its cell
        if o["account_id"] == aid and o["stage"] == "open" and o["buying_centre"]:
            cells[o["offering_id"], o["buying_centre"]] = {
                "account_id": aid, "offering_id": o["offering_id"],
                "buying_centre": o["buying_centre"], "status": "open", "estimated_value": None}
    out[WhitespaceCell] += list(cells.values())

    cadence = plans.CADENCE_DAYS[plans.default_cadence(account["annual_revenue"])]
    # Most plans are reviewed on time; Helios's last review is long past its cadence.
    last = _day(today, -(cadence * 3 if name == HELIOS else int(rng.integers(1, cadence))))
    kam_names = ", ".join(names[m] for m in (owner, *team))
    for k in range(3):
        out[PlanReview].append({
            "id": len(out[PlanReview]) + 1, "account_id": aid,
            "held_on": last - timedelta(days=cadence * k), "attendees": kam_names,
            "notes": ("Pipeline reviewed; actions updated." if k else
                      "Went through goals and open actions; next steps agreed."),
            "author": "local"})


def _story_goals(name: str) -> list[tuple]:
    if name == NORTHWIND:
        return [("Multi-thread the account", "short", "People met", None)]
    if name == HELIOS:
        return [("Win back volume lost to the low-cost competitor", "short", "Revenue", 1.15)]
    return []


def _story_actions(name: str, goal: int) -> list[str]:
    if name == NORTHWIND and goal == 0:
        return ["Meet the head of finance with our sales director",
                "Invite Operations to the logistics workshop"]
    return []


def _ts(day: date):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(9), UTC)
