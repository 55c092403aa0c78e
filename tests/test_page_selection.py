"""AppTest of the Selection (what-if) page on the small demo portfolio."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, store

PAGE = str(Path(__file__).parents[1] / "pages" / "selection.py")


def run(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def ranking(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def latest_ratings(url: str) -> pd.DataFrame:
    return store.load_ratings(db.make_engine(url))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_page_ranks_the_portfolio_with_default_weights(demo_db):
    at = run()
    assert not at.exception
    table = ranking(at)
    assert table["rank"].iloc[0] == 1
    assert table["score"].is_monotonic_decreasing
    assert {"name", "score", "change", "key_today"} <= set(table.columns)
    assert [s.label for s in at.slider] == [
        "Weight of Revenue potential", "Weight of Product fit",
        "Weight of Partnership history and potential", "Weight of Strategic value",
        "Weight of Solvency",
    ]


def test_raising_a_weight_lifts_accounts_strong_on_that_criterion(demo_db):
    at = run()
    ratings = latest_ratings(demo_db)
    top_before = ranking(at)["name"].head(10).tolist()
    at.slider(key="w_solvency").set_value(10).run()
    at.slider(key="w_revenue_potential").set_value(0).run()
    top_after = ranking(at)["name"].head(10).tolist()
    assert top_after != top_before
    accounts = store.load_accounts(db.make_engine(demo_db)).reset_index().set_index("name")
    solvency = ratings["solvency"].fillna(1)
    mean_before = solvency.loc[accounts.loc[top_before, "account_id"]].mean()
    mean_after = solvency.loc[accounts.loc[top_after, "account_id"]].mean()
    assert mean_after > mean_before


def test_story_accounts_show_as_promoted_and_demoted(demo_db):
    at = run()
    table = ranking(at).set_index("name")
    assert table.loc[demo.STORY_RISING, "change"] == "▲ Promoted"
    warning = " ".join(w.value for w in at.warning)
    assert demo.STORY_DEMOTION in warning
    assert "would be demoted" in warning


def test_threshold_rule_selects_every_account_at_or_above_it(demo_db):
    at = run()
    at.radio(key="rule").set_value("threshold").run()
    at.slider(key="threshold").set_value(6.0).run()
    table = ranking(at)
    expected = int((table["score"] >= 6.0).sum())
    assert metric(at, "Key accounts") == str(expected)


def test_all_weights_zero_explains_instead_of_failing(demo_db):
    at = run(criteria=["Solvency"], w_solvency="0")
    assert not at.exception
    assert any("Every weight is zero" in w.value for w in at.warning)
    assert len(at.dataframe) == 0


def test_a_shared_link_reopens_its_weights(demo_db):
    at = run(criteria=["Solvency", "Customer tenure"], w_solvency="9", w_tenure="1")
    assert at.multiselect(key="criteria").value == ["solvency", "tenure"]
    assert at.slider(key="w_solvency").value == 9
    assert at.slider(key="w_tenure").value == 1


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"w_product_fit": "-1"}, "The weight for Product fit in the link is -1"),
        ({"criteria": ["loyalty", "Solvency"]}, "'loyalty' is not a selection criterion"),
        ({"w_charisma": "4"}, "'charisma' is not a selection criterion"),
    ],
)
def test_a_bad_link_gets_a_message_naming_the_problem_not_a_traceback(demo_db, query, named):
    at = run(**query)
    assert not at.exception
    assert any(named in w.value for w in at.warning)
    assert len(at.dataframe) >= 1  # the page still works with what it understood


def test_choosing_two_criteria_warns_but_still_ranks(demo_db):
    at = run()
    at.multiselect(key="criteria").set_value(["solvency", "tenure"]).run()
    assert any("2 criteria chosen" in w.value for w in at.warning)
    assert len(ranking(at)) > 0


def test_saving_a_scenario_lists_it_with_a_link_that_reopens_it(writable_demo_db):
    at = run()
    at.slider(key="w_solvency").set_value(8).run()
    at.text_input(key="selection_save_name").input("Cash first")
    at.text_input(key="selection_save_author").input("Dana")
    at.button[0].click().run()
    assert not at.exception
    assert any("Saved." in s.value for s in at.success)
    saved = store.load_scenarios(db.make_engine(writable_demo_db))
    assert saved["name"].tolist() == ["Cash first"]
    assert saved.loc[0, "weights"]["solvency"] == 8
    at = run()
    listed = at.dataframe[-1].value
    assert listed["name"].tolist() == ["Cash first"]
    assert "w_solvency=8" in listed["link"].iloc[0]


def test_saving_without_a_name_is_refused_and_writes_nothing(writable_demo_db):
    at = run()
    at.button[0].click().run()
    assert any("Give the scenario a name." in e.value for e in at.error)
    assert store.load_scenarios(db.make_engine(writable_demo_db)).empty
