"""AppTest of the Data page: upload, preview, import with the error table, downloads, and the
read-only mode that switches importing off."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kamdash import db, files, store
from kamdash.formatting import join_words
from kamdash.ui.imports import MIME

ROOT = Path(__file__).resolve().parents[2]

ACCOUNTS = b"name,industry,kam_email,is_key\nAcme,Steel,ann.berg@x.com,yes\nBolt,Retail,,no\n"


@pytest.fixture
def small_db(tmp_path, monkeypatch) -> str:
    """A database holding two accounts (not empty, so the app does not seed the demo)."""
    url = f"sqlite:///{tmp_path / 'small.db'}"
    engine = db.make_engine(url)
    db.create_schema(engine)
    store.import_file(engine, "accounts", ACCOUNTS, "a.csv")
    engine.dispose()
    monkeypatch.setenv("KAMDASH_DATABASE_URL", url)
    monkeypatch.delenv("KAMDASH_READ_ONLY", raising=False)
    return url


def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=30).run()
    assert not at.exception
    return at


def table(at: AppTest, column: str):
    """The one dataframe on the page that has ``column``."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="data_upload").set_value((name, content, "text/csv")).run()
    assert not at.exception
    return at


def test_page_offers_an_uploader_the_column_table_and_eight_downloads(small_db):
    at = page()
    assert at.title[0].value == "Import and export"
    assert at.radio(key="data_kind").value == "accounts"
    columns = table(at, "what goes in")
    assert columns["column"].tolist()[:3] == ["name", "industry", "country"]
    keys = {b.key for b in at.get("download_button")}
    assert {f"data_export_{k}_{f}" for k in ("accounts", "ratings", "stakeholders",
                                             "engagements") for f in ("csv", "xlsx")} <= keys
    assert not at.file_uploader(key="data_upload").disabled


def test_choosing_a_kind_shows_its_columns(small_db):
    at = page()
    at.radio(key="data_kind").set_value("ratings").run()
    columns = table(at, "what goes in")
    assert columns["column"].tolist() == ["account", "criterion", "value", "rated_on", "rated_by"]


def test_a_good_file_is_previewed_then_imported_with_counts(small_db):
    at = upload(page(), "accounts.csv",
                b"name;city\nAcme;Berlin\nCord;<script>alert(1)</script>\n")
    preview = table(at, "name")
    assert preview[["line", "name", "city"]].values.tolist() == [
        [2, "Acme", "Berlin"], [3, "Cord", "<script>alert(1)</script>"]]
    assert "**2 accounts** ready to import from “accounts\\.csv”." in [m.value for m in at.markdown]
    at.button(key="data_import").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Imported. 1 added, 1 updated, 0 unchanged."]
    accounts = store.load_accounts(db.make_engine(small_db)).set_index("name")
    assert accounts["city"].fillna("").to_dict() == {"Acme": "Berlin", "Bolt": "",
                                          "Cord": "<script>alert(1)</script>"}


def test_importing_the_same_file_again_says_nothing_changed(small_db):
    at = upload(page(), "accounts.csv", ACCOUNTS)
    at.button(key="data_import").click().run()
    assert [s.value for s in at.success] == [
        "Nothing to change: all 2 rows match what is saved already."]


def test_a_bad_file_shows_the_problem_table_and_no_import_button(small_db):
    engine = db.make_engine(small_db)
    version = store.data_version(engine)
    at = upload(page(), "accounts.csv", b"name,employees\nAcme,many\nBolt,1.200\n")
    assert "2 problems found" in at.error[0].value
    assert table(at, "problem").values.tolist() == [
        [2, "employees", "'many' is not a number"],
        [3, "employees", "'1.200' is not a whole number; write 1200 without a thousands "
                         "separator"],
    ]
    assert not [b for b in at.button if b.key == "data_import"]
    assert store.data_version(engine) == version


def test_rows_naming_unknown_accounts_are_listed_on_upload_with_no_import_button(small_db):
    engine = db.make_engine(small_db)
    version = store.data_version(engine)
    at = page()
    at.radio(key="data_kind").set_value("ratings").run()
    upload(at, "ratings.csv", b"account,criterion,value,rated_on\nAcme,solvency,7,2025-01-01\n"
                              b"Nobody,solvency,7,2025-01-01\n")
    assert not at.exception
    assert not [b for b in at.button if b.key == "data_import"]
    assert "1 problem found" in at.error[0].value
    assert table(at, "problem").values.tolist() == [
        [3, "account", "no account named 'Nobody'; import it in an accounts file first"]]
    assert store.data_version(engine) == version
    assert store.load_ratings(engine).empty


