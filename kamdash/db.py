"""The database engine: URL from KAMDASH_DATABASE_URL, SQLite pragmas, schema creation."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

from kamdash import models  # noqa: F401  (registers every table on SQLModel.metadata)

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "kamdash.db"
# Seconds a writer waits for another writer's lock before SQLite reports "database is locked".
SQLITE_BUSY_TIMEOUT_S = 10


def database_url() -> str:
    """The configured database URL; SQLite in data/ when KAMDASH_DATABASE_URL is unset."""
    return os.environ.get("KAMDASH_DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


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


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the configured one); SQLite gets WAL, FKs and a timeout."""
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


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
