"""Decisions (the key-account designation history) and programme status as files, on SQLite
and PostgreSQL: every bad row named by line and column with nothing written, the rules of
kamdash.decisions and kamdash.programme applied, and exports that import back unchanged."""

from __future__ import annotations

from datetime import date

import pytest
from import_helpers import TODAY, imp, rejected, rows_of, snapshot

from kamdash import files, store
from kamdash.models import (
    Account,
    AuditEntry,
    Designation,
    ProgrammeAgreement,
    ProgrammeService,
)

DAY = date(2025, 1, 1)
DECISIONS = "account,is_key,changed_on,reason,watch_until\n"
PROGRAMME = "account,status,agreed_on,next_review,services,customer_commits,document_url\n"


def seed(engine) -> None:
    """Acme (1) key since DAY, kept on watch into 2026; Bolt (2) never key; two services;
    Acme's agreed programme."""
    store.replace_all(engine, {
        Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt")],
        Designation: [dict(id=1, account_id=1, is_key=False, changed_on=date(2024, 1, 1)),
                      dict(id=2, account_id=1, is_key=True, changed_on=DAY,
                           reason="Top ten customer", watch_until=date(2026, 6, 30)),
                      dict(id=3, account_id=2, is_key=False, changed_on=DAY)],
        ProgrammeService: [dict(id=1, name="Executive sponsor", description="", active=True),
                           dict(id=2, name="Quarterly business review", description="",
                                active=True)],
        ProgrammeAgreement: [dict(account_id=1, status="agreed", agreed_on=DAY,
                                  next_review=date(2026, 1, 1), services="1;2",
                                  customer_commits="Forecasts each quarter",
                                  document_url="https://docs.example.com/acme.pdf")],
    })


def counts(result: store.ImportResult) -> tuple[int, int, int]:
    return result.added, result.updated, result.unchanged


@pytest.mark.parametrize(("kind", "text", "expected"), [
    ("decisions", DECISIONS + "Acme,no,2026-02-01,,\n",
     ["line 2, column reason: a demotion needs a reason"]),
    ("decisions", DECISIONS + "Nobody,yes,2026-02-01,,\n",
     ["line 2, column account: no account named 'Nobody'; import it in an accounts file first"]),
    ("decisions", DECISIONS + "Bolt,no,2026-02-01,,2026-12-31\n",
     ["line 2, column watch_until: a watch belongs to a key account and ends after its start"]),
    ("decisions", DECISIONS + "Bolt,yes,2026-02-01,,2026-01-31\n",
     ["line 2, column watch_until: a watch belongs to a key account and ends after its start"]),
    ("decisions", DECISIONS + "Bolt,maybe,2026-02-01,,\n",
     ["line 2, column is_key: 'maybe' is not yes or no"]),
    ("programme", PROGRAMME + "Bolt,offered,,,Free lunch,,\n",
     ["line 2, column services: no service named 'Free lunch' in the programme's catalogue; "
      "use one of: Executive sponsor, Quarterly business review"]),
    ("programme", PROGRAMME + "Bolt,offered,,,,,ftp://x.example.com/a.pdf\n",
     ["line 2, column document_url: the document link 'ftp://x.example.com/a.pdf' is not a "
      "web address; it must start with https:// (or http://)"]),
    ("programme", PROGRAMME + "Nobody,offered,,,,,\n",
     ["line 2, column account: no account named 'Nobody'; import it in an accounts file first"]),
    ("programme", PROGRAMME + "Bolt,agreed,,,,,\n",
     ["line 2, column agreed_on: an agreed programme needs the date it was agreed"]),
    ("programme", PROGRAMME + "Bolt,agreed,2026-01-01,2025-12-01,,,\n",
     ["line 2, column next_review: the next review must come after the agreement date"]),
    ("programme", PROGRAMME + "Bolt,signed,,,,,\n",
     ["line 2, column status: 'signed' is not a programme status; use one of: not_offered, "
      "offered, agreed, declined"]),
])
def test_a_bad_row_is_named_by_line_and_column_and_nothing_is_written(engine, kind, text,
                                                                       expected):
    seed(engine)
    assert rejected(engine, kind, text) == expected