def test_read_only_mode_disables_the_uploader_and_says_why(small_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    at = page()
    assert at.file_uploader(key="data_upload").disabled
    assert "read-only demo" in at.info[0].value


def test_the_app_registers_the_data_page_and_shows_the_read_only_notice(small_db, monkeypatch):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert "Read-only demo" in at.sidebar.warning[0].value
    at.switch_page(str(ROOT / "pages" / "data.py")).run()
    assert not at.exception
    assert at.title[0].value == "Import and export"


def test_an_excel_file_is_read_like_a_csv(small_db):
    engine = db.make_engine(small_db)
    content = files.to_xlsx("accounts", store.export_rows(engine, "accounts"))
    at = page()
    at.file_uploader(key="data_upload").set_value((
        "accounts.xlsx", content, MIME["xlsx"])).run()
    assert not at.exception
    assert table(at, "name")[["line", "name", "is_key"]].values.tolist() == [
        [2, "Acme", "yes"], [3, "Bolt", "no"]]


def test_key_columns_read_as_a_sentence():
    assert [join_words(["name"]), join_words(["a", "b"]), join_words(["a", "b", "c"])] == [
        "name", "a and b", "a, b and c"]
    assert join_words(["visit", "call", "QBR"], "or") == "visit, call or QBR"


def test_switching_what_the_file_holds_says_which_kind_the_file_looks_like(small_db):
    at = upload(page(), "people.csv", b"account,name,title\nAcme,Ann Berg,CFO\n")
    assert not at.error  # read as accounts it would make "Ann Berg" an account: not offered
    assert [i.value for i in at.info] == [
        "“people\\.csv” looks like a stakeholders file, not an accounts file: its header has "
        "the columns a stakeholders file needs (account and name)."]
    assert not [b for b in at.button if b.key == "data_import"]
    for other in ("ratings", "engagements"):
        at.radio(key="data_kind").set_value(other).run()
        assert not at.exception and not at.error
        assert "looks like a stakeholders file" in at.info[0].value
    at.button(key="data_switch_kind").click().run()
    assert at.radio(key="data_kind").value == "stakeholders"
    assert not at.info and not at.error
    assert table(at, "name")[["line", "account", "name", "title"]].values.tolist() == [
        [2, "Acme", "Ann Berg", "CFO"]]
    at.button(key="data_import").click().run()
    assert [s.value for s in at.success] == ["Imported. 1 added, 0 updated, 0 unchanged."]


def test_a_windows_1252_file_is_read_and_the_page_says_so(small_db):
    at = upload(page(), "accounts.csv", "name;city\nMüller Söhne;Köln\n".encode("cp1252"))
    assert "Read as Windows-1252 text." in [c.value for c in at.caption]
    at.button(key="data_import").click().run()
    assert [s.value for s in at.success] == [
        "Imported. 1 added, 0 updated, 0 unchanged. The file was read as Windows-1252 text."]
    assert "Müller Söhne" in store.load_accounts(db.make_engine(small_db))["name"].tolist()


# --- plan files: goals, actions, opportunities -------------------------------------------------


@pytest.mark.parametrize("kind", ["goals", "actions", "opportunities"])
def test_each_plan_kind_shows_its_columns_sample_and_export_buttons(small_db, kind):
    at = page()
    at.radio(key="data_kind").set_value(kind).run()
    assert table(at, "what goes in")["column"].tolist() == list(files.kind(kind).column_names)
    keys = {b.key for b in at.get("download_button")}
    assert {f"data_sample_{kind}", f"data_export_{kind}_csv", f"data_export_{kind}_xlsx"} <= keys


def test_a_goals_file_is_imported_then_its_opportunity_rejected_with_the_plan_rule(small_db):
    at = page()
    at.radio(key="data_kind").set_value("goals").run()
    upload(at, "goals.csv", b"account,title,owner,status\nAcme,Grow,Ann Berg,on track\n")
    assert "**1 goal** ready to import from \u201cgoals\\.csv\u201d." in [
        m.value for m in at.markdown]
    at.button(key="data_import").click().run()
    assert [s.value for s in at.success] == ["Imported. 1 added, 0 updated, 0 unchanged."]
    goals = store.load_goals(db.make_engine(small_db))
    assert goals[["title", "owner", "status"]].values.tolist() == [["Grow", "Ann Berg",
                                                                   "on_track"]]
    at.radio(key="data_kind").set_value("opportunities").run()
    upload(at, "o.csv", b"account,name,value,stage\nAcme,Deal,10,lost\n")
    assert table(at, "problem").values.tolist() == [
        [2, "lost_reason", "is empty; a lost opportunity needs the reason it was lost"]]
    assert not [b for b in at.button if b.key == "data_import"]
    assert "**1 opportunity**" not in " ".join(m.value for m in at.markdown)
