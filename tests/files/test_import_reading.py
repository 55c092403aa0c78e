"""kamdash.io reading the files people really have: quoted values with spaces around them,
lines that are not CSV (reported, and reading goes on), numbers in the file's own decimal
convention, the cadence column, and progress while reading and checking."""

from __future__ import annotations

import pandas as pd
import pytest
from import_helpers import parse, problems, rows, xlsx

from kamdash import io

# --- quoted values with spaces around them ----------------------------------------------------


@pytest.mark.parametrize("text", [
    'name;industry\n"Acme GmbH" ; Retail\n',
    'name;industry\n  "Acme GmbH"  ;  "Retail"  \n',
    'name,industry\n"Acme GmbH" , Retail\n',
    'name\tindustry\n "Acme GmbH" \t"Retail" \n',
    'name;industry\r\n"Acme GmbH" ; Retail\r\n',
])
def test_spaces_around_a_quoted_value_are_not_part_of_it(text):
    assert rows("accounts", text)[["name", "industry"]].to_dict("records") == [
        dict(name="Acme GmbH", industry="Retail")]


def test_a_quoted_value_keeps_its_delimiter_when_spaces_precede_the_quote():
    got = rows("accounts", 'name, industry, city\n "Acme, Inc", Retail, "Berlin, Mitte"\n')
    assert got[["name", "industry", "city"]].to_dict("records") == [
        dict(name="Acme, Inc", industry="Retail", city="Berlin, Mitte")]


def test_a_doubled_quote_inside_a_quoted_value_followed_by_spaces_survives():
    got = rows("engagements", 'account;date;kind;summary\n'
                              'Acme;2025-01-01;call;"He said ""fine"" " \n')
    assert got.loc[0, "summary"] == 'He said "fine"'


def test_a_value_over_two_lines_with_spaces_after_its_quote_keeps_line_numbers_right():
    text = ('account;date;kind;summary\n'
            'Acme;2025-01-01;call;"two\nlines"  \n'
            'Acme;2025-01-02;phone;\n')
    parsed = parse("engagements", text)
    assert [str(p) for p in parsed.problems] == [
        "line 4, column kind: 'phone' is not a kind of engagement; use one of: visit, "
        "meeting, call, qbr, workshop, email"]
    assert parsed.checked_rows["summary"].tolist()[0] == "two\nlines"


# --- lines that are not CSV: reported, and reading goes on -----------------------------------


def test_text_after_a_closing_quote_is_reported_and_the_lines_after_it_are_checked():
    text = ("name,employees\n"
            "Acme,10\n"
            '"Bolt" Ltd,20\n'
            "Cord,many\n"
            "Dart,30\n")
    assert problems("accounts", text) == [
        "line 3: text after the closing quote of a quoted value ('Ltd,20'); put the whole "
        'value inside the quotes and double any quote in it ("")',
        "line 4, column employees: 'many' is not a number",
    ]


def test_a_quote_that_never_closes_is_reported_and_the_lines_after_it_are_checked():
    text = ("name,employees\n"
            'Acme,"10\n'
            "Bolt,20\n"
            "Cord,many\n")
    assert problems("accounts", text) == [
        'line 2: a quoted value starts on this line but its closing quote is missing (a stray '
        '" ?)',
        "line 4, column employees: 'many' is not a number",
    ]


def test_every_malformed_line_is_listed_not_just_the_first():
    text = "name,city\n" + "".join(
        f'"Acme {i}" x,Berlin\n' if i % 2 else f"Acme {i},Berlin\n" for i in range(6))
    assert [p.split(":")[0] for p in problems("accounts", text)] == [
        "line 3", "line 5", "line 7"]


def test_a_header_that_is_not_csv_is_the_one_problem():
    assert problems("accounts", '"name" x,city\nAcme,Berlin\n') == [
        "line 1: text after the closing quote of a quoted value ('x,city'); put the whole "
        'value inside the quotes and double any quote in it ("")']


# --- numbers in the file's own convention -----------------------------------------------------


def revenues(text: str, sep: str = ";") -> list[float]:
    body = "".join(f"A{i}{sep}{v}\n" for i, v in enumerate(text.split()))
    return rows("accounts", f"name{sep}annual_revenue\n{body}")["annual_revenue"].tolist()


@pytest.mark.parametrize("values, expected", [
    ("1.234,50 1.234", [1234.5, 1234.0]),  # decimal comma shown: '.' groups thousands
    ("1,5 1,234", [1.5, 1.234]),  # decimal comma shown: ',' is the decimal
    ("0,125 1.234", [0.125, 1234.0]),  # a leading 0 never starts a thousands group
    ("1.234.567 1,234", [1234567.0, 1.234]),
    ("12.5 1.234", [12.5, 1.234]),  # decimal point shown
    ("1,234.50 1,234", [1234.5, 1234.0]),
    ("1234.567 1.234", [1234.567, 1.234]),  # four digits before: no thousands grouping
])
def test_an_ambiguous_amount_follows_the_convention_the_file_shows(values, expected):
    assert revenues(values) == expected


def test_a_comma_delimited_file_uses_the_decimal_point_unless_it_shows_otherwise():
    assert revenues('1.234 "1,234"', sep=",") == [1.234, 1234.0]
    assert revenues('"1.234,5" 1.234', sep=",") == [1234.5, 1234.0]


