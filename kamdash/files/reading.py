"""Reading an import file: bytes in, typed rows and every problem out (never an exception for
bad content). Whether the accounts a file names exist is for the store to check.

Every problem reads ``line N, column C: what is wrong`` with the line numbers the user sees
in a text editor or in Excel (the header is line 1).

Duplicates: accounts and stakeholders are one row per natural key (names compared ignoring
case), so a row repeated exactly is read once and two rows with the same key but different
values are a problem. Ratings and engagements are history: the database may hold the same
key twice, so a file may too; every such row is kept, in file order, and the store matches
them count by count, so an export always imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

import pandas as pd

from kamdash import fields, settings
from kamdash.fields import Problem, Rejected
from kamdash.files import numbers
from kamdash.files.cells import Reading, is_blank, normalise_header
from kamdash.files.csv_files import read_csv
from kamdash.files.excel import UncalculatedFormula, read_xlsx
from kamdash.files.kinds import Column, FileKind, guess_kind, kind
from kamdash.files.table import (
    MAX_COLLECTED,
    Progress,
    ProgressReporter,
    Table,
    Unreadable,
    WrongFormat,
)

HEADLINE = "The file was not imported"


@dataclass
class ParsedFile:
    """A file read and checked: typed rows, which documented columns it has, what is wrong."""

    kind: str
    rows: pd.DataFrame  # the rows without problems: every documented column plus ``line``
    present: tuple[str, ...]  # documented columns the file has; absent ones stay untouched
    ignored_columns: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    # Every row read, with what could be read of it (a cell with a problem is missing): what
    # the store checks against the database, so one rejection lists every problem.
    all_rows: pd.DataFrame | None = None
    encoding: str = ""  # how a CSV file was read ("UTF-8", "Windows-1252", ...); "" for .xlsx
    looks_like: str | None = None  # the kind the header fits, when it is not ``kind``

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def checked_rows(self) -> pd.DataFrame:
        """Every row to check against the database (see ``all_rows``)."""
        return self.rows if self.all_rows is None else self.all_rows

    def raise_if_invalid(self) -> ParsedFile:
        if self.problems:
            raise rejection(self.problems)
        return self


def rejection(problems: list[Problem]) -> Rejected:
    """The one error of a file that cannot be imported."""
    return Rejected(problems, HEADLINE, total=len(problems) if len(problems) >= MAX_COLLECTED
                    else None)


def file_format(filename: str) -> str:
    """'csv' or 'xlsx' from a file name's extension; ValueError for anything else."""
    ext = PurePath(filename).suffix.lower().lstrip(".")
    if ext in ("csv", "txt"):
        return "csv"
    if ext in ("xlsx", "xlsm"):
        return "xlsx"
    raise WrongFormat(
        f"{filename!r}: use a .csv or .xlsx file (got {'.' + ext if ext else 'no extension'})")


def parse(name: str, data: bytes, filename: str, progress: Progress | None = None,
          today: date | None = None) -> ParsedFile:
    """Read and check an import file of kind ``name``. Never raises for bad content: every
    problem is in ``.problems``. Dates may not lie after ``today`` (default: settings.today()).

    ``progress`` is told the fraction read and checked (rising, 1.0 at the end)."""
    spec = kind(name)
    report = ProgressReporter(progress)
    try:
        reader = read_xlsx if file_format(filename) == "xlsx" else read_csv
        table = reader(data, report.part(0.0, 0.5))
        parsed = _check(spec, table, Reading(today or settings.today()), report.part(0.5, 1.0))
    except Unreadable as exc:
        parsed = ParsedFile(name, _typed_frame(spec, {c.name: [] for c in spec.columns}, []),
                            (), (), [Problem(exc.line, "", exc.message)])
    report(1.0)
    return parsed


def sort_problems(name: str, problems: list[Problem]) -> list[Problem]:
    """By line, and within a line the whole-line problems first, then by documented column:
    the order a person fixes them in, whoever found them (the reader or the database)."""
    order = {c: i for i, c in enumerate(kind(name).column_names)}
    return sorted(problems, key=lambda p: (p.line, order.get(p.column, -1) if p.column else -2))


def problems_frame(problems: list[Problem], limit: int = fields.MAX_LISTED) -> pd.DataFrame:
    """The first ``limit`` problems as a table: line, column, problem."""
    return pd.DataFrame(
        [(p.line, p.column, p.message) for p in problems[:limit]],
        columns=["line", "column", "problem"],
    ).astype({"line": "int64", "column": "str", "problem": "str"})


def _header(spec: FileKind, table: Table) -> tuple[dict[str, int], list[str], list[Problem]]:
    """Position of each documented column, the columns ignored, the header's problems."""
    by_name = {c.name: c for c in spec.columns}
    position: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for i, raw in enumerate(table.header):
        name = normalise_header(raw)
        if name in by_name:
            if name in position:
                problems.append(Problem(table.header_line, name, "appears twice in the header"))
            position[name] = i
        elif name:
            ignored.append(raw.strip())
    missing = [c for c in spec.required if c not in position]
    if missing:
        problems.append(Problem(
            table.header_line, "", f"missing required column{'s' if len(missing) > 1 else ''} "
                                   f"{', '.join(missing)} ({spec.a_file} has: "
                                   f"{', '.join(spec.column_names)})"))
    return position, ignored, problems


