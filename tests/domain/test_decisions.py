"""Deciding the key-account list: the draft a ranking makes, the rules for promotions and
demotions, what an approval writes, who may decide, and an account's key status."""

from datetime import date

import pandas as pd
import pytest

from kamdash import decisions, selection
from kamdash.decisions import Change, Draft

NAMES = {1: "Acme", 2: "Bolt", 3: "Core", 4: "Dune"}
# Bolt (2) is promoted, Core (3) demoted; Acme stays key, Dune stays out.
DRAFT = Draft(weights={"solvency": 1.0}, rule={"kind": "top_n", "n": 2}, ranking=[],
              promotions=(2,), demotions=(3,))


def test_a_draft_lists_who_the_scenario_promotes_and_demotes_and_snapshots_the_ranking():
    accounts = pd.DataFrame({"name": ["Acme", "Bolt", "Core", "Dune"],
                             "is_key": [True, False, True, False],
                             "annual_revenue": [1.0, 1.0, 1.0, 1.0]}, index=[1, 2, 3, 4])
    ratings = pd.DataFrame({"solvency": [9.0, 8.0, 2.0, 1.0]}, index=[1, 2, 3, 4])
    rule = selection.Rule("top_n", n=2)
    outcome = selection.evaluate(ratings, accounts, {"solvency": 3, "product_fit": 0},
                                 "floor", rule)
    draft = decisions.draft_from_outcome(outcome, {"solvency": 3, "product_fit": 0}, "floor",
                                         rule)
    assert draft == Draft(
        weights={"solvency": 3.0},
        rule={"kind": "top_n", "n": 2, "threshold": 7.0, "missing": "floor"},
        ranking=[[1, 1, 9.0, True], [2, 2, 8.0, True], [3, 3, 2.0, False],
                 [4, 4, 1.0, False]],
        promotions=(2,), demotions=(3,))


@pytest.mark.parametrize(("changes", "problems"), [
    ([Change(2, "promote"), Change(3, "demote", "Volumes moved to a competitor")], []),
    ([Change(2, "promote", "Fast growth"), Change(3, "watch", "New CEO", 6)], []),
    ([Change(2, "promote"), Change(3, "demote")],
     ["Core: a demotion needs a reason (the account team will be asked why, and so will the "
      "customer)."]),
    ([Change(2, "promote"), Change(3, "demote", "   ")],
     ["Core: a demotion needs a reason (the account team will be asked why, and so will the "
      "customer)."]),
    ([Change(2, "promote"), Change(3, "watch", "New CEO", None)],
     ["Core: say for how many months it stays on watch (1 to 24)."]),
    ([Change(2, "promote"), Change(3, "watch", "New CEO", 0)],
     ["Core: a watch lasts 1 to 24 whole months, not 0."]),
    ([Change(2, "promote"), Change(3, "watch", "New CEO", 25)],
     ["Core: a watch lasts 1 to 24 whole months, not 25."]),
    ([Change(2, "promote"), Change(3, "watch", "New CEO", 2.5)],
     ["Core: a watch lasts 1 to 24 whole months, not 2.5."]),
    ([Change(2, "promote")], ["Core is not decided yet."]),
    ([Change(2, "demote", "x"), Change(3, "demote", "y")],
     ["Bolt is a promotion in this scenario, not a demotion."]),
    ([Change(2, "promote"), Change(3, "promote")],
     ["Core is a demotion: choose demote now or keep on watch."]),
    ([Change(2, "promote"), Change(3, "demote", "y"), Change(4, "promote")],
     ["Dune is neither promoted nor demoted by this scenario."]),
    ([Change(2, "promote"), Change(2, "promote"), Change(3, "demote", "y")],
     ["Bolt is decided twice; decide it once."]),
    ([Change(2, "promote"), Change(3, "demote", "x" * 501)],
     ["Core: keep the reason under 500 characters (it has 501)."]),
])
def test_change_problems(changes, problems):
    assert decisions.change_problems(DRAFT, changes, NAMES) == problems


