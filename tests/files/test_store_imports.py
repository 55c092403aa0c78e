"""kamdash.store.imports on SQLite and PostgreSQL: upsert by natural key in one transaction,
all or nothing; one rejection lists every problem of a file (its format and what only the
database knows); the export is a complete copy that imports back unchanged (repeated rows
matched count by count); the audit trail, the actor and the day; progress for both phases."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import TODAY, imp, rejected, rows_of, snapshot
from sqlalchemy import select

from kamdash import files, store
from kamdash import settings as kamdash_settings
from kamdash.identity import LOCAL, Actor, Refused, UserRole
from kamdash.models import (
    Account,
    AuditEntry,
    Designation,
    Engagement,
    Manager,
    Rating,
    Stakeholder,
)

DAY = date(2025, 1, 1)
TWO_ACCOUNTS = "name,industry\nAcme,Steel\nBolt,Retail\n"
CRITERIA = ("product_fit, avg_transaction_size, revenue_potential, purchase_process, "
            "partnership, tenure, solvency, existing_relationships, cultural_fit, "
            "geographic_fit, strategic_value")


def counts(result: store.ImportResult) -> tuple[int, int, int]:
    return result.added, result.updated, result.unchanged


def seed(engine, engagements=(), ratings=()) -> None:
    """Acme (1) with Ann (1) and Bob (2), Bolt (2); then the given rows, as a CRM or the app
    may have saved them (repeats included)."""
    store.replace_all(engine, {
        Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt")],
        Stakeholder: [dict(id=1, account_id=1, name="Ann"), dict(id=2, account_id=1, name="Bob")],
        Engagement: [dict(id=i, account_id=1, date=DAY, kind="call", **e)
                     for i, e in enumerate(engagements, start=1)],
        Rating: [dict(id=i, account_id=1, criterion="solvency", rated_on=DAY, **r)
                 for i, r in enumerate(ratings, start=1)],
    })


def export_and_reimport(engine, kind: str) -> list[tuple[int, int, int]]:
    """Export ``kind`` as CSV and as Excel and import each back: the counts of each import."""
    frame = store.export_rows(engine, kind)
    results = []
    for fmt in ("csv", "xlsx"):
        data = files.to_bytes(kind, frame, f"x.{fmt}")
        results.append(counts(store.import_file(engine, kind, data, f"x.{fmt}", today=TODAY)))
    return results


def test_format_and_database_problems_are_listed_together_sorted_by_line(engine):
    imp(engine, "accounts", TWO_ACCOUNTS)
    assert rejected(engine, "ratings", "account,criterion,value,rated_on\n"
                                       "Zed,solvency,6,2025-01-01\n"
                                       "Acme,solvency,11,2025-01-01\n"
                                       "Yon,charm,6,2025-01-01\n"
                                       "Acme,tenure,6,2025-01-01\n") == [
        "line 2, column account: no account named 'Zed'; import it in an accounts file first",
        "line 3, column value: '11' is outside 1 to 10",
        "line 4, column account: no account named 'Yon'; import it in an accounts file first",
        f"line 4, column criterion: 'charm' is not a criterion; use one of: {CRITERIA}",
    ]


def test_an_engagements_file_lists_bad_lines_kinds_and_unknown_people_at_once(engine):
    seed(engine)
    assert rejected(engine, "engagements", "account,stakeholder,date,kind,summary\n"
                                           'Acme,"Ann" x,2025-01-01,call,\n'
                                           "Acme,Nobody,2025-01-02,phone,\n"
                                           "Bolt,Ann,2025-01-03,call,\n"
                                           "Acme,Bob,2025-01-04,call,fine\n") == [
        "line 2: text after the closing quote of a quoted value ('x,2025-01-01,call,'); put "
        'the whole value inside the quotes and double any quote in it ("")',
        "line 3, column stakeholder: no stakeholder named 'Nobody' at 'Acme'; import them in "
        "a stakeholders file first",
        "line 3, column kind: 'phone' is not a kind of engagement; use one of: visit, meeting, "
        "call, qbr, workshop, email",
        "line 4, column stakeholder: no stakeholder named 'Ann' at 'Bolt'; import them in a "
        "stakeholders file first",
    ]


def test_a_repeated_row_with_an_unknown_account_is_named_on_every_line(engine):
    imp(engine, "accounts", TWO_ACCOUNTS)
    assert rejected(engine, "stakeholders", "account,name\nZed,Ann\nZed,Ann\n") == [
        "line 2, column account: no account named 'Zed'; import it in an accounts file first",
        "line 3, column account: no account named 'Zed'; import it in an accounts file first",
    ]


def test_check_file_lists_every_problem_without_writing(engine):
    imp(engine, "accounts", TWO_ACCOUNTS)
    parsed = files.parse("ratings", b"account,criterion,value,rated_on\nZed,solvency,0,2025-01-01\n"
                                 b"Acme,solvency,5,2025-01-01\n", "r.csv")
    before = snapshot(engine)
    assert [str(p) for p in store.check_file(engine, parsed)] == [
        "line 2, column account: no account named 'Zed'; import it in an accounts file first",
        "line 2, column value: '0' is outside 1 to 10",
    ]
    assert snapshot(engine) == before
    good = files.parse("ratings", b"account,criterion,value,rated_on\nAcme,solvency,5,2025-01-01\n",
                    "r.csv")
    assert store.check_file(engine, good) == []


def test_the_rejection_shows_fifty_problems_and_counts_all_of_them(engine):
    imp(engine, "accounts", TWO_ACCOUNTS)
    text = "account,criterion,value,rated_on\n" + "".join(
        f"Zed,solvency,5,2025-01-{d:02d}\nAcme,solvency,0,2025-01-{d:02d}\n" for d in range(1, 31))
    with pytest.raises(files.Rejected) as exc:
        imp(engine, "ratings", text)
    message = str(exc.value).splitlines()
    assert message[0] == "The file was not imported: 60 problems found."
    assert message[1:3] == [
        "line 2, column account: no account named 'Zed'; import it in an accounts file first",
        "line 3, column value: '0' is outside 1 to 10"]
    assert len(message) == 1 + 50 + 1
    assert message[-1] == "... and 10 more (showing the first 50 of 60)."


def test_export_includes_identical_engagements_and_importing_it_back_changes_nothing(engine):
    seed(engine, engagements=[
        dict(stakeholder_id=1, summary="Check-in", sentiment=1),
        dict(stakeholder_id=1, summary="Check-in", sentiment=1),
        dict(stakeholder_id=None, summary="Check-in", sentiment=1),
        dict(stakeholder_id=1, summary="Check-in", sentiment=-1),
    ])
    frame = store.export_rows(engine, "engagements")
    assert files.to_csv("engagements", frame).decode().splitlines()[1:] == [
        "Acme,Ann,2025-01-01,call,Check-in,1", "Acme,Ann,2025-01-01,call,Check-in,1",
        "Acme,,2025-01-01,call,Check-in,1", "Acme,Ann,2025-01-01,call,Check-in,-1"]
    before = snapshot(engine)
    assert export_and_reimport(engine, "engagements") == [(0, 0, 4), (0, 0, 4)]
    assert snapshot(engine) == before


def test_export_includes_two_ratings_of_one_day_and_importing_it_back_changes_nothing(engine):
    seed(engine, ratings=[dict(value=5), dict(value=5), dict(value=7)])
    assert store.export_rows(engine, "ratings")["value"].tolist() == [5, 5, 7]
    before = snapshot(engine)
    assert export_and_reimport(engine, "ratings") == [(0, 0, 3), (0, 0, 3)]
    assert snapshot(engine) == before


ENGAGEMENTS = "account,stakeholder,date,kind,summary,sentiment\n"


CALL = "Acme,Ann,2025-01-01,call,Check-in,1\n"


def test_identical_rows_in_a_file_add_exactly_the_ones_not_saved_yet(engine):
    seed(engine)
    assert counts(imp(engine, "engagements", ENGAGEMENTS + CALL * 2)) == (2, 0, 0)
    assert counts(imp(engine, "engagements", ENGAGEMENTS + CALL * 2)) == (0, 0, 2)
    assert counts(imp(engine, "engagements", ENGAGEMENTS + CALL * 3)) == (1, 0, 2)
    assert counts(imp(engine, "engagements", ENGAGEMENTS + CALL)) == (0, 0, 1)
    assert len(rows_of(engine, Engagement, "id")) == 3  # fewer in the file deletes nothing


def test_identical_engagements_that_went_differently_match_in_any_order(engine):
    seed(engine, engagements=[dict(stakeholder_id=1, summary="Check-in", sentiment=1),
                              dict(stakeholder_id=1, summary="Check-in", sentiment=-1)])
    text = ENGAGEMENTS + CALL.replace(",1\n", ",-1\n") + CALL
    assert counts(imp(engine, "engagements", text)) == (0, 0, 2)
    text = ENGAGEMENTS + CALL + CALL.replace(",1\n", ",2\n")
    assert counts(imp(engine, "engagements", text)) == (0, 1, 1)
    assert rows_of(engine, Engagement, "id", "sentiment") == [(1, 1), (2, 2)]


def test_an_engagements_file_without_a_stakeholder_column_matches_whoever_was_met(engine):
    seed(engine, engagements=[dict(stakeholder_id=1, summary="Check-in", sentiment=1),
                              dict(stakeholder_id=2, summary="Check-in", sentiment=1)])
    head = "account,date,kind,summary,sentiment\n"
    assert counts(imp(engine, "engagements", head + "Acme,2025-01-01,call,Check-in,1\n" * 2)) \
        == (0, 0, 2)
    assert counts(imp(engine, "engagements", head + "Acme,2025-01-01,call,Check-in,1\n"
                                                    "Acme,2025-01-01,call,Check-in,2\n"
                                                    "Acme,2025-01-01,call,Check-in,0\n")) \
        == (1, 1, 1)
    assert rows_of(engine, Engagement, "id", "stakeholder_id", "sentiment") == [
        (1, 1, 1), (2, 2, 2), (3, None, 0)]  # who was met is kept; a new row has nobody


def test_a_blank_stakeholder_cell_means_nobody_and_matches_no_saved_person(engine):
    seed(engine, engagements=[dict(stakeholder_id=1, summary="Check-in", sentiment=1)])
    assert counts(imp(engine, "engagements", ENGAGEMENTS + ",".join(
        ["Acme", "", "2025-01-01", "call", "Check-in", "1"]) + "\n")) == (1, 0, 0)
    assert rows_of(engine, Engagement, "stakeholder_id") == [(1,), (None,)]


def test_an_engagements_file_without_a_summary_column_matches_any_summary(engine):
    seed(engine, engagements=[dict(stakeholder_id=1, summary="Check-in", sentiment=1)])
    head = "account,stakeholder,date,kind\n"
    assert counts(imp(engine, "engagements", head + "Acme,Ann,2025-01-01,call\n")) == (0, 0, 1)
    assert counts(imp(engine, "engagements", head + "Acme,Bob,2025-01-01,call\n")) == (1, 0, 0)
    assert rows_of(engine, Engagement, "stakeholder_id", "summary") == [
        (1, "Check-in"), (2, "")]


def test_a_changed_rating_updates_the_newest_of_two_saved_on_that_day(engine):
    seed(engine, ratings=[dict(value=5), dict(value=5)])
    head = "account,criterion,value,rated_on\n"
    assert counts(imp(engine, "ratings", head + "Acme,solvency,7,2025-01-01\n")) == (0, 1, 0)
    assert rows_of(engine, Rating, "id", "value") == [(1, 5), (2, 7)]
    assert store.load_ratings(engine).loc[1, "solvency"] == 7
    assert export_and_reimport(engine, "ratings") == [(0, 0, 2), (0, 0, 2)]


def test_both_ratings_of_one_day_edited_in_an_export_keep_the_later_line_current(engine):
    seed(engine, ratings=[dict(value=5), dict(value=7)])  # 7 is the newer: it counts today
    exported = store.export_rows(engine, "ratings")
    assert exported["value"].tolist() == [5, 7]  # oldest first, as in a history
    edited = exported.assign(value=[6, 9])
    assert counts(store.import_file(engine, "ratings", files.to_bytes("ratings", edited, "r.csv"),
                                    "r.csv", today=TODAY)) == (0, 2, 0)
    assert rows_of(engine, Rating, "id", "value") == [(1, 6), (2, 9)]
    assert store.load_ratings(engine).loc[1, "solvency"] == 9


def test_two_ratings_of_one_day_in_a_file_are_saved_in_file_order_the_later_counts(engine):
    seed(engine)
    head = "account,criterion,value,rated_on\n"
    text = head + "Acme,solvency,5,2025-01-01\nAcme,solvency,8,2025-01-01\n"
    assert counts(imp(engine, "ratings", text)) == (2, 0, 0)
    assert store.load_ratings(engine).loc[1, "solvency"] == 8
    assert counts(imp(engine, "ratings", text)) == (0, 0, 2)


def test_cadence_per_quarter_is_imported_kept_when_left_out_cleared_when_blank(engine):
    imp(engine, "accounts", "name,cadence_per_quarter\nAcme,6\nBolt,\n")
    assert rows_of(engine, Account, "name", "cadence_per_quarter") == [
        ("Acme", 6), ("Bolt", None)]
    assert store.load_accounts(engine).set_index("name").loc["Acme", "cadence_per_quarter"] == 6
    assert counts(imp(engine, "accounts", "name,city\nAcme,Berlin\n")) == (0, 1, 0)
    assert rows_of(engine, Account, "name", "cadence_per_quarter") == [
        ("Acme", 6), ("Bolt", None)]
    assert counts(imp(engine, "accounts", "name,cadence_per_quarter\nAcme,\nBolt,12\n")) \
        == (0, 2, 0)
    assert rows_of(engine, Account, "name", "cadence_per_quarter") == [
        ("Acme", None), ("Bolt", 12)]


def test_cadence_per_quarter_is_exported_and_imports_back_unchanged(engine):
    imp(engine, "accounts", "name,cadence_per_quarter\nAcme,6\nBolt,\n")
    csv = files.to_csv("accounts", store.export_rows(engine, "accounts")).decode().splitlines()
    assert csv[0].endswith(",is_key,cadence_per_quarter")
    assert csv[1:] == ["Acme,,,,,,,,no,6", "Bolt,,,,,,,,no,"]
    assert export_and_reimport(engine, "accounts") == [(0, 0, 2), (0, 0, 2)]


def test_clear_all_empties_every_table_keeps_the_schema_and_moves_the_version(engine):
    seed(engine, engagements=[dict(stakeholder_id=1, summary="", sentiment=0)],
         ratings=[dict(value=5)])
    version = store.data_version(engine)
    assert store.clear_all(engine, actor=LOCAL) == {
        "manager": 0, "account": 2, "rating": 1, "stakeholder": 2, "engagement": 1,
        "account_month": 0, "scenario": 0, "designation": 0, "audit_entry": 0,
        "proposal": 0, "proposal_change": 0, "programme_service": 0, "programme_agreement": 0,
        "offering": 0, "account_plan": 0, "plan_goal": 0, "plan_action": 0, "opportunity": 0,
        "whitespace_cell": 0, "plan_team_member": 0, "plan_review": 0}
    left = {table: rows for table, rows in snapshot(engine).items() if rows and table != "meta"}
    assert list(left) in ([], ["audit_entry"])  # the trail starts again with the clear itself
    assert store.load_audit(engine)[["actor", "action", "entity"]].to_dict("records") == [
        {"actor": "local", "action": "delete", "entity": "portfolio"}]
    assert store.data_version(engine) == version + 1
    assert counts(imp(engine, "accounts", TWO_ACCOUNTS)) == (2, 0, 0)  # the schema is still there


def test_clear_all_is_refused_in_read_only_mode(engine, monkeypatch):
    seed(engine)
    before = snapshot(engine)
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    with pytest.raises(store.ReadOnlyError):
        store.clear_all(engine, actor=LOCAL)
    assert snapshot(engine) == before


def rising_to_one(seen: list[float]) -> bool:
    return bool(seen) and all(a < b for a, b in zip(seen, seen[1:], strict=False)) \
        and seen[0] > 0 and seen[-1] == 1.0


def test_an_import_reports_checking_then_writing_each_rising_to_one(engine):
    imp(engine, "accounts", TWO_ACCOUNTS)
    text = "account,date,kind,summary\n" + "".join(
        f"Acme,2025-01-01,call,call {i}\n" for i in range(6000))
    phases: list[tuple[str, float]] = []
    result = imp(engine, "engagements", text,
                 check_progress=lambda f: phases.append(("checking", f)),
                 progress=lambda f: phases.append(("writing", f)))
    assert result.added == 6000
    checking = [f for p, f in phases if p == "checking"]
    writing = [f for p, f in phases if p == "writing"]
    assert phases[: len(checking)] == [("checking", f) for f in checking]  # checking first
    assert rising_to_one(checking) and len(checking) >= 4
    assert rising_to_one(writing) and len(writing) >= 4


def test_a_rejected_import_ends_its_checking_but_never_reports_writing_done(engine):
    seen: dict[str, list[float]] = {"checking": [], "writing": []}
    with pytest.raises(files.Rejected):
        imp(engine, "ratings", "account,criterion,value,rated_on\nZed,solvency,5,2025-01-01\n",
            check_progress=seen["checking"].append, progress=seen["writing"].append)
    assert seen == {"checking": [1.0], "writing": []}


ACCOUNTS = (
    "name,industry,employees,annual_revenue,customer_since,kam_email,is_key\n"
    "Acme,Steel,1200,1000.5,2020-01-02,ann.berg@x.com,yes\n"
    "Bolt,Retail,12,,,,no\n"
)


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


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(files.KINDS))
def test_export_has_the_documented_columns_and_reimporting_it_changes_nothing(engine, kind, fmt):
    imp(engine, "accounts", ACCOUNTS)
    imp(engine, "stakeholders", PEOPLE)
    imp(engine, "ratings", "account,criterion,value,rated_on,rated_by\n"
                           "Acme,solvency,6,2025-01-01,Ann\nBolt,tenure,3,2025-06-01,\n")
    imp(engine, "engagements", "account,date,kind,summary,sentiment\n"
                               "Acme,2025-01-01,visit,\"Tour; then lunch, long\",1\n")
    before = snapshot(engine)
    frame = store.export_rows(engine, kind)
    assert list(frame.columns) == list(files.kind(kind).column_names)
    data = files.to_bytes(kind, frame, f"x.{fmt}")
    result = store.import_file(engine, kind, data, f"x.{fmt}", today=TODAY)
    assert (result.added, result.updated, result.unchanged) == (0, 0, len(frame))
    assert snapshot(engine) == before
    assert store.export_rows(engine, "accounts").to_dict("records")[0] == dict(
        name="Acme", industry="Steel", country=None, city=None, employees=1200,
        annual_revenue=1000.5, customer_since=date(2020, 1, 2), kam_email="ann.berg@x.com",
        is_key=True, cadence_per_quarter=None)
    assert files.to_csv("stakeholders", store.export_rows(engine, "stakeholders")).decode() \
        .splitlines()[1] == ("Acme,Jonas Weber,Head of Maintenance,,User; Ambassador,medium,"
                             "mentor,Katrin Vogel,")


@pytest.mark.parametrize("kind", list(files.KINDS))
def test_export_of_an_empty_database_is_a_header_only_file(engine, kind):
    assert files.to_csv(kind, store.export_rows(engine, kind)).decode() == (
        ",".join(files.kind(kind).column_names) + "\n")


def test_the_sample_files_import_cleanly_into_an_empty_database_in_order(engine):
    from pathlib import Path

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    for kind in files.KINDS:
        data = (samples / f"{kind}.csv").read_bytes()
        result = store.import_file(engine, kind, data, f"{kind}.csv", today=TODAY)
        assert result.added > 0 and result.updated == 0
        assert store.import_file(engine, kind, data, f"{kind}.csv").changed is False
    cadence = store.load_accounts(engine).set_index("name")["cadence_per_quarter"]
    assert cadence.dropna().to_dict() == {"Alpenrot Maschinenbau": 8}  # the rest: the default


_CELLS = st.sampled_from(["", "Acme", "Bolt", "Zed", "solvency", "tenure", "7", "0", "11", "x",
                          "2025-01-31", "2025-02-30", "31/01/2025", "1,234", "yes", "call",
                          "Ann Berg", "-1", "3", "a@b.co", "Economic Buyer", "high", "mentor"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(list(files.KINDS)),
       table=st.lists(st.lists(_CELLS, min_size=3, max_size=9), min_size=1, max_size=6))
def test_random_rows_are_either_imported_whole_or_rejected_leaving_the_db_as_it_was(
        engine, kind, table):
    if not rows_of(engine, Account, "id"):
        imp(engine, "accounts", ACCOUNTS)
    header = ",".join(files.kind(kind).column_names)
    text = header + "\n" + "\n".join(",".join(r) for r in table) + "\n"
    before = snapshot(engine)
    try:
        result = imp(engine, kind, text)
    except files.Rejected as exc:
        assert exc.problems and snapshot(engine) == before
    else:
        assert (snapshot(engine) != before) == result.changed


# --- what the forms refuse, the import refuses too -------------------------------------------


def test_a_name_that_differs_from_a_saved_one_only_in_case_is_refused(engine):
    imp(engine, "accounts", "name\nAdriatic Coatings\n")
    imp(engine, "stakeholders", "account,name\nAdriatic Coatings,Ann Berg\n")
    assert rejected(engine, "accounts", "name\nadriatic coatings\n") == [
        "line 2, column name: 'adriatic coatings' differs only in case from the saved account "
        "'Adriatic Coatings'; write it as 'Adriatic Coatings' to update that account (names "
        "are compared ignoring case)"]
    assert rejected(engine, "stakeholders", "account,name\nAdriatic Coatings,ann berg\n") == [
        "line 2, column name: 'ann berg' differs only in case from the saved stakeholder "
        "'Ann Berg'; write it as 'Ann Berg' to update that stakeholder (names are compared "
        "ignoring case)"]
    assert imp(engine, "stakeholders", "account,name,title\nAdriatic Coatings,Ann Berg,CFO\n") \
        == store.ImportResult("stakeholders", 0, 1, 0)


def test_the_same_name_in_another_account_is_another_person(engine):
    imp(engine, "accounts", ACCOUNTS)
    assert imp(engine, "stakeholders", "account,name\nAcme,Ann Berg\nBolt,ann berg\n").added == 2


def test_a_reporting_line_that_runs_in_a_circle_is_refused(engine):
    imp(engine, "accounts", ACCOUNTS)
    assert rejected(engine, "stakeholders", "account,name,reports_to\n"
                                            "Acme,Ann,Bob\nAcme,Bob,Ann\nAcme,Cy,Ann\n") == [
        "line 2, column reports_to: the reporting line runs in a circle back to 'Ann'",
        "line 3, column reports_to: the reporting line runs in a circle back to 'Bob'"]
    imp(engine, "stakeholders", "account,name,reports_to\nAcme,Ann,\nAcme,Bob,Ann\n")
    assert rejected(engine, "stakeholders", "account,name,reports_to\nAcme,Ann,Bob\n") == [
        "line 2, column reports_to: the reporting line runs in a circle back to 'Ann'"]
    assert imp(engine, "stakeholders", "account,name,reports_to\nAcme,Bob,\nAcme,Ann,Bob\n") \
        == store.ImportResult("stakeholders", 0, 2, 0)  # turning the line round is fine


# --- who imports, when, and the audit trail ---------------------------------------------------


def audit(engine) -> list[tuple]:
    return rows_of(engine, AuditEntry, "actor", "action", "entity", "entity_id", "account_id")


def test_every_row_created_or_updated_gets_an_audit_entry_in_the_same_import(engine):
    admin = Actor("ada@x.com", "Ada", UserRole.ADMIN)
    store.import_file(engine, "accounts", ACCOUNTS.encode(), "a.csv", today=TODAY, actor=admin)
    assert audit(engine) == sorted([
        ("ada@x.com", "create", "manager", "1", None),
        ("ada@x.com", "create", "account", "1", 1), ("ada@x.com", "create", "account", "2", 2),
        ("ada@x.com", "create", "designation", "1", 1)], key=repr)
    store.import_file(engine, "stakeholders", b"account,name,title\nAcme,Ann,CFO\n", "p.csv",
                      today=TODAY, actor=admin)
    store.import_file(engine, "stakeholders", b"account,name,title\nAcme,Ann,CEO\n", "p.csv",
                      today=TODAY, actor=admin)
    store.import_file(engine, "stakeholders", b"account,name,title\nAcme,Ann,CEO\n", "p.csv",
                      today=TODAY, actor=admin)  # unchanged: no entry
    with engine.connect() as conn:
        people = conn.execute(select(AuditEntry.action, AuditEntry.entity_id,
                                     AuditEntry.account_id, AuditEntry.before, AuditEntry.after)
                              .where(AuditEntry.entity == "stakeholder")
                              .order_by(AuditEntry.id)).all()
    assert [(a, i, acc, json.loads(b or "null"), json.loads(f)) for a, i, acc, b, f in people] \
        == [("create", "1", 1, None, {"account_id": 1, "name": "Ann", "roles": "",
                                       "influence": "medium", "stance": 0, "title": "CFO"}),
            ("update", "1", 1, {"title": "CFO"}, {"title": "CEO"})]


def test_a_rejected_import_writes_no_audit_entry(engine):
    imp(engine, "accounts", ACCOUNTS)
    before = audit(engine)
    rejected(engine, "ratings", "account,criterion,value,rated_on\nAcme,solvency,0,2025-01-01\n")
    assert audit(engine) == before


@pytest.mark.parametrize("role", [UserRole.VIEWER, UserRole.KAM, UserRole.LEADERSHIP])
def test_only_an_admin_may_import(engine, role):
    before = snapshot(engine)
    with pytest.raises(Refused, match=f"Only admin and above can import files; you are signed "
                                      f"in as {role}"):
        store.import_file(engine, "accounts", ACCOUNTS.encode(), "a.csv",
                          actor=Actor("x@x.com", "X", role))
    parsed = files.parse("accounts", ACCOUNTS.encode(), "a.csv")
    with pytest.raises(Refused):
        store.import_rows(engine, parsed, actor=Actor("x@x.com", "X", role))
    assert snapshot(engine) == before


def test_imports_date_key_account_changes_by_kamdash_today(engine, monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", "2024-05-06")
    assert kamdash_settings.today() == date(2024, 5, 6)
    store.import_file(engine, "accounts", b"name,is_key\nAcme,yes\n", "a.csv")
    assert rows_of(engine, Designation, "changed_on", "changed_by", "reason") == [
        (date(2024, 5, 6), "local", "imported from file")]
    with pytest.raises(files.Rejected) as caught:
        store.import_file(engine, "engagements", b"account,date,kind\nAcme,2024-05-07,call\n",
                          "e.csv")
    assert caught.value.messages == [
        "line 2, column date: 07 May 2024 lies in the future (today is 06 May 2024); record it "
        "once it has happened"]


def test_the_result_says_which_encoding_a_file_was_read_in(engine):
    result = store.import_file(engine, "accounts", "name\nMüller Söhne\n".encode("cp1252"),
                               "a.csv", today=TODAY)
    assert str(result) == ("accounts: 1 added, 0 updated, 0 unchanged; read as Windows-1252 "
                           "text")
    assert rows_of(engine, Account, "name") == [("Müller Söhne",)]
    assert str(imp(engine, "accounts", "name\nMüller Söhne\n")) == (
        "accounts: 0 added, 0 updated, 1 unchanged")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_account_named_like_a_formula_round_trips_through_our_export(engine, fmt):
    """Accounts and the engagements that name them, exported and imported back."""
    imp(engine, "accounts", 'name,industry,city\n"=1+1",+Steel,-\n@Acme,"=HYPERLINK(""x"")",\n')
    imp(engine, "engagements", "account,date,kind,summary,sentiment\n=1+1,2025-01-01,call,"
                               "-2 on price,-2\n")
    before = snapshot(engine)
    for kind in ("accounts", "engagements"):
        data = files.to_bytes(kind, store.export_rows(engine, kind), f"x.{fmt}")
        result = store.import_file(engine, kind, data, f"x.{fmt}", today=TODAY)
        assert (result.added, result.updated) == (0, 0)
    assert snapshot(engine) == before
    assert rows_of(engine, Account, "name", "industry", "city") == [
        ("=1+1", "+Steel", "-"), ("@Acme", '=HYPERLINK("x")', None)]
    assert rows_of(engine, Engagement, "summary", "sentiment") == [("-2 on price", -2)]
