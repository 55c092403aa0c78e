"""KAMDASH_READ_ONLY=1: every write in the store is refused and nothing changes."""

from __future__ import annotations

import ast
import inspect
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from kamdash import store
from kamdash.decisions import Change, Draft
from kamdash.identity import LOCAL
from kamdash.models import Account, Meta, Offering, Rating, User
from kamdash.settings import SettingsError

STORE_DIR = Path(store.__file__).resolve().parent


def snapshot(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            t.__tablename__: sorted(map(tuple, conn.execute(select(t.__table__)).all()), key=repr)
            for t in (*store.TABLES_IN_FK_ORDER, Meta)
        }


def _seed(engine) -> None:
    store.replace_all(engine, {
        Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt")],
        Rating: [dict(account_id=1, criterion="tenure", value=5, rated_on=date(2025, 1, 1))],
        Offering: [dict(id=1, name="Maintenance", active=True)],
        User: [dict(id=1, email="a@x.com", name="A", role="admin", active=True),
               dict(id=2, email="v@x.com", name="V", role="viewer", active=True)],
    })


# Every public write of the store, called with arguments that would succeed when writable.
WRITES = {
    "replace_all": lambda e: store.replace_all(e, {Account: [dict(id=9, name="New")]}),
    "save_scenario": lambda e: store.save_scenario(e, LOCAL, "Q1", {"tenure": 5},
                                                   {"kind": "top_n"}),
    "rename_scenario": lambda e: (store.save_scenario(e, LOCAL, "Q1", {"tenure": 5}, {}),
                                  store.rename_scenario(e, LOCAL, "Q1", "Q2")),
    "delete_scenario": lambda e: (store.save_scenario(e, LOCAL, "Q1", {"tenure": 5}, {}),
                                  store.delete_scenario(e, LOCAL, "Q1")),
    "import_file": lambda e: store.import_file(e, "accounts", b"name\nNew\n", "a.csv"),
    "import_rows": lambda e: store.import_rows(
        e, __import__("kamdash.files").files.parse("accounts", b"name\nNew\n", "a.csv")),
}
if hasattr(store, "save_stakeholders"):
    WRITES["save_stakeholders"] = lambda e: store.save_stakeholders(e, 1, pd.DataFrame([dict(
        stakeholder_id=None, name="Ann Berg", title="CFO", department=None, roles="buyer",
        influence="high", stance=1, reports_to=None, email=None, active=True)]), actor=LOCAL)
if hasattr(store, "log_engagement"):
    WRITES["log_engagement"] = lambda e: store.log_engagement(
        e, 1, date(2025, 2, 1), "call", "Quick check-in", 1, actor=LOCAL)
if hasattr(store, "clear_all"):
    WRITES["clear_all"] = lambda e: store.clear_all(e, actor=LOCAL)
if hasattr(store, "set_cadence"):
    WRITES["set_cadence"] = lambda e: store.set_cadence(e, 1, 4, actor=LOCAL)

WRITES |= {
    "add_user": lambda e: store.add_user(e, LOCAL, "new@x.com", "New"),
    "set_role": lambda e: store.set_role(e, LOCAL, "v@x.com", "kam"),
    "deactivate_user": lambda e: store.deactivate_user(e, LOCAL, "v@x.com"),
    "save_users": lambda e: store.save_users(e, LOCAL, store.load_users(e).assign(
        name=["A", "Vera"])),
    "sign_in": lambda e: store.sign_in(e, "new@x.com", admins=["new@x.com"]),
    "record_action": lambda e: store.record_action(e, LOCAL, "create", "portfolio", "demo"),
}

DAY = date(2025, 2, 1)
DRAFT = Draft(weights={"tenure": 1.0}, rule={"kind": "top_n", "n": 1}, ranking=[[2, 1, 8.0, True]],
              promotions=(2,), demotions=())
