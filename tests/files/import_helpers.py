"""Helpers shared by the import tests: reading a file, building an .xlsx, importing at a fixed
day, and proving that a rejected import wrote nothing."""

from __future__ import annotations

import io as stdio
from datetime import date

import pandas as pd
import pytest
from openpyxl import Workbook
from sqlalchemy import select

from kamdash import files, store
from kamdash.models import Meta

TODAY = date(2026, 3, 1)
RATINGS_HEADER = "account,criterion,value,rated_on,rated_by\n"


def parse(kind: str, text: str | bytes, filename: str = "f.csv") -> files.ParsedFile:
    return files.parse(kind, text.encode() if isinstance(text, str) else text, filename,
                       today=TODAY)


def problems(kind: str, text: str | bytes, filename: str = "f.csv") -> list[str]:
    return [str(p) for p in parse(kind, text, filename).problems]


def rows(kind: str, text: str | bytes, filename: str = "f.csv") -> pd.DataFrame:
    parsed = parse(kind, text, filename)
    assert [str(p) for p in parsed.problems] == []
    return parsed.rows


def xlsx(*table: list) -> bytes:
    book = Workbook()
    for r in table:
        book.active.append(r)
    buffer = stdio.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def imp(engine, kind: str, text: str, filename: str = "f.csv", **kw) -> store.ImportResult:
    return store.import_file(engine, kind, text.encode(), filename, today=TODAY, **kw)


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, to prove that nothing changed."""
    with engine.connect() as conn:
        return {
            t.__tablename__: sorted(map(tuple, conn.execute(select(t.__table__)).all()), key=repr)
            for t in (*store.TABLES_IN_FK_ORDER, Meta)
        }


def rows_of(engine, model, *cols) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(map(tuple, conn.execute(select(*[getattr(model, c) for c in cols])).all()),
                      key=repr)


def rejected(engine, kind: str, text: str) -> list[str]:
    """The problems of an import that must be rejected, after checking it wrote nothing."""
    before = snapshot(engine)
    with pytest.raises(files.Rejected) as exc:
        imp(engine, kind, text)
    assert snapshot(engine) == before  # nothing written, not even the data version
    return [str(p) for p in exc.value.problems]
