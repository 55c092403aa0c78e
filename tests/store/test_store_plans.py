"""The plan store: every write checked by the rules, signed by its actor, audited, all or
nothing; reads in the shapes the pages and the summaries take."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select
from sqlmodel import Session

from kamdash import store
from kamdash.identity import Actor, Refused, UserRole
from kamdash.models import (
    Account,
    AccountPlan,
    AuditEntry,
    Manager,
    Meta,
    Offering,
    Opportunity,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanTeamMember,
    WhitespaceCell,
)

KAM = Actor(email="ada@x.example", name="Ada", role=UserRole.KAM, manager_id=1)
OTHER_KAM = Actor(email="tom@x.example", name="Tom", role=UserRole.KAM, manager_id=2)
LEADER = Actor(email="lea@x.example", name="Lea", role=UserRole.LEADERSHIP)
ADMIN = Actor(email="root@x.example", name="Root", role=UserRole.ADMIN)
VIEWER = Actor(email="vi@x.example", name="Vi", role=UserRole.VIEWER)
PLAN_TABLES = (AccountPlan, PlanGoal, PlanAction, Opportunity, WhitespaceCell, PlanTeamMember,
               PlanReview, Offering, AuditEntry, Meta)


@pytest.fixture
def seeded(engine):
    store.replace_all(engine, {
        Manager: [dict(id=1, name="Ada Müller", email="ada@x.example"),
                  dict(id=2, name="Tom Bakker", email="tom@x.example")],
        Account: [dict(id=1, name="Müller & Söhne", manager_id=1, annual_revenue=600_000.0),
                  dict(id=2, name="Bolt", manager_id=2)],
        Offering: [dict(id=1, name="Maintenance", active=True),
                   dict(id=2, name="Spare parts", active=True)],
    })
    return engine


def snapshot(engine) -> dict:
    with Session(engine) as session:
        return {t.__tablename__: sorted(
            (tuple(r) for r in session.execute(select(t.__table__)).all()), key=repr)
            for t in PLAN_TABLES}


def audit(engine) -> list[tuple]:
    with Session(engine) as session:
        return [tuple(r) for r in session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity, AuditEntry.account_id)
            .order_by(AuditEntry.id))]


GOAL = {"title": "Multi-thread the account", "horizon": "short", "owner": "Ada Müller",
        "start_on": date(2026, 6, 1), "due_on": date(2026, 12, 31), "status": "on_track"}


def test_adding_a_goal_creates_the_plan_signed_and_audited(seeded):
    goal_id = store.add_goal(seeded, KAM, 1, GOAL)
    goals = store.load_goals(seeded, 1)
    assert goals[["goal_id", "account_id", "title", "horizon", "owner", "status"]].to_dict(
        "records") == [{"goal_id": goal_id, "account_id": 1, "title": "Multi-thread the account",
                        "horizon": "short", "owner": "Ada Müller", "status": "on_track"}]
    assert goals["due_on"].tolist() == [pd.Timestamp("2026-12-31")]
    assert list(store.load_plans(seeded).index) == [1]
    assert audit(seeded) == [("ada@x.example", "create", "account_plan", 1),
                             ("ada@x.example", "create", "plan_goal", 1)]
    with Session(seeded) as session:
        assert session.get(PlanGoal, goal_id).author == "ada@x.example"


@pytest.mark.parametrize(("values", "problem"), [
    ({**GOAL, "due_on": date(2026, 5, 1)},
     "row 1, column Due: 2026-05-01 is before the start (2026-06-01)"),
    ({**GOAL, "owner": "Nobody"},
     "row 1, column Owner: 'Nobody' is not one of our people; choose someone from the "
     "managers list"),
    ({**GOAL, "measure": "Revenue", "target_value": -1.0},
     "row 1, column Target: -1 is negative; a value is zero or more"),
    ({**GOAL, "title": " "}, "row 1, column Goal: is empty; every row needs it"),
])
def test_a_bad_goal_is_refused_with_its_message_and_nothing_is_written(seeded, values,
                                                                       problem):
    before = snapshot(seeded)
    with pytest.raises(store.PlanEditRejected) as refused:
        store.add_goal(seeded, KAM, 1, values)
    assert refused.value.problems == [problem]
    assert snapshot(seeded) == before


@pytest.mark.parametrize("actor", [OTHER_KAM, VIEWER])
def test_only_the_accounts_kam_and_leadership_may_change_its_plan(seeded, actor):
    before = snapshot(seeded)
    with pytest.raises(Refused):
        store.add_goal(seeded, actor, 1, GOAL)
    with pytest.raises(Refused):
        store.save_plan_profile(seeded, actor, 1, {"strengths": "x"})
    assert snapshot(seeded) == before
    store.add_goal(seeded, LEADER, 1, GOAL)
    assert audit(seeded)[-1] == ("lea@x.example", "create", "plan_goal", 1)


def test_an_unknown_account_is_refused(seeded):
    with pytest.raises(store.PlanEditRejected, match="no account with id 9"):
        store.add_goal(seeded, LEADER, 9, GOAL)


def test_save_goals_adds_updates_and_deletes_in_one_go(seeded):
    first = store.add_goal(seeded, KAM, 1, GOAL)
    store.add_goal(seeded, KAM, 1, {**GOAL, "title": "Renew"})
    store.add_action(seeded, KAM, 1, {"goal": "Renew", "what": "Send it", "owner": "Tom Bakker"})
    table = store.load_goals(seeded, 1)
    table = table[table["goal_id"] == first].assign(status="at_risk")
    table = pd.concat([table, pd.DataFrame([{**GOAL, "title": "New one", "goal_id": None}])])
    result = store.save_goals(seeded, KAM, 1, table)
    assert (result.added, result.updated, result.deleted) == (1, 1, 1)
    goals = store.load_goals(seeded, 1)
    assert goals[["title", "status"]].values.tolist() == [["Multi-thread the account",
                                                          "at_risk"], ["New one", "on_track"]]
    assert store.load_actions(seeded, 1).empty  # the deleted goal took its action along
    assert store.save_goals(seeded, KAM, 1, store.load_goals(seeded, 1)).changed is False


def test_a_table_with_one_bad_row_saves_nothing(seeded):
    store.add_goal(seeded, KAM, 1, GOAL)
    before = snapshot(seeded)
    table = store.load_goals(seeded, 1).assign(status="on_track")
    table = pd.concat([table, pd.DataFrame([{**GOAL, "title": "Late", "goal_id": None,
                                             "due_on": date(2026, 1, 1)}])])
    with pytest.raises(store.PlanEditRejected) as refused:
        store.save_goals(seeded, KAM, 1, table.assign(status="done"))
    assert refused.value.problems == [
        "row 2, column Due: 2026-01-01 is before the start (2026-06-01)"]
    assert snapshot(seeded) == before


def test_a_row_deleted_elsewhere_meanwhile_is_reported(seeded):
    store.add_goal(seeded, KAM, 1, GOAL)
    stale = store.load_goals(seeded, 1).assign(goal_id=999)
    with pytest.raises(store.PlanEditRejected, match="no longer saved"):
        store.save_goals(seeded, KAM, 1, stale)


def test_actions_hang_under_a_goal_and_cannot_be_due_before_it_starts(seeded):
    store.add_goal(seeded, KAM, 1, GOAL)
    store.add_action(seeded, KAM, 1, {"goal": "multi-thread the account", "what": "Meet the CFO",
                                      "owner": "tom@x.example", "due_on": "2026-07-01",
                                      "gap": "No decision maker"})
    actions = store.load_actions(seeded, 1)
    assert actions[["goal", "what", "owner", "status", "gap"]].values.tolist() == [
        ["Multi-thread the account", "Meet the CFO", "Tom Bakker", "open", "No decision maker"]]
    with pytest.raises(store.PlanEditRejected) as refused:
        store.add_action(seeded, KAM, 1, {"goal": "Multi-thread the account", "what": "Early",
                                          "owner": "Ada Müller", "due_on": date(2026, 5, 1)})
    assert refused.value.problems == [
        "row 1, column Due: 2026-05-01 is before its goal starts (2026-06-01)"]
    with pytest.raises(store.PlanEditRejected, match="not a goal of this plan"):  # Bolt's
        store.add_action(seeded, LEADER, 2, {"goal": "Multi-thread the account", "what": "x",
                                             "owner": "Ada Müller"})


def test_opportunities_keep_the_lost_reason_only_when_lost(seeded):
    store.add_opportunity(seeded, KAM, 1, {"name": "Parts deal", "offering": "spare parts",
                                           "buying_centre": "Operations", "value": 12_000,
                                           "stage": "won", "close_on": date(2026, 10, 1),
                                           "lost_reason": "ignored"})
    with pytest.raises(store.PlanEditRejected) as refused:
        store.add_opportunity(seeded, KAM, 1, {"name": "Lost one", "value": 1, "stage": "lost"})
    assert refused.value.problems == [
        "row 1, column Reason lost: is empty; a lost opportunity needs the reason it was lost"]
    with pytest.raises(store.PlanEditRejected, match="negative"):
        store.add_opportunity(seeded, KAM, 1, {"name": "Minus", "value": -1})
    opps = store.load_opportunities(seeded, 1)
    assert opps[["name", "offering", "buying_centre", "value", "stage", "lost_reason"]
                ].values.tolist() == [["Parts deal", "Spare parts", "Operations", 12_000.0,
                                       "won", None]]


def test_whitespace_cells_are_set_changed_and_cleared(seeded):
    result = store.save_whitespace(seeded, KAM, 1, [
        {"offering": "Maintenance", "buying_centre": "IT", "status": "potential",
         "estimated_value": 50_000},
        {"offering": "Spare parts", "buying_centre": "IT", "status": "We sell it",
         "estimated_value": 7}])
    assert (result.added, result.updated, result.deleted) == (2, 0, 0)
    cells = store.load_whitespace(seeded, 1)
    assert cells[["offering", "buying_centre", "status", "estimated_value"]].fillna(0).values \
        .tolist() == [["Maintenance", "IT", "potential", 50_000.0], ["Spare parts", "IT", "ours",
                                                                     0.0]]
    result = store.save_whitespace(seeded, KAM, 1, [
        {"offering": "Maintenance", "buying_centre": "IT", "status": "open"},
        {"offering": "Spare parts", "buying_centre": "IT", "status": None}])
    assert (result.added, result.updated, result.deleted) == (0, 1, 1)
    assert store.load_whitespace(seeded, 1)[["status"]].values.tolist() == [["open"]]


def test_profile_saves_only_the_fields_given(seeded):
    assert store.save_plan_profile(seeded, KAM, 1, {
        "strengths": "Trusted\n\n Local team ", "financial_health": "Watch",
        "review_cadence": "weekly", "sponsor": "Tom Bakker"}) is True
    assert store.save_plan_profile(seeded, KAM, 1, {"threats": "Low-cost rival"}) is True
    plan = store.load_plans(seeded).loc[1]
    assert (plan["strengths"], plan["threats"], plan["financial_health"],
            plan["review_cadence"], plan["sponsor"], plan["updated_by"]) == (
        "Trusted\nLocal team", "Low-cost rival", "watch", "weekly", "Tom Bakker",
        "ada@x.example")
    assert store.save_plan_profile(seeded, KAM, 1, {"threats": "Low-cost rival"}) is False
    with pytest.raises(store.PlanEditRejected) as refused:
        store.save_plan_profile(seeded, KAM, 1, {"review_cadence": "daily"})
    assert refused.value.problems == [
        "column Review cadence: 'daily' is not one of Weekly, Monthly, Quarterly"]
    with pytest.raises(store.PlanEditRejected, match="no plan field colour"):
        store.save_plan_profile(seeded, KAM, 1, {"colour": "red"})


def test_team_and_reviews(seeded):
    store.save_team(seeded, KAM, 1, [{"person": "Ada Müller", "role": "Key account manager"},
                                     {"person": "tom@x.example", "role": "Service"}])
    with pytest.raises(store.PlanEditRejected, match="the same as row 1"):
        store.save_team(seeded, KAM, 1, [{"person": "Ada Müller", "role": "a"},
                                         {"person": "ada müller", "role": "b"}])
    assert store.load_team(seeded, 1)[["person", "role"]].values.tolist() == [
        ["Ada Müller", "Key account manager"], ["Tom Bakker", "Service"]]
    store.add_review(seeded, KAM, 1, {"held_on": date(2026, 11, 1), "attendees": "Ada, Tom",
                                      "notes": "Agreed the renewal"})
    reviews = store.load_reviews(seeded, 1)
    assert reviews[["attendees", "notes", "author"]].values.tolist() == [
        ["Ada, Tom", "Agreed the renewal", "ada@x.example"]]


def test_only_admins_keep_the_offering_catalogue(seeded):
    table = store.load_offerings(seeded)
    with pytest.raises(Refused):
        store.save_offerings(seeded, LEADER, table)
    renamed = table.assign(name=["Spare parts", "Maintenance"])  # a swap of names
    result = store.save_offerings(seeded, ADMIN, pd.concat([
        renamed, pd.DataFrame([{"offering_id": None, "name": "Training", "active": True}])]))
    assert (result.added, result.updated, result.deleted) == (1, 2, 0)
    assert store.load_offerings(seeded)[["offering_id", "name"]].values.tolist() == [
        [2, "Maintenance"], [1, "Spare parts"], [3, "Training"]]
    with pytest.raises(store.PlanEditRejected, match="the same as row 1"):
        store.save_offerings(seeded, ADMIN, [{"name": "A"}, {"name": "a"}])


def test_every_write_moves_the_data_version_and_a_no_change_does_not(seeded):
    start = store.data_version(seeded)
    store.add_review(seeded, KAM, 1, {"held_on": date(2026, 11, 1), "attendees": "Ada"})
    moved = store.data_version(seeded)
    assert moved > start
    store.save_team(seeded, KAM, 1, [])
    assert store.data_version(seeded) == moved


def test_read_only_mode_refuses_every_plan_write(seeded, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    with pytest.raises(store.ReadOnlyError):
        store.add_goal(seeded, KAM, 1, GOAL)
    with pytest.raises(store.ReadOnlyError):
        store.save_offerings(seeded, ADMIN, [])


def test_the_demo_gives_every_key_account_a_plan_and_tells_the_stories():
    from kamdash import demo, plans

    rows = demo.build_portfolio(40, seed=7, today=date(2026, 11, 15))
    assert rows == demo.build_portfolio(40, seed=7, today=date(2026, 11, 15))
    accounts = {a["id"]: a["name"] for a in rows[Account]}
    latest = {}
    for d in sorted(rows[demo.Designation], key=lambda d: (d["changed_on"], d["id"])):
        latest[d["account_id"]] = d["is_key"]
    planned = {p["account_id"] for p in rows[AccountPlan]}
    assert planned == {a for a, key in latest.items() if key} | {
        a for a, n in accounts.items() if n == demo.STORY_RISING}
    by_name = {n: a for a, n in accounts.items()}
    goals = pd.DataFrame(rows[PlanGoal])
    actions = pd.DataFrame(rows[PlanAction]).merge(
        goals[["id", "account_id", "title"]].rename(columns={"id": "goal_id"}), on="goal_id")
    northwind = actions[(actions["account_id"] == by_name[demo.STORY_SINGLE_THREADED])
                        & (actions["title"] == "Multi-thread the account")]
    assert len(plans.overdue_actions(northwind, date(2026, 11, 15))) == 1
    helios = goals[goals["account_id"] == by_name[demo.STORY_DECLINING]]
    assert "at_risk" in helios["status"].tolist()
    cells = pd.DataFrame(rows[WhitespaceCell])
    potential = cells.assign(p=plans.potential(cells)).groupby("account_id")["p"].sum()
    assert potential.idxmax() == by_name[demo.STORY_RISING]
