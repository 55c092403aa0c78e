"""streamlit_app.py with sign-in configured: signed out only the sign-in page, each role its
own pages, an uninvited or deactivated e-mail told what to do. (``at.user`` stands in for the
provider here; tests/e2e/test_sign_in.py goes through a real one.)"""

from pathlib import Path

import pytest
from demo_portfolio import DEMO_TODAY
from streamlit.testing.v1 import AppTest

from kamdash import db, demo_audit, store
from kamdash.ui.account_picker import plain

APP = str(Path(__file__).parents[2] / "streamlit_app.py")
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 40,
        "client_id": "c", "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", DEMO_TODAY.isoformat())


def start(email: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = AUTH
    if email is not None:
        at.user = {"is_logged_in": True, "email": email, "name": "From Provider"}
    return at.run()


def sidebar_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.sidebar.markdown) + " ".join(
        c.value for c in at.sidebar.caption)


def test_signed_out_shows_only_the_sign_in_button(demo_db):
    at = start()
    assert not at.exception
    assert at.title[0].value == "kamdash · Key accounts"
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.title) == 1 and not at.dataframe and not at.metric


@pytest.mark.parametrize("email, home, role_words", [
    (demo_audit.ADMIN[1], "Portfolio", "Admin:"),
    (demo_audit.LEADERSHIP[1], "Portfolio", "Leadership:"),
    ("JONAS.WEBER@kamdash.example", "My accounts", "Key account manager:"),
    (demo_audit.VIEWER[1], "Portfolio", "Viewer:"),
])
def test_each_role_lands_on_its_home_page_and_is_named_in_the_sidebar(demo_db, email, home,
                                                                      role_words):
    at = start(email)
    assert not at.exception
    assert at.title[0].value == home
    assert plain(email.lower()) in sidebar_text(at) and role_words in sidebar_text(at)
    assert at.sidebar.button(key="identity_sign_out").label == "Sign out"


@pytest.mark.parametrize("signup, title, expected", [
    (None, "kamdash · Key accounts", "Ask a kamdash admin to invite you."),
    ("viewer", "Portfolio", None),
])
def test_an_unknown_email_is_asked_to_get_an_invitation_or_becomes_a_viewer(
        writable_demo_db, monkeypatch, signup, title, expected):
    if signup:
        monkeypatch.setenv("KAMDASH_SIGNUP", signup)
    at = start("new.person@kamdash.example")
    assert not at.exception
    assert at.title[0].value == title
    actor = store.user_actor(db.make_engine(writable_demo_db), "new.person@kamdash.example")
    if expected:
        assert expected in at.info[0].value and actor is None
        assert [b.label for b in at.button] == ["Sign out"]
    else:
        assert actor.role == "viewer" and actor.name == "From Provider"


def test_a_deactivated_user_is_told_their_access_was_switched_off(writable_demo_db):
    engine = db.make_engine(writable_demo_db)
    admin = store.user_actor(engine, demo_audit.ADMIN[1])
    store.deactivate_user(engine, admin, demo_audit.VIEWER[1])
    at = start(demo_audit.VIEWER[1])
    assert not at.exception
    assert "your access to kamdash was switched off" in at.warning[0].value
    assert not at.dataframe


def test_local_mode_says_so_in_the_sidebar(demo_db):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert at.sidebar.info[0].value.startswith("**Local mode:** nobody signs in")
