"""AppTest of the Account page on the small demo portfolio, and of its stakeholder save."""

from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
from demo_portfolio import DEMO_TODAY
from sqlalchemy import select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from kamdash import coverage, db, demo, store
from kamdash.identity import LOCAL
from kamdash.models import Account, Meta, Stakeholder

PAGE = str(Path(__file__).parents[2] / "pages" / "account.py")
XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Measure "days since contact" from the demo's own today."""
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


def account_id(url: str, name: str) -> int:
    accounts = store.load_accounts(db.make_engine(url))
    return int(accounts.index[accounts["name"] == name][0])


def run(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def snapshot(url: str) -> dict:
    with db.make_engine(url).connect() as conn:
        return {t.__tablename__: sorted(map(tuple, conn.execute(select(t.__table__)).all()),
                                        key=repr) for t in (Stakeholder, Meta)}


def role_matrix(at: AppTest) -> pd.DataFrame:
    """The roles x stakeholders matrix (plain st.dataframe elements carry no key to find)."""
    # The Buying roles tab comes before the tabs that hold other tables with a role column.
    return [d.value for d in at.dataframe if "role" in d.value.columns][0]


def gap_lines(at: AppTest) -> list[str]:
    """The gap list's lines, each led by its priority badge."""
    return [unescaped(m.value) for m in at.markdown
            if m.value.startswith((":red-badge[", ":orange-badge[", ":gray-badge["))
            and "**" in m.value]


def unescaped(markdown: str) -> str:
    return markdown.replace("\\", "")


def test_without_an_account_the_page_asks_to_choose_one(demo_db):
    at = run()
    assert not at.exception
    assert at.title[0].value == "Account"
    assert "Choose an account" in at.info[0].value
    assert at.selectbox(key="account_select").value is None


def test_a_link_opens_the_account_with_profile_roles_gaps_map_and_editor(demo_db):
    northwind = account_id(demo_db, demo.STORY_SINGLE_THREADED)
    at = run(account=str(northwind), name="Northwind%20Logistics")
    assert not at.exception
    assert at.title[0].value == demo.STORY_SINGLE_THREADED
    assert at.selectbox(key="account_select").value == northwind
    assert "Logistics" in at.markdown[0].value and "Hamburg, Germany" in at.markdown[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Key account"].startswith("Since ")
    assert metrics["People met, last 90 days"] == "1"
    assert any("Single-threaded" in w.value for w in at.warning)
    matrix = role_matrix(at)
    assert matrix["role"].tolist() == ["Decision maker", "Buyer", "Influencer", "User",
                                       "Ambassador"]
    people = store.load_stakeholders(db.make_engine(demo_db), northwind)
    assert list(matrix.columns[4:]) == people.loc[people["active"], "name"].tolist()
    assert gap_lines(at)[0].startswith(":red-badge[High] **Single-threaded**: All ")
    assert "account_map" in [c.key for c in at.get("plotly_chart")]
    editor = at.data_editor[0].value
    assert editor["name"].tolist() == people["name"].tolist()
    assert at.button(key="account_save").label == "Save stakeholders"


def test_the_single_threaded_account_counts_only_roles_in_contact_and_is_not_healthy(demo_db):
    at = run(account=str(account_id(demo_db, demo.STORY_SINGLE_THREADED)))
    assert not at.exception
    statuses = role_matrix(at)["status"]
    in_touch = int((statuses == "Covered").sum())
    assert in_touch < 5 and (statuses == "Gone quiet").any()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Roles in contact"] == f"{in_touch} of 5"
    quiet = int(statuses.str.lower().str.endswith("gone quiet").sum())
    assert any(c.value == f"5 of 5 known, {quiet} gone quiet" for c in at.caption)
    # Health and its headline say the single thread is a risk: Watch at best.
    assert int(metrics["Health score"].split(" / ")[0]) <= 74
    assert any(":orange-badge[" in m.value and "Watch" in m.value for m in at.markdown)
    assert any("capped at 74: single-threaded" in unescaped(m.value) for m in at.markdown)


def test_choosing_another_account_updates_title_and_link(demo_db):
    at = run()
    castellan = account_id(demo_db, demo.STORY_DEMOTION)
    at.selectbox(key="account_select").set_value(castellan).run()
    assert not at.exception
    assert at.title[0].value == demo.STORY_DEMOTION
    assert at.query_params["account"] == str(castellan)
    assert any("Decision maker against us" in g for g in gap_lines(at))


@pytest.mark.parametrize(("wanted", "why"), [
    ("99999", "which does not exist"),
    ("abc", "which is not an account number"),
    ("", "which is not an account number"),
    ("²", "which is not an account number"),  # isdigit() is true for these, int() fails
    ("³", "which is not an account number"),
    ("①", "which is not an account number"),
    ("١٢", "which is not an account number"),  # Arabic-Indic digits: int() takes them
    ("-3", "which is not an account number"),
    ("9" * 30, "which is not an account number"),
])
def test_an_unknown_account_in_the_link_is_a_warning_not_a_traceback(demo_db, wanted, why):
    at = run(account=wanted)
    assert not at.exception
    warning = unescaped(at.warning[0].value)
    assert why in warning and warning.endswith("Choose an account in the box above.")
    assert at.title[0].value == "Account"


def test_saving_the_editor_unchanged_says_there_is_nothing_to_save(writable_demo_db):
    before = snapshot(writable_demo_db)
    at = run(account=str(account_id(writable_demo_db, demo.STORY_DECLINING)))
    at.button(key="account_save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Nothing to save: the table is unchanged."]
    assert snapshot(writable_demo_db) == before


def _save_script(account: int, change: dict) -> None:
    """Runs inside AppTest: edit one cell of the editor's table and press save."""
    from kamdash import store
    from kamdash.ui import data, stakeholder_editor

    table = stakeholder_editor.editable_stakeholders(store.load_stakeholders(data.engine(),
                                                                             account))
    for column, value in change.items():
        table.at[1, column] = value
    stakeholder_editor.save_edits(account, table)
    stakeholder_editor.show_saved_message()


def test_a_rejected_edit_lists_the_problem_and_saves_nothing(writable_demo_db):
    before = snapshot(writable_demo_db)
    account = account_id(writable_demo_db, demo.STORY_SINGLE_THREADED)
    at = AppTest.from_function(_save_script, args=(account, {"stance": "friendly"}),
                               default_timeout=60).run()
    assert not at.exception
    assert not at.success
    assert unescaped(at.error[0].value) == (
        "Nothing was saved: 1 value needs fixing.\n\n- row 2, column Stance: 'friendly' is not "
        "a stance; use enemy, non-supporter, neutral, supporter, mentor (or -2 to +2)")
    assert snapshot(writable_demo_db) == before


def test_a_good_edit_is_saved_and_confirmed(writable_demo_db):
    account = account_id(writable_demo_db, demo.STORY_SINGLE_THREADED)
    at = AppTest.from_function(_save_script, args=(account, {"title": "Chief Buyer"}),
                               default_timeout=60).run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Saved: 0 added, 1 changed, 0 deleted."]
    people = store.load_stakeholders(db.make_engine(writable_demo_db), account)
    assert people["title"].iloc[1] == "Chief Buyer"


def test_a_stakeholder_name_with_html_shows_as_text(writable_demo_db):
    engine = db.make_engine(writable_demo_db)
    account = account_id(writable_demo_db, demo.STORY_SINGLE_THREADED)
    from kamdash.ui.stakeholder_editor import editable_stakeholders

    table = editable_stakeholders(store.load_stakeholders(engine, account))
    table.at[0, "name"] = XSS  # the decision maker, now hostile: named in a gap
    table.at[0, "stance"] = "enemy"
    table["reports_to"] = table["reports_to"].replace(
        store.load_stakeholders(engine, account)["name"].iloc[0], XSS)
    store.save_stakeholders(engine, account, table, actor=LOCAL)

    at = run(account=str(account))
    assert not at.exception
    assert XSS in role_matrix(at).columns  # the matrix names them, as text
    assert XSS in at.data_editor[0].value["name"].tolist()
    hostile = [m for m in at.markdown if "Decision maker against us" in m.value]
    assert len(hostile) == 1
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in hostile[0].value  # escaped Markdown
    assert not any(m.allow_html for m in at.markdown)
    assert XSS not in "".join(m.value for m in at.markdown)


def test_read_only_mode_disables_the_editor(demo_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    at = run(account=str(account_id(demo_db, demo.STORY_RISING)))
    assert not at.exception
    assert not [b for b in at.button if b.key == "account_save"]
    assert any("editing stakeholders is switched off" in c.value for c in at.caption)
    assert isinstance(at.data_editor[0].value, pd.DataFrame)


NOBODY_YET = ("No stakeholders recorded for this account yet. Start with the people who decide: "
              "the decision maker and buyer.")


def _account_without_stakeholders(url: str, how: str) -> int:
    """A new account nobody was entered for, or one whose people were all deleted."""
    engine = db.make_engine(url)
    if how == "new":
        with Session(engine) as session, session.begin():
            account = Account(name="Newco Imports", industry="Retail")
            session.add(account)
            session.flush()
            return int(account.id)
    account = account_id(url, demo.STORY_SINGLE_THREADED)
    nobody = pd.DataFrame(columns=["stakeholder_id", *store.STAKEHOLDER_EDIT_COLUMNS])
    assert store.save_stakeholders(engine, account, nobody, actor=LOCAL).deleted > 0
    return account


@pytest.mark.parametrize("how", ["new", "all deleted"])
def test_an_account_with_no_stakeholders_shows_an_empty_editor_and_who_to_add_first(
        writable_demo_db, how):
    account = _account_without_stakeholders(writable_demo_db, how)
    at = run(account=str(account))
    # (A crash in the health section would show here too: kamdash/ui/account_health.py.)
    assert not at.exception
    (nobody,) = [i.value for i in at.info if "No stakeholders" in i.value]
    assert unescaped(nobody).startswith(NOBODY_YET)
    editor = at.data_editor[0].value
    assert editor.empty and list(editor.columns) == [
        "stakeholder_id", *store.STAKEHOLDER_EDIT_COLUMNS]
    assert at.button(key="account_save").label == "Save stakeholders"
    assert role_matrix(at)["status"].tolist() == ["Missing"] * 5
    assert any(g.startswith(":red-badge[High] **No decision maker**") for g in gap_lines(at))


def _add_first_person(account: int) -> None:
    """Runs inside AppTest: add one row to an account's empty editor table and save."""
    from kamdash import store
    from kamdash.ui import data, stakeholder_editor

    table = stakeholder_editor.editable_stakeholders(store.load_stakeholders(data.engine(),
                                                                             account))
    table.loc[len(table)] = [None, "Ada Park", "CFO", "Finance", ["decision_maker", "buyer"],
                             "high", "supporter", None, None, True]
    stakeholder_editor.save_edits(account, table)
    stakeholder_editor.show_saved_message()


def test_the_first_person_can_be_added_to_an_account_with_nobody(writable_demo_db):
    account = _account_without_stakeholders(writable_demo_db, "new")
    at = AppTest.from_function(_add_first_person, args=(account,), default_timeout=60).run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Saved: 1 added, 0 changed, 0 deleted."]
    people = store.load_stakeholders(db.make_engine(writable_demo_db), account)
    assert people[["name", "roles", "stance"]].values.tolist() == [
        ["Ada Park", "decision_maker;buyer", 1]]
    page = run(account=str(account))
    assert not page.exception and not [i for i in page.info if "No stakeholders" in i.value]


def test_the_editor_table_of_nobody_has_list_and_text_columns():
    from kamdash.ui.stakeholder_editor import editable_stakeholders

    nobody = pd.DataFrame({c: pd.Series(dtype=t) for c, t in {
        "stakeholder_id": "int64", "account_id": "int64", "name": "str", "title": "str",
        "department": "str", "roles": "str", "influence": "str", "stance": "int64",
        "reports_to_id": "Int64", "reports_to": "str", "email": "str", "active": "bool"}.items()})
    table = editable_stakeholders(nobody)
    assert table.empty
    assert table["roles"].dtype == object and table["stance"].dtype == object


def test_the_coverage_help_follows_the_tuned_constants(demo_db, monkeypatch):
    import streamlit as st

    st.cache_data.clear()
    monkeypatch.setattr(coverage, "STALE_CREDIT", 0.25)
    try:
        at = run(account=str(account_id(demo_db, demo.STORY_SINGLE_THREADED)))
        assert not at.exception
        score = next(m for m in at.metric if m.label == "Coverage score")
        assert score.help == coverage.score_help()
        assert score.help.endswith("over 90 days earns a quarter of its points.")
    finally:
        st.cache_data.clear()


@pytest.mark.parametrize("page", ["portfolio.py", "selection.py"])
def test_portfolio_and_selection_link_every_account_to_its_page(demo_db, page):
    at = AppTest.from_file(str(Path(PAGE).parent / page), default_timeout=60).run()
    assert not at.exception
    table = at.dataframe[0].value
    ids = store.load_accounts(db.make_engine(demo_db)).reset_index().set_index("name")
    expected = [f"/account?name={quote(n, safe='')}&account={ids.loc[n, 'account_id']}"
                for n in table["name"]]
    assert table["account"].tolist() == expected
