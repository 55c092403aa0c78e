"""kamdash.io: reading messy CSV and Excel files into typed rows, every problem reported as
``line N, column C: what is wrong``; writing the documented columns back out."""

from __future__ import annotations

import io as stdio
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import problems, rows, xlsx
from openpyxl import load_workbook

from kamdash import io

RATINGS_HEADER = "account,criterion,value,rated_on,rated_by\n"











# --- reading the file ----------------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_comma_semicolon_and_tab_delimited_files_read_alike(sep):
    text = sep.join(["account", "criterion", "value", "rated_on"]) + "\n" + sep.join(
        ["Acme", "solvency", "7", "2025-01-31"]) + "\n"
    got = rows("ratings", text)
    assert got[["account", "criterion", "value", "rated_on"]].to_dict("records") == [
        dict(account="Acme", criterion="solvency", value=7, rated_on=date(2025, 1, 31))]


def test_utf8_bom_is_ignored_and_umlauts_survive():
    data = "\ufeffname;city\nMüller Söhne;Köln\n".encode()
    got = rows("accounts", data)
    assert got[["name", "city"]].to_dict("records") == [dict(name="Müller Söhne", city="Köln")]


def test_a_file_that_is_not_utf8_is_rejected_naming_the_line():
    data = "name,city\nAcme,Berlin\nMüller,Köln\n".encode("latin-1")
    assert problems("accounts", data) == [
        "line 3: the file is not UTF-8 text; save it as 'CSV UTF-8' (or as .xlsx) and retry"]


def test_headers_match_ignoring_case_and_spaces_and_values_are_trimmed():
    got = rows("accounts", " Name , Annual Revenue ,Customer-Since\n  Acme  , 1200 , 2020-01-02 \n")
    assert got[["name", "annual_revenue", "customer_since"]].to_dict("records") == [
        dict(name="Acme", annual_revenue=1200.0, customer_since=date(2020, 1, 2))]


def test_blank_lines_are_skipped_and_line_numbers_stay_as_in_the_file():
    text = RATINGS_HEADER + "\nAcme,solvency,7,2025-01-01,\n,,,,\nAcme,tenure,99,2025-01-01,\n"
    assert problems("ratings", text) == ["line 5, column value: '99' is outside 1 to 10"]


def test_a_quoted_value_over_two_lines_keeps_the_following_line_numbers_right():
    text = 'account,stakeholder,date,kind,summary\nAcme,,2025-01-01,call,"two\nlines"\n' \
           "Acme,,2025-01-01,phone,\n"
    assert problems("engagements", text) == [
        "line 4, column kind: 'phone' is not a kind of engagement; use one of: visit, meeting, "
        "call, qbr, workshop, email"]


def test_missing_required_columns_are_reported_on_the_header_line():
    assert problems("ratings", "account,criterion,rated_by\nAcme,solvency,me\n") == [
        "line 1: missing required columns value, rated_on (a ratings file has: account, "
        "criterion, value, rated_on, rated_by)"]


def test_a_column_named_twice_is_a_problem():
    assert problems("accounts", "name,city,City\nAcme,a,b\n") == [
        "line 1, column city: appears twice in the header"]


def test_unknown_columns_are_ignored_and_listed_absent_optional_ones_are_not_present():
    parsed = io.parse("accounts", b"name,Owner,city\nAcme,Bob,Berlin\n", "a.csv")
    assert parsed.problems == []
    assert parsed.ignored_columns == ("Owner",)
    assert parsed.present == ("name", "city")
    assert list(parsed.rows.columns) == ["line", *io.column_names("accounts")]


def test_more_values_than_columns_is_a_problem_but_trailing_empty_ones_are_not():
    text = "name,city\nAcme,Berlin,,\nBolt,Bonn,extra\n"
    assert problems("accounts", text) == [
        "line 3: 3 values but the header names 2 columns (a delimiter inside a value? "
        "quote that value)"]


def test_fewer_values_than_columns_leaves_the_rest_blank():
    got = rows("accounts", "name,industry,city\nAcme,Steel\n")
    assert got.loc[0, "industry"] == "Steel" and pd.isna(got.loc[0, "city"])