def test_an_ambiguous_amount_is_refused_when_nothing_in_the_file_decides():
    assert problems("accounts", "name;annual_revenue\nA;1.234\nB;1200\n") == [
        "line 2, column annual_revenue: '1.234' is ambiguous: write 1234 if the point "
        "separates thousands, or 1.2340 if it is the decimal point (no other number in this "
        "file shows which)"]
    assert problems("accounts", "name\tannual_revenue\nA\t1,234\n") == [
        "line 2, column annual_revenue: '1,234' is ambiguous: write 1234 if the comma "
        "separates thousands, or 1,2340 if it is the decimal comma (no other number in this "
        "file shows which)"]


def test_an_ambiguous_amount_is_refused_when_the_file_shows_both_conventions():
    parsed = parse("accounts", "name;annual_revenue\nA;1.5\nB;2,5\nC;1.234\n")
    assert [str(p) for p in parsed.problems] == [
        "line 4, column annual_revenue: '1.234' is ambiguous: write 1234 if the point "
        "separates thousands, or 1.2340 if it is the decimal point (this file's numbers use "
        "both the point and the comma as decimal separator)"]
    assert parsed.rows["annual_revenue"].tolist() == [1.5, 2.5]


def test_what_the_refusal_suggests_reads_back_as_meant():
    assert revenues("1234 1.2340") == [1234.0, 1.234]
    assert revenues("1,2340") == [1.234]


def test_counts_follow_the_convention_and_are_refused_where_it_is_unknown():
    got = rows("accounts", "name;employees;annual_revenue\nA;1.200;1.234,5\n")
    assert got[["employees", "annual_revenue"]].to_dict("records") == [
        dict(employees=1200, annual_revenue=1234.5)]
    assert problems("accounts", "name;employees\nA;1.200\n") == [
        "line 2, column employees: '1.200' is ambiguous: write 1200 without a thousands "
        "separator"]
    assert rows("accounts", "name;employees\nA;1.200.000\nB;1.200\n")["employees"].tolist() \
        == [1200000, 1200]


def test_excel_number_cells_are_numbers_and_text_cells_follow_the_same_rule():
    got = rows("accounts", xlsx(["name", "annual_revenue"], ["A", 1234.5], ["B", "1.234,5"],
                                ["C", "1.234"]), "a.xlsx")
    assert got["annual_revenue"].tolist() == [1234.5, 1234.5, 1234.0]
    assert problems("accounts", xlsx(["name", "annual_revenue"], ["A", 1.5], ["B", "1.234"]),
                    "a.xlsx") == [
        "line 3, column annual_revenue: '1.234' is ambiguous: write 1234 if the point "
        "separates thousands, or 1.2340 if it is the decimal point (no other number in this "
        "file shows which)"]


# --- cadence ------------------------------------------------------------------------------------


def test_cadence_per_quarter_is_an_optional_whole_number_from_0_to_90():
    got = rows("accounts", "name,cadence_per_quarter\nA,6\nB,0\nC,90\nD,\n")
    assert got["cadence_per_quarter"].tolist() == [6, 0, 90, pd.NA]
    assert problems("accounts", "name,cadence_per_quarter\nA,91\nB,2.5\nC,often\n") == [
        "line 2, column cadence_per_quarter: '91' is out of range; use a whole number 0 to 90 "
        "(touches per quarter)",
        "line 3, column cadence_per_quarter: '2.5' is not a whole number (touches per quarter)",
        "line 4, column cadence_per_quarter: 'often' is not a number",
    ]
    assert "cadence_per_quarter" not in parse("accounts", "name\nA\n").present


# --- every row kept for the checks against the database ---------------------------------------


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


# --- progress while reading and checking ------------------------------------------------------


@pytest.mark.parametrize("filename", ["big.csv", "big.xlsx"])
def test_reading_and_checking_report_rising_fractions_ending_at_one(filename):
    table = [["account", "date", "kind", "summary"]] + [
        ["Acme", "2025-01-01", "call", f"call {i}"] for i in range(9000)]
    data = (xlsx(*table) if filename.endswith("xlsx")
            else "".join(",".join(r) + "\n" for r in table).encode())
    seen: list[float] = []
    parsed = io.parse("engagements", data, filename, progress=seen.append)
    assert len(parsed.rows) == 9000
    assert len(seen) >= 4
    assert all(a < b for a, b in zip(seen, seen[1:], strict=False))
    assert seen[0] > 0 and seen[-1] == 1.0


def test_an_unreadable_file_still_ends_its_progress_at_one():
    seen: list[float] = []
    io.parse("accounts", b"\xff\xfe", "a.csv", progress=seen.append)
    assert seen == [1.0]


def test_the_progress_reporter_passes_on_only_rising_fractions_and_one_once():
    seen: list[float] = []
    report = io.ProgressReporter(seen.append)
    for f in (0.2, 0.1, 0.2, 0.205, 0.5, 1.0, 1.0, 0.7):
        report(f)
    half = report.part(0.5, 1.0)
    half(0.5)
    assert seen == [0.2, 0.5, 1.0]
