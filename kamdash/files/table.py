"""What a reader hands the checker: the header and the raw cells of every row, with the line
numbers a person sees in a text editor or in Excel; and progress reporting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kamdash.fields import Problem

Progress = Callable[[float], None]
# Stop collecting problems past this many: a wrong file would otherwise list one per cell.
MAX_COLLECTED = 10_000


@dataclass
class Table:
    header_line: int
    header: list[str]
    records: list[tuple[int, list[object]]]  # (line, cells) of every data row read
    problems: list[Problem] = field(default_factory=list)  # lines that could not be read
    delimiter: str | None = None  # None: not a CSV file
    encoding: str = "UTF-8"  # how a CSV file's bytes were read


class Unreadable(Exception):
    """The file cannot be read at all: the one problem, on ``line``."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class WrongFormat(Unreadable, ValueError):
    """Neither .csv nor .xlsx: a ValueError for callers of ``file_format``, and the one
    problem (on line 1) of a file ``parse`` is given."""

    def __init__(self, message: str):
        super().__init__(1, message)


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