@pytest.mark.parametrize("data, filename, message", [
    (b"", "a.csv", "line 1: the file is empty; expected a header row naming the columns"),
    (b"\n\n \n", "a.csv", "line 1: the file is empty; expected a header row naming the columns"),
    (b"name\x00,city\n", "a.csv",
     "line 1: the file contains binary data; is it really a CSV file?"),
    (b"name,city\n", "a.pdf", "line 1: 'a.pdf': use a .csv or .xlsx file (got .pdf)"),
    (b"PK\x03\x04garbage", "a.xlsx", "line 1: this is not a readable Excel (.xlsx) file"),
])
def test_unreadable_files_get_one_clear_problem(data, filename, message):
    assert problems("accounts", data, filename) == [message]


def test_a_header_only_file_has_no_rows_and_no_problems():
    parsed = io.parse("ratings", RATINGS_HEADER.encode(), "r.csv")
    assert parsed.problems == [] and parsed.rows.empty


def test_every_bad_row_is_reported_not_just_the_first():
    text = RATINGS_HEADER + "".join(f"Acme,solvency,{v},2025-01-{d:02d},\n"
                                    for d, v in [(1, 0), (2, 5), (3, 11), (4, "x")])
    assert problems("ratings", text) == [
        "line 2, column value: '0' is outside 1 to 10",
        "line 4, column value: '11' is outside 1 to 10",
        "line 5, column value: 'x' is not a rating; use a whole number 1 to 10",
    ]


def test_required_values_must_not_be_blank():
    assert problems("ratings", RATINGS_HEADER + " ,solvency,5,2025-01-01,\n") == [
        "line 2, column account: is empty; every row needs a account"]


# --- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("1200", 1200.0), ("1200.5", 1200.5), ("1200,5", 1200.5), ("1200,50", 1200.5),
    ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("1,234,567", 1234567.0),
    ("1.234.567", 1234567.0), ("1\u00a0200", 1200.0), ("1e6", 1e6),
    ("+12", 12.0), ("0,5", 0.5), (".5", 0.5),
])
def test_amounts_accept_a_decimal_comma_only_where_it_cannot_be_misread(text, expected):
    parsed = io.parse("accounts", f'name;annual_revenue\nAcme;"{text}"\n'.encode(), "a.csv")
    assert parsed.problems == []
    assert parsed.rows.loc[0, "annual_revenue"] == expected


@pytest.mark.parametrize("text, message", [
    ("1,234", "'1,234' is ambiguous: write 1234 if the comma separates thousands, or 1,2340 "
              "if it is the decimal comma (no other number in this file shows which)"),
    ("1.234", "'1.234' is ambiguous: write 1234 if the point separates thousands, or 1.2340 "
              "if it is the decimal point (no other number in this file shows which)"),
    ("12 EUR", "'12 EUR' is not a number"),
    ("-5", "'-5' is out of range (0 or more)"),
    ("1.2.3", "'1.2.3' is not a number"),
])
def test_amounts_that_cannot_be_read_for_sure_are_refused(text, message):
    assert problems("accounts", f"name;annual_revenue\nAcme;{text}\n") == [
        f"line 2, column annual_revenue: {message}"]


def test_a_whole_number_with_a_thousands_separator_gets_a_hint():
    assert problems("accounts", "name;employees\nAcme;1.200\nBolt;12.5\n") == [
        "line 2, column employees: '1.200' is not a whole number; write 1200 without a "
        "thousands separator",
        "line 3, column employees: '12.5' is not a whole number (a count of people)",
    ]


@pytest.mark.parametrize("text, expected", [
    ("2025-01-31", date(2025, 1, 31)), ("2025-01-31 00:00:00", date(2025, 1, 31)),
    ("2025-01-31T00:00", date(2025, 1, 31)),
])
def test_iso_dates_are_read(text, expected):
    assert rows("accounts", f"name,customer_since\nAcme,{text}\n").loc[0, "customer_since"] \
        == expected


