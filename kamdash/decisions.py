"""Deciding the key-account list: a proposal from a Selection ranking, the rules every
promotion and demotion must meet, and what leadership's approval writes.

Pure: no Streamlit, no session. The store checks rights and writes; the pages ask here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kamdash import selection
from kamdash.models import ChangeKind, ProposalStatus

# Be conservative (the source material): a key account about to be demoted may instead keep
# its status on watch for a while; half a year is one more review cycle to turn it round.
WATCH_MONTHS_DEFAULT = 6
WATCH_MONTHS_MAX = 24  # longer than two years is not a watch, it is a decision postponed
REASON_MAX = 500  # a reason is a sentence or two for the account team, not a report
TITLE_MAX = 120

KIND_LABELS = {
    ChangeKind.promote.value: "Promote",
    ChangeKind.demote.value: "Demote now",
    ChangeKind.watch.value: "Keep on watch",
}
STATUS_LABELS = {
    ProposalStatus.open.value: "Waiting for sign-off",
    ProposalStatus.approved.value: "Approved",
    ProposalStatus.rejected.value: "Rejected",
}


class Rejected(ValueError):
    """Input that cannot be saved; ``problems`` lists each one in words for the page."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Draft:
    """A Selection scenario as a proposal would snapshot it: weights, rule (with the
    missing-ratings policy), the ranking as it stood, and who would move."""

    weights: dict[str, float]
    rule: dict[str, object]  # kind, n, threshold, missing: as saved scenarios store it
    ranking: list[list]  # [account_id, rank, score or None, would_be_key], best first
    promotions: tuple[int, ...]
    demotions: tuple[int, ...]


@dataclass(frozen=True)
class Change:
    """One decided move: promote (``reason`` is an optional note), demote now, or keep on
    watch for ``watch_months`` (both need a reason)."""

    account_id: int
    kind: str
    reason: str | None = None
    watch_months: int | None = None


def rule_record(rule: selection.Rule, missing: str) -> dict[str, object]:
    """The rule as a saved scenario stores it (and ``selection.saved_link_query`` reads)."""
    return {"kind": rule.kind, "n": rule.n, "threshold": rule.threshold, "missing": missing}


def draft_from_outcome(outcome: selection.Outcome, weights: Mapping[str, float],
                       missing: str, rule: selection.Rule) -> Draft:
    """The proposal a Selection outcome makes: its promotions and demotions against today."""
    table = outcome.table
    ranking = [[int(i), int(r), None if pd.isna(s) else round(float(s), 4), bool(k)]
               for i, r, s, k in zip(table.index, table["rank"], table["score"],
                                     table["would_be_key"], strict=True)]
    return Draft(
        weights={k: float(w) for k, w in weights.items() if w},
        rule=rule_record(rule, missing),
        ranking=ranking,
        promotions=tuple(int(i) for i in outcome.promoted.index),
        demotions=tuple(int(i) for i in outcome.demoted.index),
    )


def default_title(rule: selection.Rule, on: date) -> str:
    return f"Key-account list of {on:%d %b %Y}: {rule.describe()}"


def change_problems(draft: Draft, changes: Iterable[Change],
                    names: Mapping[int, str]) -> list[str]:
    """Why these decided changes cannot make a proposal from ``draft`` (empty when they can):
    every promotion and demotion is decided exactly once, a promotion stays a promotion, and
    every demotion (now or on watch) has a reason; a watch lasts 1 to WATCH_MONTHS_MAX whole
    months."""
    problems: list[str] = []
    seen: set[int] = set()
    promotions, demotions = set(draft.promotions), set(draft.demotions)

    def name(account_id: int) -> str:
        return str(names.get(account_id, f"account {account_id}"))

    for change in changes:
        who = name(change.account_id)
        if change.account_id in seen:
            problems.append(f"{who} is decided twice; decide it once.")
            continue
        seen.add(change.account_id)
        reason = (change.reason or "").strip()
        if len(reason) > REASON_MAX:
            problems.append(f"{who}: keep the reason under {REASON_MAX} characters "
                            f"(it has {len(reason)}).")
        if change.account_id in promotions:
            if change.kind != ChangeKind.promote.value:
                problems.append(f"{who} is a promotion in this scenario, not a demotion.")
            continue
        if change.account_id not in demotions:
            problems.append(f"{who} is neither promoted nor demoted by this scenario.")
            continue
        if change.kind not in (ChangeKind.demote.value, ChangeKind.watch.value):
            problems.append(f"{who} is a demotion: choose demote now or keep on watch.")
            continue
        if not reason:
            problems.append(f"{who}: a demotion needs a reason (the account team will be "
                            "asked why, and so will the customer).")
        if change.kind == ChangeKind.watch.value:
            problems += _watch_problem(who, change.watch_months)
    missing = [a for a in (*draft.promotions, *draft.demotions) if a not in seen]
    problems += [f"{name(a)} is not decided yet." for a in missing]
    return problems


def _watch_problem(who: str, months: object) -> list[str]:
    if isinstance(months, bool) or not isinstance(months, int | float) or pd.isna(months):
        return [f"{who}: say for how many months it stays on watch (1 to {WATCH_MONTHS_MAX})."]
    if months != int(months) or not 1 <= months <= WATCH_MONTHS_MAX:
        return [f"{who}: a watch lasts 1 to {WATCH_MONTHS_MAX} whole months, not {months:g}."]
    return []


