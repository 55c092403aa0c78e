"""kamdash.files.export: the documented columns written back out, safe to open, and read
back as the same values."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from import_helpers import (
    RATINGS_HEADER,
    rows,
)

from kamdash import files


def test_export_writes_the_documented_columns_in_order_with_file_values():
    frame = files.typed("accounts", pd.DataFrame({
        "name": ["Acme", "Bolt"], "industry": ["Steel", None], "country": [None, None],
        "city": [None, None], "employees": [1200, None], "annual_revenue": [1234.5, None],
        "customer_since": [date(2020, 1, 2), None], "kam_email": ["a@x.com", None],
        "is_key": [True, False], "cadence_per_quarter": [6, None]}))
    assert files.to_csv("accounts", frame).decode() == (
        "name,industry,country,city,employees,annual_revenue,customer_since,kam_email,is_key,"
        "cadence_per_quarter\n"
        "Acme,Steel,,,1200,1234.5,2020-01-02,a@x.com,yes,6\n"
        "Bolt,,,,,,,,no,\n")


ROUND_TRIPS = {
    "accounts": "name,industry,employees,annual_revenue,is_key\n\"=1+1\",+49 Steel,12,1234.5,yes\n"
                "Bolt,-,,,no\n",
    "ratings": RATINGS_HEADER + "Acme,solvency,7,2025-01-31,Ann\nBolt,tenure,3,2024-12-01,"
                                "@ann\n",
    "stakeholders": "account,name,title,department,roles,influence,stance,reports_to,email\n"
                    "Acme,Ann,CFO,Finance,Champion; Economic Buyer,high,-1,,ann@acme.example\n"
                    "Acme,Bob,=HEAD(),,,,,Ann,\n",
    "engagements": "account,stakeholder,date,kind,summary,sentiment\n"
                   "Acme,Ann,2025-01-31,qbr,\"Good, long\nmeeting\",2\n"
                   "Bolt,,2025-02-01,call,\"-1 on price; =SUM(A1) \",-1\n",
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", list(ROUND_TRIPS))
def test_every_kind_survives_a_round_trip_through_csv_and_excel(kind, fmt):
    original = rows(kind, ROUND_TRIPS[kind]).drop(columns="line")
    again = rows(kind, files.to_bytes(kind, original, f"x.{fmt}"), f"x.{fmt}")
    pd.testing.assert_frame_equal(again.drop(columns="line"), original)


def test_csv_cells_a_spreadsheet_would_run_get_a_leading_quote_numbers_stay_numbers():
    frame = rows("engagements", "account,stakeholder,date,kind,summary,sentiment\n"
                                "=1+1,+Ann,2025-01-31,call,@SUM(A1),-1\n"
                                "Acme,,2025-01-31,call,\"\t=tab\",-2\n"
                                "Acme,,2025-01-31,call,\"\r=cr\",0\n"
                                "Acme,,2025-01-31,call,a=b,1\n")
    assert files.to_csv("engagements", frame).decode().split("\n")[1:] == [
        "'=1+1,'+Ann,2025-01-31,call,'@SUM(A1),-1",
        "Acme,,2025-01-31,call,'=tab,-2",
        "Acme,,2025-01-31,call,'=cr,0",
        "Acme,,2025-01-31,call,a=b,1", ""]


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), (None, None), (-1, -1), (1.5, 1.5),
])
def test_neutralised_follows_owasp(value, expected):
    assert files.neutralised(value) == expected