def test_approval_promotes_demotes_and_keeps_a_watched_account_key_until_the_watch_ends():
    rows = decisions.designations_on_approval(
        [Change(2, "promote"), Change(3, "watch", " New CEO ", 6),
         Change(4, "demote", "Lost the framework contract")],
        date(2026, 8, 31), proposal_id=7, decided_by="ceo@x.example")
    assert rows == [
        {"account_id": 2, "is_key": True, "changed_on": date(2026, 8, 31),
         "reason": "Promoted to key account", "changed_by": "ceo@x.example",
         "watch_until": None, "proposal_id": 7},
        {"account_id": 3, "is_key": True, "changed_on": date(2026, 8, 31),
         "reason": "New CEO", "changed_by": "ceo@x.example",
         "watch_until": date(2027, 2, 28), "proposal_id": 7},
        {"account_id": 4, "is_key": False, "changed_on": date(2026, 8, 31),
         "reason": "Lost the framework contract", "changed_by": "ceo@x.example",
         "watch_until": None, "proposal_id": 7},
    ]


@pytest.mark.parametrize(("status", "proposer", "decider", "four_eyes", "problem"), [
    ("open", "ann", "ann", False, None),
    ("open", "ann", "ben", True, None),
    ("open", "ann", "ann", True, "Four-eyes rule: someone other than the proposer must "
                                 "approve or reject it (proposed by ann)."),
    ("approved", "ann", "ben", False, "This proposal is already approved."),
    ("rejected", "ann", "ben", True, "This proposal is already rejected."),
])
def test_who_may_decide(status, proposer, decider, four_eyes, problem):
    assert decisions.decision_problem(status, proposer, decider, four_eyes) == problem


@pytest.mark.parametrize(("title", "problem"), [
    ("Annual review 2027", None),
    ("  ", "Give the proposal a title."),
    ("x" * 121, "Keep the title under 120 characters (it has 121)."),
])
def test_title_problem(title, problem):
    assert decisions.title_problem(title) == problem


def history(*rows):
    return pd.DataFrame(rows, columns=["designation_id", "changed_on", "is_key",
                                       "watch_until"]).assign(
        changed_on=lambda t: pd.to_datetime(t["changed_on"]),
        watch_until=lambda t: pd.to_datetime(t["watch_until"]))


@pytest.mark.parametrize(("rows", "expected"), [
    ((), {"is_key": False, "key_since": None, "watch_until": None}),
    (((1, "2020-01-20", True, None), (2, "2023-01-20", True, "2026-12-31")),
     {"is_key": True, "key_since": date(2020, 1, 20), "watch_until": date(2026, 12, 31)}),
    (((1, "2020-01-20", True, None), (2, "2022-01-20", False, None),
      (3, "2024-01-20", True, None)),
     {"is_key": True, "key_since": date(2024, 1, 20), "watch_until": None}),
    (((1, "2020-01-20", True, None), (2, "2026-01-20", True, "2026-06-30")),
     {"is_key": True, "key_since": date(2020, 1, 20), "watch_until": None}),  # watch over
    (((1, "2020-01-20", True, None), (2, "2025-01-20", False, None)),
     {"is_key": False, "key_since": None, "watch_until": None}),
    (((1, "2020-01-20", True, None), (2, "2027-01-20", False, None)),  # not yet effective
     {"is_key": True, "key_since": date(2020, 1, 20), "watch_until": None}),
])
def test_key_status(rows, expected):
    assert decisions.key_status(history(*rows), date(2026, 11, 15)) == expected


@pytest.mark.parametrize(("kinds", "text"), [
    ([], "no changes"),
    (["promote", "promote", "demote"], "2 promoted, 1 demoted"),
    (["watch", "demote", "promote"], "1 promoted, 1 demoted, 1 on watch"),
])
def test_summarise_changes(kinds, text):
    assert decisions.summarise_changes(pd.DataFrame({"kind": kinds})) == text


@pytest.mark.parametrize(("effective_on", "latest", "problem"), [
    (date(2026, 11, 15), {"Acme": date(2026, 1, 20)}, None),
    (date(2026, 1, 20), {"Acme": date(2026, 1, 20)}, None),
    (date(2026, 11, 16), {}, "The effective date 16 Nov 2026 is in the future; the list "
                             "changes when it is signed off, so choose today or earlier."),
    (date(2025, 12, 31), {"Acme": date(2026, 1, 20), "Bolt": date(2024, 1, 20)},
     "The effective date must not be before 20 Jan 2026, the latest decision on Acme."),
])
def test_effective_date_problem(effective_on, latest, problem):
    assert decisions.effective_date_problem(effective_on, date(2026, 11, 15), latest) == problem


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert decisions.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert decisions.add_months(date(2026, 5, 15), 6) == date(2026, 11, 15)
