"""Import and export files: CSV and Excel (.xlsx) for accounts, ratings, stakeholders and
engagements, with the documented columns.

Pure: bytes in, a typed DataFrame plus every problem found out; a frame in, bytes out. Whether
the accounts a file names exist, and the all-or-nothing write, is ``kamdash.store.imports``.

Real files are messy, so reading is lenient where the meaning is certain and strict where it
is not:

* UTF-8 with or without BOM; comma, semicolon or tab delimiters (sniffed from the header);
  headers matched case-insensitively; spaces around values trimmed, also around quoted ones
  (``"Acme, Inc" ; Retail`` reads as ``Acme, Inc`` and ``Retail``).
* A line that is not valid CSV (text after a closing quote, a quote that never closes) is
  reported and reading goes on with the next line, so one rejection lists every bad line.
* ISO dates only: 31/01 versus 01/31 cannot be told apart.
* Numbers (amounts and counts) follow the file's own convention. A value with one separator
  and exactly three digits after it (``1.234``, ``1,234``) reads as a thousands separator or
  as a decimal, so it is read the way the file's other amounts and counts show: ``1.234,50``
  or ``12,5`` show a decimal comma (then ``1.234`` is 1234 and ``1,234`` is 1.234),
  ``1,234.50`` or ``12.5`` a decimal point (then ``1,234`` is 1234 and ``1.234`` is 1.234).
  A comma-delimited file without such a value uses the decimal point (a decimal comma would
  have to be quoted in every cell). Where nothing decides, or the file shows both
  conventions, such a value is refused naming line, column and what to write instead
  (``1234`` for thousands, ``1.2340`` for a decimal). Every other form has one reading
  (``1,5``, ``1.234.567``, ``1234.567``, ``0,125``) and is read as such. Counts are whole
  numbers: ``1.200`` employees is 1200 in a decimal-comma file, refused elsewhere.

Every problem is reported as ``line N, column C: what is wrong`` with the line numbers the
user sees in a text editor or in Excel (the header is line 1).

Duplicates: accounts and stakeholders are one row per natural key, so a row repeated exactly
is read once and two rows with the same key but different values are a problem. Ratings and
engagements are history: the database may hold the same key twice (two identical calls on
one day, two ratings of one criterion on one day), so a file may too. Every such row is
kept, in file order (of two ratings on one day the later line counts), and the store matches
them count by count: an export therefore always imports back unchanged.
"""

from __future__ import annotations

import csv
import io as _io
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import PurePath

import pandas as pd

from kamdash import criteria, roles
from kamdash.models import MAX_CADENCE_PER_QUARTER, EngagementKind

KINDS: tuple[str, ...] = ("accounts", "ratings", "stakeholders", "engagements")
FORMATS: tuple[str, ...] = ("csv", "xlsx")
# How many problems a rejection lists; the total is always given.
MAX_LISTED = 50
# Stop collecting problems past this many: a wrong file would otherwise list one per cell.
MAX_COLLECTED = 10_000


# --- the documented columns ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One documented column of an import file."""

    name: str
    type: str  # a key of _CONVERTERS
    required: bool
    help: str  # what goes in, for the README and the Data page


_ROLE_HELP = "buying roles separated by ; or | (e.g. Economic Buyer; Champion)"

