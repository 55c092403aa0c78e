"""The demo's decisions and key-account programme, added to a demo portfolio's rows.

Deterministic: derived only from the portfolio's rows and ``today``. The story: each annual
review since kamdash was introduced is an approved proposal (its designations point at it);
one proposal is open today (promote Brightwater Pharma, keep Castellan Steel on watch); every
key account has a programme status, most agreed (Helios Foods' review is due, Castellan
Steel's overdue), some only offered or declined, and some never offered at all ("the customer
doesn't know they are a key account").
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlmodel import SQLModel

from kamdash import decisions, programme, selection
from kamdash.demo_audit import HEAD_OF_SALES, LEADERSHIP
from kamdash.models import (
    Account,
    ChangeKind,
    Designation,
    ProgrammeAgreement,
    ProgrammeService,
    Proposal,
    ProposalChange,
    ProposalStatus,
    Rating,
)

__all__ = ["add_decisions_and_programme"]

PROPOSER = HEAD_OF_SALES[1]  # the head of sales prepares the review
DECIDER = LEADERSHIP[1]  # the managing director signs it off (both are users: four-eyes holds)
_REVIEW = re.compile(r"^Annual key-account review (\d{4})(?:: (.*))?$")
_COMMITS = (
    "A rolling 12-month volume forecast, shared quarterly",
    "Joint quarterly business reviews with their purchasing director",
    "A reference visit and a case study each year",
    "Early feedback on pilots of new releases",
)
# Key accounts by position (ordered by id) cycle through these statuses: mostly agreed,
# some only offered, a quarter never offered, a few declined.
_STATUS_CYCLE = ("agreed", "offered", "not_offered", "agreed", "agreed", "not_offered",
                 "declined", "agreed")
_STORY_STATUS = {"Northwind Logistics": "agreed", "Helios Foods": "agreed",
                 "Castellan Steel": "agreed"}


def add_decisions_and_programme(rows: dict[type[SQLModel], list[dict]],
                                today: date) -> dict[type[SQLModel], list[dict]]:
    """``rows`` (``demo.build_portfolio``'s) with past proposals, the open proposal, the
    programme's catalogue and every key account's agreement added; designations of annual
    reviews point at their proposal. Returns ``rows`` (changed in place)."""
    designations = sorted(rows.get(Designation, []), key=lambda r: (r["changed_on"], r["id"]))
    proposals, changes = _past_reviews(designations)
    key_today = _key_today(designations)
    open_proposal, open_changes = _open_proposal(rows, key_today, today, len(proposals) + 1,
                                                 len(changes))
    proposals.append(open_proposal)
    changes += open_changes
    rows[Proposal] = proposals
    rows[ProposalChange] = changes
    rows[ProgrammeService] = [
        {"id": i, "name": name, "description": text, "active": True}
        for i, (name, text) in enumerate(programme.DEFAULT_SERVICES, start=1)]
    rows[ProgrammeAgreement] = _agreements(rows, designations, key_today, today)
    return rows


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def _past_reviews(designations: list[dict]) -> tuple[list[dict], list[dict]]:
    """One approved proposal per annual review year; its designations get its id."""
    years = sorted({int(m.group(1)) for r in designations
                    if (m := _REVIEW.match(r["reason"] or ""))})
    ids = {year: i for i, year in enumerate(years, start=1)}
    proposals, changes = [], []
    was_key: dict[int, bool] = {}
    for r in designations:
        match = _REVIEW.match(r["reason"] or "")
        if match:
            year = int(match.group(1))
            r["proposal_id"] = ids[year]
            before = was_key.get(r["account_id"], False)
            if r["is_key"] != before:
                kind = ChangeKind.promote if r["is_key"] else ChangeKind.demote
                reason = match.group(2) or ("Annual review: meets the key-account criteria"
                                            if r["is_key"] else "Annual review")
                changes.append({"id": len(changes) + 1, "proposal_id": ids[year],
                                "account_id": r["account_id"], "kind": kind.value,
                                "reason": reason[:1].upper() + reason[1:],
                                "watch_months": None})
        was_key[r["account_id"]] = r["is_key"]
    for year, pid in ids.items():
        day = date(year, 1, 20)
        proposals.append({
            "id": pid, "title": f"Annual key-account review {year}",
            "status": ProposalStatus.approved.value,
            "weights": _json(selection.DEFAULT_WEIGHTS),
            "rule": _json({"kind": "top_n", "n": sum(was_key.values()), "threshold": 7.0,
                           "missing": "floor"}),
            "ranking": "[]", "proposed_by": PROPOSER, "proposed_at": _at(day - timedelta(7), 9),
            "decided_by": DECIDER, "decided_at": _at(day, 16),
            "decision_note": f"Agreed in the leadership meeting of {day:%d %B %Y}.",
            "effective_on": day})
    return proposals, changes


def _json(value: object) -> str:
    return json.dumps(value)


def _key_today(designations: list[dict]) -> dict[int, bool]:
    latest: dict[int, bool] = {}
    for r in designations:
        latest[r["account_id"]] = r["is_key"]
    return latest


def _open_proposal(rows: dict, key_today: dict[int, bool], today: date, pid: int,
                   change_count: int) -> tuple[dict, list[dict]]:
    """Today's open proposal: the default scenario with today's number of key accounts."""
    accounts = pd.DataFrame(rows[Account]).set_index("id")
    accounts.index.name = "account_id"
    accounts["is_key"] = pd.Series(key_today, dtype=bool).reindex(accounts.index,
                                                                  fill_value=False)
    ratings = pd.DataFrame(rows[Rating]).sort_values(["rated_on", "id"]).groupby(
        ["account_id", "criterion"])["value"].last().unstack().reindex(accounts.index)
    rule = selection.Rule("top_n", n=int(accounts["is_key"].sum()))
    outcome = selection.evaluate(ratings.astype(float), accounts, selection.DEFAULT_WEIGHTS,
                                 "floor", rule)
    draft = decisions.draft_from_outcome(outcome, selection.DEFAULT_WEIGHTS, "floor", rule)
    names = accounts["name"]
    changes = []
    for account_id in draft.promotions:
        changes.append({"kind": ChangeKind.promote.value, "account_id": account_id,
                        "reason": "Fast growth and top ratings on potential and fit",
                        "watch_months": None})
    for account_id in draft.demotions:
        if names[account_id] == "Castellan Steel":
            changes.append({"kind": ChangeKind.watch.value, "account_id": account_id,
                            "reason": "New CEO since spring, orders slipping: give the new "
                                      "team two quarters before we decide", "watch_months": 6})
        else:
            changes.append({"kind": ChangeKind.demote.value, "account_id": account_id,
                            "reason": "Ratings fell below the list for a second year",
                            "watch_months": None})
    proposal = {
        "id": pid, "title": f"Mid-year review {today:%B %Y}", "status": "open",
        "weights": _json(draft.weights), "rule": _json(draft.rule),
        "ranking": _json(draft.ranking), "proposed_by": PROPOSER,
        "proposed_at": _at(today - timedelta(days=2), 10), "decided_by": None,
        "decided_at": None, "decision_note": None, "effective_on": None}
    for n, change in enumerate(changes, start=change_count + 1):
        change.update(id=n, proposal_id=pid, account_id=int(change["account_id"]))
    return proposal, changes


def _agreements(rows: dict, designations: list[dict], key_today: dict[int, bool],
                today: date) -> list[dict]:
    names = {a["id"]: a["name"] for a in rows[Account]}
    since: dict[int, date] = {}  # the start of each account's latest run as key account
    for r in designations:
        if not r["is_key"]:
            since.pop(r["account_id"], None)
        else:
            since.setdefault(r["account_id"], r["changed_on"])
    out = []
    key_ids = sorted(a for a, k in key_today.items() if k)
    for position, account_id in enumerate(key_ids):
        name = names[account_id]
        status = _STORY_STATUS.get(name, _STATUS_CYCLE[position % len(_STATUS_CYCLE)])
        agreed_on = next_review = url = None
        services = commits = ""
        if status == "agreed":
            agreed_on = min(today - timedelta(days=20), since[account_id] + timedelta(days=75))
            next_review = programme.default_next_review(agreed_on)
            while next_review < today - timedelta(days=20):  # reviewed yearly since
                next_review = programme.default_next_review(next_review)
            if name == "Helios Foods":  # a review falls due in the coming days
                next_review = today + timedelta(days=9)
            if name == "Castellan Steel":  # the review slipped when their CEO changed
                next_review = today - timedelta(days=12)
            ids = [1, 5] + [s for s in (2, 3, 4) if (account_id + s) % 3 == 0]
            services = programme.join_services(ids)
            commits = _COMMITS[account_id % len(_COMMITS)]
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            url = f"https://docs.kamdash.example/agreements/{slug}.pdf"
        out.append({"account_id": account_id, "status": status, "agreed_on": agreed_on,
                    "next_review": next_review, "services": services,
                    "customer_commits": commits, "document_url": url,
                    "updated_by": PROPOSER, "updated_on": min(today, since[account_id]
                                                               + timedelta(days=90))})
    return out