@pytest.mark.parametrize("text, message", [
    ("31/01/2025", "'31/01/2025' is not a date; write YYYY-MM-DD, e.g. 2025-01-31"),
    ("01.02.2025", "'01.02.2025' is not a date; write YYYY-MM-DD, e.g. 2025-01-31"),
    ("2025-02-30", "'2025-02-30' is not a real date"),
])
def test_other_date_formats_are_refused_because_day_and_month_could_swap(text, message):
    assert problems("accounts", f"name,customer_since\nAcme,{text}\n") == [
        f"line 2, column customer_since: {message}"]


def test_yes_no_values_and_blank_key_status():
    got = rows("accounts", "name,is_key\nA,yes\nB,No\nC,TRUE\nD,0\nE,\n")
    assert got["is_key"].tolist() == [True, False, True, False, pd.NA]
    assert problems("accounts", "name,is_key\nA,maybe\n") == [
        "line 2, column is_key: 'maybe' is not yes or no"]


def test_criteria_are_read_by_key_or_label_in_any_case():
    text = RATINGS_HEADER + "A,Solvency,5,2025-01-01,\nA,PRODUCT FIT,5,2025-01-01,\n" \
                            "A,revenue_potential,5,2025-01-01,\n"
    assert rows("ratings", text)["criterion"].tolist() == [
        "solvency", "product_fit", "revenue_potential"]


def test_an_unknown_criterion_lists_the_valid_keys():
    assert problems("ratings", RATINGS_HEADER + "A,charm,5,2025-01-01,\n") == [
        "line 2, column criterion: 'charm' is not a criterion; use one of: product_fit, "
        "avg_transaction_size, revenue_potential, purchase_process, partnership, tenure, "
        "solvency, existing_relationships, cultural_fit, geographic_fit, strategic_value"]


def test_engagement_kind_any_case_and_sentiment_blank_means_zero():
    got = rows("engagements", "account,date,kind,sentiment\nA,2025-01-01,QBR,\nA,2025-01-02,"
                              "Visit,+2\n")
    assert got[["kind", "sentiment"]].to_dict("records") == [
        dict(kind="qbr", sentiment=0), dict(kind="visit", sentiment=2)]
    assert problems("engagements", "account,date,kind,sentiment\nA,2025-01-01,call,3\n") == [
        "line 2, column sentiment: '3' is not a sentiment; use a whole number from -2 (very "
        "negative) to +2 (very positive)"]


def test_emails_are_checked_and_lower_cased():
    got = rows("accounts", "name,kam_email\nA,Ann.Berg@X.com\n")
    assert got.loc[0, "kam_email"] == "ann.berg@x.com"
    assert problems("accounts", "name,kam_email\nA,ann at x\n") == [
        "line 2, column kam_email: 'ann at x' is not an email address"]


def test_stakeholder_roles_stance_and_influence_go_through_the_role_crosswalk():
    got = rows("stakeholders", "account;name;roles;influence;stance\n"
                               "A;Ann;\"Economic Buyer; Champion\";High;supporter\n"
                               "A;Bob;End User|Approver;;-2\n"
                               "A;Cy;;med;\n")
    assert got[["roles", "influence", "stance"]].to_dict("records") == [
        dict(roles="buyer;ambassador", influence="high", stance=1),
        dict(roles="decision_maker;user", influence="medium", stance=-2),
        dict(roles="", influence="medium", stance=0),
    ]


def test_unknown_role_stance_and_influence_words_are_named():
    assert problems("stakeholders", "account,name,roles,influence,stance\n"
                                    "A,Ann,Wizard,huge,friend\n") == [
        "line 2, column roles: 'Wizard' is not a buying role; use buyer, user, decision maker, "
        "influencer or ambassador (CRM words such as Economic Buyer, End User, Approver, "
        "Evaluator or Champion work too)",
        "line 2, column influence: 'huge' is not an influence level; use low, medium or high",
        "line 2, column stance: 'friend' is not a stance; use enemy, non-supporter, neutral, "
        "supporter, mentor (or -2 to +2)",
    ]


# --- duplicates --------------------------------------------------------------------------------


def test_an_account_or_person_repeated_exactly_is_read_once():
    assert rows("accounts", "name,city\nAcme,Berlin\nAcme,Berlin\n")["line"].tolist() == [2]
    assert rows("stakeholders", "account,name\nA,Ann\nA,Ann\n")["line"].tolist() == [2]


