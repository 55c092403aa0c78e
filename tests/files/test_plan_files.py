"""Plan files: goals, actions and opportunities imported all or nothing with the plan rules,
signed by the importing user, and exported so that importing the export changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from kamdash import files, store
from kamdash.fields import Rejected
from kamdash.identity import Actor, UserRole
from kamdash.models import AccountPlan, AuditEntry, Opportunity, PlanAction, PlanGoal
from tests.files.import_helpers import TODAY, imp, rows_of, snapshot, xlsx

ADMIN = Actor(email="boss@x.com", name="Boss", role=UserRole.ADMIN)

GOALS = ("account,title,horizon,owner,start_on,due_on,status,measure,target_value,"
         "current_value\n"
         "Acme,Grow revenue,mid,ann.berg@x.com,2026-01-01,2026-12-31,on track,Revenue,"
         "1000000,250000.5\n"
         "Beta,Win the CFO,short,Ann Berg,,,,,,\n")
ACTIONS = ("account,goal,what,owner,due_on,status,gap\n"
           "Acme,Grow revenue,Meet the board,Ann Berg,2026-02-01,in progress,No sponsor\n"
           "Acme,grow revenue,Send the offer,ann.berg@x.com,,,\n")
OPPORTUNITIES = ("account,name,offering,buying_centre,value,stage,close_on,lost_reason\n"
                 "Acme,Renewal 2027,Analytics,Finance,120000,open,2026-06-30,\n"
                 "Beta,Pilot,,IT,5000,lost,2026-02-01,Price\n")
FILES = {"goals": GOALS, "actions": ACTIONS, "opportunities": OPPORTUNITIES}


@pytest.fixture
def db(engine):
    imp(engine, "accounts", "name,kam_email\nAcme,ann.berg@x.com\nBeta,ann.berg@x.com\n")
    store.save_offerings(engine, ADMIN, [{"offering_id": None, "name": "Analytics",
                                          "description": None, "active": True}])
    return engine


def load(engine, kind: str, text: str | None = None, filename: str = "f.csv"):
    data = (text if text is not None else FILES[kind]).encode()
    return store.import_file(engine, kind, data, filename, today=TODAY, actor=ADMIN)


def test_the_plan_kinds_are_in_the_registry_with_their_natural_keys():
    assert {k: files.kind(k).natural_key for k in ("goals", "actions", "opportunities")} == {
        "goals": ("account", "title"), "actions": ("account", "goal", "what"),
        "opportunities": ("account", "name")}


def test_goals_import_adds_then_updates_then_changes_nothing(db):
    assert str(load(db, "goals")) == "goals: 2 added, 0 updated, 0 unchanged"
    assert rows_of(db, PlanGoal, "title", "horizon", "start_on", "due_on", "status", "measure",
                   "target_value", "current_value", "author") == [
        ("Grow revenue", "mid", date(2026, 1, 1), date(2026, 12, 31), "on_track", "Revenue",
         1_000_000.0, 250_000.5, "boss@x.com"),
        ("Win the CFO", "short", None, None, "not_started", None, None, None, "boss@x.com"),
    ]
    assert rows_of(db, AccountPlan, "updated_by") == [("boss@x.com",), ("boss@x.com",)]
    changed = GOALS.replace("on track,", "at risk,")
    assert str(load(db, "goals", changed)) == "goals: 0 added, 1 updated, 1 unchanged"
    assert str(load(db, "goals", changed)) == "goals: 0 added, 0 updated, 2 unchanged"


def test_every_write_is_audited_and_signed_by_the_importer(db):
    load(db, "goals")
    load(db, "goals", GOALS.replace("on track,", "done,"))
    with db.connect() as conn:
        entries = conn.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity)
                               .where(AuditEntry.entity == "plan_goal")
                               .order_by(AuditEntry.id)).all()
    assert [tuple(e) for e in entries] == [("boss@x.com", "create", "plan_goal")] * 2 + [
        ("boss@x.com", "update", "plan_goal")]


def test_actions_find_their_goal_by_title_ignoring_case(db):
    load(db, "goals")
    assert str(load(db, "actions")) == "actions: 2 added, 0 updated, 0 unchanged"
    assert rows_of(db, PlanAction, "what", "status", "gap", "author") == [
        ("Meet the board", "in_progress", "No sponsor", "boss@x.com"),
        ("Send the offer", "open", None, "boss@x.com")]


def test_opportunities_import_with_offering_and_lost_reason(db):
    assert str(load(db, "opportunities")) == "opportunities: 2 added, 0 updated, 0 unchanged"
    assert rows_of(db, Opportunity, "name", "buying_centre", "value", "stage", "close_on",
                   "lost_reason") == [
        ("Pilot", "IT", 5000.0, "lost", date(2026, 2, 1), "Price"),
        ("Renewal 2027", "Finance", 120_000.0, "open", date(2026, 6, 30), None)]


BAD = [
    ("goals", "Nowhere,Grow,short,Ann Berg,,,,,,",
     "line 2, column account: no account named 'Nowhere'; import it in an accounts file first"),
    ("goals", "Acme,Grow,someday,Ann Berg,,,,,,",
     "line 2, column horizon: 'someday' is not one of Short term, Mid term, Long term"),
    ("goals", "Acme,Grow,short,Zed,,,,,,",
     "line 2, column owner: 'Zed' is not one of our people; choose someone from the managers "
     "list"),
    ("goals", "Acme,Grow,short,Ann Berg,2026-05-01,2026-04-01,,,,",
     "line 2, column due_on: 2026-04-01 is before the start (2026-05-01)"),
    ("goals", "Acme,Grow,short,Ann Berg,soon,,,,,",
     "line 2, column start_on: 'soon' is not a date; write YYYY-MM-DD"),
    ("goals", "Acme,Grow,short,Ann Berg,,,,,100,",
     "line 2, column measure: is empty; say what the target counts, e.g. Revenue"),
    ("goals", "Acme,Grow,short,Ann Berg,,,,Revenue,-5,",
     "line 2, column target_value: -5 is negative; a value is zero or more"),
    ("goals", "Acme,,short,Ann Berg,,,,,,",
     "line 2, column title: is empty; every row needs a title"),
    ("actions", "Acme,No such goal,Call,Ann Berg,,,",
     "line 2, column goal: 'No such goal' is not a goal of this plan"),
    ("actions", "Acme,Fix row 9,Call,Ann Berg,,,",
     "line 2, column goal: 'Fix row 9' is not a goal of this plan"),
    ("actions", "Acme,Grow revenue,Call,Ann Berg,2025-12-01,,",
     "line 2, column due_on: 2025-12-01 is before its goal starts (2026-01-01)"),
    ("actions", "Acme,Grow revenue,Call,Ann Berg,,later,",
     "line 2, column status: 'later' is not one of Open, In progress, Done, Dropped"),
    ("opportunities", "Acme,Deal,Widgets,,10,,,",
     "line 2, column offering: 'Widgets' is not in the offering catalogue"),
    ("opportunities", "Acme,Deal,,,10,lost,,",
     "line 2, column lost_reason: is empty; a lost opportunity needs the reason it was lost"),
    ("opportunities", "Acme,Deal,,,lots,,,",
     "line 2, column value: 'lots' is not a number"),
]


@pytest.mark.parametrize(("kind", "row", "message"), BAD)
def test_a_bad_row_rejects_the_whole_file_and_writes_nothing(db, kind, row, message):
    load(db, "goals")
    header = FILES[kind].splitlines()[0]
    good = FILES[kind].splitlines()[1]
    before = snapshot(db)
    with pytest.raises(Rejected) as caught:
        load(db, kind, f"{header}\n{row}\n{good}\n")
    assert [str(p) for p in caught.value.problems] == [message]
    assert snapshot(db) == before


def test_every_problem_of_the_file_is_listed_with_its_line(db):
    text = ("account,title,horizon,owner\n"
            "Acme,Grow,someday,Ann Berg\n"
            "Acme,Keep,short,Zed\n"
            "Acme,grow,short,Ann Berg\n")
    with pytest.raises(Rejected) as caught:
        load(db, "goals", text)
    assert [str(p) for p in caught.value.problems] == [
        "line 2, column horizon: 'someday' is not one of Short term, Mid term, Long term",
        "line 3, column owner: 'Zed' is not one of our people; choose someone from the "
        "managers list",
        "line 4: 'grow' is the same title as 'Grow' on line 2 (names are compared ignoring "
        "case); keep one of the two rows",
        "line 4, column title: the same as line 2; each must be unique in the plan",
    ]


def test_a_column_left_out_keeps_what_is_saved(db):
    load(db, "goals")
    assert str(load(db, "goals", "account,title,owner\nAcme,Grow revenue,Ann Berg\n")) == \
        "goals: 0 added, 0 updated, 1 unchanged"
    assert rows_of(db, PlanGoal, "title", "status")[0] == ("Grow revenue", "on_track")


@pytest.mark.parametrize("fmt", files.FORMATS)
@pytest.mark.parametrize("kind", ["goals", "actions", "opportunities"])
def test_export_then_import_changes_nothing(db, kind, fmt):
    load(db, "goals")
    if kind != "goals":
        load(db, kind)
    exported = store.export_rows(db, kind)
    assert list(exported.columns) == list(files.kind(kind).column_names)
    assert len(exported) == 2
    before = snapshot(db)
    data = files.to_bytes(kind, exported, f"{kind}.{fmt}")
    result = store.import_file(db, kind, data, f"{kind}.{fmt}", today=TODAY, actor=ADMIN)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 2)
    assert snapshot(db) == before


def test_an_exported_goal_reads_in_words(db):
    load(db, "goals")
    first = store.export_rows(db, "goals").iloc[0].to_dict()
    assert first == {"account": "Acme", "title": "Grow revenue", "horizon": "Mid term",
                     "owner": "ann.berg@x.com", "start_on": "2026-01-01",
                     "due_on": "2026-12-31", "status": "On track", "measure": "Revenue",
                     "target_value": "1000000", "current_value": "250000.5"}


def test_the_xlsx_file_imports_like_the_csv(db):
    data = xlsx(["account", "name", "value", "stage", "close_on"],
                ["Acme", "Big deal", 1500.0, "Won", date(2026, 2, 1)])
    result = store.import_file(db, "opportunities", data, "o.xlsx", today=TODAY, actor=ADMIN)
    assert str(result) == "opportunities: 1 added, 0 updated, 0 unchanged"
    assert rows_of(db, Opportunity, "name", "value", "stage", "close_on") == [
        ("Big deal", 1500.0, "won", date(2026, 2, 1))]


def test_only_an_admin_imports_plan_files(db):
    kam = Actor(email="kam@x.com", name="Kam", role=UserRole.KAM)
    with pytest.raises(Exception, match="import files"):
        store.import_file(db, "goals", GOALS.encode(), "g.csv", today=TODAY, actor=kam)


@pytest.mark.parametrize("kind", ["goals", "actions", "opportunities"])
def test_a_header_only_file_changes_nothing(db, kind):
    before = snapshot(db)
    header = FILES[kind].splitlines()[0]
    assert str(load(db, kind, f"{header}\n,,\n")) == f"{kind}: 0 added, 0 updated, 0 unchanged"
    assert snapshot(db) == before


SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_the_command_line_imports_and_exports_the_plan_samples(tmp_path, monkeypatch, capsys):
    from kamdash.__main__ import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KAMDASH_DATABASE_URL", url)
    monkeypatch.delenv("KAMDASH_READ_ONLY", raising=False)
    assert main(["import", "accounts", str(SAMPLES / "accounts.csv")]) == 0
    for kind in ("goals", "actions", "opportunities"):
        assert main(["import", kind, str(SAMPLES / f"{kind}.csv")]) == 0
        assert f"{kind}: 4 added, 0 updated, 0 unchanged" in capsys.readouterr().out
        for name in (f"{kind}.csv", f"{kind}.xlsx"):
            assert main(["export", kind, str(tmp_path / name)]) == 0
            assert main(["import", kind, str(tmp_path / name)]) == 0
            assert f"{kind}: 0 added, 0 updated, 4 unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("account,goal,what,owner\nCorvina Foods,Nothing,Call,Ann Berg\n")
    assert main(["import", "actions", str(bad)]) == 1
    assert "line 2, column goal: 'Nothing' is not a goal of this plan" in capsys.readouterr().err
