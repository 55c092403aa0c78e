"""Import and export files: CSV and Excel (.xlsx) for accounts, ratings, stakeholders and
engagements, with the documented columns.

Pure: bytes in, typed rows plus every problem found out; a frame in, bytes out. Whether the
accounts a file names exist, and the all-or-nothing write, is ``kamdash.store.imports``.

- ``kinds``: the registry of file kinds (label, columns, natural key, history or not)
- ``cells``: the registry of cell types (parse, dtype, blank value, export)
- ``numbers``: numbers in the file's own decimal convention
- ``csv_files``, ``excel``: the readers (and the .xlsx writer)
- ``reading``: a file to typed rows and problems; ``export``: rows to safe files
"""

from kamdash.fields import Problem, Rejected
from kamdash.files.export import export_frame, neutralised, to_bytes, to_csv, to_xlsx, typed
from kamdash.files.kinds import FORMATS, KINDS, Column, FileKind, guess_kind, kind
from kamdash.files.reading import (
    HEADLINE,
    ParsedFile,
    file_format,
    parse,
    problems_frame,
    rejection,
    sort_problems,
)
from kamdash.files.table import MAX_COLLECTED, Progress, ProgressReporter

__all__ = [
    "FORMATS", "HEADLINE", "KINDS", "MAX_COLLECTED", "Column", "FileKind", "ParsedFile",
    "Problem", "Progress", "ProgressReporter", "Rejected", "export_frame", "file_format",
    "guess_kind", "kind", "neutralised", "parse", "problems_frame", "rejection",
    "sort_problems", "to_bytes", "to_csv", "to_xlsx", "typed",
]
