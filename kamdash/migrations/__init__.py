"""Schema migrations (Alembic): bring any kamdash database to the current schema.

``upgrade_to_head(engine)`` is what ``kamdash.db.create_schema`` runs, for every database:

* a brand-new database (no kamdash tables) runs every revision from the start, so the
  revisions, not ``metadata.create_all``, are the one way a schema comes to be (measured:
  about 0.02 s on SQLite with the initial revision, cheap enough to run per test; should it
  ever grow slow, create_all plus a stamp of the head is the shortcut, tests/test_migrations.py
  already proves both give the same schema). A version row left behind by a ``drop_all``
  (the PostgreSQL test fixture does that) is cleared first.
* a database made before migrations existed (tables but no ``alembic_version``) holds the
  initial revision's schema: it is stamped with that revision and upgraded from there.
* anything else: ``alembic upgrade head``; when already there this costs one query.

All in one transaction, under an advisory lock on PostgreSQL and ``BEGIN IMMEDIATE`` on
SQLite, so that app processes starting together do not race each other.

New revision: ``.venv/bin/alembic -c kamdash/migrations/alembic.ini revision --autogenerate
-m "what changed"`` against an up-to-date database, then read and tidy the generated file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

HERE = Path(__file__).resolve().parent
# The revision whose schema the pre-migration databases hold.
BASELINE_REVISION = "0001"
# Key of the PostgreSQL advisory lock held while migrating (any constant unique to kamdash).
_PG_LOCK_KEY = 0x6B616D64  # "kamd"
# A table every kamdash database has; its absence means "brand-new".
_SENTINEL_TABLE = "account"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for kamdash's migrations, optionally bound to an open connection."""
    cfg = Config(str(HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(HERE))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision id (migrations form a single line, so there is one head)."""
    return _script().get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database says it is at (None when not under migration control)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        # pysqlite does not begin a transaction before DDL by itself; take the write lock now.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database behind ``engine`` to the newest schema (see the module docstring)."""
    with engine.connect() as conn:
        _lock(conn)
        tables = set(inspect(conn).get_table_names())
        context = MigrationContext.configure(conn)
        if _SENTINEL_TABLE not in tables:
            if "alembic_version" in tables:
                context.stamp(_script(), "base")  # the tables were dropped under the version row
        elif "alembic_version" not in tables:
            context.stamp(_script(), BASELINE_REVISION)
        if context.get_current_revision() != head_revision():
            command.upgrade(alembic_config(conn), "head")
        conn.commit()