COLUMNS: dict[str, tuple[Column, ...]] = {
    "accounts": (
        Column("name", "text", True, "account name, unique: the key other files refer to"),
        Column("industry", "text", False, "industry"),
        Column("country", "text", False, "country"),
        Column("city", "text", False, "city"),
        Column("employees", "count", False, "number of employees (whole number)"),
        Column("annual_revenue", "amount", False, "our revenue from them, last 12 months"),
        Column("customer_since", "date", False, "first order, YYYY-MM-DD"),
        Column("kam_email", "email", False,
               "email of the account's manager (a new email creates that manager)"),
        Column("is_key", "bool", False,
               "key account today: yes or no (blank keeps the current status)"),
        Column("cadence_per_quarter", "cadence", False,
               f"agreed touches per quarter, whole number 0 to {MAX_CADENCE_PER_QUARTER} "
               "(blank: the default for key or other accounts)"),
    ),
    "ratings": (
        Column("account", "text", True, "account name, as in the accounts file"),
        Column("criterion", "criterion", True, "criterion key or label, e.g. solvency"),
        Column("value", "rating", True, "rating, whole number 1 to 10"),
        Column("rated_on", "date", True, "date of the rating, YYYY-MM-DD (history is kept)"),
        Column("rated_by", "text", False, "who rated"),
    ),
    "stakeholders": (
        Column("account", "text", True, "account name, as in the accounts file"),
        Column("name", "text", True, "person's name, unique within the account"),
        Column("title", "text", False, "job title"),
        Column("department", "text", False, "department (buying centre)"),
        Column("roles", "roles", False, _ROLE_HELP),
        Column("influence", "influence", False, "low, medium or high (blank: medium)"),
        Column("stance", "stance", False,
               "-2..+2 or enemy, non-supporter, neutral, supporter, mentor (blank: neutral)"),
        Column("reports_to", "text", False,
               "name of their manager among the account's stakeholders"),
        Column("email", "email", False, "email address"),
    ),
    "engagements": (
        Column("account", "text", True, "account name, as in the accounts file"),
        Column("stakeholder", "text", False,
               "name of the person met (a known stakeholder); blank: nobody in particular"),
        Column("date", "date", True, "date, YYYY-MM-DD"),
        Column("kind", "kind", True, ", ".join(k.value for k in EngagementKind)),
        Column("summary", "text", False, "what happened"),
        Column("sentiment", "sentiment", False,
               "-2 (very negative) .. +2 (very positive) (blank: 0)"),
    ),
}

# Natural keys: a row whose key exists already updates that row; re-importing changes nothing.
# An optional key column a file leaves out (an engagements file without stakeholder or
# summary) matches whatever is saved in it; see kamdash.store.imports.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("name",),
    "ratings": ("account", "criterion", "rated_on"),
    "stakeholders": ("account", "name"),
    "engagements": ("account", "date", "kind", "stakeholder", "summary"),
}
# Kinds that are history: the database may hold a natural key more than once (its schema
# does not forbid it), so a file may too. Their rows are kept as they come and matched count
# by count on import; the other kinds are one row per key.
REPEATABLE_KINDS: tuple[str, ...] = ("ratings", "engagements")


def column_names(kind: str) -> tuple[str, ...]:
    """The documented columns of ``kind``, in file order."""
    return tuple(c.name for c in _columns(kind))


def column_table(kind: str) -> pd.DataFrame:
    """The documented columns of ``kind`` as a small table: column, required, what goes in."""
    return pd.DataFrame(
        [(c.name, "yes" if c.required else "", c.help) for c in _columns(kind)],
        columns=["column", "required", "what goes in"],
    )


def _columns(kind: str) -> tuple[Column, ...]:
    if kind not in COLUMNS:
        raise ValueError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    return COLUMNS[kind]


# --- problems --------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """What is wrong where: ``line N, column C: message`` (column None: the whole line)."""

    line: int
    column: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.message}"


def format_problems(problems: list[Problem], limit: int = MAX_LISTED) -> str:
    """The first ``limit`` problems, one per line, and how many there are in all."""
    shown = [str(p) for p in problems[:limit]]
    n = len(problems)
    count = f"{n:,} or more problems" if n >= MAX_COLLECTED else (
        f"{n} problem{'s' if n != 1 else ''}")
    head = f"The file was not imported: {count} found."
    if n > limit:
        shown.append(f"... and {n - limit} more (showing the first {limit} of {n}).")
    return "\n".join([head, *shown])


def problems_frame(problems: list[Problem], limit: int = MAX_LISTED) -> pd.DataFrame:
    """The first ``limit`` problems as a table: line, column, problem."""
    return pd.DataFrame(
        [(p.line, p.column, p.message) for p in problems[:limit]],
        columns=["line", "column", "problem"],
    ).astype({"line": "int64", "column": "str", "problem": "str"})


def sort_problems(kind: str, problems: list[Problem]) -> list[Problem]:
    """By line, and within a line the whole-line problems first, then by documented column:
    the order a person fixes them in, whoever found them (the reader or the database)."""
    order = {name: i for i, name in enumerate(column_names(kind))}
    return sorted(problems, key=lambda p: (p.line, order.get(p.column, -1) if p.column else -2))


