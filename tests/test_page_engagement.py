"""AppTest of the Engagement page on the small demo portfolio (demo today fixed)."""

from pathlib import Path

import pandas as pd
import pytest
from demo_portfolio import DEMO_TODAY
from sqlalchemy import select, update
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, store
from kamdash.models import Engagement, Manager

PAGE = str(Path(__file__).parents[1] / "pages" / "engagement.py")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


def run(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


# Tables by a column only they have (AppTest does not expose a dataframe's key).
DECLINING, OVERDUE = "reason", "days_since_touch"


def table(at: AppTest, column: str):
    """The table with ``column``, or None when the page shows none."""
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def accounts(url: str):
    return store.load_accounts(db.make_engine(url))


def test_the_declining_demo_key_account_is_in_the_declining_list_with_a_link(demo_db):
    at = run()
    assert not at.exception and not at.error
    down = table(at, DECLINING)
    helios = accounts(demo_db).query("name == @demo.STORY_DECLINING").index[0]
    assert helios in down.index
    row = down.loc[helios]
    assert row["link"] == f"/account?account={helios}&name=Helios%20Foods"
    assert "Touches down" in row["reason"] or "Health falling" in row["reason"]
    assert set(down["is_key"]) == {True}  # key accounts by default


def test_cadence_lists_the_key_accounts_behind_with_the_numbers(demo_db):
    at = run()
    late = table(at, OVERDUE)
    assert len(late) >= 1 and late["is_key"].all()
    assert (late["touches"] < late["target"]).all()
    assert metric(at, "Behind cadence") == f"{len(late)}"
    key_count = int(accounts(demo_db)["is_key"].sum())
    assert metric(at, "On cadence") == f"{key_count - len(late)} of {key_count}"


def test_kam_load_warns_about_a_kam_with_more_key_accounts_than_capacity(writable_demo_db):
    at = run()
    assert not at.warning  # the small demo's KAMs all have room
    engine = db.make_engine(writable_demo_db)
    with Session(engine) as session, session.begin():
        session.exec(update(Manager).where(Manager.name == demo.OVERLOADED_KAM).values(
            capacity=1))
        store.bump_version(session)  # as every write does: the app's caches see the change
    at = run()
    assert [w.value for w in at.warning] == [
        f"{demo.OVERLOADED_KAM} carries more key accounts than their capacity."]


def engagements_in_last_three_months(url: str, account_ids) -> int:
    """Counted from the raw rows: engagements in the three complete months before today's."""
    with db.make_engine(url).connect() as conn:
        days = pd.read_sql(select(Engagement.account_id, Engagement.date), conn)
    this_month = pd.Timestamp(DEMO_TODAY).to_period("M")
    months = pd.to_datetime(days["date"]).dt.to_period("M")
    recent = (months >= this_month - 3) & (months < this_month)
    return int((recent & days["account_id"].isin(account_ids)).sum())


def test_choosing_a_manager_narrows_every_section_to_their_accounts(demo_db):
    portfolio = accounts(demo_db)
    at = run()
    everyone = metric(at, "Engagements, last")
    at.selectbox(key="engagement_kam").set_value(demo.OVERLOADED_KAM).run()
    assert not at.exception
    theirs = portfolio[(portfolio["manager"] == demo.OVERLOADED_KAM) & portfolio["is_key"]]
    assert metric(at, "On cadence").endswith(f"of {len(theirs)}")
    expected = engagements_in_last_three_months(demo_db, theirs.index)
    assert metric(at, "Engagements, last") == f"{expected:,}"
    key = portfolio[portfolio["is_key"]]
    assert everyone == f"{engagements_in_last_three_months(demo_db, key.index):,}"
    down = table(at, DECLINING)
    assert set(down["manager"]) == {demo.OVERLOADED_KAM}
    assert demo.STORY_DECLINING in set(down["name"])  # Helios is one of theirs


def test_all_accounts_widen_the_lists_to_accounts_that_are_not_key(demo_db):
    at = run()
    at.segmented_control(key="engagement_scope").set_value("all").run()
    assert not at.exception
    total = len(accounts(demo_db))
    assert metric(at, "On cadence").endswith(f"of {total}")
    assert not table(at, OVERDUE)["is_key"].all()


def test_a_manager_without_key_accounts_gets_an_explanation_not_an_error(demo_db):
    portfolio = accounts(demo_db)
    managers = portfolio.groupby("manager")["is_key"].sum()
    plain_manager = managers.index[managers == 0][0]
    at = run(engagement_kam=plain_manager)
    assert not at.exception
    assert any("has no key accounts" in i.value for i in at.info)
    at.segmented_control(key="engagement_scope").set_value("all").run()
    assert not at.exception
    assert not any("has no" in i.value for i in at.info)
    assert any("not a KAM" in i.value for i in at.info)  # an account manager: no KAM load
    assert metric(at, "On cadence").endswith(
        f"of {int((portfolio['manager'] == plain_manager).sum())}")


def test_the_period_switch_changes_the_trend_window(demo_db):
    at = run(engagement_months="6 months")  # the address holds the label
    assert not at.exception
    assert at.segmented_control(key="engagement_months").value == 6
    assert not at.metric[0].delta  # six months: no full quarter before the last one to compare
    at.segmented_control(key="engagement_months").set_value(24).run()
    assert at.metric[0].delta