def test_one_bad_row_rejects_the_whole_file_listing_every_problem(engine):
    seed(engine)
    text = (DECISIONS + "Bolt,yes,2026-02-01,Grew fast,\nAcme,no,2026-02-01,,\n"
            "Nobody,yes,2026-02-01,,\n")
    assert rejected(engine, "decisions", text) == [
        "line 3, column reason: a demotion needs a reason",
        "line 4, column account: no account named 'Nobody'; import it in an accounts file first",
    ]


def test_a_decisions_file_adds_designations_signed_and_audited_and_changes_status(engine):
    seed(engine)
    result = imp(engine, "decisions", DECISIONS + "Bolt,yes,2026-02-01,Grew fast,\n"
                 "Acme,no,2026-02-01,Lost the tender,\n")
    assert counts(result) == (2, 0, 0)
    assert [r for r in rows_of(engine, Designation, "account_id", "is_key", "changed_on",
                               "reason", "changed_by") if r[4]] == [
        (1, False, date(2026, 2, 1), "Lost the tender", "local"),
        (2, True, date(2026, 2, 1), "Grew fast", "local"),
    ]
    assert store.load_accounts(engine)["is_key"].to_dict() == {1: False, 2: True}
    audited = rows_of(engine, AuditEntry, "actor", "action", "entity", "account_id")
    assert audited == [("local", "create", "designation", 1), ("local", "create", "designation", 2)]
    assert counts(imp(engine, "decisions", DECISIONS + "Bolt,yes,2026-02-01,Grew fast,\n")) == (
        0, 0, 1)


def test_a_programme_file_adds_and_updates_agreements_with_services_by_name(engine):
    seed(engine)
    result = imp(engine, "programme", PROGRAMME
                 + "Acme,agreed,2025-01-01,2027-01-01,executive sponsor,,\n"
                 "Bolt,Offered,,,,Nothing yet,\n")
    assert counts(result) == (1, 1, 0)
    assert rows_of(engine, ProgrammeAgreement, "account_id", "status", "next_review",
                   "services", "customer_commits", "document_url", "updated_by") == [
        (1, "agreed", date(2027, 1, 1), "1", "", None, "local"),
        (2, "offered", None, "", "Nothing yet", None, "local"),
    ]
    assert [r[1:] for r in rows_of(engine, AuditEntry, "entity_id", "action", "entity")] == [
        ("update", "programme_agreement"), ("create", "programme_agreement")]


def test_a_programme_column_left_out_keeps_what_is_saved(engine):
    seed(engine)
    text = "account,status,next_review\nAcme,agreed,2027-01-01\n"
    assert counts(imp(engine, "programme", text)) == (0, 1, 0)
    assert rows_of(engine, ProgrammeAgreement, "status", "services", "document_url",
                   "next_review") == [
        ("agreed", "1;2", "https://docs.example.com/acme.pdf", date(2027, 1, 1))]


@pytest.mark.parametrize("kind", ["decisions", "programme"])
@pytest.mark.parametrize("fmt", files.FORMATS)
def test_the_export_imports_back_changing_nothing(engine, kind, fmt):
    seed(engine)
    frame = store.export_rows(engine, kind)
    assert len(frame) == {"decisions": 3, "programme": 1}[kind]
    before = snapshot(engine)
    data = files.to_bytes(kind, frame, f"x.{fmt}")
    result = store.import_file(engine, kind, data, f"x.{fmt}", today=TODAY)
    assert counts(result) == (0, 0, len(frame))
    assert snapshot(engine) == before


def test_the_programme_export_names_services_and_dates(engine):
    seed(engine)
    out = files.export_frame("programme", store.export_rows(engine, "programme"))
    assert out.to_dict("records") == [{
        "account": "Acme", "status": "agreed", "agreed_on": "2025-01-01",
        "next_review": "2026-01-01", "services": "Executive sponsor; Quarterly business review",
        "customer_commits": "Forecasts each quarter",
        "document_url": "https://docs.example.com/acme.pdf"}]
