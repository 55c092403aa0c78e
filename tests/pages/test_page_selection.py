"""AppTest of the Selection (what-if) page on the small demo portfolio."""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, selection, store
from kamdash.ui.account_picker import plain

PAGE = str(Path(__file__).parents[2] / "pages" / "selection.py")


def run(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def ranking(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def latest_ratings(url: str) -> pd.DataFrame:
    return store.load_ratings(db.make_engine(url))


def unescaped(markdown: str) -> str:
    return markdown.replace("\\", "")


def link_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "only partly understood" in w.value]


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
    assert any(named in unescaped(w.value) for w in at.warning)
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
    at.button(key="FormSubmitter:selection_save-Save scenario").click().run()
    assert not at.exception
    assert [unescaped(s.value) for s in at.success] == [
        "Saved “Cash first”. It is listed below with a link that reopens it."]
    saved = store.load_scenarios(db.make_engine(writable_demo_db))
    assert saved["name"].tolist() == ["Cash first"]
    assert saved.loc[0, "weights"]["solvency"] == 8
    listed = at.dataframe[-1].value  # in the same session, right after saving
    assert listed["name"].tolist() == ["Cash first"]
    link = listed["link"].iloc[0]
    assert "w_solvency=8" in link and "criteria=revenue_potential" in link

    reopened = run(**{k: v for k, v in parse_qs(urlparse(link).query).items()})
    assert not reopened.exception and not link_warnings(reopened)
    assert reopened.multiselect(key="criteria").value == list(selection.DEFAULT_WEIGHTS)
    assert reopened.slider(key="w_solvency").value == 8


def test_saving_without_a_name_is_refused_and_writes_nothing(writable_demo_db):
    at = run()
    at.button(key="FormSubmitter:selection_save-Save scenario").click().run()
    assert any("Give the scenario a name." in e.value for e in at.error)
    assert store.load_scenarios(db.make_engine(writable_demo_db)).empty


def test_a_link_naming_criteria_by_key_opens_with_them_chosen(demo_db):
    at = run(criteria=["solvency", "tenure"], w_tenure="6")
    assert not at.exception and not link_warnings(at)
    assert at.multiselect(key="criteria").value == ["solvency", "tenure"]
    assert at.slider(key="w_tenure").value == 6


def test_changes_against_today_list_promoted_demoted_and_those_that_stay_key(demo_db):
    at = run()
    engine = db.make_engine(demo_db)
    accounts = store.load_accounts(engine)
    outcome = selection.evaluate(store.load_ratings(engine), accounts,
                                 selection.DEFAULT_WEIGHTS,
                                 rule=selection.Rule("top_n", n=int(accounts["is_key"].sum())))
    stays = int((outcome.table["change"] == selection.STAYS_KEY).sum())
    assert [t.label for t in at.tabs] == [
        f"Promoted ({len(outcome.promoted)})", f"Demoted ({len(outcome.demoted)})",
        f"Stays key ({stays})"]
    assert stays + len(outcome.demoted) == outcome.key_count_today
    stays_table = next(d.value for d in at.dataframe
                       if len(d.value) == stays and "account" in d.value.columns)
    assert set(stays_table["name"]) == set(
        outcome.table.loc[outcome.table["change"] == selection.STAYS_KEY, "name"])


def test_a_demoted_name_with_markdown_shows_as_text(writable_demo_db):
    engine = db.make_engine(writable_demo_db)
    castellan = store.load_accounts(engine).query("name == @demo.STORY_DEMOTION").index[0]
    name = "**Castellan** [x](http://evil)"
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE account SET name = ? WHERE id = ?", (name, int(castellan)))
    at = run()
    demoted = next(w.value for w in at.warning if "would be demoted" in w.value)
    assert f"decide: {plain(name)}." in demoted
    assert unescaped(plain(name)) == name
