"""Cell types: how one cell of a column is read from a file (text or an Excel value), what
dtype its column has, what a blank optional cell means, and how it is written back out.

Every column of every file kind names one of these (``kamdash.files.kinds``); the field rules
themselves (lengths, e-mail, dates, kinds) are ``kamdash.fields``', shared with the forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from kamdash import criteria, fields, programme, roles
from kamdash.files import numbers
from kamdash.models import MAX_CADENCE_PER_QUARTER


@dataclass(frozen=True)
class Reading:
    """What reading a cell may depend on beyond the cell: the file's number convention and
    the day dates may not lie after."""

    today: date
    convention: numbers.Convention = numbers.UNKNOWN


@dataclass(frozen=True)
class CellType:
    """One type of cell. ``parse(raw, column, reading)`` gets a non-blank cell and returns
    the value or raises ValueError saying what is wrong."""

    name: str
    parse: Callable[[object, str, Reading], object]
    dtype: str
    blank: object = None  # what a blank optional cell means
    export: Callable[[pd.Series], pd.Series] | None = None  # stored values -> file values
    text: bool = False  # free text: a spreadsheet could take it for a formula
    numeric: bool = False  # shows the file's number convention


def is_blank(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and raw != raw:  # NaN
        return True
    return isinstance(raw, str) and not raw.strip()


def as_text(raw: object) -> str:
    """A cell as text: Excel numbers without '.0', Excel dates as ISO dates."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # Excel turns a name like 2024 into a float
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


# Our CSV export puts a quote before text a spreadsheet would run as a formula (OWASP);
# reading takes it off again, so an account named =1+1 comes back as =1+1.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = re.compile(r"^'[=+\-@\t\r]")


def _plain_text(raw: object, column: str) -> str:
    if isinstance(raw, bool):
        raise ValueError(f"is an Excel TRUE/FALSE cell, not text; type the {column} in it "
                         "(format the cell as text if Excel changes it)")
    text = as_text(raw) if not isinstance(raw, str) else raw.strip()
    return text[1:] if _NEUTRALISED.match(text) else text


def _text(raw: object, column: str, reading: Reading) -> str | None:
    return fields.text(_plain_text(raw, column), column)


def _name(raw: object, column: str, reading: Reading) -> str:
    return fields.name(_plain_text(raw, column), column)


def _email(raw: object, column: str, reading: Reading) -> str:
    return fields.email(_plain_text(raw, column))


def _date(raw: object, column: str, reading: Reading) -> date:
    if isinstance(raw, datetime):
        raw = raw.date()
    if not isinstance(raw, date):
        text = as_text(raw)
        match = re.match(r"^(\d{4}-\d{2}-\d{2})([ T]00:00(:00(\.0+)?)?)?$", text)
        if not match:
            raise ValueError(f"{fields.shown(text)} is not a date; write YYYY-MM-DD, "
                             "e.g. 2025-01-31")
        try:
            raw = date.fromisoformat(match.group(1))
        except ValueError:
            raise ValueError(f"{fields.shown(text)} is not a real date") from None
    return fields.day(raw, reading.today)


_TRUE = {"yes", "y", "true", "1", "x", "key"}
_FALSE = {"no", "n", "false", "0"}


def _bool(raw: object, column: str, reading: Reading) -> bool:
    if isinstance(raw, bool):
        return raw
    text = as_text(raw).lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValueError(f"{fields.shown(as_text(raw))} is not yes or no")


def normalise_header(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())


_CRITERIA = {**{c.key: c.key for c in criteria.CRITERIA},
             **{normalise_header(c.label): c.key for c in criteria.CRITERIA}}


def _criterion(raw: object, column: str, reading: Reading) -> str:
    key = _CRITERIA.get(normalise_header(as_text(raw)))
    if key is None:
        raise ValueError(f"{fields.shown(as_text(raw))} is not a criterion; use one of: "
                         f"{', '.join(criteria.KEYS)}")
    return key


def _rating(raw: object, column: str, reading: Reading) -> int:
    try:
        value = numbers.whole(raw, "ratings run 1 to 10")
    except ValueError:
        raise ValueError(f"{fields.shown(as_text(raw))} is not a rating; use a whole number 1 "
                         "to 10") from None
    if not 1 <= value <= 10:
        raise ValueError(f"{fields.shown(as_text(raw))} is outside 1 to 10")
    return value


def _cadence(raw: object, column: str, reading: Reading) -> int:
    value = numbers.whole(raw, "touches per quarter")
    if not 0 <= value <= MAX_CADENCE_PER_QUARTER:
        raise ValueError(f"{fields.shown(as_text(raw))} is out of range; use a whole number 0 "
                         f"to {MAX_CADENCE_PER_QUARTER} (touches per quarter)")
    return value


