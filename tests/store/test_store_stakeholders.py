"""Stakeholder reads, contact facts in SQL, and the all-or-nothing stakeholder edit."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from kamdash import coverage, store
from kamdash.identity import LOCAL
from kamdash.models import Account, Engagement, Meta, Stakeholder

AS_OF = date(2026, 6, 30)
FRIENDLY = ("row 2, column Stance: 'friendly' is not a stance; use enemy, non-supporter, "
            "neutral, supporter, mentor (or -2 to +2)")


def seed(engine) -> None:
    store.replace_all(engine, {
        Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt")],
        Stakeholder: [
            dict(id=1, account_id=1, name="Ann Berg", title="CEO", department="Board",
                 roles="decision_maker", influence="high", stance=1, email="ann@acme.example"),
            dict(id=2, account_id=1, name="Ben Cole", title="Buyer", department="Procurement",
                 roles="buyer;influencer", influence="medium", stance=0, reports_to_id=1),
            dict(id=3, account_id=2, name="Cy Dahl", roles="user", influence="low", stance=-1,
                 active=False),
        ],
        Engagement: [
            dict(id=1, account_id=1, stakeholder_id=1, date=date(2026, 6, 1), kind="call"),
            dict(id=2, account_id=1, stakeholder_id=1, date=date(2026, 1, 5), kind="visit"),
            dict(id=3, account_id=1, stakeholder_id=2, date=date(2026, 2, 1), kind="call"),
            dict(id=4, account_id=1, stakeholder_id=None, date=date(2026, 6, 20), kind="email"),
            dict(id=5, account_id=2, stakeholder_id=3, date=date(2026, 7, 2), kind="call"),
        ],
    })


def snapshot(engine) -> dict:
    with engine.connect() as conn:
        return {t.__tablename__: sorted(map(tuple, conn.execute(select(t.__table__)).all()),
                                        key=repr)
                for t in (Stakeholder, Engagement, Meta)}


def people(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(Stakeholder.id, Stakeholder.account_id, Stakeholder.name, Stakeholder.title,
                   Stakeholder.department, Stakeholder.roles, Stakeholder.influence,
                   Stakeholder.stance, Stakeholder.reports_to_id, Stakeholder.email,
                   Stakeholder.active).order_by(Stakeholder.id)).all()]


def records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def edit(*rows) -> pd.DataFrame:
    """(stakeholder_id, name, title, department, roles, influence, stance, reports_to, email,
    active) as the page's editor hands them over."""
    return pd.DataFrame(rows, columns=["stakeholder_id", *store.STAKEHOLDER_EDIT_COLUMNS])


ANN = (1, "Ann Berg", "CEO", "Board", ["decision_maker"], "high", "supporter", None,
       "ann@acme.example", True)
BEN = (2, "Ben Cole", "Buyer", "Procurement", ["buyer", "influencer"], "medium", "neutral",
       "Ann Berg", None, True)


# --- reads ---------------------------------------------------------------------------------


def test_load_stakeholders_of_one_account_with_their_managers_name(engine):
    seed(engine)
    got = store.load_stakeholders(engine, 1)
    assert records(got.drop(columns=["reports_to_id"])) == [
        dict(stakeholder_id=1, account_id=1, name="Ann Berg", title="CEO", department="Board",
             roles="decision_maker", influence="high", stance=1, reports_to=None,
             email="ann@acme.example", active=True),
        dict(stakeholder_id=2, account_id=1, name="Ben Cole", title="Buyer",
             department="Procurement", roles="buyer;influencer", influence="medium", stance=0,
             reports_to="Ann Berg", email=None, active=True),
    ]
    assert got["reports_to_id"].tolist() == [pd.NA, 1]


def test_load_stakeholders_of_all_accounts(engine):
    seed(engine)
    got = store.load_stakeholders(engine)
    assert got[["stakeholder_id", "account_id", "active"]].values.tolist() == [
        [1, 1, True], [2, 1, True], [3, 2, False]]


