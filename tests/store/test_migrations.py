"""Alembic migrations: the revisions build exactly the schema of kamdash/models.py, and
create_schema brings new, pre-migration and current databases to the head revision."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from kamdash import db, migrations, store
from kamdash.models import Account

TABLES = {"manager", "account", "rating", "stakeholder", "engagement", "account_month",
          "scenario", "designation", "meta", "audit_entry", "app_user", "alembic_version",
          "proposal", "proposal_change", "programme_service", "programme_agreement",
          "account_plan", "plan_goal", "plan_action", "offering", "opportunity",
          "whitespace_cell", "plan_team_member", "plan_review"}


def schema_diff(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def test_migrated_database_matches_the_models_exactly(engine):
    # The fixture built this database through create_schema, i.e. by running the revisions.
    assert migrations.current_revision(engine) == migrations.head_revision()
    assert schema_diff(engine) == []


def test_revisions_form_one_line_with_a_single_head():
    script = migrations._script()
    assert len(script.get_heads()) == 1
    assert script.get_base() == migrations.BASELINE_REVISION


def test_create_all_shortcut_gives_the_same_schema_as_the_revisions(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'all.db'}")
    SQLModel.metadata.create_all(engine)
    assert schema_diff(engine) == []


def test_new_database_gets_every_table_and_the_head_revision(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    db.create_schema(engine)
    assert set(inspect(engine).get_table_names()) == TABLES
    assert migrations.current_revision(engine) == migrations.head_revision()


def test_pre_migration_database_is_stamped_and_keeps_its_data(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    # What the foundation's create_all made: the baseline revision's schema, no version table.
    with engine.connect() as conn:
        command.upgrade(migrations.alembic_config(conn), migrations.BASELINE_REVISION)
        conn.exec_driver_sql("DROP TABLE alembic_version")
        conn.commit()
    with engine.begin() as conn:
        conn.execute(Account.__table__.insert(), dict(name="Acme"))
    assert migrations.current_revision(engine) is None
    db.create_schema(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
    assert store.load_accounts(engine)["name"].tolist() == ["Acme"]


def test_create_schema_again_changes_nothing(engine):
    store.replace_all(engine, {Account: [dict(id=1, name="Acme")]})
    version = store.data_version(engine)
    db.create_schema(engine)
    db.create_schema(engine)
    assert store.load_accounts(engine)["name"].tolist() == ["Acme"]
    assert store.data_version(engine) == version
    assert schema_diff(engine) == []


def test_tables_dropped_under_the_version_row_are_built_again(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'dropped.db'}")
    db.create_schema(engine)
    SQLModel.metadata.drop_all(engine)  # leaves alembic_version behind, as the PG fixture does
    db.create_schema(engine)
    assert set(inspect(engine).get_table_names()) == TABLES
    assert schema_diff(engine) == []


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'down.db'}")
    db.create_schema(engine)
    with engine.connect() as conn:
        command.downgrade(migrations.alembic_config(conn), "base")
        conn.commit()
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    with engine.connect() as conn:
        command.upgrade(migrations.alembic_config(conn), "head")
        conn.commit()
    assert schema_diff(engine) == []


def _create_schema_in_process(url: str, start) -> None:
    engine = db.make_engine(url)
    start.wait(60)  # all at the same moment: without the migration lock two of them collide
    db.create_schema(engine)


def test_processes_starting_together_on_a_new_file_do_not_race(tmp_path, fresh_processes):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    ctx = fresh_processes
    start = ctx.Barrier(4)
    procs = [ctx.Process(target=_create_schema_in_process, args=(url, start)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    assert schema_diff(engine) == []
