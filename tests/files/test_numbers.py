"""kamdash.files.numbers: amounts and counts in the file's own decimal convention, never
guessed."""

from __future__ import annotations

import pytest
from import_helpers import (
    parse,
    problems,
    rows,
    xlsx,
)

from kamdash import files


@pytest.mark.parametrize("text, expected", [
    ("1200", 1200.0), ("1200.5", 1200.5), ("1200,5", 1200.5), ("1200,50", 1200.5),
    ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("1,234,567", 1234567.0),
    ("1.234.567", 1234567.0), ("1\u00a0200", 1200.0), ("1e6", 1e6),
    ("+12", 12.0), ("0,5", 0.5), (".5", 0.5),
])
def test_amounts_accept_a_decimal_comma_only_where_it_cannot_be_misread(text, expected):
    parsed = files.parse("accounts", f'name;annual_revenue\nAcme;"{text}"\n'.encode(), "a.csv")
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