def _sentiment(raw: object, column: str, reading: Reading) -> int:
    try:
        value = numbers.whole(raw, "")
    except ValueError:
        value = None
    return fields.sentiment(as_text(raw) if value is None else value)


def _stance(raw: object, column: str, reading: Reading) -> int:
    number = isinstance(raw, int | float) and not isinstance(raw, bool)
    return roles.parse_stance(raw if number else as_text(raw))


def _roles_for_people(stored: str) -> str:
    """'buyer;ambassador' -> 'Buyer; Ambassador': labels a person reads, which parse back."""
    keys = set(stored.split(";"))
    return "; ".join(roles.ROLE_LABELS[k] for k in roles.ROLES if k in keys)


def _as(dtype: str) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s.astype(dtype)


def _iso(s: pd.Series) -> pd.Series:
    return s.map(lambda v: v.isoformat()[:10] if isinstance(v, date) else None)


_TYPES = (
    CellType("text", _text, "string", text=True),
    CellType("name", _name, "string", text=True),
    CellType("email", _email, "string", text=True),
    CellType("count", lambda r, c, rd: numbers.count(r, rd.convention), "Int64",
             export=_as("Int64"), numeric=True),
    CellType("amount", lambda r, c, rd: numbers.amount(r, rd.convention), "Float64",
             export=_as("Float64"), numeric=True),
    CellType("cadence", _cadence, "Int64", export=_as("Int64")),
    CellType("date", _date, "object", export=_iso),  # datetime.date or None
    CellType("bool", _bool, "boolean", export=lambda s: s.astype("boolean").map(
        {True: "yes", False: "no"}, na_action="ignore")),
    CellType("criterion", _criterion, "string"),
    CellType("rating", _rating, "Int64", export=_as("Int64")),
    CellType("kind", lambda r, c, rd: fields.kind(as_text(r)), "string"),
    CellType("sentiment", _sentiment, "Int64", blank=0, export=_as("Int64")),
    CellType("roles", lambda r, c, rd: ";".join(roles.parse_roles(as_text(r))), "string",
             blank="", export=lambda s: s.fillna("").astype(str).map(_roles_for_people)),
    CellType("influence", lambda r, c, rd: roles.parse_influence(as_text(r)), "string",
             blank="medium"),
    CellType("stance", _stance, "Int64", blank=0,
             export=lambda s: s.astype("Int64").map(roles.stance_label, na_action="ignore")),
)


# --- decisions and programme files -----------------------------------------------------------


def _any_date(raw: object, column: str, reading: Reading) -> date:
    """A date that may lie ahead (the end of a watch, the next review)."""
    return _date(raw, column, Reading(date.max, reading.convention))


_STATUSES = {**{k: k for k in programme.STATUSES},
             **{normalise_header(label): k for k, label in programme.STATUSES.items()}}


def _status(raw: object, column: str, reading: Reading) -> str:
    key = _STATUSES.get(normalise_header(as_text(raw)))
    if key is None:
        raise ValueError(f"{fields.shown(as_text(raw))} is not a programme status; use one of: "
                         f"{', '.join(programme.STATUSES)}")
    return key


def _services(raw: object, column: str, reading: Reading) -> str:
    """Service names separated by ';' (the store turns them into the catalogue's ids)."""
    names = [" ".join(n.split()) for n in _plain_text(raw, column).split(";")]
    return "; ".join(n for n in names if n)


def _url(raw: object, column: str, reading: Reading) -> str | None:
    url = fields.text(_plain_text(raw, column), column)
    problem = programme.url_problem(url)
    if problem:
        raise ValueError(problem)
    return url


_TYPES += (
    CellType("any_date", _any_date, "object", export=_iso),
    CellType("status", _status, "string"),
    CellType("services", _services, "string", blank="", text=True),
    CellType("url", _url, "string", text=True),
)
_DATES = ("date", "any_date")
CELL_TYPES: dict[str, CellType] = {t.name: t for t in _TYPES}


def typed(cell: CellType, s: pd.Series) -> pd.Series:
    """Stored values (from the database) with the dtype ``parse`` gives the column, so
    database rows and file rows compare like for like."""
    if cell.name in _DATES:
        return s.map(_to_date).astype(object)
    if cell.text:
        return s.astype(object).where(s.notna(), None).astype("string")
    if cell.name == "roles":  # stored key order may differ; compare sets, in ROLES order
        keys = s.fillna("").astype(str)
        canonical = {v: ";".join(k for k in roles.ROLES if k in v.split(";"))
                     for v in keys.unique()}
        return keys.map(canonical).astype("string")
    return s.astype(cell.dtype)


def _to_date(v: object) -> date | None:
    if isinstance(v, datetime):  # also pandas Timestamps
        return None if pd.isna(v) else v.date()
    return v if isinstance(v, date) else None
