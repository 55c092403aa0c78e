"""Users, sign-in and rights in the store: who may sign in, who may change which account, and
that every refusal writes nothing while every write leaves its audit entry."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from kamdash import store
from kamdash.identity import LOCAL, Actor, Refused, UserRole
from kamdash.models import Account, Manager, Meta, Stakeholder, User

ADMIN = Actor("ada@x.com", "Ada Admin", UserRole.ADMIN)
LEAD = Actor("lea@x.com", "Lea Lead", UserRole.LEADERSHIP)
KAM_ONE = Actor("kim@x.com", "Kim One", UserRole.KAM, manager_id=1)
KAM_TWO = Actor("kai@x.com", "Kai Two", UserRole.KAM, manager_id=2)
VIEWER = Actor("vic@x.com", "Vic Viewer", UserRole.VIEWER)


def snapshot(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {t.__tablename__: sorted(map(tuple, conn.execute(select(t.__table__)).all()),
                                        key=repr)
                for t in (*store.TABLES_IN_FK_ORDER, Meta)}


@pytest.fixture
def db(engine):
    """Acme is Kim's (manager 1), Bolt is Kai's (manager 2); Ada is the admin."""
    store.replace_all(engine, {
        Manager: [dict(id=1, name="Kim One", email="kim@x.com"),
                  dict(id=2, name="Kai Two", email="kai@x.com")],
        Account: [dict(id=1, name="Acme", manager_id=1), dict(id=2, name="Bolt", manager_id=2)],
        Stakeholder: [dict(id=10, account_id=1, name="Ann Berg", stance=0),
                      dict(id=20, account_id=2, name="Ben Cole", stance=0)],
        User: [dict(id=1, email="ada@x.com", name="Ada Admin", role="admin", active=True),
               dict(id=2, email="kim@x.com", name="Kim One", role="kam", manager_id=1,
                    active=True),
               dict(id=3, email="old@x.com", name="Old Hand", role="kam", active=False)],
    })
    return engine


def people(**change) -> pd.DataFrame:
    row = dict(stakeholder_id=10, name="Ann Berg", title="CFO", department=None, roles="buyer",
               influence="high", stance=1, reports_to=None, email=None, active=True) | change
    return pd.DataFrame([row])


WRITES = {
    "save stakeholders": lambda e, a, acc: store.save_stakeholders(
        e, acc, people(stakeholder_id=10 if acc == 1 else 20,
                       name="Ann Berg" if acc == 1 else "Ben Cole"), a),
    "log an engagement": lambda e, a, acc: store.log_engagement(
        e, acc, date(2026, 3, 1), "call", "Check-in", 1, actor=a, today=date(2026, 3, 2)),
    "set the cadence": lambda e, a, acc: store.set_cadence(e, acc, 4, actor=a),
}


# --- rights --------------------------------------------------------------------------------


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("actor, account, message", [
    (KAM_ONE, 2, "Bolt is managed by another KAM: only its own KAM or leadership can change "
                 "it."),
    (KAM_TWO, 1, "Acme is managed by another KAM"),
    (VIEWER, 1, "Your role (viewer) can read Acme but not change it."),
    (Actor("nomgr@x.com", "No Manager", UserRole.KAM), 1, "Acme is managed by another KAM"),
])
def test_a_write_the_actor_may_not_make_is_refused_and_writes_nothing(db, write, actor, account,
                                                                      message):
    before = snapshot(db)
    with pytest.raises(Refused, match=re.escape(message)):
        WRITES[write](db, actor, account)
    assert snapshot(db) == before


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("actor, account", [(KAM_ONE, 1), (KAM_TWO, 2), (LEAD, 1), (LEAD, 2),
                                            (ADMIN, 2), (LOCAL, 1)])
def test_own_kam_leadership_and_admins_may_write_and_are_recorded(db, write, actor, account):
    WRITES[write](db, actor, account)
    entries = store.load_audit(db)
    assert entries["actor"].tolist() == [actor.email]
    assert entries["account_id"].tolist() == [account]


def test_a_logged_engagement_is_signed_with_the_actors_email(db):
    new_id = store.log_engagement(db, 1, date(2026, 3, 1), "visit", "Plant tour", 2,
                                  stakeholder_id=10, actor=KAM_ONE, today=date(2026, 3, 2))
    events = store.load_account_engagements(db, 1)
    assert events[["engagement_id", "logged_by"]].values.tolist() == [[new_id, "kim@x.com"]]
    entry = store.load_audit(db).iloc[0]
    assert (entry["action"], entry["entity"], entry["entity_id"]) == ("create", "engagement",
                                                                     str(new_id))
    assert entry["after"] == {"date": "2026-03-01", "kind": "visit", "summary": "Plant tour",
                              "sentiment": 2, "stakeholder_id": 10, "logged_by": "kim@x.com"}


def test_a_stakeholder_save_records_before_and_after_of_each_changed_person(db):
    store.save_stakeholders(db, 1, pd.concat([
        people(stance="supporter"),
        people(stakeholder_id=None, name="Cy Dahl", title=None, roles="", stance="neutral",
               influence="low")]), KAM_ONE)
    entries = store.load_audit(db).sort_values("entity_id")
    assert entries[["action", "entity", "actor"]].values.tolist() == [
        ["update", "stakeholder", "kim@x.com"], ["create", "stakeholder", "kim@x.com"]]
    changed, added = entries["before"].tolist()[0], entries["after"].tolist()
    assert (changed["stance"], changed["title"], added[0]["stance"], added[0]["title"]) == (
        0, None, 1, "CFO")
    assert entries["before"].tolist()[1] is None and added[1]["name"] == "Cy Dahl"


def test_an_unchanged_stakeholder_table_records_nothing(db):
    store.save_stakeholders(db, 1, people(title=None, roles="", influence="medium",
                                          stance="neutral"), LEAD)
    assert store.load_audit(db).empty


def test_a_cadence_change_records_the_old_and_new_value(db):
    store.set_cadence(db, 1, 6, actor=LEAD)
    store.set_cadence(db, 1, None, actor=LEAD)
    entries = store.load_audit(db)
    assert entries["before"].tolist() == [{"cadence_per_quarter": 6},
                                          {"cadence_per_quarter": None}]
    assert entries["after"].tolist() == [{"cadence_per_quarter": None},
                                         {"cadence_per_quarter": 6}]


def test_clear_is_for_admins_keeps_the_users_and_starts_the_trail_with_itself(db):
    before = snapshot(db)
    with pytest.raises(Refused, match="Only admin and above can clear the database"):
        store.clear_all(db, LEAD)
    assert snapshot(db) == before
    store.clear_all(db, ADMIN)
    users = store.load_users(db)
    assert users["email"].tolist() == ["ada@x.com", "kim@x.com", "old@x.com"]
    assert users["manager_id"].isna().all()  # the manager records went
    entry = store.load_audit(db)
    assert entry[["actor", "action", "entity"]].values.tolist() == [
        ["ada@x.com", "delete", "portfolio"]]
    assert entry["before"].iloc[0]["account"] == 2


# --- sign-in -------------------------------------------------------------------------------


@pytest.mark.parametrize("email, admins, signup, status, role", [
    ("KIM@x.com", (), None, "user", UserRole.KAM),  # any case
    ("old@x.com", (), None, "deactivated", None),
    ("new@x.com", (), None, "uninvited", None),
    ("new@x.com", (), "viewer", "new-viewer", UserRole.VIEWER),
    ("New@X.com", ("new@x.com", "boss@x.com"), None, "new-admin", UserRole.ADMIN),
    ("New@X.com", (" NEW@x.com ",), "viewer", "new-admin", UserRole.ADMIN),
    ("old@x.com", ("old@x.com",), "viewer", "deactivated", None),  # only on first sign-in
    ("not an e-mail", (), "viewer", "uninvited", None),
])
def test_sign_in_finds_adds_or_keeps_out(db, email, admins, signup, status, role):
    found = store.sign_in(db, email, "New Comer", admins=admins, signup=signup)
    assert found.status == status
    assert (found.actor.role if found.actor else None) == role


def test_a_first_sign_in_adds_the_user_and_audits_it_as_them(db):
    found = store.sign_in(db, "New@X.com", " New  Comer ", admins=["new@x.com"])
    assert found.actor == Actor("new@x.com", "New Comer", UserRole.ADMIN)
    assert store.sign_in(db, "new@x.com", "Other Name").status == "user"  # added once
    entry = store.load_audit(db)
    assert entry[["actor", "action", "entity", "entity_id"]].values.tolist() == [
        ["new@x.com", "create", "user", "new@x.com"]]


def test_user_actor_is_the_active_user_only(db):
    assert store.user_actor(db, "Kim@X.com") == KAM_ONE
    assert store.user_actor(db, "old@x.com") is None
    assert store.user_actor(db, "who@x.com") is None


# --- managing users ------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [LEAD, KAM_ONE, VIEWER])
def test_only_admins_manage_users_and_a_refusal_writes_nothing(db, actor):
    before = snapshot(db)
    for attempt in (lambda: store.add_user(db, actor, "n@x.com", "N"),
                    lambda: store.set_role(db, actor, "kim@x.com", "admin"),
                    lambda: store.deactivate_user(db, actor, "kim@x.com"),
                    lambda: store.save_users(db, actor, store.load_users(db))):
        with pytest.raises(Refused, match="Only admin and above can manage users"):
            attempt()
    assert snapshot(db) == before


def test_add_set_role_and_deactivate_are_audited(db):
    store.add_user(db, ADMIN, " Lea@X.com ", "Lea Lead", "leadership")
    store.set_role(db, ADMIN, "lea@x.com", "kam")
    store.deactivate_user(db, ADMIN, "LEA@x.com")
    users = store.load_users(db).set_index("email")
    assert users.loc["lea@x.com", ["name", "role", "active"]].tolist() == ["Lea Lead", "kam",
                                                                           False]
    entries = store.load_audit(db).iloc[::-1]
    assert entries["action"].tolist() == ["create", "update", "update"]
    assert [a["role"] for a in entries["after"]] == ["leadership", "kam", "kam"]
    assert entries["after"].iloc[-1]["active"] is False


@pytest.mark.parametrize("call, problem", [
    (lambda e: store.add_user(e, ADMIN, "KIM@x.com", "Kim"), "kim@x.com is already a user"),
    (lambda e: store.add_user(e, ADMIN, "kim", "Kim"), "'kim' is not an e-mail address"),
    (lambda e: store.add_user(e, ADMIN, "n@x.com", "  "), "the name is empty"),
    (lambda e: store.add_user(e, ADMIN, "n@x.com", "N", "boss"),
     "the role 'boss' is not one of viewer, kam, leadership, admin"),
    (lambda e: store.add_user(e, ADMIN, "n@x.com", "N", "kam", 9),
     "there is no manager record with id 9"),
    (lambda e: store.set_role(e, ADMIN, "who@x.com", "kam"), "there is no user 'who@x.com'"),
    (lambda e: store.set_role(e, ADMIN, "ada@x.com", "viewer"),
     "ada@x.com is the last active admin"),
    (lambda e: store.deactivate_user(e, ADMIN, "ada@x.com"), "ada@x.com is the last active "
                                                             "admin"),
])
def test_a_bad_user_change_names_the_problem_and_writes_nothing(db, call, problem):
    before = snapshot(db)
    with pytest.raises(store.UserRejected) as caught:
        call(db)
    assert any(problem in p for p in caught.value.problems), caught.value.problems
    assert snapshot(db) == before


def test_save_users_adds_and_changes_rows_and_audits_each(db):
    table = store.load_users(db)[["user_id", *store.USER_EDIT_COLUMNS]]
    table.loc[table["email"] == "kim@x.com", "role"] = "leadership"
    table = pd.concat([table, pd.DataFrame([dict(user_id=None, email="Vic@X.com",
                                                 name="Vic Viewer", role="viewer",
                                                 manager="Kai Two", active=None)])],
                      ignore_index=True)
    result = store.save_users(db, ADMIN, table)
    assert (result.added, result.updated) == (1, 1)
    users = store.load_users(db).set_index("email")
    assert users.loc["vic@x.com", ["role", "manager", "active"]].tolist() == ["viewer",
                                                                              "Kai Two", True]
    assert users.loc["kim@x.com", "role"] == "leadership"
    assert sorted(store.load_audit(db)["entity_id"]) == ["kim@x.com", "vic@x.com"]


def test_save_users_lists_every_problem_by_row_and_writes_nothing(db):
    table = store.load_users(db)[["user_id", *store.USER_EDIT_COLUMNS]]
    table = table[table["email"] != "old@x.com"]  # a removed row
    table.loc[table["email"] == "ada@x.com", "role"] = "viewer"
    table = pd.concat([table, pd.DataFrame([
        dict(user_id=None, email="KIM@x.com", name="", role="chief", manager="Nobody",
             active=True)])], ignore_index=True)
    before = snapshot(db)
    with pytest.raises(store.UserRejected) as caught:
        store.save_users(db, ADMIN, table)
    assert caught.value.problems == [
        "row 3, column E-mail: kim@x.com is already row 2",
        "row 3, column Name: is empty; every user needs a name",
        "row 3, column Role: 'chief' is not one of viewer, kam, leadership, admin",
        "row 3, column Manager record: 'Nobody' is not a manager record",
        "old@x.com is missing from the table: users are not deleted; untick Active to stop "
        "them signing in",
    ]
    assert snapshot(db) == before


def test_save_users_keeps_an_active_admin(db):
    table = store.load_users(db)[["user_id", *store.USER_EDIT_COLUMNS]]
    table["active"] = False
    with pytest.raises(store.UserRejected, match="no active admin would be left"):
        store.save_users(db, ADMIN, table)
