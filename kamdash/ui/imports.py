"""Streamlit helpers of the Data page: cached file reading and deferred export downloads."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import streamlit as st

from kamdash import db, files, store
from kamdash.ui import data

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@st.cache_data(max_entries=4, show_spinner="Reading the file…")
def parse_upload(kind: str, filename: str, content: bytes) -> files.ParsedFile:
    """``kamdash.files.parse``, cached on the file's content so reruns do not read it again."""
    return files.parse(kind, content, filename)


@st.cache_data(max_entries=4, show_spinner="Checking the file against what is saved…")
def _check(url: str, data_version: int, kind: str, filename: str,
           content: bytes) -> list[files.Problem]:
    return store.check_file(data.engine(), parse_upload(kind, filename, content))


def check_upload(kind: str, filename: str, content: bytes) -> list[files.Problem]:
    """Every problem of an uploaded file, its own and against the database (unknown accounts,
    people), in one list: cached per file and data version, so reruns do not check again."""
    return _check(db.database_url(), data.version(), kind, filename, content)


@st.cache_data(max_entries=8, show_spinner=False)
def _export(url: str, data_version: int, kind: str, fmt: str) -> bytes:
    frame = store.export_rows(data.engine(), kind)
    return files.to_bytes(kind, frame, f"{kind}.{fmt}")


def export_bytes(kind: str, fmt: str) -> bytes:
    """Every row of ``kind`` as a CSV or .xlsx file (cached per data version)."""
    return _export(db.database_url(), data.version(), kind, fmt)


def download_data(kind: str, fmt: str):
    """A zero-argument callable for st.download_button: the file is built on click only."""
    return partial(export_bytes, kind, fmt)


SAMPLES_DIR = Path(__file__).resolve().parents[2] / "data" / "samples"


def sample_file(kind: str) -> bytes | None:
    """The tracked sample file of ``kind`` (data/samples/KIND.csv), None if it is missing."""
    path = SAMPLES_DIR / f"{kind}.csv"
    return path.read_bytes() if path.is_file() else None


def result_message(result: store.ImportResult) -> str:
    """One sentence for the success box: what the import changed."""
    if not result.changed:
        return (f"Nothing to change: all {result.unchanged:,} rows match what is saved "
                "already." + (f" The file was {result.encoding_note}."
                              if result.encoding_note else ""))
    text = (f"Imported. {result.added:,} added, {result.updated:,} updated, "
            f"{result.unchanged:,} unchanged.")
    if result.encoding_note:
        text += f" The file was {result.encoding_note}."
    if result.managers_added:
        n = result.managers_added
        text += f" {n:,} new manager{'s' if n != 1 else ''} created from kam_email."
    return text

