"""A save that does not go through says why in plain words, and the page shows no traceback."""

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from kamdash import store
from kamdash.ui.writes import write_failed

SELECTION = str(Path(__file__).parents[2] / "pages" / "selection.py")


def locked() -> OperationalError:
    return OperationalError("INSERT INTO scenario ...", {}, Exception("database is locked"))


def test_a_busy_database_asks_to_try_again():
    assert write_failed(locked()) == (
        "The database is busy with another save right now; nothing was saved. "
        "Try again in a moment.")


def test_read_only_mode_gives_its_own_message():
    exc = store.ReadOnlyError("kamdash is in read-only mode (KAMDASH_READ_ONLY); nothing "
                              "was saved.")
    assert write_failed(exc) == str(exc)


def test_another_database_failure_names_its_cause_in_one_line():
    exc = OperationalError("SELECT 1", {}, Exception("server closed the connection\nDETAIL"))
    assert write_failed(exc) == (
        "The database could not save this, so nothing was saved. If it happens again, check "
        "that the database is running. (server closed the connection)")


@pytest.fixture
def busy_database(monkeypatch):
    def refuse(*args, **kwargs):
        raise locked()

    monkeypatch.setattr(store, "save_scenario", refuse)


def test_saving_a_scenario_while_the_database_is_busy_explains_it(writable_demo_db,
                                                                   busy_database):
    at = AppTest.from_file(SELECTION, default_timeout=60).run()
    at.text_input(key="selection_save_name").input("Busy day")
    at.button(key="FormSubmitter:selection_save-Save scenario").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The database is busy with another save right now; nothing was saved\\. Try again in "
        "a moment\\."]
    assert not at.success


def test_saving_stakeholders_while_the_database_is_busy_explains_it(writable_demo_db,
                                                                    monkeypatch):
    def refuse(*args, **kwargs):
        raise locked()

    monkeypatch.setattr(store, "save_stakeholders", refuse)

    def save():
        import streamlit as st

        from kamdash import store
        from kamdash.ui import data, stakeholder_editor

        account = int(data.accounts().index[0])
        table = stakeholder_editor.editable_stakeholders(store.load_stakeholders(data.engine(),
                                                                                 account))
        st.write(stakeholder_editor.save_edits(account, table))

    at = AppTest.from_function(save, default_timeout=60).run()
    assert not at.exception
    assert "busy with another save" in at.error[0].value
    assert at.markdown[-1].value == "`False`"  # st.write of the returned flag: not saved
