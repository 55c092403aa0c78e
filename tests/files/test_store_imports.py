"""kamdash.store imports and exports: upsert by natural key in one transaction, all or nothing,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import TODAY, imp, rejected, rows_of, snapshot
from sqlalchemy import select

from kamdash import io, store
from kamdash.models import (
    Account,
    Designation,
    Engagement,
    Manager,
    Rating,
    Stakeholder,
)

ACCOUNTS = (
    "name,industry,employees,annual_revenue,customer_since,kam_email,is_key\n"
    "Acme,Steel,1200,1000.5,2020-01-02,ann.berg@x.com,yes\n"
    "Bolt,Retail,12,,,,no\n"
)














# --- accounts ------------------------------------------------------------------------------


def test_accounts_are_added_then_the_same_file_changes_nothing(engine):
    assert imp(engine, "accounts", ACCOUNTS) == store.ImportResult("accounts", 2, 0, 0, 1)
    version = store.data_version(engine)
    before = snapshot(engine)
    assert imp(engine, "accounts", ACCOUNTS) == store.ImportResult("accounts", 0, 0, 2, 0)
    assert snapshot(engine) == before
    assert store.data_version(engine) == version
    accounts = store.load_accounts(engine).set_index("name")
    assert accounts.loc["Acme", ["industry", "employees", "annual_revenue", "manager", "is_key"]
                        ].tolist() == ["Steel", 1200, 1000.5, "Ann Berg", True]
    assert accounts.loc["Acme", "customer_since"].date() == date(2020, 1, 2)


def test_only_rows_whose_values_changed_count_as_updated(engine):
    imp(engine, "accounts", ACCOUNTS)
    version = store.data_version(engine)
    result = imp(engine, "accounts", ACCOUNTS.replace("Retail,12", "Retail,15") + "Cord,,,,,,\n")
    assert result == store.ImportResult("accounts", 1, 1, 1)
    assert store.data_version(engine) == version + 1
    assert rows_of(engine, Account, "name", "employees") == [("Acme", 1200), ("Bolt", 15),
                                                             ("Cord", None)]


def test_a_column_left_out_keeps_what_is_saved_and_a_blank_cell_clears_it(engine):
    imp(engine, "accounts", ACCOUNTS)
    assert imp(engine, "accounts", "name,city\nAcme,Berlin\n").updated == 1
    assert rows_of(engine, Account, "name", "industry", "city") == [
        ("Acme", "Steel", "Berlin"), ("Bolt", "Retail", None)]
    imp(engine, "accounts", "name,industry\nAcme,\n")
    assert rows_of(engine, Account, "name", "industry", "city") == [
        ("Acme", None, "Berlin"), ("Bolt", "Retail", None)]


def test_an_unknown_kam_email_creates_that_manager_a_known_one_is_reused(engine):
    imp(engine, "accounts", ACCOUNTS)
    result = imp(engine, "accounts",
                 "name,kam_email\nBolt,ANN.BERG@x.com\nCord,li-wei_chen@y.org\n")
    assert result == store.ImportResult("accounts", 1, 1, 0, 1)
    assert rows_of(engine, Manager, "name", "email", "role") == [
        ("Ann Berg", "ann.berg@x.com", "kam"), ("Li Wei Chen", "li-wei_chen@y.org", "kam")]
    assert store.load_accounts(engine).set_index("name")["manager"].to_dict() == {
        "Acme": "Ann Berg", "Bolt": "Ann Berg", "Cord": "Li Wei Chen"}


def test_a_changed_key_status_writes_a_designation_and_a_blank_one_keeps_it(engine):
    imp(engine, "accounts", ACCOUNTS)
    assert rows_of(engine, Designation, "is_key", "changed_on", "reason") == [
        (True, TODAY, "imported from file")]  # Bolt was not key and stays so: no row
    assert imp(engine, "accounts", "name,is_key\nAcme,\nBolt,yes\n").updated == 1
    assert imp(engine, "accounts", "name,is_key\nAcme,no\nBolt,yes\n").updated == 1
    assert store.load_accounts(engine).set_index("name")["is_key"].to_dict() == {
        "Acme": False, "Bolt": True}
    assert len(rows_of(engine, Designation, "id")) == 3


# --- ratings -------------------------------------------------------------------------------


def test_ratings_upsert_by_account_criterion_and_date_keeping_history(engine):
    imp(engine, "accounts", ACCOUNTS)
    head = "account,criterion,value,rated_on,rated_by\n"
    assert imp(engine, "ratings", head + "Acme,solvency,6,2025-01-01,Ann\n"
                                         "Acme,Solvency,8,2025-06-01,Ann\n").added == 2
    result = imp(engine, "ratings", head + "Acme,solvency,7,2025-06-01,Ann\n"
                                           "Bolt,tenure,3,2025-06-01,\n")
    assert result == store.ImportResult("ratings", 1, 1, 0)
    assert rows_of(engine, Rating, "account_id", "criterion", "value", "rated_on") == [
        (1, "solvency", 6, date(2025, 1, 1)), (1, "solvency", 7, date(2025, 6, 1)),
        (2, "tenure", 3, date(2025, 6, 1))]
    assert store.load_ratings(engine).loc[1, "solvency"] == 7


def test_unknown_accounts_are_listed_per_line_and_nothing_is_written(engine):
    imp(engine, "accounts", ACCOUNTS)
    assert rejected(engine, "ratings", "account,criterion,value,rated_on\n"
                                       "Acme,solvency,6,2025-01-01\n"
                                       "ACME,tenure,6,2025-01-01\n"
                                       "Zed,tenure,6,2025-01-01\n") == [
        "line 3, column account: no account named 'ACME' (did you mean 'Acme'?)",
        "line 4, column account: no account named 'Zed'; import it in an accounts file first",
    ]


def test_a_file_with_one_bad_row_writes_none_of_the_good_ones(engine):
    imp(engine, "accounts", ACCOUNTS)
    assert rejected(engine, "accounts", "name,employees\nNew one,5\nBolt,many\n") == [
        "line 3, column employees: 'many' is not a number"]


# --- stakeholders --------------------------------------------------------------------------

PEOPLE = (
    "account,name,title,roles,influence,stance,reports_to,email\n"
    "Acme,Jonas Weber,Head of Maintenance,End User; Champion,medium,mentor,Katrin Vogel,\n"
    "Acme,Katrin Vogel,CFO,Economic Buyer|decision maker,High,1,,k@acme.example\n"
    "Bolt,Katrin Vogel,Owner,,,,,\n"
)


def test_stakeholders_get_canonical_roles_and_their_manager_even_listed_later(engine):
    imp(engine, "accounts", ACCOUNTS)
    assert imp(engine, "stakeholders", PEOPLE) == store.ImportResult("stakeholders", 3, 0, 0)
    with engine.connect() as conn:
        people = conn.execute(select(
            Stakeholder.account_id, Stakeholder.name, Stakeholder.roles, Stakeholder.influence,
            Stakeholder.stance, Stakeholder.reports_to_id, Stakeholder.id,
        ).order_by(Stakeholder.account_id, Stakeholder.name)).all()
    ids = {(a, n): i for a, n, *_, i in people}
    assert [tuple(p[:6]) for p in people] == [
        (1, "Jonas Weber", "user;ambassador", "medium", 2, ids[(1, "Katrin Vogel")]),
        (1, "Katrin Vogel", "decision_maker;buyer", "high", 1, None),
        (2, "Katrin Vogel", "", "medium", 0, None),
    ]
    assert imp(engine, "stakeholders", PEOPLE) == store.ImportResult("stakeholders", 0, 0, 3)


def test_a_changed_manager_or_stance_updates_only_that_person(engine):
    imp(engine, "accounts", ACCOUNTS)
    imp(engine, "stakeholders", PEOPLE)
    changed = PEOPLE.replace("mentor,Katrin Vogel", "supporter,")
    assert imp(engine, "stakeholders", changed) == store.ImportResult("stakeholders", 0, 1, 2)
    assert rows_of(engine, Stakeholder, "name", "stance", "reports_to_id") == [
        ("Jonas Weber", 1, None), ("Katrin Vogel", 0, None), ("Katrin Vogel", 1, None)]


def test_unknown_roles_and_managers_are_listed_together_and_nothing_is_written(engine):
    imp(engine, "accounts", ACCOUNTS)
    assert rejected(engine, "stakeholders", "account,name,roles,reports_to\n"
                                            "Acme,Ann,Economic Buyer; Wizard,\n"
                                            "Acme,Bob,,Nobody\n"
                                            "Acme,Cy,,Cy\n"
                                            "Bolt,Dee,,Ann\n"
                                            "Acme,Eve,,Ann\n") == [
        "line 2, column roles: 'Wizard' is not a buying role; use buyer, user, decision maker, "
        "influencer or ambassador (CRM words such as Economic Buyer, End User, Approver, "
        "Evaluator or Champion work too)",
        "line 3, column reports_to: no stakeholder named 'Nobody' at 'Acme'",
        "line 4, column reports_to: a person cannot report to themselves",
        "line 5, column reports_to: no stakeholder named 'Ann' at 'Bolt'",
    ]  # Eve reports to Ann, whose row is wrong but names her: fixing line 2 is enough
    assert rejected(engine, "stakeholders", "account,name,reports_to\n"
                                            "Acme,Bob,Nobody\nAcme,Cy,Cy\nBolt,Dee,Bob\n") == [
        "line 2, column reports_to: no stakeholder named 'Nobody' at 'Acme'",
        "line 3, column reports_to: a person cannot report to themselves",
        "line 4, column reports_to: no stakeholder named 'Bob' at 'Bolt'",
    ]


# --- engagements ---------------------------------------------------------------------------


def test_engagements_upsert_by_their_natural_key_and_only_sentiment_updates(engine):
    imp(engine, "accounts", ACCOUNTS)
    head = "account,stakeholder,date,kind,summary,sentiment\n"
    text = head + "Acme,,2025-01-01,visit,Plant tour,1\nAcme,,2025-01-01,visit,,0\n" \
                  "Bolt,,2025-01-02,Call,Price,-1\n"
    assert imp(engine, "engagements", text).added == 3
    assert imp(engine, "engagements", text) == store.ImportResult("engagements", 0, 0, 3)
    result = imp(engine, "engagements", text.replace("Price,-1", "Price,-2"))
    assert result == store.ImportResult("engagements", 0, 1, 2)
    assert rows_of(engine, Engagement, "account_id", "kind", "summary", "sentiment") == [
        (1, "visit", "", 0), (1, "visit", "Plant tour", 1), (2, "call", "Price", -2)]


def test_engagements_with_an_unknown_stakeholder_are_rejected(engine):
    imp(engine, "accounts", ACCOUNTS)
    assert rejected(engine, "engagements", "account,stakeholder,date,kind\n"
                                           "Acme,Nobody,2025-01-01,call\n"
                                           "Zed,,2025-01-01,call\n") == [
        "line 2, column stakeholder: no stakeholder named 'Nobody' at 'Acme'; import them in a "
        "stakeholders file first",
        "line 3, column account: no account named 'Zed'; import it in an accounts file first",
    ]


# --- progress, export, round trip ----------------------------------------------------------


def test_progress_rises_to_one_in_batches_for_a_large_import(engine):
    imp(engine, "accounts", ACCOUNTS)
    text = "account,date,kind,summary\n" + "".join(
        f"Acme,2025-01-01,call,call {i}\n" for i in range(2500))
    seen: list[float] = []
    assert imp(engine, "engagements", text, progress=seen.append).added == 2500
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 4
    assert all(0 < f <= 1 for f in seen)


def test_nothing_to_import_reports_zero_and_keeps_the_version(engine):
    version = store.data_version(engine)
    assert imp(engine, "accounts", "name,city\n") == store.ImportResult("accounts")
    assert store.data_version(engine) == version


def test_export_has_the_documented_columns_and_reimporting_it_changes_nothing(engine):
    imp(engine, "accounts", ACCOUNTS)
    imp(engine, "stakeholders", PEOPLE)
    imp(engine, "ratings", "account,criterion,value,rated_on,rated_by\n"
                           "Acme,solvency,6,2025-01-01,Ann\nBolt,tenure,3,2025-06-01,\n")
    imp(engine, "engagements", "account,date,kind,summary,sentiment\n"
                               "Acme,2025-01-01,visit,\"Tour; then lunch, long\",1\n")
    before = snapshot(engine)
    for kind in io.KINDS:
        frame = store.export_rows(engine, kind)
        assert list(frame.columns) == list(io.column_names(kind))
        for fmt in ("csv", "xlsx"):
            data = io.to_bytes(kind, frame, f"x.{fmt}")
            result = store.import_file(engine, kind, data, f"x.{fmt}", today=TODAY)
            assert (result.added, result.updated, result.unchanged) == (0, 0, len(frame))
    assert snapshot(engine) == before
    assert store.export_rows(engine, "accounts").to_dict("records")[0] == dict(
        name="Acme", industry="Steel", country=None, city=None, employees=1200,
        annual_revenue=1000.5, customer_since=date(2020, 1, 2), kam_email="ann.berg@x.com",
        is_key=True, cadence_per_quarter=None)
    assert io.to_csv("stakeholders", store.export_rows(engine, "stakeholders")).decode() \
        .splitlines()[1] == ("Acme,Jonas Weber,Head of Maintenance,,User; Ambassador,medium,"
                             "mentor,Katrin Vogel,")


def test_export_of_an_empty_database_is_a_header_only_file(engine):
    for kind in io.KINDS:
        assert io.to_csv(kind, store.export_rows(engine, kind)).decode() == (
            ",".join(io.column_names(kind)) + "\n")


def test_the_sample_files_import_cleanly_into_an_empty_database_in_order(engine):
    from pathlib import Path

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    for kind in io.KINDS:
        data = (samples / f"{kind}.csv").read_bytes()
        result = store.import_file(engine, kind, data, f"{kind}.csv", today=TODAY)
        assert result.added > 0 and result.updated == 0
        assert store.import_file(engine, kind, data, f"{kind}.csv").changed is False
    cadence = store.load_accounts(engine).set_index("name")["cadence_per_quarter"]
    assert cadence.dropna().to_dict() == {"Alpenrot Maschinenbau": 8}  # the rest: the default


# --- never a partial write -----------------------------------------------------------------

_CELLS = st.sampled_from(["", "Acme", "Bolt", "Zed", "solvency", "tenure", "7", "0", "11", "x",
                          "2025-01-31", "2025-02-30", "31/01/2025", "1,234", "yes", "call",
                          "Ann Berg", "-1", "3", "a@b.co", "Economic Buyer", "high", "mentor"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(io.KINDS),
       table=st.lists(st.lists(_CELLS, min_size=3, max_size=9), min_size=1, max_size=6))
def test_random_rows_are_either_imported_whole_or_rejected_leaving_the_db_as_it_was(
        engine, kind, table):
    if not rows_of(engine, Account, "id"):
        imp(engine, "accounts", ACCOUNTS)
    text = ",".join(io.column_names(kind)) + "\n" + "\n".join(",".join(r) for r in table) + "\n"
    before = snapshot(engine)
    try:
        result = imp(engine, kind, text)
    except io.ImportRejected as exc:
        assert exc.problems and snapshot(engine) == before
    else:
        assert (snapshot(engine) != before) == result.changed
