"""kamdash.files.csv_files: CSV files as people have them: delimiters, encodings, quoted
values with spaces around them, lines that are not CSV (reported, and reading goes on)."""

from __future__ import annotations

from datetime import date

import pytest
from import_helpers import (
    RATINGS_HEADER,
    parse,
    problems,
    rows,
)


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


@pytest.mark.parametrize("encoding, text, read_as", [
    ("latin-1", "name;city\nAcme;Berlin\nMüller Söhne;Köln\nÅse Ørsted;Århus\n", "Windows-1252"),
    ("cp1252", "name;city\nMüller „Söhne“;Köln – Süd\nCafé Crème;Genève\n", "Windows-1252"),
    ("utf-16", "name\tcity\nMüller Söhne\tKöln\n", "UTF-16"),
    ("utf-16-le", "name,city\nMüller Söhne,Köln\n", "UTF-16"),
    ("utf-16-be", "name,city\nMüller Söhne,Köln\n", "UTF-16"),
    ("utf-8", "name,city\nMüller Söhne,Köln\n", "UTF-8"),
    ("utf-8-sig", "name,city\nMüller Söhne,Köln\n", "UTF-8"),
])
def test_windows_1252_latin_1_and_utf_16_files_are_read_and_say_how(encoding, text, read_as):
    parsed = parse("accounts", text.encode(encoding))
    assert [str(p) for p in parsed.problems] == []
    expected = [line.replace("\t", ",").replace(";", ",").split(",")[:2]
                for line in text.splitlines()[1:]]
    assert parsed.rows[["name", parsed.present[1]]].values.tolist() == expected
    assert parsed.encoding == read_as


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
     "line 1: the file contains binary data; is it really a CSV file?"),
    (b"name,city\nAcme,\x00\x01\x02\n", "line 2: the file contains binary data; is it really "
                                        "a CSV file?"),
    (b"name,city\nAcme,\x81\x02\x03\n", "line 2: the file contains binary data; is it really "
                                        "a CSV file?"),
    (b"\xff\xfe\x00garbage", "line 1: the file contains binary data; is it really a CSV file?"),
])
def test_bytes_that_are_no_text_are_still_refused_as_binary(data, message):
    assert problems("accounts", data) == [message]


def test_blank_lines_are_skipped_and_line_numbers_stay_as_in_the_file():
    text = RATINGS_HEADER + "\nAcme,solvency,7,2025-01-01,\n,,,,\nAcme,tenure,99,2025-01-01,\n"
    assert problems("ratings", text) == ["line 5, column value: '99' is outside 1 to 10"]


def test_a_quoted_value_over_two_lines_keeps_the_following_line_numbers_right():
    text = 'account,stakeholder,date,kind,summary\nAcme,,2025-01-01,call,"two\nlines"\n' \
           "Acme,,2025-01-01,phone,\n"
    assert problems("engagements", text) == [
        "line 4, column kind: 'phone' is not a kind of engagement; use one of: visit, meeting, "
        "call, qbr, workshop, email"]


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

