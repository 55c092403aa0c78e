"""Starting the app (streamlit_app.py): a fresh database, no demo wanted, read-only before the
database is prepared, a setting that does not parse, a database that cannot be reached. Never
a traceback in the page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kamdash import db, store
from kamdash.ui.read_only import NOTICE

APP = str(Path(__file__).parents[2] / "streamlit_app.py")


def start() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120).run()


@pytest.mark.parametrize("off", ["0", "off", "no", "n", "False"])
def test_kamdash_demo_off_starts_an_empty_database_without_the_demo(empty_db, monkeypatch, off):
    monkeypatch.setenv("KAMDASH_DEMO", off)
    at = start()
    assert not at.exception
    assert db.schema_is_current(db.make_engine(empty_db))
    assert store.is_empty(db.make_engine(empty_db))
    assert at.title[0].value == "Portfolio"
    assert "No accounts yet" in at.info[0].value


def test_read_only_on_a_missing_database_file_names_it_and_creates_nothing(empty_db,
                                                                           monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    path = db.sqlite_file(empty_db)
    at = start()
    assert not at.exception
    assert not at.title  # no page ran
    assert at.error[0].value == (
        f"kamdash cannot open its database at `{empty_db}`: there is no database file at "
        f"{path}. Check KAMDASH_DATABASE_URL and that the database server is running.")
    assert not path.exists()


def test_read_only_before_the_database_is_prepared_explains_and_writes_nothing(
        empty_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    db.sqlite_file(empty_db).touch()  # a file, but no kamdash schema in it
    at = start()
    assert not at.exception
    assert not at.title  # no page ran
    assert at.error[0].value.startswith(
        "kamdash is read-only (KAMDASH_READ_ONLY) and its database is not set up yet.")
    assert not db.schema_is_current(db.make_engine(empty_db, read_only=True))  # nor migrated
    assert db.sqlite_file(empty_db).stat().st_size == 0


@pytest.mark.parametrize("on", ["1", "on", "Y", "true"])
def test_read_only_on_a_prepared_database_shows_the_pages_and_says_so(demo_db, monkeypatch,
                                                                     on):
    monkeypatch.setenv("KAMDASH_READ_ONLY", on)
    at = start()
    assert not at.exception and not at.error
    assert at.title[0].value == "Portfolio"
    assert [w.value for w in at.sidebar.warning] == [NOTICE]


@pytest.mark.parametrize("variable, value, message", [
    ("KAMDASH_READ_ONLY", "sometimes", "KAMDASH_READ_ONLY='sometimes' is neither on nor off: "
     "write 1, true, yes, on or y for on, 0, false, no, off or n for off, or leave it unset"),
    ("KAMDASH_DEMO", "nope", "KAMDASH_DEMO='nope' is neither on nor off: write 1, true, yes, "
     "on or y for on, 0, false, no, off or n for off, or leave it unset"),
    ("KAMDASH_TODAY", "31.03.2025", "KAMDASH_TODAY='31.03.2025' is not a date: write "
     "YYYY-MM-DD (e.g. 2025-06-30), or leave it unset for the real date"),
])
def test_a_setting_that_does_not_parse_stops_the_start_naming_it(empty_db, monkeypatch,
                                                                 variable, value, message):
    monkeypatch.setenv(variable, value)
    at = start()
    assert not at.exception
    assert not at.title  # no page ran
    assert [e.value for e in at.error] == [f"kamdash cannot start: {message}."]
    assert not db.sqlite_file(empty_db).exists()  # nothing opened, nothing seeded


def test_an_unreachable_database_is_named_without_its_password(monkeypatch):
    monkeypatch.setenv("KAMDASH_DATABASE_URL",
                       "postgresql+psycopg://kam:s3cret@127.0.0.1:1/nowhere?connect_timeout=2")
    at = start()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("kamdash cannot open its database at "
                              "`postgresql+psycopg://kam:***@127.0.0.1:1/nowhere")
    assert "s3cret" not in message
    assert "Check KAMDASH_DATABASE_URL" in message


@pytest.mark.parametrize("url, cause", [
    ("nonsense", "Could not parse SQLAlchemy URL"),
    ("mysql://kam:s3cret@127.0.0.1/x", "its driver 'MySQLdb' is not installed"),
])
def test_a_url_that_does_not_parse_or_a_missing_driver_is_explained(monkeypatch, url, cause):
    monkeypatch.setenv("KAMDASH_DATABASE_URL", url)
    at = start()
    assert not at.exception
    assert cause in at.error[0].value and "s3cret" not in at.error[0].value
