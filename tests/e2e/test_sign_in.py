"""Sign-in through a real OpenID Connect provider, and what each role can see and do.

A fixture starts ``oidc-provider-mock`` on a free loopback port; the app is served with a
secrets file whose ``[auth]`` points at it, so every test goes through ``st.login``'s real
redirect flow: the provider's form takes the e-mail (its ``sub``), which arrives as
``st.user.email``. The people are the demo's users (kamdash.demo_audit).
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from datetime import date

import pytest
from app_server import start_app, stop_app
from playwright.sync_api import Page, expect
from streamlit_page import TIMEOUT_MS, errors_on_page, open_page, screenshot, wait_for_app

from kamdash import bench_browser, db, demo, demo_audit, store

DEMO_TODAY = "2026-03-15"
BOOTSTRAP_ADMIN = "first.admin@kamdash.example"  # in KAMDASH_ADMINS, not yet a user
UNINVITED = "stranger@elsewhere.example"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """oidc-provider-mock on a free loopback port; its discovery URL."""
    port = bench_browser.free_port()
    log = (tmp_path_factory.mktemp("oidc") / "provider.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "-p", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("oidc-provider-mock did not start") from None
            time.sleep(0.25)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def signed_app(provider, tmp_path_factory):
    """The app with sign-in configured, on a demo database of its own."""
    folder = tmp_path_factory.mktemp("signed")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-that-is-long-enough-0123456789"\n'
        'client_id = "kamdash-tests"\n'
        'client_secret = "kamdash-tests-secret"\n'
        f'server_metadata_url = "{provider}"\n', encoding="utf-8")
    url = f"sqlite:///{folder / 'kamdash.db'}"
    demo.seed_demo(db.make_engine(url), n_accounts=60, today=date.fromisoformat(DEMO_TODAY))
    served = start_app(url, folder / "streamlit.log", args=("--secrets.files", str(secrets)),
                       KAMDASH_TODAY=DEMO_TODAY, KAMDASH_ADMINS=BOOTSTRAP_ADMIN)
    yield served
    stop_app(served)


def sign_in(page: Page, app, email: str, path: str = "") -> None:
    """Open the app, press Sign in, give the provider ``email``, land back in the app."""
    open_page(page, f"{app.url}/{path}")
    page.locator(".st-key-identity_sign_in button").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=TIMEOUT_MS)
    page.fill("input[name=sub]", email)
    page.click("button[type=submit]:has-text('Authorize')")
    page.wait_for_url(f"{app.url}/**", timeout=TIMEOUT_MS)
    wait_for_app(page)


def nav(page: Page) -> list[str]:
    links = page.locator("[data-testid=stSidebarNavLink]")
    return [links.nth(i).inner_text().strip().split("\n")[-1] for i in range(links.count())]


def account_of(app, manager: str | None) -> tuple[int, str]:
    accounts = store.load_accounts(db.make_engine(app.database_url))
    mine = accounts[accounts["manager"] == manager] if manager else accounts[
        accounts["manager"].notna() & (accounts["manager"] != "Jonas Weber")]
    return int(mine.index[0]), str(mine["name"].iloc[0])


def open_account(page: Page, app, account_id: int, tab: str) -> None:
    open_page(page, f"{app.url}/account?account={account_id}")
    page.get_by_role("tab", name=tab).click()
    wait_for_app(page)


ALL_PAGES = ["Portfolio", "Selection (what-if)", "Decisions", "Account", "Ratings", "Coverage",
             "Engagement", "Activity"]


@pytest.mark.parametrize("path", ["", "portfolio", "account?account=1", "users", "data"])
def test_signed_out_nothing_but_the_sign_in_page_is_shown(signed_app, page, path):
    open_page(page, f"{signed_app.url}/{path}")
    expect(page.locator(".st-key-identity_sign_in button")).to_be_visible()
    assert nav(page) == []
    main = page.locator("[data-testid=stMain]").inner_text()
    assert "please sign in" in main
    assert "Revenue" not in main and "Key accounts" not in main.replace(
        "kamdash · Key accounts", "")


def test_an_admin_signs_in_and_sees_users_and_data(signed_app, page, screenshots):
    sign_in(page, signed_app, demo_audit.ADMIN[1])
    assert nav(page) == [*ALL_PAGES, "Import and export", "Users"]
    assert page.locator("[data-testid=stHeading]").first.inner_text() == "Portfolio"
    sidebar = page.locator("[data-testid=stSidebar]").inner_text()
    assert "Priya Raman" in sidebar and "Admin:" in sidebar
    page.locator("[data-testid=stSidebarNavLink]", has_text="Users").click()
    wait_for_app(page)
    expect(page.locator(".st-key-users_save button")).to_be_enabled()
    assert errors_on_page(page) == []
    screenshot(page, screenshots / "signed-in-admin-users.png")


def test_a_leadership_user_edits_any_account_but_manages_no_users(signed_app, page):
    sign_in(page, signed_app, demo_audit.LEADERSHIP[1])
    assert nav(page) == ALL_PAGES
    account_id, _ = account_of(signed_app, "Jonas Weber")
    open_account(page, signed_app, account_id, "Engagement")
    expect(page.get_by_role("button", name="Log engagement")).to_be_enabled()
    open_page(page, f"{signed_app.url}/users")
    assert page.locator(".st-key-users_save").count() == 0


def test_a_kam_lands_on_my_accounts_and_logs_on_their_own_account_only(signed_app, page,
                                                                       screenshots):
    sign_in(page, signed_app, "jonas.weber@kamdash.example")
    assert nav(page) == ["My accounts", *ALL_PAGES]
    assert page.locator("[data-testid=stHeading]").first.inner_text() == "My accounts"
    screenshot(page, screenshots / "signed-in-kam-my-accounts.png")

    own, own_name = account_of(signed_app, "Jonas Weber")
    open_account(page, signed_app, own, "Engagement")
    page.locator(".st-key-account_log_summary textarea").fill("Signed-in test visit")
    page.get_by_role("button", name="Log engagement").click()
    wait_for_app(page)
    expect(page.locator("[data-testid=stAlertContentSuccess]").first).to_contain_text("Logged:")
    newest = store.load_account_engagements(db.make_engine(signed_app.database_url), own).iloc[0]
    assert (newest["summary"], newest["logged_by"]) == ("Signed-in test visit",
                                                        "jonas.weber@kamdash.example")

    other, other_name = account_of(signed_app, None)
    open_account(page, signed_app, other, "Engagement")
    assert page.get_by_role("button", name="Log engagement").count() == 0
    expect(page.get_by_text(f"{other_name} is managed by another KAM").first).to_be_visible()
    page.get_by_role("tab", name="Stakeholders", exact=False).click()
    wait_for_app(page)
    assert page.locator(".st-key-account_save").count() == 0
    assert errors_on_page(page) == []


def test_a_viewer_reads_everything_and_has_no_save_button(signed_app, page, screenshots):
    sign_in(page, signed_app, demo_audit.VIEWER[1])
    assert nav(page) == ALL_PAGES
    account_id, name = account_of(signed_app, "Jonas Weber")
    open_account(page, signed_app, account_id, "Engagement")
    assert page.get_by_role("button", name="Log engagement").count() == 0
    expect(page.get_by_text(f"Your role (viewer) can read {name} but not change it.").first
           ).to_be_visible()
    expect(page.get_by_role("button", name="Change the agreed cadence")).to_be_disabled()
    page.get_by_role("tab", name="Stakeholders", exact=False).click()
    wait_for_app(page)
    assert page.locator(".st-key-account_save").count() == 0
    screenshot(page, screenshots / "signed-in-viewer-account.png")
    for path in ("users", "data"):  # not in their navigation, not served either
        open_page(page, f"{signed_app.url}/{path}")
        assert page.locator(".st-key-users_save").count() == 0
        assert "Import" not in page.locator("[data-testid=stMain]").inner_text()


def test_an_uninvited_email_is_asked_to_get_an_invitation(signed_app, page, screenshots):
    sign_in(page, signed_app, UNINVITED)
    assert nav(page) == []
    expect(page.get_by_text("Ask a kamdash admin to invite you.")).to_be_visible()
    assert store.user_actor(db.make_engine(signed_app.database_url), UNINVITED) is None
    screenshot(page, screenshots / "signed-in-uninvited.png")
    page.locator(".st-key-identity_sign_out button").click()
    # Streamlit ends the session at the provider too (OIDC RP-initiated logout): the
    # provider asks, then sends the browser back to the app, signed out.
    page.wait_for_url("**/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{signed_app.url}/**")
    wait_for_app(page)
    expect(page.locator(".st-key-identity_sign_in button")).to_be_visible()
    assert nav(page) == []


def test_an_email_in_kamdash_admins_becomes_an_admin_on_first_sign_in(signed_app, page):
    sign_in(page, signed_app, BOOTSTRAP_ADMIN)
    assert nav(page)[-1] == "Users"
    actor = store.user_actor(db.make_engine(signed_app.database_url), BOOTSTRAP_ADMIN)
    assert actor is not None and actor.role == "admin"
