"""Import and export files: CSV and Excel (.xlsx) for accounts, ratings, stakeholders and
engagements, with the documented columns.

Pure: bytes in, a typed DataFrame plus every problem found out; a frame in, bytes out. Whether
the accounts a file names exist, and the all-or-nothing write, is ``kamdash.store.imports``.

Real files are messy, so reading is lenient where the meaning is certain and strict where it
is not: UTF-8 with or without BOM; comma, semicolon or tab delimiters (sniffed from the
header); spaces around values trimmed; headers matched case-insensitively; ISO dates only
(31/01 versus 01/31 cannot be told apart); a decimal comma only where no other reading exists
(``1,5`` is 1.5, ``1.234,5`` is 1234.5, but ``1,234`` is refused as ambiguous). Every problem
is reported as ``line N, column C: what is wrong`` with the line numbers the user sees in a
text editor or in Excel (the header is line 1).
"""

from __future__ import annotations

import csv
import io as _io
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

import pandas as pd

from kamdash import criteria, roles
from kamdash.models import EngagementKind

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
        Column("stakeholder", "text", False, "name of the person met (a known stakeholder)"),
        Column("date", "date", True, "date, YYYY-MM-DD"),
        Column("kind", "kind", True, ", ".join(k.value for k in EngagementKind)),
        Column("summary", "text", False, "what happened"),
        Column("sentiment", "sentiment", False,
               "-2 (very negative) .. +2 (very positive) (blank: 0)"),
    ),
}

# Natural keys: a row whose key exists already updates that row; re-importing changes nothing.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("name",),
    "ratings": ("account", "criterion", "rated_on"),
    "stakeholders": ("account", "name"),
    "engagements": ("account", "date", "kind", "stakeholder", "summary"),
}


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