def test_ratings_and_engagements_repeated_exactly_keep_every_row_as_history():
    text = RATINGS_HEADER + "A,solvency,5,2025-01-01,\nA,solvency,5,2025-01-01,\n"
    assert rows("ratings", text)["line"].tolist() == [2, 3]
    text = "account,date,kind,summary\nA,2025-01-01,call,Hi\nA,2025-01-01,call,Hi\n"
    assert rows("engagements", text)["line"].tolist() == [2, 3]


def test_two_identical_engagements_may_have_gone_differently():
    text = "account,date,kind,summary,sentiment\nA,2025-01-01,call,Hi,1\nA,2025-01-01,call,Hi,-1\n"
    assert rows("engagements", text)["sentiment"].tolist() == [1, -1]


def test_every_row_that_contradicts_the_first_of_its_key_is_named():
    text = "name,city\nAcme,Berlin\nAcme,Bonn\nAcme,Köln\nAcme,Berlin\n"
    assert problems("accounts", text) == [
        "line 3: same name as line 2 but different values; keep one of the two rows",
        "line 4: same name as line 2 but different values; keep one of the two rows",
    ]


def test_two_ratings_of_one_day_are_both_kept_in_file_order():
    text = RATINGS_HEADER + "A,solvency,5,2025-01-01,\nA,solvency,6,2025-01-01,\n"
    assert rows("ratings", text)["value"].tolist() == [5, 6]


def test_two_rows_with_the_same_key_but_different_values_are_a_problem():
    text = "account,name,title\nA,Ann,CFO\nB,Ann,CFO\nA,ann,CEO\nA,Ann,CEO\n"
    assert problems("stakeholders", text) == [
        "line 5: same account, name as line 2 but different values; keep one of the two rows"]


# --- problems ----------------------------------------------------------------------------------


def test_the_message_lists_the_first_fifty_problems_and_the_total():
    text = RATINGS_HEADER + "".join(f"A,solvency,0,2025-01-{1 + i % 28:02d},\n" for i in range(60))
    parsed = io.parse("ratings", text.encode(), "r.csv")
    message = str(io.ImportRejected(parsed.problems)).splitlines()
    assert message[0] == "The file was not imported: 60 problems found."
    assert message[1] == "line 2, column value: '0' is outside 1 to 10"
    assert len(message) == 1 + 50 + 1
    assert message[-1] == "... and 10 more (showing the first 50 of 60)."
    frame = io.problems_frame(parsed.problems)
    assert list(frame.columns) == ["line", "column", "problem"] and len(frame) == 50


def test_a_problem_reads_line_column_what():
    assert str(io.Problem(3, "value", "is wrong")) == "line 3, column value: is wrong"
    assert str(io.Problem(1, "", "empty")) == "line 1: empty"


# --- Excel -------------------------------------------------------------------------------------


def test_excel_cells_keep_their_types_and_rows_number_as_in_excel():
    data = xlsx(["account", "criterion", "value", "rated_on", "rated_by"],
                ["Acme", "solvency", 7, datetime(2025, 1, 31), None],
                [None, None, None, None, None],
                ["Acme", "tenure", 7.0, "2025-02-01", 2024],
                ["Acme", "tenure", 11, "2025-03-01", None])
    parsed = io.parse("ratings", data, "r.xlsx")
    assert [str(p) for p in parsed.problems] == ["line 5, column value: '11' is outside 1 to 10"]
    good = io.parse("ratings", xlsx(
        ["account", "criterion", "value", "rated_on", "rated_by"],
        ["Acme", "solvency", 7, datetime(2025, 1, 31), None],
        ["Acme", "tenure", 7.0, "2025-02-01", 2024]), "r.xlsx")
    assert good.rows[["line", "value", "rated_on", "rated_by"]].to_dict("records") == [
        dict(line=2, value=7, rated_on=date(2025, 1, 31), rated_by=None),
        dict(line=3, value=7, rated_on=date(2025, 2, 1), rated_by="2024"),
    ]


