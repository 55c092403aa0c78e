"""Writing files: the documented columns of a kind as CSV or .xlsx, safe to open.

No export carries a live spreadsheet formula (OWASP's CSV injection advice): in CSV a text
cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading single
quote, which spreadsheets show as text and our reader takes off again; in .xlsx every text
is a text cell. Numbers stay numbers (a sentiment of -1 is not text). Importing an export
gives back the same values.
"""

from __future__ import annotations

import pandas as pd

from kamdash.files.cells import FORMULA_START
from kamdash.files.excel import write_xlsx
from kamdash.files.kinds import kind
from kamdash.files.reading import file_format


def typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s documented columns of kind ``name`` with the dtypes ``parse`` gives them
    (dates as datetime.date, missing as NA), so database rows and file rows compare like for
    like."""
    from kamdash.files.cells import typed as typed_cells

    return pd.DataFrame({c.name: typed_cells(c.cell, frame[c.name])
                         for c in kind(name).columns if c.name in frame}, index=frame.index)


def export_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` reduced to the documented columns of kind ``name``, in order, as file values:
    dates ISO, yes/no for booleans, roles and stance as words, blanks empty."""
    out = pd.DataFrame(index=frame.index)
    for col in kind(name).columns:
        s = frame[col.name] if col.name in frame else pd.Series(None, index=frame.index)
        out[col.name] = col.cell.export(s) if col.cell.export else s
    return out.reset_index(drop=True)


def neutralised(value: object) -> object:
    """Text a spreadsheet would run as a formula, with a leading quote; else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(name: str, frame: pd.DataFrame) -> bytes:
    """The documented columns as UTF-8 CSV (comma-delimited, ISO dates), text neutralised."""
    out = export_frame(name, frame)
    for col in kind(name).columns:
        if col.cell.text:
            out[col.name] = out[col.name].map(neutralised, na_action="ignore")
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_xlsx(name: str, frame: pd.DataFrame) -> bytes:
    """The documented columns as an Excel workbook with one sheet named after the kind."""
    out = export_frame(name, frame).astype(object)
    out = out.where(out.notna(), None)
    return write_xlsx(name, list(out.columns), list(out.itertuples(index=False, name=None)))


def to_bytes(name: str, frame: pd.DataFrame, filename: str) -> bytes:
    """CSV or Excel bytes, by ``filename``'s extension."""
    return to_xlsx(name, frame) if file_format(filename) == "xlsx" else to_csv(name, frame)
