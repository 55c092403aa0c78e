"""The rules of every field a user types or imports, in one place: the importer, the
stakeholder editor and the log-an-engagement form all call these, so they never disagree.

Pure: a rule takes a raw value and returns the clean one, or raises ``ValueError`` with what
is wrong (no position: the caller knows the line or row and the column). Whatever finds
problems collects them as ``Problem`` and raises one ``Rejected`` with all of them; nothing
is written then.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from kamdash.models import EngagementKind

# Characters a field may hold: long enough for any real value, short enough that a pasted
# e-mail thread or a stray file does not end up in a name.
MAX_LENGTH: dict[str, int] = {
    "name": 200,  # an account's or a person's name
    "title": 200,
    "department": 200,
    "industry": 100,
    "country": 100,
    "city": 100,
    "rated_by": 200,
    "logged_by": 200,
    "email": 254,  # the longest address SMTP allows
    "summary": 5_000,  # a few paragraphs of notes, not a pasted e-mail thread
}
MAX_SUMMARY = MAX_LENGTH["summary"]
EARLIEST = date(1900, 1, 1)  # before this a date is a typo (year 1, 0025), not history
SENTIMENTS = range(-2, 3)  # -2 very negative .. +2 very positive
KINDS: tuple[str, ...] = tuple(k.value for k in EngagementKind)
# How many problems a rejection lists; the total is always given.
MAX_LISTED = 50


# --- problems --------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """What is wrong where: ``line N, column C: message`` in a file, ``row N, column C`` in an
    edited table (``unit``), just the message in a form (line 0, no column)."""

    line: int = 0
    column: str = ""
    message: str = ""
    unit: str = field(default="line", compare=False)

    def __str__(self) -> str:
        if not self.line:  # a form: the field's label, if any, and what is wrong
            return f"{self.column}: {self.message}" if self.column else self.message
        where = f"{self.unit} {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


def format_problems(problems: Sequence[Problem], headline: str = "Nothing was saved",
                    limit: int = MAX_LISTED, total: int | None = None) -> str:
    """One message for a rejection. A form's problems (no position) read as one sentence;
    a file's or a table's as a count and one problem per line, the first ``limit`` of them."""
    n = len(problems) if total is None else total
    if n and all(not p.line for p in problems):
        return f"{headline}: " + "; ".join(str(p).rstrip(".") for p in problems) + "."
    count = f"{n:,} or more problems" if total is not None else (
        f"{n:,} problem{'s' if n != 1 else ''}")
    shown = [str(p) for p in problems[:limit]]
    if n > limit:
        shown.append(f"... and {n - limit} more (showing the first {limit} of {n}).")
    return "\n".join([f"{headline}: {count} found.", *shown])


class Rejected(ValueError):
    """Input failed its field rules; nothing was written. ``problems`` says what and where."""

    def __init__(self, problems: Iterable[Problem], headline: str = "Nothing was saved",
                 total: int | None = None):
        self.problems = sorted(problems, key=lambda p: p.line)  # stable: column order kept
        self.headline = headline
        super().__init__(format_problems(self.problems, headline, total=total))

    @property
    def messages(self) -> list[str]:
        """Each problem as one line of text."""
        return [str(p) for p in self.problems]


# --- text ------------------------------------------------------------------------------------

# Categories that show nothing: controls, format characters (zero-width space, joiners,
# BOM), separators and combining marks on their own.
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cn"}


def shown(value: object, limit: int = 40) -> str:
    """A value quoted for a message, cut to ``limit`` characters."""
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def visible(text: str) -> bool:
    """Does ``text`` hold a character a person can see?"""
    return any(unicodedata.category(c) not in _INVISIBLE for c in text)


def text(value: str, what: str) -> str | None:
    """Free text of field ``what``, trimmed; None when blank; too long is an error."""
    clean = value.strip()
    limit = MAX_LENGTH.get(what)
    if limit is not None and len(clean) > limit:
        raise ValueError(f"is {len(clean):,} characters long; at most {limit:,} fit")
    return clean or None


def name(value: str, what: str = "name") -> str:
    """A name (of an account, a person): one line, blanks collapsed, something visible."""
    clean = " ".join(value.split())
    if not visible(clean):
        raise ValueError(f"{shown(value)} has no visible characters; type the {what}")
    return text(clean, "name") or ""


def summary(value: str) -> str:
    """What happened at an engagement: any text up to ``MAX_SUMMARY`` characters."""
    return text(value, "summary") or ""


# Letters, digits and the few signs addresses really use; no markup, quotes or spaces.
_EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*"
                    r"[A-Za-z0-9])?\.[A-Za-z]{2,}$")


def email(value: str) -> str:
    """An e-mail address, lower-cased."""
    clean = value.strip()
    if len(clean) > MAX_LENGTH["email"] or not _EMAIL.match(clean) or ".." in clean:
        raise ValueError(f"{shown(value)} is not an email address")
    return clean.lower()


# --- choices and numbers ---------------------------------------------------------------------


def kind(value: str) -> str:
    """A kind of engagement, any case."""
    clean = value.strip().lower()
    if clean not in KINDS:
        raise ValueError(f"{shown(value)} is not a kind of engagement; use one of: "
                         f"{', '.join(KINDS)}")
    return clean


def sentiment(value: int) -> int:
    """-2 (very negative) .. +2 (very positive)."""
    if value not in SENTIMENTS:
        raise ValueError(f"{shown(value)} is not a sentiment; use a whole number from -2 (very "
                         "negative) to +2 (very positive)")
    return value


def day(value: date, today: date) -> date:
    """A date that has happened: not after ``today``, not before 1900."""
    if isinstance(value, datetime):
        value = value.date()
    if value > today:
        raise ValueError(f"{value:%d %b %Y} lies in the future (today is {today:%d %b %Y}); "
                         "record it once it has happened")
    if value < EARLIEST:
        raise ValueError(f"{value.isoformat()} is before {EARLIEST.year}; is the year right?")
    return value


# --- rules across rows -----------------------------------------------------------------------


def fold(name: str) -> str:
    """The form two names are compared in: 'Ann Berg' and 'ann  berg' are one person."""
    return " ".join(name.casefold().split())


def repeated_names(names: Sequence[tuple[Hashable, str | None]]) -> dict[int, int]:
    """Position -> position of the first name equal to it ignoring case, within a scope
    (an account's people: (account, name) pairs; accounts: (None, name))."""
    first: dict[tuple[Hashable, str], int] = {}
    repeats: dict[int, int] = {}
    for i, (scope, value) in enumerate(names):
        if value is None:
            continue
        key = (scope, fold(value))
        if key in first:
            repeats[i] = first[key]
        else:
            first[key] = i
    return repeats


def reporting_circles(boss_of: dict[Hashable, Hashable | None]) -> set[Hashable]:
    """The people whose reporting line runs in a circle back to them (A -> B -> A)."""
    circling: set[Hashable] = set()
    for start in boss_of:
        seen, at = {start}, boss_of.get(start)
        while at is not None and at not in seen:
            seen.add(at)
            at = boss_of.get(at)
        if at == start:
            circling.add(start)
    return circling
