"""kamdash.files.excel: the first sheet read with its cells' own types, formulas without a
saved value named, workbooks written with values only."""

from __future__ import annotations

import io as stdio
from datetime import date, datetime

import pandas as pd
import pytest
from import_helpers import (
    RATINGS_HEADER,
    problems,
    rows,
    xlsx,
)
from openpyxl import load_workbook

from kamdash import files


def test_excel_cells_keep_their_types_and_rows_number_as_in_excel():
    data = xlsx(["account", "criterion", "value", "rated_on", "rated_by"],
                ["Acme", "solvency", 7, datetime(2025, 1, 31), None],
                [None, None, None, None, None],
                ["Acme", "tenure", 7.0, "2025-02-01", 2024],
                ["Acme", "tenure", 11, "2025-03-01", None])
    parsed = files.parse("ratings", data, "r.xlsx")
    assert [str(p) for p in parsed.problems] == ["line 5, column value: '11' is outside 1 to 10"]
    good = files.parse("ratings", xlsx(
        ["account", "criterion", "value", "rated_on", "rated_by"],
        ["Acme", "solvency", 7, datetime(2025, 1, 31), None],
        ["Acme", "tenure", 7.0, "2025-02-01", 2024]), "r.xlsx")
    assert good.rows[["line", "value", "rated_on", "rated_by"]].to_dict("records") == [
        dict(line=2, value=7, rated_on=date(2025, 1, 31), rated_by=None),
        dict(line=3, value=7, rated_on=date(2025, 2, 1), rated_by="2024"),
    ]


def test_excel_export_has_one_sheet_named_after_the_kind_with_the_header():
    frame = rows("ratings", RATINGS_HEADER + "Acme,solvency,7,2025-01-31,\n")
    book = load_workbook(stdio.BytesIO(files.to_xlsx("ratings", frame)))
    assert book.sheetnames == ["ratings"]
    assert [c.value for c in book["ratings"][1]] == list(files.kind("ratings").column_names)



def test_an_excel_true_cell_in_a_text_column_is_a_problem_naming_the_cell():
    data = xlsx(["name", "is_key"], [True, True], ["Acme", False])
    assert problems("accounts", data, "a.xlsx") == [
        "line 2, column name: is an Excel TRUE/FALSE cell, not text; type the name in it "
        "(format the cell as text if Excel changes it)"]
    assert rows("accounts", xlsx(["name", "is_key"], ["Acme", True]), "a.xlsx")[
        "is_key"].tolist() == [True]


def with_cached_values(data: bytes, values: dict[str, str]) -> bytes:
    """``data`` as Excel saves it: each formula cell (by reference) with its computed value."""
    import re
    import zipfile

    source = zipfile.ZipFile(stdio.BytesIO(data))
    out = stdio.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                for ref, value in values.items():
                    empty = rf'(<c r="{ref}"[^>]*>)<f>(.*?)</f>(?:<v\s*/>|<v></v>)'
                    kind = "" if value.isdigit() else ' t="str"'  # a number or a text
                    content = re.sub(empty.encode(), lambda m, v=value, t=kind: (
                        m.group(1)[:-1] + f"{t}><f>".encode() + m.group(2)
                        + f"</f><v>{v}</v>".encode()), content)
            target.writestr(item, content)
    return out.getvalue()


FORMULAS = xlsx(["account", "criterion", "value", "rated_on"],
                ["Acme", "solvency", "=3+4", "2025-01-31"],
                ["Acme", "tenure", 5, "2025-01-31"],
                ["=UPPER(\"bolt\")", "tenure", "=2*3", "2025-01-31"])


def test_formula_cells_without_a_saved_value_are_named_with_what_to_do():
    assert problems("ratings", FORMULAS, "r.xlsx") == [
        f"line {line}, column {column}: cell {cell} is a formula without a saved value (the "
        "program that wrote the file does not calculate); open the file in Excel and save it, "
        "or paste the cells as values, then import again"
        for line, column, cell in [(2, "value", "C2"), (4, "account", "A4"), (4, "value", "C4")]]


def test_formula_cells_with_the_value_excel_saved_read_as_that_value():
    data = with_cached_values(FORMULAS, {"C2": "7", "C4": "6"})  # A4 keeps none: still named
    assert problems("ratings", data, "r.xlsx") == [
        "line 4, column account: cell A4 is a formula without a saved value (the program that "
        "wrote the file does not calculate); open the file in Excel and save it, or paste the "
        "cells as values, then import again"]
    done = with_cached_values(FORMULAS, {"C2": "7", "C4": "6", "A4": "BOLT"})
    assert rows("ratings", done, "r.xlsx")[["account", "value"]].values.tolist() == [
        ["Acme", 7], ["Acme", 5], ["BOLT", 6]]


@pytest.mark.parametrize("text", ["=1+1", "=HYPERLINK(\"http://evil.example\",\"x\")", "+1",
                                  "-1", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_is_written_as_a_text_cell(text):
    frame = files.typed("accounts", pd.DataFrame({"name": [text], "industry": [text]}))
    book = load_workbook(stdio.BytesIO(files.to_xlsx("accounts", frame)))
    cells = [c for c in book["accounts"][2][:2]]
    assert [(c.value, c.data_type) for c in cells] == [(text, "s"), (text, "s")]
