"""The key-account programme's rules: documents are web links, agreements are consistent,
the catalogue is named uniquely, and the portfolio view counts and flags the key accounts."""

from datetime import date

import pandas as pd
import pytest

from kamdash import programme
from kamdash.programme import Agreement


@pytest.mark.parametrize(("url", "problem"), [
    (None, None),
    ("", None),
    ("https://docs.example/agreements/acme.pdf", None),
    ("http://intranet.example/a?id=3", None),
    ("javascript:alert(1)", "the document link 'javascript:alert(1)' is not a web address; it "
                            "must start with https:// (or http://)"),
    ("ftp://files.example/a.pdf", "the document link 'ftp://files.example/a.pdf' is not a web "
                                  "address; it must start with https:// (or http://)"),
    ("https://", "the document link 'https://' is not a web address; it must start with "
                 "https:// (or http://)"),
    ("https://docs.example/a b.pdf", "the document link 'https://docs.example/a b.pdf' is "
                                     "not a web address; it must start with https:// (or "
                                     "http://)"),
    ("https://x.example/" + "a" * 500, "the document link is longer than 500 characters"),
])
def test_url_problem(url, problem):
    assert programme.url_problem(url) == problem


@pytest.mark.parametrize(("agreement", "problems"), [
    (Agreement(), []),
    (Agreement("offered"), []),
    (Agreement("agreed", date(2026, 1, 5), date(2027, 1, 5), (1, 2), "A forecast",
               "https://docs.example/a.pdf"), []),
    (Agreement("signed"), ["'signed' is not a programme status; use Not yet offered, "
                           "Offered, Agreed, Declined"]),
    (Agreement("agreed"), ["an agreed programme needs the date it was agreed"]),
    (Agreement("agreed", date(2026, 1, 5), date(2026, 1, 5)),
     ["the next review must come after the agreement date"]),
    (Agreement("agreed", date(2026, 1, 5), services=(1, 9, 8)),
     ["unknown service id(s) 8, 9"]),
    (Agreement(customer_commits="x" * 1001),
     ["keep what the customer commits to under 1000 characters"]),
])
def test_agreement_problems(agreement, problems):
    assert programme.agreement_problems(agreement, [1, 2, 3]) == problems


@pytest.mark.parametrize(("names", "problems"), [
    (["Executive sponsor", "QBR"], []),
    (["Executive sponsor", " "], ["row 2: give the service a name"]),
    (["QBR", "qbr ", "Sponsor"], ["'qbr' is in the catalogue twice; names must be unique"]),
    (["x" * 81], ["row 1: keep the name under 80 characters"]),
])
def test_service_problems(names, problems):
    assert programme.service_problems(pd.DataFrame({"name": names})) == problems


def test_services_join_and_split_round_trip():
    assert programme.join_services([5, 1, 3, 1]) == "1;3;5"
    assert programme.split_services("1;3;5") == (1, 3, 5)
    assert programme.split_services("") == ()
    assert programme.service_names((1, 3), {1: "QBR", 3: "Sponsor"}) == "QBR, Sponsor"


def test_overview_counts_the_key_accounts_flags_the_never_offered_and_lists_reviews_due():
    accounts = pd.DataFrame({
        "name": ["Acme", "Bolt", "Core", "Dune", "Echo", "Fjord"],
        "manager": ["Ann", "Ann", "Ben", "Ben", "Ben", "Ann"],
        "is_key": [True, True, True, True, True, False],
    }, index=[1, 2, 3, 4, 5, 6])
    agreements = pd.DataFrame({
        "status": ["agreed", "agreed", "offered", "declined", "agreed"],
        "next_review": pd.to_datetime(["2026-12-10", "2026-11-01", None, None,
                                       "2026-11-20"]),
    }, index=[1, 2, 3, 4, 6])
    view = programme.overview(accounts, agreements, date(2026, 11, 15))
    assert (view.key_accounts, view.agreed, view.offered, view.declined) == (5, 2, 1, 1)
    assert view.never_offered["name"].tolist() == ["Echo"]  # no record at all
    due = view.due_for_review
    assert due["name"].tolist() == ["Bolt", "Acme"]  # soonest first; Fjord is not key
    assert due["overdue"].tolist() == [True, False]
