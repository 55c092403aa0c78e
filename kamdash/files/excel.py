"""Excel (.xlsx) files: the first sheet read with the cells' own types, and workbooks written
with every cell a value, never a formula.

A formula cell carries the value Excel last calculated. Files written by programs that do not
calculate (openpyxl, pandas, many web tools) carry none: such a cell is reported by its
reference with what to do, never read as a blank.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from kamdash.files.cells import as_text
from kamdash.files.table import Progress, Table, Unreadable

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_UNREADABLE = "this is not a readable Excel (.xlsx) file"


@dataclass(frozen=True)
class UncalculatedFormula:
    """A formula cell without a saved value: what the reader puts in its place."""

    reference: str  # "B7"

    def __str__(self) -> str:
        return f"={self.reference}"


def read_xlsx(data: bytes, progress: Progress) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on corrupt archives
        raise Unreadable(1, _UNREADABLE) from None
    try:
        sheet = book.worksheets[0]
        formulas = _formula_cells(data, sheet)
        declared = getattr(sheet, "max_row", None) or 0  # the size the file says it has
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some tools write a wrong size; read every cell instead
        header: list[str] | None = None
        header_line = 1
        records: list[tuple[int, list[object]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if declared and number % 2000 == 0:
                progress(min(number / declared, 0.99))
            cells = ["" if v is None else v for v in values]
            for col in formulas.get(number, ()):
                if col <= len(cells) and cells[col - 1] == "":
                    cells[col - 1] = UncalculatedFormula(_reference(number, col))
            if not any(str(c).strip() for c in cells):
                continue
            if header is None:
                header, header_line = [as_text(c) for c in cells], number
            else:
                records.append((number, cells))
    except Unreadable:
        raise
    except Exception:  # noqa: BLE001 - corrupt sheet XML surfaces only while iterating
        raise Unreadable(1, _UNREADABLE) from None
    finally:
        book.close()
    if header is None:
        raise Unreadable(1, "the sheet is empty; expected a header row naming the columns")
    return Table(header_line, header, records)


def _formula_cells(data: bytes, sheet) -> dict[int, list[int]]:
    """Row -> columns (1-based) of the sheet's formula cells; {} at once for a sheet without
    any (the common case: one scan of its XML, no second read)."""
    path = getattr(sheet, "_worksheet_path", None)
    if path is None:
        return {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as xml:
        tail = b""
        while chunk := xml.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                break
            tail = chunk[-16:]
        else:
            return {}
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found: dict[int, list[int]] = {}
        for row in book.worksheets[0].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.setdefault(cell.row, []).append(cell.column)
        return found
    finally:
        book.close()


def _reference(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def write_xlsx(sheet_name: str, columns: list[str], rows: list[tuple]) -> bytes:
    """A workbook with one sheet: the header, then ``rows``. Text is always a text cell, so
    a name like ``=1+1`` stays a name in Excel and never runs as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)  # streams rows: several times faster for big exports
    sheet = book.create_sheet(sheet_name)
    for i, name in enumerate(columns):
        sample = [len(str(r[i])) for r in rows[:200] if r[i] is not None]
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(
            max([len(name), *sample]) + 2, 50)

    def value(v: object) -> object:
        if isinstance(v, str) and v.startswith("="):
            cell = WriteOnlyCell(sheet, value=v)
            cell.data_type = "s"  # openpyxl takes a leading '=' for a formula otherwise
            return cell
        return v

    sheet.append(columns)
    for row in rows:
        sheet.append([value(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