# --- writing ---------------------------------------------------------------------------------


def test_export_writes_the_documented_columns_in_order_with_file_values():
    frame = io.typed("accounts", pd.DataFrame({
        "name": ["Acme", "Bolt"], "industry": ["Steel", None], "country": [None, None],
        "city": [None, None], "employees": [1200, None], "annual_revenue": [1234.5, None],
        "customer_since": [date(2020, 1, 2), None], "kam_email": ["a@x.com", None],
        "is_key": [True, False], "cadence_per_quarter": [6, None]}))
    assert io.to_csv("accounts", frame).decode() == (
        "name,industry,country,city,employees,annual_revenue,customer_since,kam_email,is_key,"
        "cadence_per_quarter\n"
        "Acme,Steel,,,1200,1234.5,2020-01-02,a@x.com,yes,6\n"
        "Bolt,,,,,,,,no,\n")


def test_every_kind_survives_a_round_trip_through_csv_and_excel():
    for kind, text in [
        ("ratings", RATINGS_HEADER + "Acme,solvency,7,2025-01-31,Ann\nBolt,tenure,3,2024-12-01,\n"),
        ("stakeholders", "account,name,title,department,roles,influence,stance,reports_to,"
                         "email\nAcme,Ann,CFO,Finance,Champion; Economic Buyer,high,-1,,"
                         "ann@acme.example\nAcme,Bob,,,,,,Ann,\n"),
        ("engagements", "account,stakeholder,date,kind,summary,sentiment\n"
                        "Acme,Ann,2025-01-31,qbr,\"Good, long\nmeeting\",2\nBolt,,2025-02-01,"
                        "call,,-1\n"),
    ]:
        original = rows(kind, text).drop(columns="line")
        for fmt in ("csv", "xlsx"):
            again = rows(kind, io.to_bytes(kind, original, f"x.{fmt}"), f"x.{fmt}")
            pd.testing.assert_frame_equal(again.drop(columns="line"), original)


def test_excel_export_has_one_sheet_named_after_the_kind_with_the_header():
    frame = rows("ratings", RATINGS_HEADER + "Acme,solvency,7,2025-01-31,\n")
    book = load_workbook(stdio.BytesIO(io.to_xlsx("ratings", frame)))
    assert book.sheetnames == ["ratings"]
    assert [c.value for c in book["ratings"][1]] == list(io.column_names("ratings"))


def test_column_table_documents_every_column():
    table = io.column_table("ratings")
    assert table["column"].tolist() == list(io.column_names("ratings"))
    assert table["required"].tolist() == ["yes", "yes", "yes", "yes", ""]


def test_file_format_goes_by_extension():
    assert io.file_format("A.CSV") == "csv" and io.file_format("b.xlsx") == "xlsx"
    with pytest.raises(ValueError, match="use a .csv or .xlsx file"):
        io.file_format("c.xls")


# --- never a traceback -------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(io.KINDS), data=st.binary(max_size=400),
       filename=st.sampled_from(["f.csv", "f.xlsx"]))
def test_random_bytes_never_crash_the_reader(kind, data, filename):
    parsed = io.parse(kind, data, filename)
    assert parsed.ok or all(isinstance(p, io.Problem) for p in parsed.problems)


_cell = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "Acme", "solvency", "7", "11", "2025-01-31", "2025-02-30", "1,234", "yes", "qbr", "-3",
     '"', ";", ",", "\n", "x@y.z", "Economic Buyer", "nan", "inf", "1e999"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(io.KINDS),
       table=st.lists(st.lists(_cell, max_size=11), max_size=8),
       sep=st.sampled_from([",", ";"]))
def test_malformed_rows_give_problems_never_a_traceback(kind, table, sep):
    header = sep.join(io.column_names(kind))
    text = header + "\n" + "\n".join(sep.join(r) for r in table)
    parsed = io.parse(kind, text.encode("utf-8", "surrogatepass"), "f.csv")
    for p in parsed.problems:
        assert isinstance(p, io.Problem) and p.line >= 1 and p.message
    if parsed.ok:
        assert set(io.column_names(kind)) <= set(parsed.rows.columns)
