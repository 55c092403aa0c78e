"""AppTest of the Selection (what-if) page on the small demo portfolio."""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from demo_portfolio import DEMO_TODAY
from streamlit.testing.v1 import AppTest

from kamdash import db, demo, selection, store
from kamdash.ui.account_picker import plain

PAGE = str(Path(__file__).parents[2] / "pages" / "selection.py")


@pytest.fixture(autouse=True)
def demo_day(monkeypatch):
    """The page measures revenue and touches up to today: the demo's day."""
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


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


def accounts_of(url: str) -> pd.DataFrame:
    return store.load_accounts(db.make_engine(url))


ANALYSES = ["Ranking", "How stable", "Compare scenarios", "Rising stars",
            "Are our criteria right?"]


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
    at.button(key="FormSubmitter:selection_save-Save scenario").click().run()
    assert not at.exception
    assert [unescaped(s.value) for s in at.success] == [
        "Saved “Cash first”. It is listed below with a link that reopens it."]
    saved = store.load_scenarios(db.make_engine(writable_demo_db))
    assert saved[["name", "author"]].values.tolist() == [["Cash first", "local"]]
    assert saved.loc[0, "weights"]["solvency"] == 8
    listed = at.dataframe[-1].value  # in the same session, right after saving
    assert listed["name"].tolist() == ["Cash first"]
    key_today = int(accounts_of(writable_demo_db)["is_key"].sum())
    assert listed["rule"].tolist() == [f"the top {key_today} accounts by score"]
    assert listed["unrated"].tolist() == ["count as 1 (conservative)"]
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
    assert [t.label for t in at.tabs] == [  # the lists sit inside the Ranking tab
        "Ranking", "Promoted", "Demoted", "Stays key", *ANALYSES[1:]]
    assert stays + len(outcome.demoted) == outcome.key_count_today
    expected = {"Promoted": outcome.promoted, "Demoted": outcome.demoted,
                "Stays key": outcome.table[outcome.table["change"] == selection.STAYS_KEY]}
    for label, frame in expected.items():  # each list, opened: only its own table runs
        if label != "Promoted":
            at.session_state["selection_lists"] = label
            at.run()
        lists = [d.value for d in at.dataframe if set(d.value.columns) == {
            "rank", "name", "score", "industry", "manager", "annual_revenue", "account"}]
        assert [set(t["name"]) for t in lists] == [set(frame["name"])], label
        n = len(frame)
        assert f"{n:,} account{'s' if n != 1 else ''}." in [c.value for c in at.caption]


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


def save(at: AppTest, name: str) -> AppTest:
    at.text_input(key="selection_save_name").input(name)
    return next(b for b in at.button if b.label == "Save scenario").click().run()


def test_saving_under_a_name_in_use_is_refused_and_keeps_the_first(writable_demo_db):
    at = run()
    save(at, "Growth")
    at = run(w_solvency="9")
    save(at, "Growth")
    assert not at.exception
    assert any("A scenario called “Growth” exists already" in unescaped(e.value)
               for e in at.error)
    saved = store.load_scenarios(db.make_engine(writable_demo_db))
    assert saved["name"].tolist() == ["Growth"]
    assert saved.loc[0, "weights"]["solvency"] == selection.DEFAULT_WEIGHTS["solvency"]


def test_a_saved_scenario_can_be_renamed_and_deleted(writable_demo_db):
    at = run()
    save(at, "Old name")
    at.text_input(key="selection_manage_new_name").input("New name")
    at = next(b for b in at.button if b.label == "Rename").click().run()
    assert not at.exception
    engine = db.make_engine(writable_demo_db)
    assert store.load_scenarios(engine)["name"].tolist() == ["New name"]
    assert any("Renamed “Old name” to “New name”." in unescaped(s.value) for s in at.success)

    at = next(b for b in at.button if b.label == "Delete").click().run()
    assert any("Tick “Yes, delete it”" in unescaped(e.value) for e in at.error)
    assert store.load_scenarios(engine)["name"].tolist() == ["New name"]
    at.checkbox(key="selection_manage_sure").check()
    at = next(b for b in at.button if b.label == "Delete").click().run()
    assert store.load_scenarios(engine).empty
    trail = store.load_audit(engine)
    assert trail.loc[trail["entity"] == "scenario", "action"].tolist() == [
        "delete", "update", "create"]