class ImportRejected(ValueError):
    """A file (or its rows) failed validation; nothing was written. ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.line)  # stable: column order kept
        super().__init__(format_problems(self.problems))


# --- progress --------------------------------------------------------------------------------

Progress = Callable[[float], None]


class ProgressReporter:
    """Passes rising fractions 0..1 to ``progress``: each larger than the last by at least a
    percent, and 1.0 exactly once, at the end. ``part(a, b)`` maps a step's own 0..1 onto
    a..b of the whole, so the steps of one phase share one bar."""

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.done = 0.0

    def __call__(self, fraction: float) -> None:
        if self.progress is None or self.done >= 1.0:
            return
        fraction = min(max(float(fraction), 0.0), 1.0)
        if fraction < 1.0 and fraction < self.done + 0.01:
            return
        self.done = fraction
        self.progress(fraction)

    def part(self, start: float, end: float) -> Progress:
        return lambda f: self(start + (end - start) * min(max(f, 0.0), 1.0))


# --- reading the file ----------------------------------------------------------------------


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

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def checked_rows(self) -> pd.DataFrame:
        """Every row to check against the database (see ``all_rows``)."""
        return self.rows if self.all_rows is None else self.all_rows

    def raise_if_invalid(self) -> ParsedFile:
        if self.problems:
            raise ImportRejected(self.problems)
        return self


def file_format(filename: str) -> str:
    """'csv' or 'xlsx' from a file name's extension; ValueError for anything else."""
    ext = PurePath(filename).suffix.lower().lstrip(".")
    if ext in ("csv", "txt"):
        return "csv"
    if ext in ("xlsx", "xlsm"):
        return "xlsx"
    raise _WrongFormat(
        f"{filename!r}: use a .csv or .xlsx file (got {'.' + ext if ext else 'no extension'})"
    )


def parse(kind: str, data: bytes, filename: str, progress: Progress | None = None) -> ParsedFile:
    """Read and check an import file of ``kind``. Never raises for bad content: every problem
    is in ``.problems`` (call ``.raise_if_invalid()`` to turn them into ImportRejected).

    ``progress`` is told the fraction read and checked (rising, 1.0 at the end)."""
    cols = _columns(kind)
    report = ProgressReporter(progress)
    empty = _typed_frame(kind, {c.name: [] for c in cols}, [])
    try:
        reader = _read_xlsx if file_format(filename) == "xlsx" else _read_csv
        parsed = _check(kind, reader(data, report.part(0.0, 0.5)), report.part(0.5, 1.0))
    except _Unreadable as exc:
        parsed = ParsedFile(kind, empty, (), (), [Problem(exc.line, "", exc.message)])
    report(1.0)
    return parsed


