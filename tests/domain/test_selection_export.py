"""The Selection downloads: whole ranking and lists, screen columns, scenario in the name,
formula-looking text neutralised, and every row read back as it was written."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from kamdash import selection, selection_export
from kamdash.selection import Rule

RATINGS = pd.DataFrame({"solvency": [9.0, 7.0, 5.0, 3.0]}, index=[1, 2, 3, 4])
ACCOUNTS = pd.DataFrame({
    "name": ["=HYPERLINK(\"http://evil\")", "Bolt", "+Core", "Dune"],
    "is_key": [False, True, False, True],
    "annual_revenue": [100.0, 200.0, 300.0, 400.0],
    "industry": ["Retail", "@risk", "Energy", "-"],
    "manager": ["Ann", "Bo", None, "Cy"],
}, index=[1, 2, 3, 4])
WEIGHTS = {"solvency": 4}


def outcome():
    return selection.evaluate(RATINGS, ACCOUNTS, WEIGHTS, "floor", Rule("top_n", n=2))


def test_the_ranking_export_has_every_account_and_the_screen_columns():
    frame = selection_export.shown(outcome().table)
    assert list(frame.columns) == ["Rank", "Account", "Score", "Change", "Key today",
                                   "Industry", "Manager", "Revenue, 12 months"]
    assert frame["Rank"].tolist() == [1, 2, 3, 4]
    assert frame["Change"].tolist() == ["Promoted", "Stays key", "", "Demoted"]


def test_formula_looking_text_is_neutralised_and_numbers_are_not():
    frame = selection_export.neutralise(pd.DataFrame(
        {"text": ["=1+1", "+x", "-y", "@z", "\tt", "\rr", "plain", None], "n": range(8)}))
    assert frame["text"].tolist()[:7] == ["'=1+1", "'+x", "'-y", "'@z", "'\tt", "'\rr",
                                          "plain"]
    assert pd.isna(frame["text"].iloc[7])
    assert frame["n"].tolist() == list(range(8))


def test_csv_reads_back_row_for_row():
    frame = selection_export.shown(outcome().table)
    back = pd.read_csv(io.BytesIO(selection_export.to_csv(frame)), encoding="utf-8-sig",
                       keep_default_na=False)
    assert back["Account"].tolist() == ["'=HYPERLINK(\"http://evil\")", "Bolt", "'+Core", "Dune"]
    assert back["Rank"].tolist() == frame["Rank"].tolist()
    assert back["Score"].tolist() == frame["Score"].tolist()
    assert back["Industry"].tolist() == ["Retail", "'@risk", "Energy", "'-"]


def test_the_workbook_starts_with_the_scenario_and_holds_values_only():
    sheets = selection_export.lists(outcome().table)
    data = selection_export.to_xlsx(
        sheets, selection_export.describe(WEIGHTS, "floor", Rule("top_n", n=2)))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Scenario", "Ranking", "Promoted", "Demoted", "Stays key"]
    scenario = [[c.value for c in row] for row in book["Scenario"].iter_rows(min_row=2)]
    assert scenario == [["Key accounts are", "the top 2 accounts by score"],
                        ["Criteria and weights", "Solvency 4"],
                        ["Criteria not rated", "count as 1 (conservative)"]]
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)
    for title, frame in sheets.items():
        back = pd.read_excel(io.BytesIO(data), sheet_name=title, keep_default_na=False)
        assert back["Rank"].tolist() == frame["Rank"].tolist(), title
        assert len(back) == len(frame)
    assert pd.read_excel(io.BytesIO(data), sheet_name="Promoted")["Account"].tolist() == [
        "'=HYPERLINK(\"http://evil\")"]


@pytest.mark.parametrize(("rule", "missing", "stem"), [
    (Rule("top_n", n=20), "floor", "selection_top-20_solvency-4_unrated-as-1"),
    (Rule("threshold", threshold=6.5), "ignore",
     "selection_min-score-6.5_solvency-4_unrated-left-out"),
    (Rule("capacity"), "floor", "selection_kam-capacity_solvency-4_unrated-as-1"),
])
def test_the_file_name_describes_the_scenario(rule, missing, stem):
    assert selection_export.file_stem(WEIGHTS, missing, rule) == stem


def test_the_chance_of_being_key_is_exported_when_worked_out():
    table = outcome().table
    frame = selection_export.shown(table, pd.Series([1.0, 0.5, 0.25, 0.0], index=[1, 2, 3, 4]))
    assert frame["Chance of being key"].tolist() == [1.0, 0.5, 0.25, 0.0]
