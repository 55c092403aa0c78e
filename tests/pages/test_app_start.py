"""Starting the app (streamlit_app.py): a fresh database, no demo wanted, read-only before the
database is prepared, a database that cannot be reached. Never a traceback in the page."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from kamdash import db, store

APP = str(Path(__file__).parents[2] / "streamlit_app.py")


def start() -> AppTest:
    return AppTest.from_file(APP, default_timeout=120).run()


def test_kamdash_demo_0_starts_an_empty_database_without_the_demo(empty_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_DEMO", "0")
    at = start()
    assert not at.exception
    assert db.schema_is_current(db.make_engine(empty_db))
    assert store.is_empty(db.make_engine(empty_db))
    assert at.title[0].value == "Portfolio"
    assert "No accounts yet" in at.info[0].value


def test_read_only_before_the_database_is_prepared_explains_and_writes_nothing(
        empty_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    at = start()
    assert not at.exception
    assert not at.title  # no page ran
    assert at.error[0].value.startswith(
        "kamdash is read-only (KAMDASH_READ_ONLY) and its database is not set up yet.")
    assert not db.schema_is_current(db.make_engine(empty_db))  # no migration ran either


def test_read_only_on_a_prepared_database_shows_the_pages(demo_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    at = start()
    assert not at.exception and not at.error
    assert at.title[0].value == "Portfolio"


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


def test_a_url_that_does_not_parse_or_a_missing_driver_is_explained(monkeypatch):
    for url, cause in (("nonsense", "Could not parse SQLAlchemy URL"),
                       ("mysql://kam:s3cret@127.0.0.1/x", "its driver 'MySQLdb' is not "
                                                          "installed")):
        monkeypatch.setenv("KAMDASH_DATABASE_URL", url)
        at = start()
        assert not at.exception, url
        assert cause in at.error[0].value and "s3cret" not in at.error[0].value