class _Unreadable(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class _WrongFormat(_Unreadable, ValueError):
    """Neither .csv nor .xlsx: a ValueError for callers of ``file_format``, and the one
    problem (on line 1) of a file ``parse`` is given."""

    def __init__(self, message: str):
        super().__init__(1, message)


@dataclass
class _Table:
    header_line: int
    header: list[str]
    records: list[tuple[int, list[object]]]  # (line, cells) of every data row read
    problems: list[Problem]  # lines that could not be read at all
    delimiter: str | None = None  # None: not a CSV file


def _read_csv(data: bytes, progress: Progress) -> _Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _Unreadable(
            line, "the file is not UTF-8 text; save it as 'CSV UTF-8' (or as .xlsx) and retry"
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _Unreadable(line, "the file contains binary data; is it really a CSV file?")
    first = text.lstrip("\r\n").split("\n", 1)[0]
    if not first.strip():
        raise _Unreadable(1, "the file is empty; expected a header row naming the columns")
    delimiter = max((";", ",", "\t"), key=first.count) if any(d in first for d in ";,\t") else ","
    lines = list(_io.StringIO(text, newline=""))  # physical lines, endings kept
    header: list[str] | None = None
    header_line = 1
    records: list[tuple[int, list[object]]] = []
    problems: list[Problem] = []
    for line, row in _csv_rows(lines, delimiter, progress):
        if isinstance(row, Problem):
            if header is None:  # without a header no line can be read
                raise _Unreadable(row.line, row.message)
            problems.append(row)
            if len(problems) >= MAX_COLLECTED:
                break
        elif not any(cell.strip() for cell in row):
            continue  # blank lines and rows of empty cells (trailing ;;; from Excel)
        elif header is None:
            header, header_line = row, line
        else:
            records.append((line, list(row)))
    if header is None:
        raise _Unreadable(1, "the file is empty; expected a header row naming the columns")
    return _Table(header_line, header, records, problems, delimiter)


def _csv_rows(lines: list[str], delimiter: str,
              progress: Progress) -> Iterator[tuple[int, list[str] | Problem]]:
    """(first line, cells) per record, or (line, Problem) for a record that is not CSV.

    The csv module reads (fast, strict); a record it refuses is read again by
    ``_lenient_record``, which also allows spaces after a closing quote, and reading goes on
    after it: one bad line never hides the lines after it.
    """
    n = len(lines)
    i = 0  # index of the first line not yet read
    while i < n:
        reader = csv.reader((lines[j] for j in range(i, n)), delimiter=delimiter, strict=True,
                            skipinitialspace=True)
        consumed = 0  # lines the reader has taken, counted from i
        try:
            for count, row in enumerate(reader, start=1):
                yield i + consumed + 1, row
                consumed = reader.line_num
                if count % 2000 == 0:
                    progress((i + consumed) / n)
            return
        except csv.Error:
            start = i + consumed
            line, result, i = _lenient_record(lines, start, delimiter)
            yield line, result
            progress(i / n)


_LINE_ENDS = ("", "\n", "\r", "\r\n")


def _lenient_record(lines: list[str], start: int,
                    delimiter: str) -> tuple[int, list[str] | Problem, int]:
    """The record that begins at ``lines[start]``, read as the csv module would but allowing
    spaces between a closing quote and the delimiter. Returns (line, cells or the Problem,
    index of the line to read next)."""
    spaces = " " if delimiter == "\t" else " \t"
    limit = csv.field_size_limit()
    cells: list[str] = []
    j, pos, line = start, 0, lines[start]
    while True:
        while pos < len(line) and line[pos] in spaces:
            pos += 1
        if not line.startswith('"', pos):  # an unquoted value runs to the delimiter
            end = line.find(delimiter, pos)
            if end == -1:
                cells.append(line[pos:].rstrip("\r\n"))
                return start + 1, cells, j + 1
            cells.append(line[pos:end])
            pos = end + 1
            continue
        pos += 1
        parts: list[str] = []
        size = 0
        while True:
            close = line.find('"', pos)
            if close == -1:
                parts.append(line[pos:])
                size += len(line) - pos
                j += 1
                if j >= len(lines) or size > limit:
                    return start + 1, Problem(
                        start + 1, "", "a quoted value starts on this line but its closing "
                                       'quote is missing (a stray " ?)'), start + 1
                line, pos = lines[j], 0
                continue
            parts.append(line[pos:close])
            if line.startswith('"', close + 1):  # "" is a quote inside the value
                parts.append('"')
                pos = close + 2
                continue
            pos = close + 1
            break
        cells.append("".join(parts))
        while pos < len(line) and line[pos] in spaces:
            pos += 1
        if line.startswith(delimiter, pos):
            pos += 1
            continue
        rest = line[pos:]
        if rest in _LINE_ENDS:
            return start + 1, cells, j + 1
        after = rest.rstrip("\r\n")
        return j + 1, Problem(
            j + 1, "", f"text after the closing quote of a quoted value ({_shown(after, 20)}); "
                       'put the whole value inside the quotes and double any quote in it ("")'
        ), j + 1


def _read_xlsx(data: bytes, progress: Progress) -> _Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, IndexError):
        raise _Unreadable(1, "this is not a readable Excel (.xlsx) file") from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on corrupt archives
        raise _Unreadable(1, "this is not a readable Excel (.xlsx) file") from None
    try:
        sheet = book.worksheets[0]
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
            if not any(str(c).strip() for c in cells):
                continue
            if header is None:
                header, header_line = [_as_text(c) for c in cells], number
            else:
                records.append((number, cells))
    except _Unreadable:
        raise
    except Exception:  # noqa: BLE001 - corrupt sheet XML surfaces only while iterating
        raise _Unreadable(1, "this is not a readable Excel (.xlsx) file") from None
    finally:
        book.close()
    if header is None:
        raise _Unreadable(1, "the sheet is empty; expected a header row naming the columns")
    return _Table(header_line, header, records, [])


def _normalise_header(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())


def _check(kind: str, table: _Table, progress: Progress) -> ParsedFile:
    cols = _columns(kind)
    by_name = {c.name: c for c in cols}
    problems: list[Problem] = []
    position: dict[str, int] = {}
    ignored: list[str] = []
    for i, raw in enumerate(table.header):
        name = _normalise_header(raw)
        if not name:
            continue
        if name in by_name:
            if name in position:
                problems.append(Problem(table.header_line, name, "appears twice in the header"))
            position[name] = i
        else:
            ignored.append(raw.strip())
    missing = [c.name for c in cols if c.required and c.name not in position]
    if missing:
        expected = ", ".join(c.name for c in cols)
        problems.append(Problem(
            table.header_line, "", f"missing required column{'s' if len(missing) > 1 else ''} "
                                   f"{', '.join(missing)} (a {kind} file has: {expected})"))
    present = tuple(c.name for c in cols if c.name in position)
    empty = _typed_frame(kind, {c.name: [] for c in cols}, [])
    if problems:
        return ParsedFile(kind, empty, present, tuple(ignored),
                          sort_problems(kind, problems + table.problems))

    problems = list(table.problems)
    convention = _file_convention(cols, position, table)
    convert = {**_CONVERTERS, "amount": partial(_amount, convention=convention),
               "count": partial(_count, convention=convention)}
    width = len(table.header)
    values: dict[str, list[object]] = {c.name: [] for c in cols}
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
        for col in cols:
            if col.name not in position:
                value = _BLANK_DEFAULTS.get(col.type)  # what a new row gets
            else:
                i = position[col.name]
                raw = cells[i] if i < len(cells) else ""
                try:
                    value = _convert(col, raw, convert)
                except ValueError as exc:
                    row_ok = False
                    value = None
                    problems.append(Problem(line, col.name, str(exc)))
            values[col.name].append(value)
        lines.append(line)
        valid.append(row_ok)
        if len(problems) >= MAX_COLLECTED:
            break
    every = _typed_frame(kind, values, lines)
    frame, duplicates = _collapse_duplicates(
        kind, every[pd.Series(valid, index=every.index, dtype=bool)])
    problems = sort_problems(kind, problems + duplicates)
    whole = len(frame) == len(every)  # no row left out: the rows are every row
    return ParsedFile(kind, frame.reset_index(drop=True), present, tuple(ignored), problems,
                      all_rows=None if whole else every)


def typed(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s documented columns of ``kind`` with the dtypes ``parse`` gives them (dates
    as datetime.date, missing as NA), so database rows and file rows compare like for like."""
    out = pd.DataFrame(index=frame.index)
    for col in _columns(kind):
        if col.name not in frame:
            continue
        s = frame[col.name]
        if col.type == "date":
            out[col.name] = s.map(_to_date).astype(object)
        elif col.type == "text" or col.type == "email":
            out[col.name] = s.astype(object).where(s.notna(), None).astype("string")
        elif col.type == "roles":  # stored key order may differ; compare sets, in ROLES order
            keys = s.fillna("").astype(str)
            canonical = {v: ";".join(k for k in roles.ROLES if k in v.split(";"))
                         for v in keys.unique()}
            out[col.name] = keys.map(canonical).astype("string")
        else:
            out[col.name] = s.astype(_DTYPES[col.type])
    return out


def _to_date(v: object) -> date | None:
    if isinstance(v, datetime):  # also pandas Timestamps
        return None if pd.isna(v) else v.date()
    return v if isinstance(v, date) else None


def _typed_frame(kind: str, values: Mapping[str, list], lines: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame({"line": pd.array(lines, dtype="Int64")})
    for col in _columns(kind):
        frame[col.name] = pd.Series(values[col.name], dtype=_DTYPES[col.type], index=frame.index)
    return frame


def _collapse_duplicates(kind: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Ratings and engagements keep every row (see the module docstring). For accounts and
    stakeholders a row repeating another exactly is dropped (it says the same twice), and
    each row whose values differ from the first row of its key is a problem: which one
    should win is unclear."""
    if frame.empty or kind in REPEATABLE_KINDS:
        return frame, []
    values = frame.drop(columns="line").astype("string").fillna("\x00")
    keep = ~values.duplicated()
    frame, values = frame[keep], values[keep]
    key = list(NATURAL_KEYS[kind])
    groups = [values[k] for k in key]
    row = pd.util.hash_pandas_object(values, index=False)
    differs = row != row.groupby(groups).transform("first")  # rows are in line order
    if not differs.any():
        return frame, []
    first_line = frame["line"].groupby(groups).transform("min")
    what = ", ".join(key)
    problems = [
        Problem(int(line), "", f"same {what} as line {first} but different values; "
                               "keep one of the two rows")
        for line, first in zip(frame.loc[differs, "line"], first_line[differs], strict=True)
    ]
    return frame, problems


# --- cell converters -----------------------------------------------------------------------


def _blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and raw != raw:  # NaN
        return True
    return isinstance(raw, str) and not raw.strip()


def _as_text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # Excel turns a name like 2024 into a float
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def _shown(raw: object, limit: int = 40) -> str:
    text = _as_text(raw)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _convert(col: Column, raw: object,
             convert: Mapping[str, Callable[[object], object]] | None = None) -> object:
    if _blank(raw):
        if col.required:
            raise ValueError(f"is empty; every row needs a {col.name}")
        return _BLANK_DEFAULTS.get(col.type)
    return (convert or _CONVERTERS)[col.type](raw)


def _text(raw: object) -> str:
    return _as_text(raw)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(raw: object) -> str:
    text = _as_text(raw)
    if not _EMAIL.match(text):
        raise ValueError(f"{_shown(raw)} is not an email address")
    return text.lower()


@dataclass(frozen=True)
class _Convention:
    """How a file writes numbers: its decimal separator ('.' or ','), None when unknown;
    ``mixed`` when its values show both."""

    decimal: str | None = None
    mixed: bool = False


_UNKNOWN = _Convention()
# Number forms, matched in this order on the digits without sign (see the module docstring).
_PLAIN = re.compile(r"\d+")
_AMBIGUOUS = re.compile(r"[1-9]\d{0,2}([.,])\d{3}")  # 1.234 or 1,234: thousands or decimals?
_POINT = re.compile(r"\d*\.\d+|[1-9]\d{0,2}(,\d{3})+(\.\d+)?")  # 1.5, 1234.567, 1,234,567.8
_COMMA = re.compile(r"\d*,\d+|[1-9]\d{0,2}(\.\d{3})+(,\d+)?")  # 1,5, 1234,567, 1.234.567,8
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE][+-]?\d+")  # 1e6
_NUMERIC_TYPES = ("amount", "count")  # the columns whose values show a file's convention


class _Ambiguous(ValueError):
    """A value with one separator and three digits after it, in a file that does not say
    which separator is its decimal one."""

    def __init__(self, message: str, digits: str):
        super().__init__(message)
        self.digits = digits  # the value read as thousands: what to write for a count


def _number_text(raw: object) -> tuple[int, str]:
    text = _as_text(raw).replace("\u00a0", "").replace("\u202f", "")
    sign = -1 if text.startswith("-") else 1
    return sign, text[1:] if text[:1] in "+-" else text


def _decimal_mark(raw: object) -> str | None:
    """The decimal separator a cell shows ('.' or ','), None when it shows none."""
    if not isinstance(raw, str):
        return None  # Excel number cells carry no separator
    body = _number_text(raw)[1]
    if _AMBIGUOUS.fullmatch(body):
        return None
    if _POINT.fullmatch(body):
        return "."
    if _COMMA.fullmatch(body):
        return ","
    return None


def _file_convention(cols: tuple[Column, ...], position: Mapping[str, int],
                     table: _Table) -> _Convention:
    """The decimal separator the file's amounts and counts show, else its delimiter's."""
    at = [position[c.name] for c in cols if c.type in _NUMERIC_TYPES and c.name in position]
    seen: set[str] = set()
    if at:
        for _, cells in table.records:
            for i in at:
                mark = _decimal_mark(cells[i]) if i < len(cells) else None
                if mark:
                    seen.add(mark)
            if len(seen) == 2:
                break
    if len(seen) == 2:
        return _Convention(None, mixed=True)
    if seen:
        return _Convention(seen.pop())
    if table.delimiter == ",":  # a decimal comma would need quotes in every cell
        return _Convention(".")
    return _UNKNOWN


def _number(raw: object, convention: _Convention = _UNKNOWN) -> float:
    if isinstance(raw, bool):
        raise ValueError(f"{_shown(raw)} is not a number")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise ValueError(f"{_shown(raw)} is not a number")
        return float(raw)
    sign, body = _number_text(raw)
    value: float | None = None
    if _PLAIN.fullmatch(body):
        value = float(body)
    elif match := _AMBIGUOUS.fullmatch(body):
        sep = match.group(1)
        if convention.decimal is None:
            whole, frac = body.split(sep)
            lead = "-" if sign < 0 else ""
            name = "point" if sep == "." else "comma"
            why = ("this file's numbers use both the point and the comma as decimal separator"
                   if convention.mixed else "no other number in this file shows which")
            raise _Ambiguous(
                f"{_shown(raw)} is ambiguous: write {lead}{whole}{frac} if the {name} "
                f"separates thousands, or {lead}{whole}{sep}{frac}0 if it is the decimal "
                f"{name} ({why})", f"{lead}{whole}{frac}")
        value = float(body.replace(",", ".") if sep == convention.decimal
                      else body.replace(sep, ""))
    elif _POINT.fullmatch(body):
        value = float(body.replace(",", ""))
    elif _COMMA.fullmatch(body):
        value = float(body.replace(".", "").replace(",", "."))
    elif _SCIENTIFIC.fullmatch(body):
        value = float(body)
    if value is None or not math.isfinite(value):
        raise ValueError(f"{_shown(raw)} is not a number")
    return sign * value


_GROUPED = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")


def _whole(raw: object, what: str, convention: _Convention = _UNKNOWN) -> int:
    value = _number(raw, convention)
    if not value.is_integer():
        if isinstance(raw, str) and _GROUPED.match(raw.strip()):
            digits = re.sub(r"[.,]", "", raw.strip())
            raise ValueError(f"{_shown(raw)} is not a whole number; write {digits} "
                             "without a thousands separator")
        raise ValueError(f"{_shown(raw)} is not a whole number ({what})")
    return int(value)


def _count(raw: object, convention: _Convention = _UNKNOWN) -> int:
    try:
        value = _whole(raw, "a count of people", convention)
    except _Ambiguous as exc:  # a count has no decimals: only the thousands reading is left
        raise ValueError(f"{_shown(raw)} is ambiguous: write {exc.digits} without a "
                         "thousands separator") from None
    if value < 0 or value > 10**9:
        raise ValueError(f"{_shown(raw)} is out of range (0 or more)")
    return value


def _amount(raw: object, convention: _Convention = _UNKNOWN) -> float:
    value = float(_number(raw, convention))
    if value < 0 or value >= 1e15:
        raise ValueError(f"{_shown(raw)} is out of range (0 or more)")
    return value


def _cadence(raw: object) -> int:
    value = _whole(raw, "touches per quarter")
    if not 0 <= value <= MAX_CADENCE_PER_QUARTER:
        raise ValueError(f"{_shown(raw)} is out of range; use a whole number 0 to "
                         f"{MAX_CADENCE_PER_QUARTER} (touches per quarter)")
    return value


def _rating(raw: object) -> int:
    try:
        value = _whole(raw, "ratings run 1 to 10")
    except ValueError:
        raise ValueError(f"{_shown(raw)} is not a rating; use a whole number 1 to 10") from None
    if not 1 <= value <= 10:
        raise ValueError(f"{_shown(raw)} is outside 1 to 10")
    return value


def _sentiment(raw: object) -> int:
    try:
        value = _whole(raw, "")
    except ValueError:
        value = None
    if value is None or not -2 <= value <= 2:
        raise ValueError(
            f"{_shown(raw)} is not a sentiment; use a whole number from -2 (very negative) "
            "to +2 (very positive)"
        )
    return value


_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})([ T]00:00(:00(\.0+)?)?)?$")


