"""AppTest of the Account page's health and engagement sections and of logging an engagement."""

import re
from datetime import timedelta

import pandas as pd
import pytest
from demo_portfolio import DEMO_TODAY
from sqlalchemy import delete, func, select, update
from sqlmodel import Session
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, store
from kamdash.models import Engagement, Stakeholder
from kamdash.ui.account_health import cadence_key
from kamdash.ui.account_picker import plain

XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


def sections(account_id: int) -> None:
    from kamdash.ui.account_health import render_engagement, render_health, render_log_engagement

    render_health(account_id)
    render_engagement(account_id)
    render_log_engagement(account_id)


def run(account_id: int) -> AppTest:
    return AppTest.from_function(sections, args=(account_id,), default_timeout=60).run()


def account_id(url: str, name: str) -> int:
    accounts = store.load_accounts(db.make_engine(url))
    return int(accounts.index[accounts["name"] == name][0])


def written(url: str) -> tuple[int, int]:
    """(engagements, data version): what a rejected log must leave alone."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Engagement)).one()[0]
    return count, store.data_version(engine)


def submit(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == "Log engagement").click().run()


def test_health_shows_score_band_reason_and_change_for_the_declining_account(demo_db):
    at = run(account_id(demo_db, demo.STORY_DECLINING))
    assert not at.exception and not at.error
    score = next(m for m in at.metric if m.label == "Health score")
    assert re.fullmatch(r"\d{1,3} / 100", score.value)
    assert score.proto.delta_description == "since September"
    # Declining over the quarter: a rise since last month must not show green beside it.
    assert score.delta == "No change" or re.fullmatch(r"[+-]\d+", score.delta)
    assert MetricProto.MetricColor.Name(score.proto.color) == "GRAY"
    assert any(w.value.replace("\\", "").startswith("Declining: Engagements down")
               for w in at.warning)
    texts = [m.value for m in at.markdown]
    badge = next(t for t in texts if "-badge[" in t)
    band = re.search(r"(At risk|Watch|Healthy)\]", badge).group(1)
    assert any(t.startswith(plain(f"{band}. Weakest: ")) and "satisfaction" in t
               for t in texts)
    assert any(c.value.startswith("Moved since last month by") for c in at.caption)
    assert any("Behind by" in w.value for w in at.warning)  # behind its cadence
    assert {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")} >= {
        "account_health_trend", "account_health_measures", "account_timeline",
        "account_monthly_trend", "account_satisfaction", "account_revenue"}


def test_a_missing_measure_is_named_as_missing_not_scored_zero(demo_db):
    months = store.load_account_months(db.make_engine(demo_db))
    surveyed = months.groupby("account_id")["satisfaction"].count()
    never = int(surveyed.index[surveyed == 0][0])
    at = run(never)
    assert not at.exception
    missing = plain("Not counted: satisfaction (no survey answer in the last three months).")
    assert any(m.value.endswith(missing) for m in at.markdown)


def test_logging_a_valid_engagement_saves_it_and_confirms(writable_demo_db):
    acc = account_id(writable_demo_db, demo.STORY_DECLINING)
    people = store.load_stakeholders(db.make_engine(writable_demo_db), acc)
    person = int(people.loc[people["active"], "stakeholder_id"].iloc[0])
    before = written(writable_demo_db)
    at = run(acc)
    at.date_input(key="account_log_date").set_value(DEMO_TODAY - timedelta(days=2))
    at.selectbox(key="account_log_kind").set_value("meeting")
    at.selectbox(key="account_log_stakeholder").set_value(person)
    at.text_area(key="account_log_summary").input("Agreed a recovery plan for deliveries")
    at.select_slider(key="account_log_sentiment").set_value(1)
    at = submit(at)
    assert not at.exception and not at.error
    who = people.set_index("stakeholder_id").loc[person]
    day = DEMO_TODAY - timedelta(days=2)
    assert [s.value for s in at.success] == [plain(
        f"Logged: meeting with {who['name']} ({who['title']}) on {day:%d %b %Y}.")]
    assert written(writable_demo_db) == (before[0] + 1, before[1] + 1)
    newest = store.load_account_engagements(db.make_engine(writable_demo_db), acc).iloc[0]
    assert (newest["kind"], newest["stakeholder_id"], newest["summary"], newest["sentiment"],
            newest["logged_by"]) == ("meeting", person, "Agreed a recovery plan for deliveries",
                                     1, "local")
    assert at.text_area(key="account_log_summary").value == ""  # the form is clear again


def test_an_engagement_dated_in_the_future_is_rejected_and_nothing_is_written(
        writable_demo_db):
    acc = account_id(writable_demo_db, demo.STORY_DECLINING)
    before = written(writable_demo_db)
    at = run(acc)
    at.date_input(key="account_log_date").set_value(DEMO_TODAY + timedelta(days=3))
    at.text_area(key="account_log_summary").input("Planned visit")
    at = submit(at)
    assert not at.exception and not at.success
    assert len(at.error) == 1 and "lies in the future" in at.error[0].value
    assert at.error[0].value.startswith("Nothing was saved")
    assert written(writable_demo_db) == before
    assert at.text_area(key="account_log_summary").value == "Planned visit"  # kept to fix


def test_an_empty_summary_is_rejected_with_a_message(writable_demo_db):
    acc = account_id(writable_demo_db, demo.STORY_DECLINING)
    before = written(writable_demo_db)
    at = submit(run(acc))
    assert "Summary\\: is empty; say in a few words what happened" in at.error[0].value
    assert written(writable_demo_db) == before


def test_a_stakeholders_name_is_shown_as_text_not_html(writable_demo_db):
    acc = account_id(writable_demo_db, demo.STORY_DECLINING)
    engine = db.make_engine(writable_demo_db)
    person = int(store.load_stakeholders(engine, acc)["stakeholder_id"].iloc[0])
    with Session(engine) as session, session.begin():
        session.exec(update(Stakeholder).where(Stakeholder.id == person).values(
            name=XSS, title=None))
        store.bump_version(session)
    at = run(acc)
    at.selectbox(key="account_log_stakeholder").set_value(person)
    at.text_area(key="account_log_summary").input("Met them")
    at = submit(at)
    assert "with \\<script\\>alert\\(1\\)\\</script\\>" in at.success[0].value


def test_logging_is_disabled_with_an_explanation_in_read_only_mode(writable_demo_db,
                                                                   monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    acc = account_id(writable_demo_db, demo.STORY_DECLINING)
    before = written(writable_demo_db)
    at = run(acc)
    assert any("read-only" in i.value for i in at.info)
    button = next(b for b in at.button if b.label == "Log engagement")
    assert button.disabled and at.text_area(key="account_log_summary").disabled
    assert written(writable_demo_db) == before


# --- no stakeholders -------------------------------------------------------------------------


def test_an_account_without_stakeholders_shows_health_with_coverage_0_not_an_error(
        writable_demo_db):
    acc = account_id(writable_demo_db, demo.STORY_DECLINING)
    engine = db.make_engine(writable_demo_db)
    with Session(engine) as session, session.begin():  # forget everybody at Helios
        session.exec(update(Engagement).where(Engagement.account_id == acc).values(
            stakeholder_id=None))
        session.exec(update(Stakeholder).where(Stakeholder.account_id == acc).values(
            reports_to_id=None))
        session.exec(delete(Stakeholder).where(Stakeholder.account_id == acc))
        store.bump_version(session)
    assert store.load_stakeholders(engine, acc).empty
    at = run(acc)
    assert not at.exception and not at.error
    reason = next(m.value for m in at.markdown if "Weakest" in m.value)
    assert plain("stakeholder coverage 0") in reason
    assert plain("Not counted: relationship (no active stakeholders recorded)") in reason


# --- the agreed cadence ----------------------------------------------------------------------


def cadence_of(url: str, acc: int):
    value = store.load_accounts(db.make_engine(url)).loc[acc, "cadence_per_quarter"]
    return None if pd.isna(value) else int(value)


def save_cadence(at: AppTest) -> AppTest:
    return next(b for b in at.button if b.label == "Save cadence").click().run()


def cadence_line(at: AppTest) -> str:
    return next(e.value for e in [*at.markdown, *at.warning] if "**Cadence:**" in e.value)


def test_the_kam_agrees_a_cadence_for_the_account_and_the_page_shows_it(writable_demo_db):
    acc = account_id(writable_demo_db, demo.STORY_DECLINING)
    before = written(writable_demo_db)
    at = run(acc)
    assert "against 6 per quarter (key-account default)" in cadence_line(at)
    assert "Behind by" in cadence_line(at)
    field = at.number_input(key=cadence_key(acc))
    assert field.value is None  # no cadence of its own: the tier default applies
    field.set_value(2)
    at = save_cadence(at)
    assert not at.exception and not at.error
    assert cadence_of(writable_demo_db, acc) == 2
    assert written(writable_demo_db) == (before[0], before[1] + 1)
    assert [s.value for s in at.success] == [plain("Cadence saved: 2 touches per quarter "
                                                   "agreed.")]
    # The data version moved, so the page reads the account again: its own cadence now.
    assert "against 2 per quarter (agreed for this account)" in cadence_line(at)
    at = next(b for b in at.button if b.label == "Back to the default (6)").click().run()
    assert cadence_of(writable_demo_db, acc) is None
    assert [s.value for s in at.success] == [plain(
        "Cadence saved: back to the default of 6 touches per quarter.")]
    assert at.number_input(key=cadence_key(acc)).value is None  # empty: the default again
    assert "against 6 per quarter (key-account default)" in cadence_line(at)


@pytest.mark.parametrize("bad", [120, -1])
def test_a_cadence_out_of_range_gets_a_message_and_nothing_is_written(writable_demo_db, bad):
    acc = account_id(writable_demo_db, demo.STORY_DECLINING)
    before = written(writable_demo_db)
    at = run(acc)
    at.number_input(key=cadence_key(acc)).set_value(bad)
    at = save_cadence(at)
    assert not at.exception and not at.success
    assert [e.value for e in at.error] == [plain(
        f"Nothing was saved: the cadence '{bad}' is not a whole number of touches per "
        "quarter from 0 to 90 (leave it empty for the default).")]
    assert at.number_input(key=cadence_key(acc)).value == bad  # kept, to be fixed
    assert written(writable_demo_db) == before and cadence_of(writable_demo_db, acc) is None


def test_the_cadence_cannot_be_changed_in_read_only_mode(writable_demo_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    acc = account_id(writable_demo_db, demo.STORY_DECLINING)
    at = run(acc)
    assert at.number_input(key=cadence_key(acc)).disabled
    assert next(b for b in at.button if b.label == "Save cadence").disabled