def _check(spec: FileKind, table: Table, reading: Reading, progress: Progress) -> ParsedFile:
    position, ignored, problems = _header(spec, table)
    present = tuple(c for c in spec.column_names if c in position)
    encoding = table.encoding if table.delimiter is not None else ""
    fits = guess_kind([normalise_header(h) for h in table.header], spec.name)
    looks_like = fits.name if fits and fits.name != spec.name else None
    if problems:
        return ParsedFile(spec.name, _typed_frame(spec, {c.name: [] for c in spec.columns}, []),
                          present, tuple(ignored),
                          sort_problems(spec.name, problems + table.problems), encoding=encoding,
                          looks_like=looks_like)

    problems = list(table.problems)
    numeric = [position[c.name] for c in spec.columns if c.cell.numeric and c.name in position]
    reading = Reading(reading.today, numbers.convention_of(
        (cells[i] for _, cells in table.records for i in numeric if i < len(cells)),
        table.delimiter))
    width = len(table.header)
    values: dict[str, list[object]] = {c.name: [] for c in spec.columns}
    lines: list[int] = []
    valid: list[bool] = []
    n = len(table.records)
    for done, (line, cells) in enumerate(table.records, start=1):
        if done % 2000 == 0:
            progress(done / n)
        extra = [c for c in cells[width:] if str(c).strip()]
        if extra:  # the values are out of place: nothing in this row can be trusted
            problems.append(Problem(
                line, "", f"{width + len(extra)} values but the header names {width} columns "
                          "(a delimiter inside a value? quote that value)"))
            continue
        row_ok = True
        for col in spec.columns:
            if col.name not in position:
                value = col.cell.blank  # what a new row gets
            else:
                i = position[col.name]
                try:
                    value = _convert(col, cells[i] if i < len(cells) else "", reading)
                except ValueError as exc:
                    row_ok, value = False, None
                    problems.append(Problem(line, col.name, str(exc)))
            values[col.name].append(value)
        lines.append(line)
        valid.append(row_ok)
        if len(problems) >= MAX_COLLECTED:
            break
    every = _typed_frame(spec, values, lines)
    frame, duplicates = _collapse_duplicates(
        spec, every[pd.Series(valid, index=every.index, dtype=bool)])
    whole = len(frame) == len(every)  # no row left out: the rows are every row
    return ParsedFile(spec.name, frame.reset_index(drop=True), present, tuple(ignored),
                      sort_problems(spec.name, problems + duplicates),
                      all_rows=None if whole else every, encoding=encoding, looks_like=looks_like)


def _convert(col: Column, raw: object, reading: Reading) -> object:
    if isinstance(raw, UncalculatedFormula):
        raise ValueError(f"cell {raw.reference} is a formula without a saved value (the program "
                         "that wrote the file does not calculate); open the file in Excel and "
                         "save it, or paste the cells as values, then import again")
    if is_blank(raw):
        if col.required:
            article = "an" if col.name[0] in "aeiou" else "a"
            raise ValueError(f"is empty; every row needs {article} {col.name}")
        return col.cell.blank
    return col.cell.parse(raw, col.name, reading)


def _typed_frame(spec: FileKind, values: Mapping[str, list], lines: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame({"line": pd.array(lines, dtype="Int64")})
    for col in spec.columns:
        frame[col.name] = pd.Series(values[col.name], dtype=col.cell.dtype, index=frame.index)
    return frame


def _collapse_duplicates(spec: FileKind,
                         frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """History keeps every row. Otherwise a row repeating another exactly is dropped (it
    says the same twice), and each row whose values differ from the first row of its key
    (names compared ignoring case) is a problem: which one should win is unclear."""
    if frame.empty or spec.repeatable:
        return frame, []
    values = frame.drop(columns="line").astype("string").fillna("\x00")
    keep = ~values.duplicated()
    frame, values = frame[keep], values[keep]
    key = list(spec.natural_key)
    groups = [values[k].map(fields.fold) for k in key]
    row = pd.util.hash_pandas_object(values, index=False)
    differs = row != row.groupby(groups).transform("first")  # rows are in line order
    if not differs.any():
        return frame, []
    first = frame.groupby(groups)["line"].transform("min")
    first_name = frame.groupby(groups)[key[-1]].transform("first")
    what = ", ".join(key)
    problems = []
    for line, at, name, was in zip(frame.loc[differs, "line"], first[differs],
                                   frame.loc[differs, key[-1]], first_name[differs],
                                   strict=True):
        problems.append(Problem(int(line), "", (
            f"{fields.shown(name)} is the same {key[-1]} as {fields.shown(was)} on line {at} "
            "(names are compared ignoring case); keep one of the two rows") if name != was else (
            f"same {what} as line {at} but different values; keep one of the two rows")))
    return frame, problems