def test_load_contacts_groups_engagements_up_to_as_of_per_person_in_sql(engine):
    seed(engine)
    got = store.load_contacts(engine, AS_OF, recent_days=90)
    window = [pd.Timestamp(AS_OF), 90]  # what the counts mean travels with them
    assert got.astype(object).where(got.notna(), None).values.tolist() == [
        [1, 1, pd.Timestamp("2026-06-01"), 1, *window],
        [1, 2, pd.Timestamp("2026-02-01"), 0, *window],
        [1, None, pd.Timestamp("2026-06-20"), 1, *window],
    ]


def test_load_contacts_needs_the_window_to_be_named():
    import inspect

    window = inspect.signature(store.load_contacts).parameters["recent_days"]
    assert window.default is inspect.Parameter.empty  # no second home for the 90 days


def test_load_contacts_matches_the_pandas_contact_summary(engine):
    seed(engine)
    with engine.connect() as conn:
        raw = pd.read_sql(select(Engagement.account_id, Engagement.stakeholder_id,
                                 Engagement.date), conn)
    key = ["account_id", "stakeholder_id"]
    for recent in (30, 200):
        sql = store.load_contacts(engine, AS_OF, recent).sort_values(key, ignore_index=True)
        pandas = coverage.contact_summary(raw, AS_OF, recent).sort_values(key, ignore_index=True)
        pd.testing.assert_frame_equal(sql, pandas)


def test_load_contacts_of_one_account(engine):
    seed(engine)
    got = store.load_contacts(engine, date(2026, 12, 31), coverage.STALE_DAYS, account_id=2)
    assert got[["account_id", "stakeholder_id"]].values.tolist() == [[2, 3]]


# --- the edit ------------------------------------------------------------------------------


def test_save_adds_edits_and_deletes_in_one_go_and_bumps_the_version(engine):
    seed(engine)
    before = store.data_version(engine)
    result = store.save_stakeholders(engine, 1, edit(
        (1, "Ann Berg", "Chief Executive", "Board", ["Approver", "Champion"], "High", 2, None,
         "ANN@acme.example", True),
        (None, "Dora Eck", None, "  Operations ", "End User; Evaluator", None, None,
         "ann berg", None, None),
    ), actor=LOCAL)
    assert (result.added, result.updated, result.deleted) == (1, 1, 1)
    assert str(result) == "1 added, 1 changed, 1 deleted"
    new_id = people(engine)[-1][0]
    assert people(engine) == [
        (1, 1, "Ann Berg", "Chief Executive", "Board", "decision_maker;ambassador", "high", 2,
         None, "ann@acme.example", True),
        (3, 2, "Cy Dahl", None, None, "user", "low", -1, None, None, False),
        (new_id, 1, "Dora Eck", None, "Operations", "influencer;user", "medium", 0, 1, None,
         True),
    ]
    assert store.data_version(engine) == before + 1


def test_deleting_a_person_keeps_their_engagements_without_a_name(engine):
    seed(engine)
    store.save_stakeholders(engine, 1, edit(ANN), actor=LOCAL)
    with engine.connect() as conn:
        rows = conn.execute(select(Engagement.id, Engagement.stakeholder_id)
                            .order_by(Engagement.id)).all()
    assert [tuple(r) for r in rows] == [(1, 1), (2, 1), (3, None), (4, None), (5, 3)]


def test_a_rejected_stance_saves_nothing_and_names_row_and_column(engine):
    seed(engine)
    before = snapshot(engine)
    bad = edit(ANN, (*BEN[:6], "friendly", *BEN[7:]))
    with pytest.raises(store.StakeholderEditRejected) as err:
        store.save_stakeholders(engine, 1, bad, actor=LOCAL)
    assert err.value.messages == [FRIENDLY]
    assert isinstance(err.value, ValueError)
    assert snapshot(engine) == before


