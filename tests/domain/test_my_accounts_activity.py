"""kamdash.my_accounts and kamdash.activity on small hand-built frames."""

import pandas as pd
import pytest

from kamdash import activity
from kamdash.my_accounts import my_accounts


def test_my_accounts_joins_health_gaps_and_cadence_of_one_manager():
    accounts = pd.DataFrame({"name": ["beta", "Alpha", "Gamma", "Other"],
                             "is_key": [False, False, True, True],
                             "manager_id": [1, 1, 1, 2]}, index=pd.Index([1, 2, 3, 4],
                                                                           name="account_id"))
    change = pd.DataFrame({"score": [0.4, 0.8], "band": ["red", "green"], "change": [-3, 2]},
                          index=[1, 3])
    gaps = pd.DataFrame({"account_id": [3, 1, 3, 4], "gap": ["No buyer", "Single-threaded",
                                                            "Buyer gone quiet", "x"]})
    compliance = pd.DataFrame({"target": [6.0, 1.0, 1.0, 6.0], "touches": [2, 1, 0, 9],
                               "behind": [True, False, True, False],
                               "touches_short": [4, 0, 1, 0],
                               "days_since_touch": [10.0, 3.0, float("nan"), 1.0]},
                              index=[3, 1, 2, 4])
    out = my_accounts(accounts, 1, change, gaps, compliance)
    assert out.index.tolist() == [3, 2, 1]  # key first, then by name in any case
    assert out["gaps"].tolist() == [2, 0, 1]
    assert out["worst_gap"].tolist() == ["No buyer", "", "Single-threaded"]
    assert out["band"].fillna("unknown").tolist() == ["green", "unknown", "red"]
    assert out["behind"].tolist() == [True, True, False]
    assert out["touches"].tolist() == [2, 0, 1]


def test_my_accounts_of_a_manager_with_none_is_empty():
    accounts = pd.DataFrame({"name": ["A"], "is_key": [True], "manager_id": [2]},
                            index=pd.Index([1], name="account_id"))
    empty = pd.DataFrame(columns=["score", "band", "change"])
    compliance = pd.DataFrame(columns=["target", "touches", "behind", "touches_short",
                                       "days_since_touch"])
    out = my_accounts(accounts, 1, empty, pd.DataFrame(columns=["account_id", "gap"]),
                      compliance)
    assert out.empty


@pytest.mark.parametrize("action, before, after, expected", [
    ("update", {"stance": 0, "title": "CFO"}, {"stance": 1, "title": "CFO"}, "stance: 0 → 1"),
    ("update", {"cadence_per_quarter": None}, {"cadence_per_quarter": 6},
     "cadence per quarter: – → 6"),
    ("update", {"a": 1, "b": 2}, {"a": 2, "b": 3}, "a: 1 → 2; b: 2 → 3"),
    ("create", None, {"name": "Ann Berg", "stance": 1}, "Ann Berg"),
    ("create", None, {"summary": "x" * 70}, "x" * 59 + "…"),
    ("delete", {"email": "ann@x.com"}, None, "ann@x.com"),
    ("delete", {"account": 2, "rating": 5}, None, "account: 2; rating: 5"),
])
def test_change_text_says_what_changed(action, before, after, expected):
    assert activity.change_text(action, before, after) == expected


def test_describe_names_the_action_and_entity():
    audit = pd.DataFrame({"action": ["create", "update"], "entity": ["engagement", "user"],
                          "before": [None, {"role": "kam"}], "after": [{"summary": "Call"},
                                                                      {"role": "admin"}]})
    out = activity.describe(audit)
    assert out["what"].tolist() == ["Added engagement", "Changed user"]
    assert out["change"].tolist() == ["Call", "role: kam → admin"]
