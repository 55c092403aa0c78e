"""kamdash.files.kinds: the registry of file kinds."""

from __future__ import annotations

import pytest

from kamdash import files


def test_column_table_documents_every_column():
    table = files.kind("ratings").column_table()
    assert table["column"].tolist() == list(files.kind("ratings").column_names)
    assert table["required"].tolist() == ["yes", "yes", "yes", "yes", ""]



@pytest.mark.parametrize("name, label, a_file, key", [
    ("accounts", "Accounts", "an accounts file", ("name",)),
    ("ratings", "Ratings", "a ratings file", ("account", "criterion", "rated_on")),
    ("stakeholders", "Stakeholders", "a stakeholders file", ("account", "name")),
    ("engagements", "Engagements", "an engagements file",
     ("account", "date", "kind", "stakeholder", "summary")),
])
def test_every_kind_has_its_label_article_and_natural_key(name, label, a_file, key):
    spec = files.kind(name)
    assert (spec.label, spec.a_file, spec.natural_key) == (label, a_file, key)


def test_an_unknown_kind_names_the_kinds():
    with pytest.raises(ValueError, match="unknown kind 'people'; use one of: accounts, ratings, "
                                         "stakeholders, engagements"):
        files.kind("people")


@pytest.mark.parametrize("header, expected", [
    (["name", "industry"], "accounts"),
    (["account", "name", "title"], "stakeholders"),
    (["account", "criterion", "value", "rated_on"], "ratings"),
    (["account", "date", "kind"], "engagements"),
    (["account", "name", "date", "kind"], "engagements"),
    (["foo", "bar"], None),
])
def test_a_header_tells_which_kind_a_file_looks_like(header, expected):
    fits = files.guess_kind(header)
    assert (fits.name if fits else None) == expected


def test_a_file_read_as_the_wrong_kind_says_which_kind_it_looks_like():
    people = b"account,name,title\nAcme,Ann,CFO\n"
    parsed = files.parse("ratings", people, "p.csv")
    assert parsed.looks_like == "stakeholders"
    assert [str(p) for p in parsed.problems] == [
        "line 1: missing required columns criterion, value, rated_on (a ratings file has: "
        "account, criterion, value, rated_on, rated_by)"]
    # It has an accounts file's one required column, but fits stakeholders better
    assert files.parse("accounts", people, "p.csv").looks_like == "stakeholders"
    assert files.parse("stakeholders", people, "p.csv").looks_like is None
    assert files.parse("accounts", b"name,city\nAcme,Rome\n", "a.csv").looks_like is None