def test_every_problem_of_an_edit_is_listed_and_nothing_is_written(engine):
    seed(engine)
    before = snapshot(engine)
    bad = edit(
        (1, "Ann Berg", None, None, ["Boss"], "huge", "friendly", "Nobody", "not-an-email",
         "maybe"),
        (2, "  ", None, None, [], None, None, None, None, True),
        (None, "ann berg", None, None, "", None, None, "ann berg", None, True),
        (None, "Eve", "x" * 201, None, "", None, None, "Finn", None, True),
        (None, "Finn", None, None, "", None, None, "Eve", None, True),
    )
    with pytest.raises(store.StakeholderEditRejected) as err:
        store.save_stakeholders(engine, 1, bad, actor=LOCAL)
    assert err.value.messages == [
        "row 1, column Roles: 'Boss' is not a buying role; use buyer, user, decision maker, "
        "influencer or ambassador (CRM words such as Economic Buyer, End User, Approver, "
        "Evaluator or Champion work too)",
        "row 1, column Influence: 'huge' is not an influence level; use low, medium or high",
        "row 1, column Stance: 'friendly' is not a stance; use enemy, non-supporter, neutral, "
        "supporter, mentor (or -2 to +2)",
        "row 1, column Email: 'not-an-email' is not an email address",
        "row 1, column Active: 'maybe' is not yes or no",
        "row 1, column Reports to: 'Nobody' is not a stakeholder of this account; add them as "
        "a row of their own, or leave it empty",
        "row 2, column Name: is empty; every stakeholder needs a name",
        "row 3, column Name: 'ann berg' is already row 1; names must be unique within the "
        "account",
        "row 4, column Title: is 201 characters long; at most 200 fit",
        "row 4, column Reports to: the reporting line runs in a circle back to 'Eve'",
        "row 5, column Reports to: the reporting line runs in a circle back to 'Finn'",
    ]
    assert snapshot(engine) == before


@pytest.mark.parametrize("row, problem", [
    ((None, "\u200b", None, None, "", None, None, None, None, True),
     r"row 3, column Name: '\u200b' has no visible characters; type the name"),
    ((None, "Eve", None, None, "", None, None, None, "<b>x</b>@evil.example", True),
     "row 3, column Email: '<b>x</b>@evil.example' is not an email address"),
    ((None, "ANN  BERG", None, None, "", None, None, None, None, True),
     "row 3, column Name: 'ANN BERG' is already row 1; names must be unique within the "
     "account"),
    ((None, "Eve", None, "x" * 201, "", None, None, None, None, True),
     "row 3, column Department: is 201 characters long; at most 200 fit"),
])
def test_the_editor_applies_the_field_rules_of_the_importer(engine, row, problem):
    seed(engine)
    before = snapshot(engine)
    with pytest.raises(store.Rejected) as err:
        store.save_stakeholders(engine, 1, edit(ANN, BEN, row), actor=LOCAL)
    assert err.value.messages == [problem]
    assert snapshot(engine) == before


def test_deleting_a_manager_whose_reports_still_name_them_says_so(engine):
    seed(engine)
    before = snapshot(engine)
    with pytest.raises(store.StakeholderEditRejected) as err:
        # Ann deleted, Ben still reports to her
        store.save_stakeholders(engine, 1, edit(BEN), actor=LOCAL)
    assert err.value.messages == [
        "row 1, column Reports to: 'Ann Berg' is being removed in this save; choose another "
        "manager or leave it empty"]
    assert snapshot(engine) == before


def test_renaming_a_manager_whose_reports_still_name_them_says_the_new_name(engine):
    seed(engine)
    before = snapshot(engine)
    with pytest.raises(store.StakeholderEditRejected) as err:
        store.save_stakeholders(engine, 1, edit((1, "Ann Lind", *ANN[2:]), BEN), actor=LOCAL)
    assert err.value.messages == [
        "row 2, column Reports to: 'Ann Berg' is being renamed to 'Ann Lind' in this save; "
        "choose the new name"]
    assert snapshot(engine) == before


