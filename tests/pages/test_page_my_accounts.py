"""AppTest of My accounts: a KAM sees exactly their own accounts; others are told why not."""

from pathlib import Path

import pytest
from demo_portfolio import DEMO_TODAY
from streamlit.testing.v1 import AppTest

from kamdash import db, store

PAGE = str(Path(__file__).parents[2] / "pages" / "my_accounts.py")
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 40,
        "client_id": "c", "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


def run(email: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email}
    return at.run()


def test_a_kam_sees_their_own_accounts_key_accounts_first(demo_db):
    accounts = store.load_accounts(db.make_engine(demo_db))
    mine = accounts[accounts["manager"] == "Jonas Weber"]
    at = run("jonas.weber@kamdash.example")
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "worst_gap" in d.value.columns]
    assert sorted(table["name"]) == sorted(mine["name"])
    assert table["is_key"].tolist() == sorted(table["is_key"], reverse=True)
    assert at.metric[0].value == str(len(mine))
    assert at.metric[1].value == str(int(mine["is_key"].sum()))


def test_a_user_without_a_manager_record_is_told_to_ask_an_admin(demo_db):
    at = run("henrik.dahl@kamdash.example")
    assert not at.exception
    assert "not linked to a manager record" in at.info[0].value
    assert not at.dataframe
