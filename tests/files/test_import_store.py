"""kamdash.store imports, on SQLite and PostgreSQL: one rejection lists every problem of a file
(its format and what only the database knows), the export is a complete copy that imports
back unchanged (repeated rows matched count by count), the accounts' cadence column,
emptying the database, and progress for both phases of an import."""

from __future__ import annotations

from datetime import date

import pytest
from import_helpers import TODAY, imp, rejected, rows_of, snapshot

from kamdash import io, store
from kamdash.models import Account, Engagement, Rating, Stakeholder

DAY = date(2025, 1, 1)
ACCOUNTS = "name,industry\nAcme,Steel\nBolt,Retail\n"
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
        data = io.to_bytes(kind, frame, f"x.{fmt}")
        results.append(counts(store.import_file(engine, kind, data, f"x.{fmt}", today=TODAY)))
    return results


# --- one rejection lists every problem ------------------------------------------------------


def test_format_and_database_problems_are_listed_together_sorted_by_line(engine):
    imp(engine, "accounts", ACCOUNTS)
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
    imp(engine, "accounts", ACCOUNTS)
    assert rejected(engine, "stakeholders", "account,name\nZed,Ann\nZed,Ann\n") == [
        "line 2, column account: no account named 'Zed'; import it in an accounts file first",
        "line 3, column account: no account named 'Zed'; import it in an accounts file first",
    ]


def test_check_file_lists_every_problem_without_writing(engine):
    imp(engine, "accounts", ACCOUNTS)
    parsed = io.parse("ratings", b"account,criterion,value,rated_on\nZed,solvency,0,2025-01-01\n"
                                 b"Acme,solvency,5,2025-01-01\n", "r.csv")
    before = snapshot(engine)
    assert [str(p) for p in store.check_file(engine, parsed)] == [
        "line 2, column account: no account named 'Zed'; import it in an accounts file first",
        "line 2, column value: '0' is outside 1 to 10",
    ]
    assert snapshot(engine) == before
    good = io.parse("ratings", b"account,criterion,value,rated_on\nAcme,solvency,5,2025-01-01\n",
                    "r.csv")
    assert store.check_file(engine, good) == []


def test_the_rejection_shows_fifty_problems_and_counts_all_of_them(engine):
    imp(engine, "accounts", ACCOUNTS)
    text = "account,criterion,value,rated_on\n" + "".join(
        f"Zed,solvency,5,2025-01-{d:02d}\nAcme,solvency,0,2025-01-{d:02d}\n" for d in range(1, 31))
    with pytest.raises(io.ImportRejected) as exc:
        imp(engine, "ratings", text)
    message = str(exc.value).splitlines()
    assert message[0] == "The file was not imported: 60 problems found."
    assert message[1:3] == [
        "line 2, column account: no account named 'Zed'; import it in an accounts file first",
        "line 3, column value: '0' is outside 1 to 10"]
    assert len(message) == 1 + 50 + 1
    assert message[-1] == "... and 10 more (showing the first 50 of 60)."


# --- the export is a complete copy; importing it back changes nothing ---------------------


def test_export_includes_identical_engagements_and_importing_it_back_changes_nothing(engine):
    seed(engine, engagements=[
        dict(stakeholder_id=1, summary="Check-in", sentiment=1),
        dict(stakeholder_id=1, summary="Check-in", sentiment=1),
        dict(stakeholder_id=None, summary="Check-in", sentiment=1),
        dict(stakeholder_id=1, summary="Check-in", sentiment=-1),
    ])
    frame = store.export_rows(engine, "engagements")
    assert io.to_csv("engagements", frame).decode().splitlines()[1:] == [
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
    assert counts(store.import_file(engine, "ratings", io.to_bytes("ratings", edited, "r.csv"),
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


# --- cadence per quarter --------------------------------------------------------------------


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
    csv = io.to_csv("accounts", store.export_rows(engine, "accounts")).decode().splitlines()
    assert csv[0].endswith(",is_key,cadence_per_quarter")
    assert csv[1:] == ["Acme,,,,,,,,no,6", "Bolt,,,,,,,,no,"]
    assert export_and_reimport(engine, "accounts") == [(0, 0, 2), (0, 0, 2)]


# --- emptying the database -------------------------------------------------------------------


def test_clear_all_empties_every_table_keeps_the_schema_and_moves_the_version(engine):
    seed(engine, engagements=[dict(stakeholder_id=1, summary="", sentiment=0)],
         ratings=[dict(value=5)])
    version = store.data_version(engine)
    assert store.clear_all(engine) == {
        "manager": 0, "account": 2, "rating": 1, "stakeholder": 2, "engagement": 1,
        "account_month": 0, "scenario": 0, "designation": 0, "audit_entry": 0,
        "proposal": 0, "proposal_change": 0, "programme_service": 0, "programme_agreement": 0}
    assert all(rows == [] for table, rows in snapshot(engine).items() if table != "meta")
    assert store.data_version(engine) == version + 1
    assert counts(imp(engine, "accounts", ACCOUNTS)) == (2, 0, 0)  # the schema is still there


def test_clear_all_is_refused_in_read_only_mode(engine, monkeypatch):
    seed(engine)
    before = snapshot(engine)
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    with pytest.raises(store.ReadOnlyError):
        store.clear_all(engine)
    assert snapshot(engine) == before


# --- progress for both phases -------------------------------------------------------------------


def rising_to_one(seen: list[float]) -> bool:
    return bool(seen) and all(a < b for a, b in zip(seen, seen[1:], strict=False)) \
        and seen[0] > 0 and seen[-1] == 1.0


def test_an_import_reports_checking_then_writing_each_rising_to_one(engine):
    imp(engine, "accounts", ACCOUNTS)
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
    with pytest.raises(io.ImportRejected):
        imp(engine, "ratings", "account,criterion,value,rated_on\nZed,solvency,5,2025-01-01\n",
            check_progress=seen["checking"].append, progress=seen["writing"].append)
    assert seen == {"checking": [1.0], "writing": []}