def _date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _as_text(raw)
    match = _ISO_DATE.match(text)
    if not match:
        raise ValueError(f"{_shown(raw)} is not a date; write YYYY-MM-DD, e.g. 2025-01-31")
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        raise ValueError(f"{_shown(raw)} is not a real date") from None


_TRUE = {"yes", "y", "true", "1", "x", "key"}
_FALSE = {"no", "n", "false", "0"}


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _as_text(raw).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{_shown(raw)} is not yes or no")


def _criterion_lookup() -> dict[str, str]:
    lookup = {}
    for c in criteria.CRITERIA:
        lookup[c.key] = c.key
        lookup[_normalise_header(c.label)] = c.key
    return lookup


_CRITERION = _criterion_lookup()


def _criterion(raw: object) -> str:
    key = _CRITERION.get(_normalise_header(_as_text(raw)))
    if key is None:
        raise ValueError(
            f"{_shown(raw)} is not a criterion; use one of: {', '.join(criteria.KEYS)}"
        )
    return key


def _kind(raw: object) -> str:
    text = _as_text(raw).lower()
    if text not in EngagementKind.__members__:
        raise ValueError(
            f"{_shown(raw)} is not a kind of engagement; use one of: "
            f"{', '.join(k.value for k in EngagementKind)}"
        )
    return text


