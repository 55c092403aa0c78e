"""kamdash.files.cells: each cell type reads its values (and refuses the rest naming them)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from import_helpers import (
    RATINGS_HEADER,
    TODAY,
    parse,
    problems,
    rows,
)


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



# --- what the forms refuse, the importer refuses too (kamdash.fields) -------------------------

ENGAGEMENT = "account,date,kind,summary\n"


@pytest.mark.parametrize("kind, text, message", [
    ("engagements", ENGAGEMENT + "Acme,2099-01-01,call,\n",
     "line 2, column date: 01 Jan 2099 lies in the future (today is 01 Mar 2026); record it "
     "once it has happened"),
    ("engagements", ENGAGEMENT + "Acme,2026-03-02,call,\n",
     "line 2, column date: 02 Mar 2026 lies in the future (today is 01 Mar 2026); record it "
     "once it has happened"),
    ("engagements", ENGAGEMENT + "Acme,0001-01-01,call,\n",
     "line 2, column date: 0001-01-01 is before 1900; is the year right?"),
    ("ratings", RATINGS_HEADER + "Acme,solvency,5,2099-12-31,\n",
     "line 2, column rated_on: 31 Dec 2099 lies in the future (today is 01 Mar 2026); record "
     "it once it has happened"),
    ("engagements", ENGAGEMENT + f"Acme,2025-01-01,call,{'x' * 200_000}\n",
     "line 2, column summary: is 200,000 characters long; at most 5,000 fit"),
    ("accounts", "name\n\u200b\n",
     r"line 2, column name: '\u200b' has no visible characters; type the name"),
    ("accounts", "name\n\u200b\u200d\ufeff\u2060\n",
     r"line 2, column name: '\u200b\u200d\ufeff\u2060' has no visible characters; type the name"),
    ("stakeholders", "account,name\nAcme,\u200b \u200c\n",
     r"line 2, column name: '\u200b \u200c' has no visible characters; type the name"),
    ("accounts", f"name\n{'A' * 201}\n", "line 2, column name: is 201 characters long; at most "
                                       "200 fit"),
    ("accounts", "name,kam_email\nAcme,<b>x</b>@evil.example\n",
     "line 2, column kam_email: '<b>x</b>@evil.example' is not an email address"),
    ("stakeholders", "account,name,email\nAcme,Ann,ann berg@acme.example\n",
     "line 2, column email: 'ann berg@acme.example' is not an email address"),
])
def test_the_importer_applies_the_field_rules_of_the_forms(kind, text, message):
    assert problems(kind, text) == [message]


def test_a_summary_of_the_longest_allowed_length_and_a_date_of_today_are_read():
    got = rows("engagements", ENGAGEMENT + f"Acme,2026-03-01,call,{'x' * 5000}\n")
    assert got.loc[0, "date"] == TODAY and len(got.loc[0, "summary"]) == 5000


def test_names_are_one_line_with_single_spaces():
    assert rows("accounts", 'name\n"  Adriatic   Coatings "\n').loc[0, "name"] == \
        "Adriatic Coatings"


@pytest.mark.parametrize("text, expected", [
    ("'=1+1", "=1+1"), ("'+49 30 1234", "+49 30 1234"), ("'-5 on price", "-5 on price"),
    ("'@home", "@home"), ("'Brien", "'Brien"), ("O'Brien", "O'Brien"), ("''=x", "''=x"),
])
def test_a_quote_our_export_put_before_formula_text_is_taken_off(text, expected):
    assert rows("accounts", f"name,industry\nAcme,{text}\n").loc[0, "industry"] == expected