@pytest.mark.parametrize(("missing", "rule", "extra"), [
    ("floor", "top_n", {"n": "12"}),
    ("ignore", "top_n", {"n": "30"}),
    ("floor", "threshold", {"threshold": "6.5"}),
    ("ignore", "threshold", {"threshold": "7.2"}),
    ("floor", "capacity", {}),
    ("ignore", "capacity", {}),
])
def test_a_saved_link_reopens_every_rule_and_missing_choice_exactly(demo_db, missing, rule,
                                                                    extra):
    """Saved links name choices by key; the radios bind to their labels."""
    query = {"criteria": ["solvency", "tenure"], "w_solvency": "7", "w_tenure": "3",
             "missing": missing, "rule": rule, **extra}
    at = run(**query)
    assert not at.exception and not link_warnings(at)
    assert at.radio(key="missing").value == missing
    assert at.radio(key="rule").value == rule
    if rule == "top_n":
        assert at.number_input(key="n").value == int(extra["n"])
    if rule == "threshold":
        assert at.slider(key="threshold").value == float(extra["threshold"])
    engine = db.make_engine(demo_db)
    accounts = store.load_accounts(engine)
    rule_ = selection.Rule(rule, n=int(extra.get("n", 20)),
                           threshold=float(extra.get("threshold", 7)))
    capacity = (selection.capacity_of(accounts, store.load_managers(engine))
                if rule == "capacity" else None)
    expected = selection.evaluate(store.load_ratings(engine), accounts,
                                  {"solvency": 7, "tenure": 3}, missing, rule_, capacity)
    assert metric(at, "Key accounts") == str(expected.key_count)
    assert metric(at, "Demoted") == str(len(expected.demoted))
    # The page's own address (labels, as the radios write them) reopens it the same way.
    own = run(**{**query, "missing": selection.MISSING_LABELS[missing],
                 "rule": selection.RULE_LABELS[rule]})
    assert not own.exception and not link_warnings(own)
    assert metric(own, "Key accounts") == str(expected.key_count)


def test_the_capacity_rule_shows_capacity_and_who_has_no_kam_room(demo_db):
    at = run(rule="capacity")
    engine = db.make_engine(demo_db)
    managers = store.load_managers(engine)
    total = int(managers.loc[managers["role"] == "kam", "capacity"].sum())
    note = next(i.value for i in at.info if "KAM capacity" in i.value)
    assert f"KAM capacity: {total} key accounts" in note
    assert "would be key on score alone but have no KAM room" in note


def test_a_kam_without_a_usable_capacity_is_named_not_a_traceback(writable_demo_db):
    engine = db.make_engine(writable_demo_db)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE manager SET capacity = -1 WHERE name = 'Jonas Weber'")
    at = run(rule="capacity")
    assert not at.exception
    assert any("no usable capacity for KAM(s) Jonas Weber" in unescaped(e.value)
               for e in at.error)


def test_the_stability_toggle_adds_the_chance_of_being_key_to_the_ranking(demo_db):
    at = run()
    assert "stability" not in ranking(at).columns
    at.toggle(key="stability").set_value(True).run()
    table = ranking(at)
    assert table["stability"].between(0, 1).all()
    assert set(table["stability_label"]) <= {"solid key", "borderline", "solid out"}
    assert (table.loc[table["stability_label"] == "solid key", "would_be_key"]).all()
    assert run(stability="true").toggle(key="stability").value is True  # from the address


def test_the_how_stable_tab_counts_labels_and_names_tipping_points(demo_db):
    at = run(analysis="How stable")
    assert not at.exception
    counts = [int(metric(at, label)) for label in ("Solid key", "Borderline", "Solid out")]
    assert sum(counts) == len(accounts_of(demo_db))
    tips = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert " if " in tips and " weighs " in tips


def test_two_scenarios_side_by_side(writable_demo_db):
    at = run()
    save(at, "Cash first")
    at = run(analysis="Compare scenarios", w_solvency="10", w_revenue_potential="0",
             compare_b="Cash first")
    assert not at.exception
    assert at.selectbox(key="compare_a").value == "This scenario (on the left)"
    assert at.selectbox(key="compare_b").value == "Cash first"
    labels = [m.label for m in at.metric]
    assert {"Key accounts, A", "Key accounts, B", "Key in both", "Rankings agree",
            "Kendall's tau"} <= set(labels)
    assert float(metric(at, "Rankings agree")) < 1.0
    same = run(analysis="Compare scenarios", compare_a="Cash first", compare_b="Cash first")
    assert metric(same, "Rankings agree") == "1.00"


def test_the_compare_tab_explains_what_to_do_without_saved_scenarios(writable_demo_db):
    at = run(analysis="Compare scenarios")
    assert any("Save a scenario first" in i.value for i in at.info)


def test_rising_stars_put_brightwater_first(demo_db):
    at = run(analysis="Rising stars")
    assert not at.exception
    stars = at.dataframe[0].value
    assert stars["name"].iloc[0] == demo.STORY_RISING
    assert stars["why"].iloc[0].startswith("Revenue up")


def test_the_back_test_says_which_criteria_predicted_growth(demo_db):
    at = run(analysis="Are our criteria right?")
    assert not at.exception
    table = at.dataframe[0].value.set_index("label")
    assert table.loc["Existing relationships", "verdict"] == "predicted growth"
    assert table.loc["Purchase process", "verdict"] == "predicted growth"
    assert table.loc["Geographic alignment", "verdict"] == "no better than chance"
    text = " ".join(m.value for m in at.markdown)
    assert "Predicted growth:" in text and "No better than chance:" in text
    early = run(analysis="Are our criteria right?", backtest_as_of="2010-01-01")
    assert not early.exception