class ImportRejected(ValueError):
    """A file (or its rows) failed validation; nothing was written. ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.line)  # stable: file column order
        super().__init__(format_problems(self.problems))


# --- reading the file ----------------------------------------------------------------------


@dataclass
class ParsedFile:
    """A file read and checked: typed rows, which documented columns it has, what is wrong."""

    kind: str
    rows: pd.DataFrame  # every documented column (absent ones all missing) plus ``line``
    present: tuple[str, ...]  # documented columns the file has; absent ones stay untouched
    ignored_columns: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

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
    raise ValueError(
        f"{filename!r}: use a .csv or .xlsx file (got {'.' + ext if ext else 'no extension'})"
    )


def parse(kind: str, data: bytes, filename: str) -> ParsedFile:
    """Read and check an import file of ``kind``. Never raises for bad content: every problem
    is in ``.problems`` (call ``.raise_if_invalid()`` to turn them into ImportRejected)."""
    cols = _columns(kind)
    empty = _typed_frame(kind, {c.name: [] for c in cols}, [])
    try:
        fmt = file_format(filename)
    except ValueError as exc:
        return ParsedFile(kind, empty, (), (), [Problem(1, "", str(exc))])
    try:
        header_line, header, records = _read_xlsx(data) if fmt == "xlsx" else _read_csv(data)
    except _Unreadable as exc:
        return ParsedFile(kind, empty, (), (), [Problem(exc.line, "", exc.message)])
    return _check(kind, header_line, header, records)


class _Unreadable(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


_Table = tuple[int, list[str], list[tuple[int, list[object]]]]  # header line, header, records


def _read_csv(data: bytes) -> _Table:
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
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_line = 1
    records: list[tuple[int, list[object]]] = []
    previous_end = 0
    try:
        for row in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank lines and rows of empty cells (trailing ;;; from Excel)
            if header is None:
                header, header_line = row, start
            else:
                records.append((start, list(row)))
    except csv.Error as exc:
        raise _Unreadable(reader.line_num, f"cannot read this line as CSV ({exc})") from None
    if header is None:
        raise _Unreadable(1, "the file is empty; expected a header row naming the columns")
    return header_line, header, records


def _read_xlsx(data: bytes) -> _Table:
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
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some tools write a wrong size; read every cell instead
        header: list[str] | None = None
        header_line = 1
        records: list[tuple[int, list[object]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
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
    return header_line, header, records


def _normalise_header(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())


def _check(
    kind: str, header_line: int, header: list[str], records: list[tuple[int, list[object]]]
) -> ParsedFile:
    cols = _columns(kind)
    by_name = {c.name: c for c in cols}
    problems: list[Problem] = []
    position: dict[str, int] = {}
    ignored: list[str] = []
    for i, raw in enumerate(header):
        name = _normalise_header(raw)
        if not name:
            continue
        if name in by_name:
            if name in position:
                problems.append(Problem(header_line, name, "appears twice in the header"))
            position[name] = i
        else:
            ignored.append(raw.strip())
    missing = [c.name for c in cols if c.required and c.name not in position]
    if missing:
        expected = ", ".join(c.name for c in cols)
        problems.append(Problem(
            header_line, "", f"missing required column{'s' if len(missing) > 1 else ''} "
                   f"{', '.join(missing)} (a {kind} file has: {expected})"))
    present = tuple(c.name for c in cols if c.name in position)
    empty = _typed_frame(kind, {c.name: [] for c in cols}, [])
    if problems:
        return ParsedFile(kind, empty, present, tuple(ignored), problems)

    width = len(header)
    values: dict[str, list[object]] = {c.name: [] for c in cols}
    lines: list[int] = []
    for line, cells in records:
        extra = [c for c in cells[width:] if str(c).strip()]
        if extra:
            problems.append(Problem(
                line, "", f"{width + len(extra)} values but the header names {width} columns "
                          "(a delimiter inside a value? quote that value)"))
            continue
        row_ok = True
        parsed: dict[str, object] = {}
        for col in cols:
            if col.name not in position:
                parsed[col.name] = _BLANK_DEFAULTS.get(col.type)  # what a new row gets
                continue
            i = position[col.name]
            raw = cells[i] if i < len(cells) else ""
            try:
                parsed[col.name] = _convert(col, raw)
            except ValueError as exc:
                row_ok = False
                problems.append(Problem(line, col.name, str(exc)))
        if len(problems) >= MAX_COLLECTED:
            break
        if row_ok:
            lines.append(line)
            for name, v in parsed.items():
                values[name].append(v)
    frame = _typed_frame(kind, values, lines)
    if not problems:
        frame, duplicates = _collapse_duplicates(kind, frame)
        problems.extend(duplicates)
    return ParsedFile(kind, frame.reset_index(drop=True), present, tuple(ignored), problems)


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
    """Rows repeating another row exactly are dropped (an export may hold them); rows sharing
    a natural key but differing elsewhere are problems: which one should win is unclear."""
    values = frame.drop(columns="line").astype("string").fillna("\x00")
    frame = frame[~values.duplicated()]
    key = list(NATURAL_KEYS[kind])
    shown = values.loc[frame.index, key]
    dup = shown.duplicated(keep=False)
    if not dup.any():
        return frame, []
    first_line = frame.loc[dup, "line"].groupby([shown.loc[dup, k] for k in key]).transform("min")
    what = ", ".join(key)
    problems = [
        Problem(int(line), "", f"same {what} as line {first} but different values; "
                               "keep one of the two rows")
        for line, first in zip(frame.loc[dup, "line"], first_line, strict=True)
        if line != first
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


def _convert(col: Column, raw: object) -> object:
    if _blank(raw):
        if col.required:
            raise ValueError(f"is empty; every row needs a {col.name}")
        return _BLANK_DEFAULTS.get(col.type)
    return _CONVERTERS[col.type](raw)


def _text(raw: object) -> str:
    return _as_text(raw)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(raw: object) -> str:
    text = _as_text(raw)
    if not _EMAIL.match(text):
        raise ValueError(f"{_shown(raw)} is not an email address")
    return text.lower()


_NUMBER_PATTERNS: tuple[tuple[re.Pattern, Callable[[str], str] | None], ...] = (
    (re.compile(r"^\d+$"), lambda s: s),
    (re.compile(r"^\d*\.\d+$"), lambda s: s),  # decimal point
    (re.compile(r"^\d+,(\d{1,2}|\d{4,})$"), lambda s: s.replace(",", ".")),  # decimal comma
    (re.compile(r"^\d+,\d{3}$"), None),  # 1,234: thousands or decimals? ambiguous
    (re.compile(r"^\d{1,3}(,\d{3})+\.\d+$"), lambda s: s.replace(",", "")),  # 1,234.5
    (re.compile(r"^\d{1,3}(\.\d{3})+,\d+$"),
     lambda s: s.replace(".", "").replace(",", ".")),  # 1.234,5
    (re.compile(r"^\d{1,3}(,\d{3}){2,}$"), lambda s: s.replace(",", "")),  # 1,234,567
    (re.compile(r"^\d{1,3}(\.\d{3}){2,}$"), lambda s: s.replace(".", "")),  # 1.234.567
    (re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$"), lambda s: s),  # 1e6
)


def _number(raw: object) -> float:
    if isinstance(raw, bool):
        raise ValueError(f"{_shown(raw)} is not a number")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise ValueError(f"{_shown(raw)} is not a number")
        return float(raw)
    text = _as_text(raw).replace("\u00a0", "").replace("\u202f", "")
    sign = -1 if text.startswith("-") else 1
    body = text[1:] if text[:1] in "+-" else text
    for pattern, fix in _NUMBER_PATTERNS:
        if pattern.match(body):
            if fix is None:
                whole, frac = body.split(",")
                raise ValueError(
                    f"{_shown(raw)} is ambiguous: write {whole}{frac} for thousands or "
                    f"{whole}.{frac} for a decimal"
                )
            value = float(fix(body))
            if not math.isfinite(value):
                break
            return sign * value
    raise ValueError(f"{_shown(raw)} is not a number")


_GROUPED = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")


def _whole(raw: object, what: str) -> int:
    value = _number(raw)
    if not value.is_integer():
        if isinstance(raw, str) and _GROUPED.match(raw.strip()):
            digits = re.sub(r"[.,]", "", raw.strip())
            raise ValueError(f"{_shown(raw)} is not a whole number; write {digits} "
                             "without a thousands separator")
        raise ValueError(f"{_shown(raw)} is not a whole number ({what})")
    return int(value)


def _count(raw: object) -> int:
    value = _whole(raw, "a count of people")
    if value < 0 or value > 10**9:
        raise ValueError(f"{_shown(raw)} is out of range (0 or more)")
    return value


def _amount(raw: object) -> float:
    value = float(_number(raw))
    if value < 0 or value >= 1e15:
        raise ValueError(f"{_shown(raw)} is out of range (0 or more)")
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
        elif col.type in ("count", "rating", "sentiment"):
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