WRITES |= {
    "add_ratings": lambda e: store.add_ratings(e, LOCAL, [
        {"account_id": 2, "criterion": "tenure", "value": 7}], DAY),
    "create_proposal": lambda e: store.create_proposal(e, LOCAL, DRAFT, [Change(2, "promote")],
                                                       "Review"),
    "decide_proposal": lambda e: store.decide_proposal(e, LOCAL, store.create_proposal(
        e, LOCAL, DRAFT, [Change(2, "promote")], "Review"), True, DAY, today=DAY),
    "record_designations": lambda e: store.record_designations(e, LOCAL, [dict(
        account_id=2, is_key=True, changed_on=DAY, reason="Framework contract")], DAY),
    "save_agreements": lambda e: store.save_agreements(e, LOCAL, [
        {"account_id": 1, "status": "declined", "services": []}], DAY),
    "save_services": lambda e: store.save_services(e, LOCAL, pd.DataFrame({
        "service_id": [None], "name": ["QBR"], "description": [""], "active": [True]})),
    "save_offerings": lambda e: store.save_offerings(e, LOCAL, [
        {"offering_id": 1, "name": "Maintenance", "active": True},
        {"offering_id": None, "name": "Training", "active": True}]),
    "save_plan_profile": lambda e: store.save_plan_profile(e, LOCAL, 1, {"strengths": "Trusted"}),
    "save_whitespace": lambda e: store.save_whitespace(e, LOCAL, 1, [
        {"offering": "Maintenance", "buying_centre": "IT", "status": "open"}]),
}


def _public_writers() -> set[str]:
    """Public store functions whose body opens a write transaction or bumps the version."""
    found = set()
    for path in STORE_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                body = ast.get_source_segment(path.read_text(), node) or ""
                if "bump_version(" in body or ".begin()" in body:
                    found.add(node.name)
    return found - {"bump_version"}


def test_every_store_write_function_checks_read_only_first():
    missing = []
    for name in sorted(_public_writers()):
        fn = getattr(store, name, None)
        assert fn is not None, f"store.{name} writes but is not exported from kamdash.store"
        if "ensure_writable()" not in inspect.getsource(fn):
            missing.append(name)
    assert missing == []


def test_every_store_write_function_is_exercised_here():
    assert _public_writers() - set(WRITES) == set()


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_in_read_only_mode_is_refused_and_changes_nothing(engine, monkeypatch, name):
    _seed(engine)
    before = snapshot(engine)
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    with pytest.raises(store.ReadOnlyError, match="read-only"):
        WRITES[name](engine)
    assert snapshot(engine) == before
    monkeypatch.delenv("KAMDASH_READ_ONLY")
    WRITES[name](engine)  # and the same call works once writable
    assert snapshot(engine) != before


@pytest.mark.parametrize("value, expected", [
    ("1", True), ("true", True), ("YES", True), (" yes ", True), ("on", True), ("On", True),
    ("y", True), ("0", False), ("", False), ("no", False), ("off", False), ("n", False),
])
def test_read_only_is_switched_on_by_the_yes_words_in_any_case(monkeypatch, value, expected):
    monkeypatch.setenv("KAMDASH_READ_ONLY", value)
    assert store.read_only() is expected


def test_a_read_only_value_that_is_no_yes_or_no_refuses_every_write(engine, monkeypatch):
    _seed(engine)
    before = snapshot(engine)
    monkeypatch.setenv("KAMDASH_READ_ONLY", "sure")
    with pytest.raises(SettingsError, match="KAMDASH_READ_ONLY='sure' is neither on nor off"):
        store.save_scenario(engine, LOCAL, "Q1", {"tenure": 5}, {"kind": "top_n"})
    assert snapshot(engine) == before


def test_the_demo_seeder_is_refused_too(engine, monkeypatch):
    from kamdash import demo

    _seed(engine)
    before = snapshot(engine)
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    with pytest.raises(store.ReadOnlyError):
        demo.seed_demo(engine, n_accounts=20)
    assert snapshot(engine) == before
