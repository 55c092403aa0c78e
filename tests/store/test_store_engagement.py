"""kamdash.store.engagement on SQLite and PostgreSQL: monthly GROUP BY reads and the log."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kamdash import engagement as eg
from kamdash import store
from kamdash.identity import LOCAL
from kamdash.models import (
    Account,
    AccountMonth,
    Designation,
    Engagement,
    Manager,
    Stakeholder,
)

M = pd.Timestamp


@pytest.fixture
def db(engine):
    """Two managers, three accounts, a few people and engagements over three months."""
    store.replace_all(engine, {
        Manager: [{"id": 1, "name": "Ann", "email": "ann@x.com", "role": "kam", "capacity": 4},
                  {"id": 2, "name": "Bob", "email": "bob@x.com", "role": "kam", "capacity": 4}],
        Account: [{"id": 1, "name": "Acme", "manager_id": 1},
                  {"id": 2, "name": "Birch", "manager_id": 2},
                  {"id": 3, "name": "Cedar", "manager_id": None}],
        Stakeholder: [{"id": 11, "account_id": 1, "name": "Ann Lee"},
                      {"id": 12, "account_id": 1, "name": "Ben Ode"},
                      {"id": 21, "account_id": 2, "name": "Dan Roe"}],
        Engagement: [
            {"id": 1, "account_id": 1, "stakeholder_id": 11, "date": date(2026, 1, 5),
             "kind": "visit", "summary": "Kick-off", "sentiment": 1},
            {"id": 2, "account_id": 1, "stakeholder_id": 11, "date": date(2026, 1, 20),
             "kind": "visit", "summary": "Plant tour", "sentiment": 2},
            {"id": 3, "account_id": 1, "stakeholder_id": 12, "date": date(2026, 1, 31),
             "kind": "call", "summary": "Follow-up", "sentiment": 0},
            {"id": 4, "account_id": 1, "stakeholder_id": None, "date": date(2026, 3, 2),
             "kind": "email", "summary": "Quote", "sentiment": 0},
            {"id": 5, "account_id": 2, "stakeholder_id": 21, "date": date(2026, 3, 31),
             "kind": "qbr", "summary": "QBR", "sentiment": -1},
            {"id": 6, "account_id": 3, "stakeholder_id": None, "date": date(2025, 12, 31),
             "kind": "call", "summary": "Old call", "sentiment": 0},
        ],
        AccountMonth: [{"account_id": 1, "month": date(2026, 1, 1), "revenue": 100.0,
                        "satisfaction": 8.5},
                       {"account_id": 1, "month": date(2026, 2, 1), "revenue": 90.0,
                        "satisfaction": None},
                       {"account_id": 2, "month": date(2026, 1, 1), "revenue": 40.0,
                        "satisfaction": 6.0}],
    })
    return engine


def rows(df: pd.DataFrame) -> list[tuple]:
    return list(df.itertuples(index=False, name=None))


def engagement_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Engagement)).one()[0]


# --- monthly reads ---------------------------------------------------------------------------


def test_monthly_engagement_of_the_portfolio_groups_by_month_and_kind(db):
    df = store.monthly_engagement(db)
    assert list(df.columns) == ["month", "kind", "engagements"]
    assert str(df["month"].dtype) == "datetime64[ns]"
    assert rows(df) == [(M("2025-12-01"), "call", 1), (M("2026-01-01"), "call", 1),
                        (M("2026-01-01"), "visit", 2), (M("2026-03-01"), "email", 1),
                        (M("2026-03-01"), "qbr", 1)]


def test_monthly_engagement_of_one_account_since_a_day(db):
    assert rows(store.monthly_engagement(db, account_id=1)) == [
        (M("2026-01-01"), "call", 1), (M("2026-01-01"), "visit", 2),
        (M("2026-03-01"), "email", 1)]
    assert rows(store.monthly_engagement(db, account_id=1, since=date(2026, 1, 21))) == [
        (M("2026-01-01"), "call", 1), (M("2026-03-01"), "email", 1)]
    assert store.monthly_engagement(db, account_id=99).empty


def test_monthly_engagement_by_account_and_by_manager(db):
    by_account = store.monthly_engagement_by_account(db, since=date(2026, 1, 1))
    assert rows(by_account) == [(1, M("2026-01-01"), "call", 1), (1, M("2026-01-01"), "visit", 2),
                                (1, M("2026-03-01"), "email", 1), (2, M("2026-03-01"), "qbr", 1)]
    assert rows(store.monthly_engagement_by_account(db, manager_id=2)) == [
        (2, M("2026-03-01"), "qbr", 1)]
    by_manager = store.monthly_engagement_by_manager(db)
    assert [(None if pd.isna(m) else int(m), month, kind, n)
            for m, month, kind, n in rows(by_manager)] == [
        (1, M("2026-01-01"), "call", 1), (1, M("2026-01-01"), "visit", 2),
        (1, M("2026-03-01"), "email", 1), (2, M("2026-03-01"), "qbr", 1),
        (None, M("2025-12-01"), "call", 1)]


def designate(engine, *rows: tuple[int, bool, date]) -> None:
    """Key-account status changes (account, is_key, changed_on); the latest one holds."""
    with Session(engine) as session:
        session.add_all(Designation(account_id=a, is_key=k, changed_on=d) for a, k, d in rows)
        session.commit()


def test_monthly_reads_can_be_limited_to_a_managers_or_the_key_accounts(db):
    # Acme was key and has been demoted; Birch is key today.
    designate(db, (1, True, date(2024, 1, 1)), (1, False, date(2026, 2, 1)),
              (2, True, date(2025, 6, 1)))
    assert rows(store.monthly_engagement(db, key_only=True)) == [(M("2026-03-01"), "qbr", 1)]
    assert rows(store.monthly_engagement(db, manager_id=1)) == [
        (M("2026-01-01"), "call", 1), (M("2026-01-01"), "visit", 2),
        (M("2026-03-01"), "email", 1)]
    assert store.monthly_engagement(db, manager_id=1, key_only=True).empty
    both = store.monthly_engagement(db, manager_id=[1, 2])  # managers may share a name
    assert both["engagements"].sum() == 5 and store.monthly_engagement(db, manager_id=[]).empty
    assert rows(store.monthly_stakeholders_touched(db, key_only=True)) == [(M("2026-03-01"), 1)]


def test_monthly_stakeholders_touched_counts_different_named_people(db):
    assert rows(store.monthly_stakeholders_touched(db)) == [
        (M("2026-01-01"), 2), (M("2026-03-01"), 1)]
    assert rows(store.monthly_stakeholders_touched(db, account_id=1)) == [(M("2026-01-01"), 2)]
    assert rows(store.monthly_stakeholders_touched(db, manager_id=2)) == [(M("2026-03-01"), 1)]
    assert rows(store.monthly_stakeholders_touched(db, by_account=True)) == [
        (1, M("2026-01-01"), 2), (2, M("2026-03-01"), 1)]


def test_load_contact_months_gives_the_last_day_per_person_and_month(db):
    df = store.load_contact_months(db)
    assert rows(df) == [(1, 11, M("2026-01-01"), 2, M("2026-01-20")),
                        (1, 12, M("2026-01-01"), 1, M("2026-01-31")),
                        (2, 21, M("2026-03-01"), 1, M("2026-03-31"))]
    assert rows(store.load_contact_months(db, since=date(2026, 2, 1), account_id=2)) == [
        (2, 21, M("2026-03-01"), 1, M("2026-03-31"))]


TOUCH_COLUMNS = ["account_id", "touches", "previous_touches", "last_touch"]


def test_load_touches_counts_the_window_and_the_one_before(db):
    df = store.load_touches(db, date(2026, 3, 31), 60, kinds=None)
    assert list(df.columns) == [*TOUCH_COLUMNS, "engagements", "previous_engagements"]
    # window [Jan 30, Mar 31]; before [Nov 29, Jan 29]
    assert rows(df[TOUCH_COLUMNS]) == [(1, 2, 2, M("2026-03-02")), (2, 1, 0, M("2026-03-31")),
                                       (3, 0, 1, M("2025-12-31"))]
    # Every account has a row: Birch's only engagement comes after the day (never touched).
    assert rows(store.load_touches(db, date(2026, 1, 10), 30, kinds=None)[TOUCH_COLUMNS]) == [
        (1, 1, 0, M("2026-01-05")), (2, 0, 0, pd.NaT), (3, 1, 0, M("2025-12-31"))]


def test_a_touch_exactly_the_window_ago_is_in_the_window_as_days_since_says(db):
    # Acme's March 2 e-mail is 30 days before April 1: "30 days since the last touch" and one
    # of the touches "in the last 30 days". The window before is Jan 31 - Mar 1 (31 days).
    df = store.load_touches(db, date(2026, 4, 1), 30, kinds=None)
    assert rows(df[TOUCH_COLUMNS]) == [(1, 1, 1, M("2026-03-02")), (2, 1, 0, M("2026-03-31")),
                                       (3, 0, 0, M("2025-12-31"))]


def test_load_touches_counts_real_contact_only_by_default_not_e_mails(db):
    # Acme's March 2 e-mail is not a touch: its window holds only the January 31 call. Its
    # engagements (every kind, for the declining list) still count the e-mail.
    assert rows(store.load_touches(db, date(2026, 3, 31), 60)) == [
        (1, 1, 2, M("2026-01-31"), 2, 2), (2, 1, 0, M("2026-03-31"), 1, 0),
        (3, 0, 1, M("2025-12-31"), 0, 1)]
    # Windows [Mar 1, Mar 31] and [Jan 29, Feb 28]. The last touch is found however far back
    # it lies: Cedar's call is before both windows.
    assert rows(store.load_touches(db, date(2026, 3, 31), 30)) == [
        (1, 0, 1, M("2026-01-31"), 1, 1), (2, 1, 0, M("2026-03-31"), 1, 0),
        (3, 0, 0, M("2025-12-31"), 0, 0)]
    only_mail = store.load_touches(db, date(2026, 3, 31), 60, kinds=["email"])
    assert rows(only_mail[TOUCH_COLUMNS]) == [
        (1, 1, 0, M("2026-03-02")), (2, 0, 0, pd.NaT), (3, 0, 0, pd.NaT)]


def test_monthly_touches_by_account_counts_contact_per_account_and_month_without_kinds(db):
    df = store.monthly_touches_by_account(db)
    assert list(df.columns) == ["account_id", "month", "engagements"]
    assert str(df["month"].dtype) == "datetime64[ns]"
    # Acme: two visits and a call in January; its March e-mail is no touch.
    assert rows(df) == [(1, M("2026-01-01"), 3), (2, M("2026-03-01"), 1),
                        (3, M("2025-12-01"), 1)]
    assert rows(store.monthly_touches_by_account(db, kinds=None)) == [
        (1, M("2026-01-01"), 3), (1, M("2026-03-01"), 1), (2, M("2026-03-01"), 1),
        (3, M("2025-12-01"), 1)]
    assert rows(store.monthly_touches_by_account(db, since=date(2026, 1, 21), account_id=1,
                                                 kinds=None)) == [
        (1, M("2026-01-01"), 1), (1, M("2026-03-01"), 1)]
    assert store.monthly_touches_by_account(db, account_id=99).empty


def test_monthly_touches_by_account_agree_with_the_reads_by_kind(db):
    by_kind = store.monthly_engagement_by_account(db)
    contact = by_kind[by_kind["kind"].isin(eg.CADENCE_KINDS)]
    expected = contact.groupby(["account_id", "month"], as_index=False)["engagements"].sum()
    assert rows(store.monthly_touches_by_account(db)) == rows(expected)


def test_load_account_months_and_one_accounts_engagements(db):
    am = store.load_account_months(db, account_id=1)
    assert rows(am.fillna(-1)) == [(1, M("2026-01-01"), 100.0, 8.5), (1, M("2026-02-01"), 90.0,
                                                                         -1.0)]
    assert len(store.load_account_months(db, since=date(2026, 2, 1))) == 1
    events = store.load_account_engagements(db, 1)
    assert events["engagement_id"].tolist() == [4, 3, 2, 1]  # newest first
    assert events["stakeholder"].fillna("").tolist() == ["", "Ben Ode", "Ann Lee", "Ann Lee"]
    assert events["kind"].tolist() == ["email", "call", "visit", "visit"]


# --- log_engagement --------------------------------------------------------------------------


def test_log_engagement_writes_one_row_and_bumps_the_data_version(db):
    before = store.data_version(db)
    new_id = store.log_engagement(db, 1, date(2026, 3, 10), "meeting", "  Agreed the pilot ",
                                  1, stakeholder_id=12, actor=LOCAL)
    with Session(db) as session:
        row = session.get(Engagement, new_id)
        assert (row.account_id, row.stakeholder_id, row.date, row.kind, row.summary,
                row.sentiment, row.logged_by) == (1, 12, date(2026, 3, 10), "meeting",
                                                  "Agreed the pilot", 1, "local")
    assert store.data_version(db) == before + 1


def test_log_engagement_accepts_today_and_nobody_named(db):
    today = date.today()
    new_id = store.log_engagement(db, 2, today, "Call", "Quick check-in", -2, actor=LOCAL)
    events = store.load_account_engagements(db, 2)
    assert events.iloc[0][["engagement_id", "kind", "sentiment"]].tolist() == [new_id, "call",
                                                                               -2]
    assert pd.isna(events.iloc[0]["stakeholder_id"])


@pytest.mark.parametrize("change, message", [
    ({"date": date(2026, 4, 1)}, "Date: 01 Apr 2026 lies in the future (today is 31 Mar 2026)"),
    ({"date": "yesterday"}, "is not a date"),
    ({"date": date(1, 1, 1)}, "Date: 0001-01-01 is before 1900; is the year right?"),
    ({"date": date(2099, 1, 1)}, "Date: 01 Jan 2099 lies in the future"),
    ({"kind": "lunch"}, "Kind: 'lunch' is not a kind of engagement; use one of: visit, meeting, "
                        "call, qbr, workshop, email"),
    ({"summary": "   "}, "Summary: is empty"),
    ({"summary": "x" * (store.MAX_SUMMARY + 1)}, "Summary: is 5,001 characters long; at most "
                                                 "5,000 fit"),
    ({"summary": "x" * 200_000}, "Summary: is 200,000 characters long; at most 5,000 fit"),
    ({"sentiment": 3}, "Sentiment: '3' is not a sentiment; use a whole number from -2"),
    ({"sentiment": 0.5}, "Sentiment: '0.5' is not a sentiment; use a whole number"),
    ({"stakeholder_id": 21}, "Dan Roe works for another account, not Acme"),
    ({"stakeholder_id": 999}, "there is no stakeholder with id 999"),
    ({"account_id": 99}, "there is no account with id 99"),
])
def test_log_engagement_rejects_bad_input_and_writes_nothing(db, change, message, monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", "2026-03-31")  # not the clock: a run may pass midnight
    args = {"account_id": 1, "date": date(2026, 3, 10), "kind": "visit", "summary": "Visit",
            "sentiment": 0, "stakeholder_id": None} | change
    before = (engagement_count(db), store.data_version(db))
    with pytest.raises(ValueError, match="Nothing was saved") as caught:
        store.log_engagement(db, **args, actor=LOCAL)
    assert isinstance(caught.value, store.EngagementRejected)
    assert any(message in p for p in caught.value.messages), caught.value.messages
    assert (engagement_count(db), store.data_version(db)) == before


def test_log_engagement_lists_every_problem_at_once(db):
    with pytest.raises(store.EngagementRejected) as caught:
        store.log_engagement(db, 1, date(2026, 3, 10), "lunch", "", 7, actor=LOCAL)
    assert len(caught.value.problems) == 3


def test_log_engagement_measures_the_future_from_the_given_today(db):
    with pytest.raises(store.EngagementRejected, match="lies in the future"):
        store.log_engagement(db, 1, date(2026, 3, 11), "visit", "Visit", 0,
                             today=date(2026, 3, 10), actor=LOCAL)


def test_log_engagement_is_refused_in_read_only_mode(db, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    with pytest.raises(store.ReadOnlyError):
        store.log_engagement(db, 1, date(2026, 3, 10), "visit", "Visit", 0, actor=LOCAL)
    assert engagement_count(db) == 6


def test_account_month_rows_are_untouched_by_reads(db):
    with Session(db) as session:
        assert session.exec(select(func.count()).select_from(AccountMonth)).one()[0] == 3


# --- set_cadence -----------------------------------------------------------------------------


def cadence_of(engine, account_id: int):
    value = store.load_accounts(engine).loc[account_id, "cadence_per_quarter"]
    return None if pd.isna(value) else int(value)


def test_set_cadence_agrees_a_cadence_and_none_goes_back_to_the_tier_default(db):
    before = store.data_version(db)
    store.set_cadence(db, 1, 4, actor=LOCAL)
    assert (cadence_of(db, 1), cadence_of(db, 2)) == (4, None)
    assert store.data_version(db) == before + 1
    # no cadence agreed: not behind, cadence left out of health
    store.set_cadence(db, 1, 0, actor=LOCAL)
    assert cadence_of(db, 1) == 0
    store.set_cadence(db, 1, None, actor=LOCAL)
    assert cadence_of(db, 1) is None
    assert store.data_version(db) == before + 3
    store.set_cadence(db, 2, store.MAX_CADENCE_PER_QUARTER, actor=LOCAL)
    assert cadence_of(db, 2) == 90


@pytest.mark.parametrize("value", [-1, 91, 2.5, True, "4", float("nan")])
def test_set_cadence_rejects_what_is_not_a_whole_number_from_0_to_90(db, value):
    store.set_cadence(db, 1, 5, actor=LOCAL)
    before = store.data_version(db)
    with pytest.raises(store.CadenceRejected, match="not a whole number of touches per "
                                                    "quarter from 0 to 90"):
        store.set_cadence(db, 1, value, actor=LOCAL)
    assert (cadence_of(db, 1), store.data_version(db)) == (5, before)


def test_set_cadence_takes_a_whole_float_as_its_number(db):
    store.set_cadence(db, 1, 6.0, actor=LOCAL)
    assert cadence_of(db, 1) == 6


def test_set_cadence_of_an_unknown_account_says_so_and_writes_nothing(db):
    before = store.data_version(db)
    with pytest.raises(store.CadenceRejected, match="there is no account with id 99"):
        store.set_cadence(db, 99, 3, actor=LOCAL)
    assert store.data_version(db) == before


def test_set_cadence_is_refused_in_read_only_mode(db, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    with pytest.raises(store.ReadOnlyError):
        store.set_cadence(db, 1, 3, actor=LOCAL)
    monkeypatch.delenv("KAMDASH_READ_ONLY")
    assert cadence_of(db, 1) is None
