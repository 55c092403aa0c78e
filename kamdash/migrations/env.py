"""Alembic environment: the target schema is kamdash.models (SQLModel.metadata).

Called two ways: by ``kamdash.migrations.upgrade_to_head`` with an open connection in
``config.attributes["connection"]`` (the app, the tests), or by the ``alembic`` command with
``kamdash/migrations/alembic.ini`` (a developer), which migrates KAMDASH_DATABASE_URL.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from kamdash import db, models  # noqa: F401  (registers every table on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_, obj, autogen_context):
    """Write sqlmodel's column types as the plain SQLAlchemy types they store as, so revision
    files stay independent of sqlmodel's Python-side helpers."""
    if type_ == "type" and isinstance(obj, AutoString):
        length = obj.impl.length
        return f"sa.String(length={length})" if length else "sa.String()"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _options(dialect_name: str) -> dict:
    return dict(
        target_metadata=target_metadata,
        render_as_batch=dialect_name == "sqlite",  # SQLite alters tables by copy-and-move
        compare_type=True,
        render_item=render_item,
    )


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or db.database_url()
    context.configure(url=url, literal_binds=True, **_options(url.split(":", 1)[0]))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **_options(connection.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = db.make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        context.configure(connection=conn, **_options(conn.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
