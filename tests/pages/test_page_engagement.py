"""AppTest of the Engagement page on the small demo portfolio (demo today fixed)."""

from pathlib import Path

import pandas as pd
import pytest
from demo_portfolio import DEMO_TODAY, key_account_health
from sqlalchemy import select, update
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, health, store
from kamdash import engagement as eg
from kamdash.charts import engagement as charts
from kamdash.models import Engagement, Manager

PAGE = str(Path(__file__).parents[2] / "pages" / "engagement.py")


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
    assert row["link"] == f"/account?name=Helios%20Foods&account={helios}"
    # Counted from the raw rows: engagements of every kind in the last 91 days and the 91
    # days before.
    now, before = engagements_in_windows(demo_db, helios)
    assert before >= 3 and now <= before * 2 / 3
    assert row["reason"].endswith(
        f"ngagements down {round(100 * (1 - now / before))}%"
        + (": " if row["reason"].startswith("Health") else " on the quarter before: ")
        + f"{before} → {now}")
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


def raw_engagements(url: str) -> pd.DataFrame:
    with db.make_engine(url).connect() as conn:
        days = pd.read_sql(select(Engagement.account_id, Engagement.date, Engagement.kind), conn)
    return days.assign(date=pd.to_datetime(days["date"]))


def engagements_in_windows(url: str, account_id: int, kinds=None) -> tuple[int, int]:
    """(this window, the one before) of 91 days up to the demo's today, from the raw rows."""
    days = raw_engagements(url)
    days = days[(days["account_id"] == account_id)
                & (days["kind"].isin(kinds) if kinds else True)]
    ago = (pd.Timestamp(DEMO_TODAY) - days["date"]).dt.days
    return int(((ago >= 0) & (ago < 91)).sum()), int(((ago >= 91) & (ago < 182)).sum())


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


def test_cadence_counts_visits_meetings_calls_qbrs_and_workshops_not_e_mails(demo_db):
    at = run()
    assert not at.exception
    late = table(at, OVERDUE)
    helios = accounts(demo_db).query("name == @demo.STORY_DECLINING").index[0]
    contact, _ = engagements_in_windows(demo_db, helios, kinds=eg.CADENCE_KINDS)
    everything, _ = engagements_in_windows(demo_db, helios)
    assert contact < everything  # Helios had e-mails lately: the demo shows the difference
    assert late.loc[helios, "touches"] == contact
    assert any("e-mails do not count" in c.value for c in at.caption)
    assert not any("any kind" in c.value and "cadence" in c.value for c in at.caption)


# --- KAM load and the comparison -------------------------------------------------------------


def test_kam_load_chart_compares_key_accounts_only_with_capacity():
    load = pd.DataFrame({"name": ["Ann <b>", "Bob"], "key_accounts": [3, 5],
                         "other_accounts": [10, 0], "capacity": [4.0, 4.0],
                         "over_capacity": [False, True]}, index=[1, 2])
    fig = charts.kam_load_chart(load)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 1  # other accounts are never a bar stacked onto the key accounts
    assert list(bars[0].x) == [5, 3]
    # Other accounts are named under the KAM (their name shown as text, not HTML).
    assert list(bars[0].y) == [
        "Bob", "Ann &lt;b&gt;<br><span style='font-size:11px;color:#57606a'>+ 10 other "
               "accounts</span>"]
    assert list(bars[0].marker.color) == [charts.BAND_COLOURS["red"], charts.KEY_COLOUR]
    marker = next(t for t in fig.data if t.type == "scatter")
    assert list(marker.x) == [4.0, 4.0] and marker.name == "Capacity for key accounts"
    assert fig.layout.xaxis.title.text == "Key accounts managed"
    assert fig.layout.yaxis.title.text == "Key account manager"
    assert fig.layout.title.text == "Key accounts per key account manager, against capacity"


def test_the_kam_comparison_sets_every_kam_side_by_side(demo_db):
    at = run(engagement_kam=demo.OVERLOADED_KAM)  # a chosen manager: still every KAM
    assert not at.exception
    compared = table(at, "touches_per_key_account").set_index("name")
    portfolio = accounts(demo_db)
    managers = store.load_managers(db.make_engine(demo_db))
    kams = managers[managers["role"] == "kam"]
    assert sorted(compared.index) == sorted(kams["name"])
    key = portfolio[portfolio["is_key"]]
    assert key["cadence_per_quarter"].isna().all()
    scores = key_account_health(demo_db)["score"]
    days = raw_engagements(demo_db)
    ago = (pd.Timestamp(DEMO_TODAY) - days["date"]).dt.days
    recent = days[(ago >= 0) & (ago < 91) & days["kind"].isin(eg.CADENCE_KINDS)]
    for name, row in compared.iterrows():  # a handful of KAMs, in a test
        theirs = key[key["manager"] == name]
        assert row["key_accounts"] == len(theirs)
        assert row["capacity"] == kams.set_index("name").loc[name, "capacity"]
        assert row["other_accounts"] == int(((portfolio["manager"] == name)
                                             & ~portfolio["is_key"]).sum())
        if len(theirs):
            touches = recent["account_id"].value_counts().reindex(theirs.index, fill_value=0)
            assert row["touches_per_key_account"] == pytest.approx(touches.mean())
            kept = touches >= eg.KEY_TOUCHES_PER_QUARTER  # the demo agrees no own cadences
            assert row["on_cadence"] == pytest.approx(kept.mean() * 100)  # shown as a percent
            assert row["health"] == health.points(scores.reindex(theirs.index).mean())
        else:
            assert pd.isna(row["touches_per_key_account"]) and pd.isna(row["health"])
    # Helios is behind its cadence: its KAM has key accounts off cadence.
    assert compared.loc[demo.OVERLOADED_KAM, "on_cadence"] < 100


def test_two_managers_with_one_name_are_shown_together_in_every_section(writable_demo_db):
    """Imports name managers after their e-mail, so two can share a name; the trends must
    count the same accounts as the cadence list does."""
    engine = db.make_engine(writable_demo_db)
    portfolio = accounts(writable_demo_db)
    twin = portfolio.loc[portfolio["is_key"] & (portfolio["manager"] != demo.OVERLOADED_KAM),
                         "manager"].iloc[0]
    with Session(engine) as session:
        session.exec(update(Manager).where(Manager.name == twin).values(
            name=demo.OVERLOADED_KAM))
        session.commit()
    portfolio = accounts(writable_demo_db)
    theirs = portfolio[(portfolio["manager"] == demo.OVERLOADED_KAM) & portfolio["is_key"]]
    assert theirs["manager_id"].nunique() == 2
    at = run(engagement_kam=demo.OVERLOADED_KAM)
    assert not at.exception
    assert metric(at, "On cadence").endswith(f"of {len(theirs)}")
    expected = engagements_in_last_three_months(writable_demo_db, theirs.index)
    assert metric(at, "Engagements, last") == f"{expected:,}"
