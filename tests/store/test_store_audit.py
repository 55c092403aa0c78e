"""The audit trail: entries land with the change's transaction, read back filtered."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from kamdash import store
from kamdash.identity import Actor, UserRole
from kamdash.models import Account

ANN = Actor(email="ann@example.com", name="Ann", role=UserRole.KAM, manager_id=1)
BOB = Actor(email="bob@example.com", name="Bob", role=UserRole.LEADERSHIP)


def _write(engine, actor, account_id, after):
    with Session(engine) as session, session.begin():
        store.record(session, actor, "update", "account", account_id,
                     before={"name": "old"}, after=after, account_id=account_id)


def test_entries_read_back_newest_first_with_account_and_decoded_values(engine):
    store.replace_all(engine, {Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt")]})
    _write(engine, ANN, 1, {"name": "Acme", "since": date(2020, 1, 2)})
    _write(engine, BOB, 2, {"name": "Bolt"})
    trail = store.load_audit(engine)
    assert trail[["actor", "account", "entity", "entity_id"]].to_dict("records") == [
        {"actor": "bob@example.com", "account": "Bolt", "entity": "account", "entity_id": "2"},
        {"actor": "ann@example.com", "account": "Acme", "entity": "account", "entity_id": "1"},
    ]
    assert trail["after"].iloc[1] == {"name": "Acme", "since": "2020-01-02"}
    assert trail["before"].iloc[1] == {"name": "old"}


@pytest.mark.parametrize(("filters", "expected"), [
    ({"actor": "ann@example.com"}, ["ann@example.com"]),
    ({"account_id": 2}, ["bob@example.com"]),
    ({"until": date(2000, 1, 1)}, []),
    ({"since": date(2000, 1, 1)}, ["bob@example.com", "ann@example.com"]),
])
def test_filters_by_who_which_account_and_dates(engine, filters, expected):
    store.replace_all(engine, {Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt")]})
    _write(engine, ANN, 1, {"name": "Acme"})
    _write(engine, BOB, 2, {"name": "Bolt"})
    assert store.load_audit(engine, **filters)["actor"].tolist() == expected


def test_an_entry_is_rolled_back_with_its_change(engine):
    store.replace_all(engine, {Account: [dict(id=1, name="Acme")]})
    with pytest.raises(RuntimeError), Session(engine) as session, session.begin():
        store.record(session, ANN, "update", "account", 1, account_id=1)
        raise RuntimeError("the change failed")
    assert store.load_audit(engine).empty
