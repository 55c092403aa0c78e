"""Numbers in a file's own convention: ``1.234,56`` or ``1,234.56``, never guessed.

A value with one separator and exactly three digits after it (``1.234``, ``1,234``) reads as
a thousands separator or as a decimal, so it is read the way the file's other amounts and
counts show: ``1.234,50`` or ``12,5`` show a decimal comma (then ``1.234`` is 1234 and
``1,234`` is 1.234), ``1,234.50`` or ``12.5`` a decimal point (then ``1,234`` is 1234 and
``1.234`` is 1.234). A comma-delimited file without such a value uses the decimal point (a
decimal comma would have to be quoted in every cell). Where nothing decides, or the file
shows both conventions, such a value is refused naming what to write instead (``1234`` for
thousands, ``1.2340`` for a decimal). Every other form has one reading (``1,5``,
``1.234.567``, ``1234.567``, ``0,125``). Counts are whole numbers: ``1.200`` employees is
1200 in a decimal-comma file, refused elsewhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kamdash.fields import shown


@dataclass(frozen=True)
class Convention:
    """How a file writes numbers: its decimal separator ('.' or ','), None when unknown;
    ``mixed`` when its values show both."""

    decimal: str | None = None
    mixed: bool = False


UNKNOWN = Convention()
_PLAIN = re.compile(r"\d+")
_AMBIGUOUS = re.compile(r"[1-9]\d{0,2}([.,])\d{3}")  # 1.234 or 1,234: thousands or decimals?
_POINT = re.compile(r"\d*\.\d+|[1-9]\d{0,2}(,\d{3})+(\.\d+)?")  # 1.5, 1234.567, 1,234,567.8
_COMMA = re.compile(r"\d*,\d+|[1-9]\d{0,2}(\.\d{3})+(,\d+)?")  # 1,5, 1234,567, 1.234.567,8
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE][+-]?\d+")  # 1e6
_GROUPED = re.compile(r"^[+-]?\d{1,3}[.,]\d{3}$")


class Ambiguous(ValueError):
    """A value with one separator and three digits after it, in a file that does not say
    which separator is its decimal one."""

    def __init__(self, message: str, digits: str):
        super().__init__(message)
        self.digits = digits  # the value read as thousands: what to write for a count


def _as_text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _signed(raw: object) -> tuple[int, str]:
    text = _as_text(raw).replace("\u00a0", "").replace("\u202f", "")
    sign = -1 if text.startswith("-") else 1
    return sign, text[1:] if text[:1] in "+-" else text


def decimal_mark(raw: object) -> str | None:
    """The decimal separator a cell shows ('.' or ','), None when it shows none."""
    if not isinstance(raw, str):
        return None  # Excel number cells carry no separator
    body = _signed(raw)[1]
    if _AMBIGUOUS.fullmatch(body):
        return None
    if _POINT.fullmatch(body):
        return "."
    if _COMMA.fullmatch(body):
        return ","
    return None


def convention_of(cells: Iterable[object], delimiter: str | None) -> Convention:
    """The decimal separator the file's amounts and counts show, else its delimiter's."""
    seen: set[str] = set()
    for raw in cells:
        mark = decimal_mark(raw)
        if mark:
            seen.add(mark)
            if len(seen) == 2:
                return Convention(None, mixed=True)
    if seen:
        return Convention(seen.pop())
    return Convention(".") if delimiter == "," else UNKNOWN


def number(raw: object, convention: Convention = UNKNOWN) -> float:
    """A finite number from an Excel number cell or text in ``convention``."""
    if isinstance(raw, bool):
        raise ValueError(f"{shown(raw)} is not a number")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise ValueError(f"{shown(raw)} is not a number")
        return float(raw)
    sign, body = _signed(raw)
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
            raise Ambiguous(
                f"{shown(_as_text(raw))} is ambiguous: write {lead}{whole}{frac} if the {name} "
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
        raise ValueError(f"{shown(_as_text(raw))} is not a number")
    return sign * value


def whole(raw: object, what: str, convention: Convention = UNKNOWN) -> int:
    """A whole number; ``what`` says what it counts, for the message."""
    value = number(raw, convention)
    if not value.is_integer():
        if isinstance(raw, str) and _GROUPED.match(raw.strip()):
            digits = re.sub(r"[.,]", "", raw.strip())
            raise ValueError(f"{shown(raw.strip())} is not a whole number; write {digits} "
                             "without a thousands separator")
        raise ValueError(f"{shown(_as_text(raw))} is not a whole number ({what})")
    return int(value)


def count(raw: object, convention: Convention = UNKNOWN) -> int:
    """A count of people: a whole number 0 or more."""
    try:
        value = whole(raw, "a count of people", convention)
    except Ambiguous as exc:  # a count has no decimals: only the thousands reading is left
        raise ValueError(f"{shown(_as_text(raw))} is ambiguous: write {exc.digits} without a "
                         "thousands separator") from None
    if value < 0 or value > 10**9:
        raise ValueError(f"{shown(_as_text(raw))} is out of range (0 or more)")
    return value


def amount(raw: object, convention: Convention = UNKNOWN) -> float:
    """Money: a number 0 or more."""
    value = float(number(raw, convention))
    if value < 0 or value >= 1e15:
        raise ValueError(f"{shown(_as_text(raw))} is out of range (0 or more)")
    return value
