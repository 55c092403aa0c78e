"""Ratings from the matrix: appended as today's by the actor (history kept), with audit
entries; a bad value or an account the actor may not rate writes nothing."""

from datetime import date

import pytest
from sqlalchemy import select

from kamdash import store
from kamdash.identity import Actor, Refused, UserRole
from kamdash.models import Account, AuditEntry, Manager, Meta, Rating

TODAY = date(2026, 11, 15)
LEAD = Actor("lead@x.example", "Lea Lead", UserRole.LEADERSHIP)
KAM = Actor("kim@x.example", "Kim Kam", UserRole.KAM, manager_id=1)
VIEWER = Actor("vi@x.example", "Vi View", UserRole.VIEWER)


def seed(engine) -> None:
    store.replace_all(engine, {
        Manager: [dict(id=1, name="Kim Kam", email="kim@x.example"),
                  dict(id=2, name="Ola Other", email="ola@x.example")],
        Account: [dict(id=1, name="Acme", manager_id=1), dict(id=2, name="Bolt", manager_id=2)],
        Rating: [dict(id=1, account_id=1, criterion="solvency", value=6,
                      rated_on=date(2025, 3, 1), rated_by="old@x.example")],
    })


def snapshot(engine) -> dict:
    with engine.connect() as conn:
        return {t.__tablename__: sorted(map(tuple, conn.execute(select(t.__table__)).all()),
                                        key=repr) for t in (Rating, AuditEntry, Meta)}


def test_new_ratings_are_appended_and_the_latest_wins(engine):
    seed(engine)
    version = store.data_version(engine)
    added = store.add_ratings(engine, KAM, [
        {"account_id": 1, "criterion": "solvency", "value": 8},
        {"account_id": 1, "criterion": "product_fit", "value": 5.0}], TODAY)
    assert added == 2
    history = store.load_rating_history(engine, 1)
    assert history[["criterion", "value", "rated_by"]].values.tolist() == [
        ["solvency", 6, "old@x.example"], ["solvency", 8, "kim@x.example"],
        ["product_fit", 5, "kim@x.example"]]
    assert history["rated_on"].dt.date.tolist() == [date(2025, 3, 1), TODAY, TODAY]
    latest = store.load_latest_ratings(engine)
    assert latest[["account_id", "criterion", "value"]].values.tolist() == [
        [1, "product_fit", 5], [1, "solvency", 8]]
    assert store.load_ratings(engine).loc[1, "solvency"] == 8
    audit = store.load_audit(engine)
    assert audit[["actor", "entity", "account_id"]].values.tolist() == [
        ["kim@x.example", "rating", 1]] * 2
    assert store.data_version(engine) == version + 1


def test_leadership_rates_any_account(engine):
    seed(engine)
    assert store.add_ratings(engine, LEAD, [{"account_id": 2, "criterion": "tenure",
                                             "value": 3}], TODAY) == 1


@pytest.mark.parametrize(("actor", "rows", "error", "message"), [
    (LEAD, [{"account_id": 1, "criterion": "solvency", "value": 11}], store.RatingsRejected,
     "Acme, Solvency: 11 is outside 1 to 10"),
    (LEAD, [{"account_id": 1, "criterion": "solvency", "value": 7},
            {"account_id": 2, "criterion": "solvency", "value": 6.5}], store.RatingsRejected,
     "Bolt, Solvency: 6.5 is not a whole number"),
    (LEAD, [{"account_id": 1, "criterion": "charm", "value": 7}], store.RatingsRejected,
     "Acme: 'charm' is not a selection criterion"),
    (LEAD, [{"account_id": 9, "criterion": "solvency", "value": 7}], store.RatingsRejected,
     "there is no account with id 9"),
    (KAM, [{"account_id": 1, "criterion": "solvency", "value": 7},
           {"account_id": 2, "criterion": "solvency", "value": 7}], Refused,
     "Bolt is managed by another KAM"),
    (VIEWER, [{"account_id": 1, "criterion": "solvency", "value": 7}], Refused,
     "can read Acme but not change it"),
])
def test_a_bad_rating_or_a_missing_right_writes_nothing(engine, actor, rows, error, message):
    seed(engine)
    before = snapshot(engine)
    with pytest.raises(error, match=message):
        store.add_ratings(engine, actor, rows, TODAY)
    assert snapshot(engine) == before


def test_nothing_to_add_changes_nothing(engine):
    seed(engine)
    before = snapshot(engine)
    assert store.add_ratings(engine, LEAD, [], TODAY) == 0
    assert snapshot(engine) == before
