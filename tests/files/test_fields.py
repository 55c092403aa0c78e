"""kamdash.fields: the rules of every field, the one problem type and the one rejection."""

from __future__ import annotations

from datetime import date

import pytest

from kamdash import fields
from kamdash.fields import Problem, Rejected

TODAY = date(2026, 3, 1)


@pytest.mark.parametrize("problem, text", [
    (Problem(3, "value", "is wrong"), "line 3, column value: is wrong"),
    (Problem(1, "", "empty"), "line 1: empty"),
    (Problem(2, "Stance", "is odd", unit="row"), "row 2, column Stance: is odd"),
    (Problem(0, "Kind", "is odd"), "Kind: is odd"),
    (Problem(message="no account"), "no account"),
])
def test_a_problem_says_where_and_what(problem, text):
    assert str(problem) == text


@pytest.mark.parametrize("problems, headline, text", [
    ([Problem(message="a"), Problem(0, "Kind", "b.")], "Nothing was saved",
     "Nothing was saved: a; Kind: b."),
    ([Problem(2, "x", "a"), Problem(1, "", "b")], "The file was not imported",
     "The file was not imported: 2 problems found.\nline 1: b\nline 2, column x: a"),
    ([Problem(1, "", "b")], "Nothing was saved", "Nothing was saved: 1 problem found.\nline 1: b"),
])
def test_one_rejection_formats_forms_files_and_tables(problems, headline, text):
    rejected = Rejected(problems, headline)
    assert str(rejected) == text and isinstance(rejected, ValueError)
    assert rejected.messages == [str(p) for p in sorted(problems, key=lambda p: p.line)]


def test_a_long_rejection_lists_fifty_and_the_total():
    lines = str(Rejected([Problem(i, "", "x") for i in range(1, 61)], "Rejected")).splitlines()
    assert (lines[0], len(lines), lines[-1]) == (
        "Rejected: 60 problems found.", 52, "... and 10 more (showing the first 50 of 60).")


@pytest.mark.parametrize("value, expected", [
    ("Ann", True), (" \u00e9 ", True), ("\u200b", False), ("\u200b\u200c\u200d\u2060\ufeff", False),
    ("  \t", False), ("\u0301", False), ("\u00a0\u3000", False), ("x\u200b", True), ("", False),
])
def test_visible_means_a_character_a_person_can_see(value, expected):
    assert fields.visible(value) is expected


@pytest.mark.parametrize("value, expected", [
    ("  Adriatic   Coatings ", "Adriatic Coatings"), ("Ann\nBerg", "Ann Berg"),
    ("A" * 200, "A" * 200),
])
def test_a_name_is_one_line_with_single_spaces(value, expected):
    assert fields.name(value) == expected


@pytest.mark.parametrize("value, message", [
    ("\u200b", r"'\u200b' has no visible characters; type the name"),
    ("A" * 201, "is 201 characters long; at most 200 fit"),
])
def test_a_name_must_be_visible_and_not_too_long(value, message):
    with pytest.raises(ValueError) as caught:
        fields.name(value)
    assert str(caught.value) == message


@pytest.mark.parametrize("what, limit", [
    ("title", 200), ("department", 200), ("industry", 100), ("summary", 5000), ("email", 254)])
def test_each_text_field_has_its_limit(what, limit):
    assert fields.text("x" * limit, what) == "x" * limit
    with pytest.raises(ValueError, match=f"at most {limit:,} fit"):
        fields.text("x" * (limit + 1), what)


@pytest.mark.parametrize("value", ["Ann.Berg@Acme.example", "a+tag@x.co", "o'neil@x.org"])
def test_real_email_addresses_are_lower_cased(value):
    assert fields.email(value) == value.lower()


@pytest.mark.parametrize("value", [
    "<b>x</b>@evil.example", "ann at x", "ann@x", "ann@@x.com", "ann berg@x.com",
    "ann@x..com", '"ann"@x.com', "ann@x.com>", "a@b.c", "x" * 250 + "@x.com",
])
def test_anything_else_is_not_an_email_address(value):
    with pytest.raises(ValueError, match="is not an email address"):
        fields.email(value)


@pytest.mark.parametrize("value, ok", [
    (TODAY, True), (date(1900, 1, 1), True), (date(2026, 3, 2), False), (date(1899, 12, 31),
                                                                         False),
    (date(1, 1, 1), False), (date(2099, 1, 1), False),
])
def test_a_date_has_happened_and_is_not_before_1900(value, ok):
    if ok:
        assert fields.day(value, TODAY) == value
    else:
        with pytest.raises(ValueError, match="lies in the future|is before 1900"):
            fields.day(value, TODAY)


@pytest.mark.parametrize("value, expected", [("Call", "call"), (" QBR ", "qbr")])
def test_kinds_are_read_in_any_case(value, expected):
    assert fields.kind(value) == expected


@pytest.mark.parametrize("value, ok", [(-2, True), (2, True), (0, True), (3, False),
                                       (-3, False)])
def test_sentiment_runs_from_minus_two_to_two(value, ok):
    if ok:
        assert fields.sentiment(value) == value
    else:
        with pytest.raises(ValueError, match="is not a sentiment"):
            fields.sentiment(value)


def test_names_repeated_ignoring_case_point_at_the_first_within_their_scope():
    names = [(1, "Ann Berg"), (1, "ann  berg"), (2, "Ann Berg"), (1, None), (1, "ANN BERG")]
    assert fields.repeated_names(names) == {1: 0, 4: 0}


@pytest.mark.parametrize("boss_of, circling", [
    ({"A": "B", "B": "A"}, {"A", "B"}),
    ({"A": "B", "B": "C", "C": "A", "D": "A"}, {"A", "B", "C"}),
    ({"A": "B", "B": None, "C": "B"}, set()),
    ({"A": "A"}, {"A"}),
    ({}, set()),
])
def test_reporting_lines_that_run_in_a_circle_are_found(boss_of, circling):
    assert fields.reporting_circles(boss_of) == circling
