"""AppTest of the Ratings page: the filters choose the grid's accounts and criteria; saving
an edited grid appends today's ratings and moves the Selection ranking; a bad cell is
named and nothing is saved."""

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, ratings_matrix, selection, settings, store
from kamdash.models import Rating

PAGE = str(Path(__file__).parents[2] / "pages" / "ratings.py")
SELECTION = str(Path(__file__).parents[2] / "pages" / "selection.py")


def run() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=60).run()


def grid(at: AppTest) -> pd.DataFrame:
    return at.data_editor[0].value


def rating_count(url: str) -> int:
    with db.make_engine(url).connect() as conn:
        return conn.execute(select(func.count()).select_from(Rating)).scalar()


def test_the_grid_shows_every_account_on_the_criteria_in_use_with_help(demo_db):
    at = run()
    assert not at.exception
    accounts = store.load_accounts(db.make_engine(demo_db))
    table = grid(at)
    assert list(table.columns) == ["name", *selection.DEFAULT_WEIGHTS]
    assert sorted(table["name"]) == sorted(accounts["name"])
    assert at.multiselect(key="ratings_criteria").value == list(selection.DEFAULT_WEIGHTS)


def test_choosing_criteria_changes_the_columns(demo_db):
    at = run()
    at.multiselect(key="ratings_criteria").set_value(["tenure", "solvency"]).run()
    assert list(grid(at).columns) == ["name", "tenure", "solvency"]
    at.multiselect(key="ratings_criteria").set_value([]).run()
    assert not at.data_editor
    assert at.info[0].value == "Choose at least one criterion to rate."


@pytest.mark.parametrize(("key", "expected"), [("all", None), ("key", True), ("other", False)])
def test_the_key_status_filter(demo_db, key, expected):
    at = run()
    at.selectbox(key="ratings_key").set_value(key).run()
    accounts = store.load_accounts(db.make_engine(demo_db)).set_index("name")
    shown = grid(at)["name"]
    wanted = accounts.index if expected is None else accounts.index[accounts["is_key"] ==
                                                                   expected]
    assert sorted(shown) == sorted(wanted)


def test_the_manager_and_industry_filters(demo_db):
    accounts = store.load_accounts(db.make_engine(demo_db))
    manager = accounts["manager"].value_counts().index[0]
    at = run()
    at.selectbox(key="ratings_manager").set_value(manager).run()
    assert sorted(grid(at)["name"]) == sorted(accounts.loc[accounts["manager"] == manager,
                                                           "name"])
    industry = accounts.loc[accounts["manager"] == manager, "industry"].iloc[0]
    at.selectbox(key="ratings_industry").set_value(industry).run()
    both = accounts[(accounts["manager"] == manager) & (accounts["industry"] == industry)]
    assert sorted(grid(at)["name"]) == sorted(both["name"])


def test_only_unrated_or_old_shows_the_accounts_that_need_a_rating(demo_db):
    engine = db.make_engine(demo_db)
    accounts = store.load_accounts(engine)
    needs = ratings_matrix.needs_rating(store.load_latest_ratings(engine), accounts.index,
                                        list(selection.DEFAULT_WEIGHTS), settings.today())
    assert 0 < needs.sum() < len(accounts)
    at = run()
    at.checkbox(key="ratings_stale").check().run()
    assert sorted(grid(at)["name"]) == sorted(accounts.loc[needs, "name"])


def _save_script(changes: dict, keys: list) -> None:
    """Runs inside AppTest: change cells of the grid as the editor would and save."""
    from kamdash import ratings_matrix
    from kamdash.ui import data, decisions_data, decisions_ratings

    accounts = data.accounts()
    before = ratings_matrix.grid(accounts, decisions_data.latest_ratings(), keys)
    edited = before.astype(object)
    for (account_id, key), value in changes.items():
        edited.at[account_id, key] = value
    decisions_ratings.save_grid(before, edited, keys)


def test_a_saved_rating_is_appended_and_moves_the_ranking(writable_demo_db):
    engine = db.make_engine(writable_demo_db)
    accounts = store.load_accounts(engine)
    rising = int(accounts.index[accounts["name"] == demo.STORY_RISING][0])
    before = AppTest.from_file(SELECTION, default_timeout=60).run().dataframe[0].value
    assert int(before.loc[rising, "rank"]) <= demo.RISING_MAX_RANK
    count = rating_count(writable_demo_db)
    changes = {(rising, k): 1 for k in selection.DEFAULT_WEIGHTS}
    at = AppTest.from_function(_save_script, args=(changes, list(selection.DEFAULT_WEIGHTS)),
                               default_timeout=60).run()
    assert not at.exception and not at.error
    assert rating_count(writable_demo_db) == count + len(changes)
    history = store.load_rating_history(engine, rising)
    today = history[history["rated_on"].dt.date == settings.today()]
    assert today[["criterion", "value", "rated_by"]].values.tolist() == [
        [k, 1, "local"] for k in selection.DEFAULT_WEIGHTS]
    ranked = AppTest.from_file(SELECTION, default_timeout=60).run().dataframe[0].value
    # Rated 1 on every weighted criterion it scores the floor: out of the shown ranking.
    assert rising not in ranked.index


def test_a_rating_outside_1_to_10_is_named_and_nothing_is_saved(writable_demo_db):
    accounts = store.load_accounts(db.make_engine(writable_demo_db))
    first, second = accounts.index[:2]
    count = rating_count(writable_demo_db)
    at = AppTest.from_function(
        _save_script, args=({(first, "solvency"): 4, (second, "solvency"): 11},
                            ["solvency"]), default_timeout=60).run()
    assert not at.exception
    assert at.error[0].value.replace("\\", "") == (
        f"Nothing was saved: 1 rating needs fixing.\n\n- {accounts.at[second, 'name']}, "
        "Solvency: 11 is outside 1 to 10")
    assert rating_count(writable_demo_db) == count


def test_saving_an_unchanged_grid_says_so(writable_demo_db):
    count = rating_count(writable_demo_db)
    at = AppTest.from_function(_save_script, args=({}, ["solvency"]), default_timeout=60).run()
    assert [i.value for i in at.info] == ["Nothing to save: no rating changed."]
    assert rating_count(writable_demo_db) == count