def title_problem(title: str) -> str | None:
    if not title.strip():
        return "Give the proposal a title."
    if len(title.strip()) > TITLE_MAX:
        return f"Keep the title under {TITLE_MAX} characters (it has {len(title.strip())})."
    return None


def add_months(day: date, months: int) -> date:
    """``day`` moved on by whole months (the 31st becomes the month's last day)."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def designations_on_approval(changes: Iterable[Change], effective_on: date,
                             proposal_id: int, decided_by: str) -> list[dict]:
    """The designation rows an approval writes: promoted accounts become key, demoted ones
    lose key status, watched ones stay key until the watch ends (a later review decides)."""
    rows = []
    for change in changes:
        reason = (change.reason or "").strip()
        watch_until = None
        if change.kind == ChangeKind.promote.value:
            is_key = True
            reason = reason or "Promoted to key account"
        elif change.kind == ChangeKind.watch.value:
            is_key = True
            watch_until = add_months(effective_on, int(change.watch_months))
        else:
            is_key = False
        rows.append({"account_id": change.account_id, "is_key": is_key,
                     "changed_on": effective_on, "reason": reason, "changed_by": decided_by,
                     "watch_until": watch_until, "proposal_id": proposal_id})
    return rows


def effective_date_problem(effective_on: date, today: date,
                           latest: Mapping[str, date]) -> str | None:
    """Why approval cannot take effect on ``effective_on``, or None: not after ``today``
    (the list changes when it is signed off) and not before the latest designation of an
    account it changes (``latest``: account name -> its latest designation's day), which
    would leave that one in force."""
    if effective_on > today:
        return (f"The effective date {effective_on:%d %b %Y} is in the future; the list "
                "changes when it is signed off, so choose today or earlier.")
    before = sorted((day, name) for name, day in latest.items() if day > effective_on)
    if before:
        day, name = before[-1]
        return (f"The effective date must not be before {day:%d %b %Y}, the latest decision "
                f"on {name}.")
    return None


def decision_problem(status: str, proposed_by: str, decider: str,
                     four_eyes: bool) -> str | None:
    """Why ``decider`` cannot approve or reject this proposal now, or None when they can."""
    if status != ProposalStatus.open.value:
        return f"This proposal is already {STATUS_LABELS.get(status, status).lower()}."
    if four_eyes and decider == proposed_by:
        return ("Four-eyes rule: someone other than the proposer must approve or reject it "
                f"(proposed by {proposed_by}).")
    return None


def key_status(history: pd.DataFrame, today: date) -> dict[str, object]:
    """One account's key status from its designation history (``changed_on``, ``is_key``,
    ``watch_until``, any order): key today, key since (the start of the current run of key
    designations) and on watch until (only while the watch lasts)."""
    rows = history.sort_values(["changed_on", "designation_id"]
                               if "designation_id" in history else ["changed_on"])
    rows = rows[pd.to_datetime(rows["changed_on"]) <= pd.Timestamp(today)]
    if rows.empty or not bool(rows["is_key"].iloc[-1]):
        return {"is_key": False, "key_since": None, "watch_until": None}
    run_start = rows.index[-1]
    for i in reversed(rows.index):
        if not bool(rows.at[i, "is_key"]):
            break
        run_start = i
    watch = rows["watch_until"].iloc[-1]
    watch = None if pd.isna(watch) or pd.Timestamp(watch) < pd.Timestamp(today) else watch
    return {"is_key": True, "key_since": pd.Timestamp(rows.at[run_start, "changed_on"]).date(),
            "watch_until": None if watch is None else pd.Timestamp(watch).date()}


def summarise_changes(changes: pd.DataFrame) -> str:
    """'2 promoted, 1 demoted, 1 on watch' for a proposal's changes (column ``kind``)."""
    counts = changes["kind"].value_counts() if len(changes) else pd.Series(dtype=int)
    parts = [f"{int(counts.get(k, 0))} {word}" for k, word in
             ((ChangeKind.promote.value, "promoted"), (ChangeKind.demote.value, "demoted"),
              (ChangeKind.watch.value, "on watch")) if counts.get(k, 0)]
    return ", ".join(parts) or "no changes"


def designation_problems(rows: Iterable[Mapping[str, object]], names: Mapping[int, str],
                         key_today: Mapping[int, bool], today: date) -> list[str]:
    """Problems of designation rows brought in whole (a file of decisions): a known account
    and the rules of ``designation_row_problems``."""
    problems = []
    for n, row in enumerate(rows, start=1):
        account_id = int(row["account_id"])
        who = names.get(account_id)
        if who is None:
            problems.append(f"row {n}: there is no account with id {account_id}")
            continue
        problems += [f"row {n}, {who}: {message}" for _, message in designation_row_problems(
            row, bool(key_today.get(account_id)), today)]
    return problems


def designation_row_problems(row: Mapping[str, object], key_before: bool,
                             today: date) -> list[tuple[str, str]]:
    """(column, problem) of one designation row: a date not after ``today``, a reason when a
    key account (``key_before``) loses its status, and a watch only on a key designation,
    ending after it starts."""
    day, watch = row.get("changed_on"), row.get("watch_until")
    if not isinstance(day, date) or day > today:
        return [("changed_on", "the date must be a day up to today")]
    problems = []
    if not row["is_key"] and key_before and not str(row.get("reason") or "").strip():
        problems.append(("reason", "a demotion needs a reason"))
    if watch is not None and (not row["is_key"] or not isinstance(watch, date) or watch <= day):
        problems.append(("watch_until", "a watch belongs to a key account and ends after its "
                                        "start"))
    return problems