def test_deleting_a_manager_and_clearing_their_reports_line_saves(engine):
    seed(engine)
    result = store.save_stakeholders(engine, 1, edit((*BEN[:7], None, *BEN[8:])), actor=LOCAL)
    assert (result.deleted, result.updated) == (1, 1)
    assert [(p[0], p[8]) for p in people(engine)] == [(2, None), (3, None)]


def test_a_person_cannot_report_to_themselves(engine):
    seed(engine)
    with pytest.raises(store.StakeholderEditRejected) as err:
        store.save_stakeholders(engine, 1, edit(ANN, (*BEN[:7], "ben cole", *BEN[8:])), actor=LOCAL)
    assert err.value.messages == [
        "row 2, column Reports to: a person cannot report to themselves"]


def test_someone_elses_stakeholder_or_a_vanished_one_is_rejected(engine):
    seed(engine)
    before = snapshot(engine)
    cy = (3, "Cy Dahl", None, None, [], "low", "neutral", None, None, True)
    gone = (99, "Zoe", None, None, [], "low", "neutral", None, None, True)
    with pytest.raises(store.StakeholderEditRejected) as err:
        store.save_stakeholders(engine, 1, edit(ANN, cy, gone, (*ANN[:1], "Ann Two", *ANN[2:])),
                                actor=LOCAL)
    assert err.value.messages == [
        "row 2: this person is no longer saved for this account (changed elsewhere "
        "meanwhile?); reload the page and try again",
        "row 3: this person is no longer saved for this account (changed elsewhere "
        "meanwhile?); reload the page and try again",
        "row 4: the same person as row 1",
    ]
    assert snapshot(engine) == before


def test_an_unknown_account_is_rejected(engine):
    seed(engine)
    with pytest.raises(store.StakeholderEditRejected) as err:
        store.save_stakeholders(engine, 42, edit(), actor=LOCAL)
    assert err.value.messages == ["there is no account with id 42"]


def test_two_people_can_swap_names_and_a_new_person_can_report_to_another_new_one(engine):
    seed(engine)
    store.save_stakeholders(engine, 1, edit(
        (1, "Ben Cole", *ANN[2:]), (2, "Ann Berg", *BEN[2:7], "Ben Cole", *BEN[8:]),
        (None, "Gil", None, None, "", None, None, "Hana", None, True),
        (None, "Hana", None, None, "", None, None, None, None, True),
    ), actor=LOCAL)
    rows = {r[2]: r for r in people(engine) if r[1] == 1}
    assert (rows["Ben Cole"][0], rows["Ann Berg"][0]) == (1, 2)
    assert rows["Ann Berg"][8] == 1
    assert rows["Gil"][8] == rows["Hana"][0]


def test_saving_the_table_unchanged_changes_nothing(engine):
    seed(engine)
    before = snapshot(engine)
    result = store.save_stakeholders(engine, 1, edit(ANN, BEN), actor=LOCAL)
    assert not result.changed
    assert snapshot(engine) == before


def test_a_missing_column_is_a_problem_not_a_crash():
    clean, problems = store.validate_stakeholder_edits(pd.DataFrame({"name": ["Ann"]}))
    assert [str(p) for p in problems] == [
        "the table has no column stakeholder_id, title, department, roles, influence, stance, "
        "reports_to, email, active"]


def test_read_only_mode_refuses_the_edit(engine, monkeypatch):
    seed(engine)
    before = snapshot(engine)
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    with pytest.raises(store.ReadOnlyError):
        store.save_stakeholders(engine, 1, edit(ANN), actor=LOCAL)
    assert snapshot(engine) == before


def test_the_same_roles_in_another_order_are_no_change(engine):
    seed(engine)
    before = snapshot(engine)
    result = store.save_stakeholders(engine, 1, edit(ANN, (*BEN[:4], ["Evaluator", "buyer"],
                                                          *BEN[5:])), actor=LOCAL)
    assert not result.changed
    assert snapshot(engine) == before
