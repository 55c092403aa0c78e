"""What a page says when a save does not go through: read-only mode, a right the user lacks,
a busy or unreachable database. Every store write is one transaction, so in each case nothing
was saved."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.exc import SQLAlchemyError

from kamdash import db, store
from kamdash.identity import Refused
from kamdash.ui.account_picker import plain

# Catch these around every call that writes: anything else is a bug and should be seen.
WRITE_ERRORS = (store.ReadOnlyError, Refused, SQLAlchemyError)


def write_failed(exc: Exception) -> str:
    """The message for a refused or failed write, in words for the user."""
    if isinstance(exc, store.ReadOnlyError):
        return str(exc)
    if isinstance(exc, Refused):
        return f"Nothing was saved: {exc}"
    cause = db.describe_error(exc)
    if "locked" in cause or "could not obtain lock" in cause or "deadlock" in cause:
        return ("The database is busy with another save right now; nothing was saved. "
                "Try again in a moment.")
    return ("The database could not save this, so nothing was saved. If it happens again, "
            f"check that the database is running. ({cause})")


def problems_text(heading: str, problems: Iterable[str]) -> str:
    """A refused save's message: ``heading``, then each problem as a list item, shown as text
    (never as Markdown the user typed)."""
    return heading + "\n\n" + "\n".join(f"- {plain(p)}" for p in problems)
