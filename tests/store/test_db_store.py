"""The engine's SQLite set-up, the schema's constraints, and the store's reads."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from kamdash import criteria, db, settings, store
from kamdash.identity import LOCAL
from kamdash.models import Account, Designation, Manager, Rating


def test_sqlite_connections_get_wal_foreign_keys_and_busy_timeout(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == db.SQLITE_BUSY_TIMEOUT_S * 1000


def test_database_url_defaults_to_data_folder_and_honours_env(monkeypatch):
    monkeypatch.delenv("KAMDASH_DATABASE_URL", raising=False)
    assert db.database_url() == f"sqlite:///{settings.DEFAULT_DB_PATH}"
    assert settings.DEFAULT_DB_PATH.parent.name == "data"
    monkeypatch.setenv("KAMDASH_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    assert db.database_url() == "sqlite:////tmp/elsewhere.db"


def test_make_engine_creates_the_folder_of_a_new_sqlite_file(tmp_path):
    path = tmp_path / "nested" / "dir" / "k.db"
    db.create_schema(db.make_engine(f"sqlite:///{path}"))
    assert path.exists()


def seed(engine, **tables):
    store.replace_all(engine, {Manager: [dict(id=1, name="Ann Berg", email="ann@x")],
                               Account: [dict(id=1, name="Acme", manager_id=1,
                                              annual_revenue=500.0),
                                         dict(id=2, name="Bolt", annual_revenue=100.0)],
                               **tables})


def test_rating_outside_one_to_ten_is_refused_by_the_schema(engine):
    seed(engine)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(Rating.__table__.insert(), dict(account_id=1, criterion="tenure", value=11,
                                                     rated_on=date(2025, 1, 1)))


def test_foreign_keys_are_enforced(engine):
    seed(engine)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(Rating.__table__.insert(), dict(account_id=99, criterion="tenure", value=5,
                                                     rated_on=date(2025, 1, 1)))


def test_account_names_are_unique(engine):
    seed(engine)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(Account.__table__.insert(), dict(name="Acme"))


def test_latest_rating_wins_and_history_is_kept(engine):
    store.replace_all(engine, {
        Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt"), dict(id=3, name="Unrated")],
        Rating: [
            dict(account_id=1, criterion="tenure", value=3, rated_on=date(2024, 1, 1)),
            dict(account_id=1, criterion="tenure", value=8, rated_on=date(2025, 6, 1)),
            dict(account_id=1, criterion="solvency", value=6, rated_on=date(2023, 1, 1)),
            dict(account_id=2, criterion="tenure", value=2, rated_on=date(2025, 6, 1)),
        ],
    })
    wide = store.load_ratings(engine)
    assert list(wide.columns) == list(criteria.KEYS)
    assert wide.loc[1, "tenure"] == 8 and wide.loc[1, "solvency"] == 6
    assert wide.loc[2, "tenure"] == 2
    assert pd.isna(wide.loc[2, "solvency"])  # never rated
    assert 3 not in wide.index
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM rating")).scalar() == 4


def test_key_status_today_is_the_latest_designation(engine):
    store.replace_all(engine, {
        Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt"), dict(id=3, name="Cora")],
        Designation: [
            dict(account_id=1, is_key=True, changed_on=date(2020, 1, 1)),
            dict(account_id=2, is_key=True, changed_on=date(2019, 1, 1)),
            dict(account_id=2, is_key=False, changed_on=date(2024, 3, 1)),
        ],
    })
    acc = store.load_accounts(engine)
    assert acc["is_key"].to_dict() == {1: True, 2: False, 3: False}
    assert str(acc.loc[2, "status_since"].date()) == "2024-03-01"


def test_accounts_carry_their_manager_name(engine):
    seed(engine)
    acc = store.load_accounts(engine)
    assert acc.loc[1, "manager"] == "Ann Berg"
    assert pd.isna(acc.loc[2, "manager"])


def test_every_write_bumps_the_data_version(engine):
    assert store.data_version(engine) == 0
    assert store.is_empty(engine)
    seed(engine)
    assert store.data_version(engine) == 1
    assert not store.is_empty(engine)
    store.save_scenario(engine, LOCAL, "Growth first", {"revenue_potential": 5},
                        {"kind": "top_n"})
    assert store.data_version(engine) == 2


def test_replace_all_is_all_or_nothing(engine):
    seed(engine)
    with pytest.raises(IntegrityError):
        store.replace_all(engine, {Account: [dict(id=5, name="Dup"), dict(id=6, name="Dup")]})
    assert store.load_accounts(engine)["name"].tolist() == ["Acme", "Bolt"]


def test_database_errors_are_described_in_one_line_without_the_password():
    from sqlalchemy.exc import OperationalError

    url = "postgresql+psycopg://kam:s3cret@db:5432/kam"
    exc = OperationalError("SELECT 1", {}, Exception(
        'connection failed: password "s3cret" rejected\nDETAIL: more'))
    assert db.describe_error(exc, url) == 'connection failed: password "***" rejected'
    assert db.display_url(url) == "postgresql+psycopg://kam:***@db:5432/kam"
    assert db.display_url("no:pe:s3cret@x") == "no:pe:***@x"
    assert db.describe_error(ModuleNotFoundError("x", name="MySQLdb"), url) == (
        "its driver 'MySQLdb' is not installed")
