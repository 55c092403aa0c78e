"""AppTest of the Activity page: the demo's audit trail, filtered by who, account and date,
and a change made in the app showing up at once."""

from datetime import timedelta
from pathlib import Path

import pytest
from demo_portfolio import DEMO_TODAY
from streamlit.testing.v1 import AppTest

from kamdash import db, store
from kamdash.identity import Actor, UserRole

PAGE = str(Path(__file__).parents[2] / "pages" / "activity.py")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


def run() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60).run()


def shown(at: AppTest):
    (table,) = [d.value for d in at.dataframe]  # dataframes carry no key to find them by
    return table


def test_the_page_lists_the_last_90_days_newest_first(demo_db):
    at = run()
    assert not at.exception and at.title[0].value == "Activity"
    table = shown(at)
    audit = store.load_audit(db.make_engine(demo_db), since=DEMO_TODAY - timedelta(days=90),
                             until=DEMO_TODAY)  # the demo's trail ends on its today
    assert table["id"].tolist() == audit["id"].tolist() and len(table) > 20
    assert set(table["what"]) >= {"Added engagement", "Changed stakeholder"}


def test_filtering_by_who_account_and_dates(demo_db):
    engine = db.make_engine(demo_db)
    audit = store.load_audit(engine)
    person = audit.loc[audit["entity"] == "stakeholder", "actor"].iloc[0]
    at = run()
    at.selectbox(key="activity_who").set_value(person).run()
    assert set(shown(at)["actor"]) == {person}
    account = int(audit.loc[audit["actor"] == person, "account_id"].dropna().iloc[0])
    at.selectbox(key="activity_account").set_value(account).run()
    table = shown(at)
    assert set(table["account_id"]) == {account} and set(table["actor"]) == {person}
    at.selectbox(key="activity_who").set_value(None).run()
    at.selectbox(key="activity_account").set_value(None).run()
    day = DEMO_TODAY - timedelta(days=3)
    at.date_input(key="activity_days").set_value((day, day)).run()
    expected = store.load_audit(engine, since=day, until=day)
    if expected.empty:
        assert at.info[0].value.startswith("No changes match these filters")
    else:
        assert shown(at)["id"].tolist() == expected["id"].tolist()


def test_a_change_shows_up_at_once_with_its_author(writable_demo_db):
    engine = db.make_engine(writable_demo_db)
    lead = Actor("henrik.dahl@kamdash.example", "Henrik Dahl", UserRole.LEADERSHIP)
    store.set_cadence(engine, 1, 9, actor=lead)
    at = run()
    first = shown(at).iloc[0]
    assert (first["who"], first["what"], first["change"]) == (
        "Henrik Dahl", "Changed account", "cadence per quarter: – → 9")


def test_an_empty_trail_is_explained(empty_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_DEMO", "0")
    at = run()
    assert not at.exception
    assert at.info[0].value.startswith("Nothing has been changed yet")