def _roles(raw: object) -> str:
    return ";".join(roles.parse_roles(_as_text(raw)))


def _influence(raw: object) -> str:
    return roles.parse_influence(_as_text(raw))


def _stance(raw: object) -> int:
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    return roles.parse_stance(raw if number else _as_text(raw))


_CONVERTERS: dict[str, Callable[[object], object]] = {
    "text": _text,
    "email": _email,
    "count": _count,
    "amount": _amount,
    "cadence": _cadence,
    "date": _date,
    "bool": _bool,
    "criterion": _criterion,
    "rating": _rating,
    "kind": _kind,
    "sentiment": _sentiment,
    "roles": _roles,
    "influence": _influence,
    "stance": _stance,
}
# What a blank optional cell means, where the database column cannot be empty.
_BLANK_DEFAULTS: dict[str, object] = {
    "roles": "",
    "influence": "medium",
    "stance": 0,
    "sentiment": 0,
}
_DTYPES: dict[str, str] = {
    "text": "string",
    "email": "string",
    "count": "Int64",
    "amount": "Float64",
    "cadence": "Int64",
    "date": "object",  # datetime.date or None
    "bool": "boolean",
    "criterion": "string",
    "rating": "Int64",
    "kind": "string",
    "sentiment": "Int64",
    "roles": "string",
    "influence": "string",
    "stance": "Int64",
}


