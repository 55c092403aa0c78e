"""The database engine: URL from KAMDASH_DATABASE_URL, SQLite pragmas, schema creation.

An engine for reading only (``make_engine(url, read_only=True)``) writes nothing and creates no
folder or database file: a mistyped path is an error, not a new empty database."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

from kamdash import models, settings  # noqa: F401  (models registers every table)

__all__ = ["DatabaseMissing", "create_schema", "database_url",
           "describe_error", "display_url", "make_engine", "read_only_uri",
           "schema_is_current", "sqlite_file"]

# Seconds a writer waits for another writer's lock before SQLite reports "database is locked".
SQLITE_BUSY_TIMEOUT_S = 10


def database_url() -> str:
    """The configured database URL; SQLite in data/ when KAMDASH_DATABASE_URL is unset."""
    return settings.current().database_url


class DatabaseMissing(FileNotFoundError):
    """A SQLite file to read does not exist (reading creates none: a typo in the path must not
    leave an empty database behind)."""


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or another backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _folder_writable(folder: Path) -> bool:
    """Whether this process may create files in ``folder`` (SQLite's -wal and -shm files).
    Its own function so that a test run as root can play a user without the right."""
    return os.access(folder, os.W_OK)


def _set_sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster commits
    _ensure_wal(cur)  # readers never block the writer
    cur.close()


def _ensure_wal(cur) -> None:
    """Switch the file to WAL once (the mode is stored in the file, later opens skip this).

    The switch needs an exclusive lock and SQLite may report "database is locked" at once,
    without waiting for the busy timeout, when processes open a new file together; retry then.
    """
    if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
        return
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def make_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine for ``url`` (default: the configured one); SQLite gets WAL, FKs and a timeout.

    ``read_only``: an existing SQLite file that refuses every write (see ``read_only_uri``);
    a missing file raises ``DatabaseMissing`` and nothing is created. Without it a new SQLite
    file and its folders are created on first use.
    """
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    path = sqlite_file(url)
    connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
    if read_only and path is not None:
        return _read_only_sqlite_engine(url, path, connect_args)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args=connect_args)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _read_only_sqlite_engine(url: str, path: Path, connect_args: dict) -> Engine:
    if not path.is_file():
        raise DatabaseMissing(f"there is no database file at {path}")
    uri = read_only_uri(path)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, **connect_args)

    engine = create_engine(url, creator=connect)
    event.listen(engine, "connect", _set_read_only_pragmas)
    return engine


def read_only_uri(path: Path) -> str:
    """How a read opens an existing SQLite file: never creating it (``mode=rw``: SQLite opens
    a write-protected file for reading), so that the last reader still tidies up the -wal and
    -shm files; as ``immutable`` where this process cannot create them, since reading a WAL
    database needs the -shm file, unless a -wal file holds changes that mode would miss.
    Writes are refused either way (``query_only``)."""
    path = path.resolve()
    wal = path.with_name(f"{path.name}-wal")
    immutable = not _folder_writable(path.parent) and not wal.exists()
    return f"{path.as_uri()}?{'immutable=1' if immutable else 'mode=rw'}"


def _set_read_only_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cur.execute("PRAGMA query_only=ON")  # a write is refused by SQLite itself as well
    cur.close()


def display_url(url: str | None = None) -> str:
    """The database URL (default: the configured one) with any password hidden, for messages;
    also for a URL that does not parse."""
    url = url or database_url()
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparsable: hide whatever looks like a password
        return re.sub(r":[^:/@]*@", ":***@", url)


def describe_error(exc: BaseException, url: str | None = None) -> str:
    """What went wrong with the database, in one line and without the URL's password: the
    driver's own message (its first line), or which driver is missing."""
    if isinstance(exc, ModuleNotFoundError):
        return f"its driver {exc.name!r} is not installed"
    text = str(getattr(exc, "orig", None) or exc).strip()
    cause = text.splitlines()[0].strip() if text else type(exc).__name__
    try:
        password = make_url(url or database_url()).password
    except Exception:  # noqa: BLE001 - no parsable URL, no password to hide
        password = None
    return cause.replace(str(password), "***") if password else cause


def schema_is_current(engine: Engine) -> bool:
    """True when the database exists and is at the newest migration (reads only)."""
    from kamdash import migrations

    return migrations.current_revision(engine) == migrations.head_revision()


def create_schema(engine: Engine) -> None:
    """Bring the database to the current schema: create it when new, else apply migrations.

    See ``kamdash.migrations`` (Alembic) for how new and pre-migration databases are handled.
    """
    from kamdash import migrations  # Alembic loads only when a schema is needed

    migrations.upgrade_to_head(engine)
