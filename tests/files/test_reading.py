"""kamdash.files.reading: a file to typed rows and every problem, ``line N, column C: what is
wrong``; the header, duplicates, the order of problems, progress, and never a traceback."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import (
    RATINGS_HEADER,
    parse,
    problems,
    rows,
    xlsx,
)

from kamdash import files


def test_headers_match_ignoring_case_and_spaces_and_values_are_trimmed():
    got = rows("accounts", " Name , Annual Revenue ,Customer-Since\n  Acme  , 1200 , 2020-01-02 \n")
    assert got[["name", "annual_revenue", "customer_since"]].to_dict("records") == [
        dict(name="Acme", annual_revenue=1200.0, customer_since=date(2020, 1, 2))]


def test_missing_required_columns_are_reported_on_the_header_line():
    assert problems("ratings", "account,criterion,rated_by\nAcme,solvency,me\n") == [
        "line 1: missing required columns value, rated_on (a ratings file has: account, "
        "criterion, value, rated_on, rated_by)"]


def test_a_column_named_twice_is_a_problem():
    assert problems("accounts", "name,city,City\nAcme,a,b\n") == [
        "line 1, column city: appears twice in the header"]


def test_unknown_columns_are_ignored_and_listed_absent_optional_ones_are_not_present():
    parsed = files.parse("accounts", b"name,Owner,city\nAcme,Bob,Berlin\n", "a.csv")
    assert parsed.problems == []
    assert parsed.ignored_columns == ("Owner",)
    assert parsed.present == ("name", "city")
    assert list(parsed.rows.columns) == ["line", *files.kind("accounts").column_names]


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
    parsed = files.parse("ratings", RATINGS_HEADER.encode(), "r.csv")
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
        "line 2, column account: is empty; every row needs an account"]


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
    text = "account,name,title\nA,Ann,CFO\nB,Ann,CFO\nA,Bo,CEO\nA,Ann,CEO\n"
    assert problems("stakeholders", text) == [
        "line 5: same account, name as line 2 but different values; keep one of the two rows"]


@pytest.mark.parametrize("kind, text, message", [
    ("stakeholders", "account,name\nA,Ann Berg\nA,ann berg\n",
     "line 3: 'ann berg' is the same name as 'Ann Berg' on line 2 (names are compared "
     "ignoring case); keep one of the two rows"),
    ("stakeholders", "account,name,title\nA,Ann Berg,CFO\nA,ANN  BERG,CEO\n",
     "line 3: 'ANN BERG' is the same name as 'Ann Berg' on line 2 (names are compared "
     "ignoring case); keep one of the two rows"),
    ("accounts", "name\nAdriatic Coatings\nadriatic coatings\n",
     "line 3: 'adriatic coatings' is the same name as 'Adriatic Coatings' on line 2 (names "
     "are compared ignoring case); keep one of the two rows"),
])
def test_two_names_that_differ_only_in_case_are_one_name_in_a_file(kind, text, message):
    assert problems(kind, text) == [message]


def test_the_message_lists_the_first_fifty_problems_and_the_total():
    text = RATINGS_HEADER + "".join(f"A,solvency,0,2025-01-{1 + i % 28:02d},\n" for i in range(60))
    parsed = files.parse("ratings", text.encode(), "r.csv")
    message = str(files.rejection(parsed.problems)).splitlines()
    assert message[0] == "The file was not imported: 60 problems found."
    assert message[1] == "line 2, column value: '0' is outside 1 to 10"
    assert len(message) == 1 + 50 + 1
    assert message[-1] == "... and 10 more (showing the first 50 of 60)."
    frame = files.problems_frame(parsed.problems)
    assert list(frame.columns) == ["line", "column", "problem"] and len(frame) == 50


def test_a_problem_reads_line_column_what():
    assert str(files.Problem(3, "value", "is wrong")) == "line 3, column value: is wrong"
    assert str(files.Problem(1, "", "empty")) == "line 1: empty"


def test_file_format_goes_by_extension():
    assert files.file_format("A.CSV") == "csv" and files.file_format("b.xlsx") == "xlsx"
    with pytest.raises(ValueError, match="use a .csv or .xlsx file"):
        files.file_format("c.xls")


def test_rows_with_a_problem_stay_in_checked_rows_with_the_bad_cell_missing():
    parsed = parse("ratings", "account,criterion,value,rated_on\n"
                              "Acme,solvency,7,2025-01-01\nZed,solvency,99,2025-01-01\n")
    assert parsed.rows["account"].tolist() == ["Acme"]
    checked = parsed.checked_rows
    assert checked["account"].tolist() == ["Acme", "Zed"]
    assert checked["value"].tolist() == [7, pd.NA]


def test_problems_on_one_line_come_in_the_documented_column_order():
    assert problems("ratings", "rated_on,value,account,criterion\n2025-13-01,0,Acme,x\n") == [
        "line 2, column criterion: 'x' is not a criterion; use one of: product_fit, "
        "avg_transaction_size, revenue_potential, purchase_process, partnership, tenure, "
        "solvency, existing_relationships, cultural_fit, geographic_fit, strategic_value",
        "line 2, column value: '0' is outside 1 to 10",
        "line 2, column rated_on: '2025-13-01' is not a real date",
    ]


@pytest.mark.parametrize("filename", ["big.csv", "big.xlsx"])
def test_reading_and_checking_report_rising_fractions_ending_at_one(filename):
    table = [["account", "date", "kind", "summary"]] + [
        ["Acme", "2025-01-01", "call", f"call {i}"] for i in range(9000)]
    data = (xlsx(*table) if filename.endswith("xlsx")
            else "".join(",".join(r) + "\n" for r in table).encode())
    seen: list[float] = []
    parsed = files.parse("engagements", data, filename, progress=seen.append)
    assert len(parsed.rows) == 9000
    assert len(seen) >= 4
    assert all(a < b for a, b in zip(seen, seen[1:], strict=False))
    assert seen[0] > 0 and seen[-1] == 1.0


def test_an_unreadable_file_still_ends_its_progress_at_one():
    seen: list[float] = []
    files.parse("accounts", b"\xff\xfe", "a.csv", progress=seen.append)
    assert seen == [1.0]


def test_the_progress_reporter_passes_on_only_rising_fractions_and_one_once():
    seen: list[float] = []
    report = files.ProgressReporter(seen.append)
    for f in (0.2, 0.1, 0.2, 0.205, 0.5, 1.0, 1.0, 0.7):
        report(f)
    half = report.part(0.5, 1.0)
    half(0.5)
    assert seen == [0.2, 0.5, 1.0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(list(files.KINDS)), data=st.binary(max_size=400),
       filename=st.sampled_from(["f.csv", "f.xlsx"]))
def test_random_bytes_never_crash_the_reader(kind, data, filename):
    parsed = files.parse(kind, data, filename)
    assert parsed.ok or all(isinstance(p, files.Problem) for p in parsed.problems)


_cell = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "Acme", "solvency", "7", "11", "2025-01-31", "2025-02-30", "1,234", "yes", "qbr", "-3",
     '"', ";", ",", "\n", "x@y.z", "Economic Buyer", "nan", "inf", "1e999"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(list(files.KINDS)),
       table=st.lists(st.lists(_cell, max_size=11), max_size=8),
       sep=st.sampled_from([",", ";"]))
def test_malformed_rows_give_problems_never_a_traceback(kind, table, sep):
    header = sep.join(files.kind(kind).column_names)
    text = header + "\n" + "\n".join(sep.join(r) for r in table)
    parsed = files.parse(kind, text.encode("utf-8", "surrogatepass"), "f.csv")
    for p in parsed.problems:
        assert isinstance(p, files.Problem) and p.line >= 1 and p.message
    if parsed.ok:
        assert set(files.kind(kind).column_names) <= set(parsed.rows.columns)