# --- writing files -------------------------------------------------------------------------


def export_frame(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` reduced to the documented columns of ``kind``, in order, as file values:
    dates ISO, yes/no for booleans, roles and stance as words, blanks empty."""
    cols = _columns(kind)
    out = pd.DataFrame(index=frame.index)
    for col in cols:
        s = frame[col.name] if col.name in frame else pd.Series(None, index=frame.index)
        if col.type == "date":
            s = s.map(lambda v: v.isoformat()[:10] if isinstance(v, date) else None)
        elif col.type == "bool":
            s = s.astype("boolean").map({True: "yes", False: "no"}, na_action="ignore")
        elif col.type == "roles":
            s = s.fillna("").astype(str).map(_roles_for_people)
        elif col.type == "stance":
            s = s.astype("Int64").map(roles.stance_label, na_action="ignore")
        elif col.type in ("count", "cadence", "rating", "sentiment"):
            s = s.astype("Int64")
        elif col.type == "amount":
            s = s.astype("Float64")
        out[col.name] = s
    return out.reset_index(drop=True)


def _roles_for_people(stored: str) -> str:
    """'buyer;ambassador' -> 'Buyer; Ambassador': labels a person reads, which parse back."""
    keys = set(stored.split(";"))
    return "; ".join(roles.ROLE_LABELS[k] for k in roles.ROLES if k in keys)


def to_csv(kind: str, frame: pd.DataFrame) -> bytes:
    """The documented columns as UTF-8 CSV (comma-delimited, ISO dates)."""
    return export_frame(kind, frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_xlsx(kind: str, frame: pd.DataFrame) -> bytes:
    """The documented columns as an Excel workbook with one sheet named after ``kind``."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    out = export_frame(kind, frame).astype(object)
    out = out.where(out.notna(), None)
    book = Workbook(write_only=True)  # streams rows: several times faster for big exports
    sheet = book.create_sheet(kind)
    for i, name in enumerate(out.columns, start=1):
        width = max([len(name), *(len(str(v)) for v in out[name].head(200) if v is not None)])
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, 50)
    sheet.append(list(out.columns))
    for row in out.itertuples(index=False, name=None):
        sheet.append(row)
    buffer = _io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_bytes(kind: str, frame: pd.DataFrame, filename: str) -> bytes:
    """CSV or Excel bytes, by ``filename``'s extension."""
    return to_xlsx(kind, frame) if file_format(filename) == "xlsx" else to_csv(kind, frame)
