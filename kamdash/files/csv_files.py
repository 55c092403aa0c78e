"""Reading CSV files as people really have them.

* Encodings: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") and the
  Windows-1252 / Latin-1 that German and French Excel write by default (told apart by
  charset-normalizer); the encoding read is reported. Bytes that are no text at all
  (NULs, control characters) are refused as binary.
* Comma, semicolon or tab delimiters (sniffed from the header); spaces around values
  trimmed, also around quoted ones (``"Acme, Inc" ; Retail`` reads as ``Acme, Inc``).
* A line that is not valid CSV (text after a closing quote, a quote that never closes) is
  reported and reading goes on with the next line, so one rejection lists every bad line.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator

import charset_normalizer

from kamdash.fields import Problem, shown
from kamdash.files.table import MAX_COLLECTED, Progress, Table, Unreadable

# The single-byte encodings spreadsheets write besides UTF-8; cp1252 first: it is Latin-1
# with printable characters (€, „, –) where Latin-1 has invisible controls.
_SINGLE_BYTE = ["cp1252", "latin_1"]
_NAMES = {"utf_8": "UTF-8", "utf_16": "UTF-16", "utf_16_le": "UTF-16", "utf_16_be": "UTF-16",
          "cp1252": "Windows-1252", "latin_1": "Latin-1"}


_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")


def _binary(line: int) -> Unreadable:
    return Unreadable(line, "the file contains binary data; is it really a CSV file?")


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of the encoding it was read in."""
    try:
        text, encoding = data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        text, encoding = _decode_other(data)
        # Controls no text file holds (Latin-1 reads every byte, so binary reads as these)
        at = next((i for i, c in enumerate(text) if c not in "\t\n\r\f\v\x1a"
                   and unicodedata.category(c) == "Cc"), None)
    else:
        at = text.find("\x00") if "\x00" in text else None
    if at is not None:
        raise _binary(text[:at].count("\n") + 1)
    return text, encoding


def _decode_other(data: bytes) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        candidates = ["utf_16"]
    elif data.count(b"\x00") * 3 >= len(data):  # ASCII in UTF-16 without BOM: every other
        candidates = ["utf_16_le", "utf_16_be"]
    else:
        candidates = _SINGLE_BYTE
    best = charset_normalizer.from_bytes(data, cp_isolation=candidates).best()
    try:  # the detector may forgive what the codec does not (an odd byte in UTF-16)
        text = data.decode(best.encoding) if best is not None else None
    except (UnicodeDecodeError, LookupError):
        text = None
    if text is not None and best.encoding.startswith("utf_16") and not any(
            c in text for c in "\n,;\t"):
        text = None  # bytes that happen to pair up, not a table: no line, no delimiter
    if text is None:
        control = _CONTROL_BYTE.search(data)
        raise _binary(data[: control.start()].count(b"\n") + 1 if control else 1)
    return text.lstrip("\ufeff"), _NAMES.get(best.encoding, best.encoding)


def read_csv(data: bytes, progress: Progress) -> Table:
    text, encoding = decode(data)
    first = text.lstrip("\r\n").split("\n", 1)[0]
    if not first.strip():
        raise Unreadable(1, "the file is empty; expected a header row naming the columns")
    delimiter = max((";", ",", "\t"), key=first.count) if any(d in first for d in ";,\t") else ","
    lines = list(io.StringIO(text, newline=""))  # physical lines, endings kept
    header: list[str] | None = None
    header_line = 1
    records: list[tuple[int, list[object]]] = []
    problems: list[Problem] = []
    for line, row in _rows(lines, delimiter, progress):
        if isinstance(row, Problem):
            if header is None:  # without a header no line can be read
                raise Unreadable(row.line, row.message)
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
        raise Unreadable(1, "the file is empty; expected a header row naming the columns")
    return Table(header_line, header, records, problems, delimiter, encoding)


def _rows(lines: list[str], delimiter: str,
          progress: Progress) -> Iterator[tuple[int, list[str] | Problem]]:
    """(first line, cells) per record, or (line, Problem) for a record that is not CSV.

    The csv module reads (fast, strict); a record it refuses is read again by ``_lenient``,
    which also allows spaces after a closing quote, and reading goes on after it."""
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
            line, result, i = _lenient(lines, i + consumed, delimiter)
            yield line, result
            progress(i / n)


_LINE_ENDS = ("", "\n", "\r", "\r\n")


def _lenient(lines: list[str], start: int,
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
        return j + 1, Problem(
            j + 1, "", f"text after the closing quote of a quoted value "
                       f"({shown(rest.strip(), 20)}); put the whole value "
                       'inside the quotes and double any quote in it ("")'), j + 1
