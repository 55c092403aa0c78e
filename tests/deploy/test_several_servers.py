"""Two app processes on one PostgreSQL database behind nginx, as a team would run kamdash:
sessions spread over both and stick to one, a write through one process is seen through the
other at once, an upload works through the proxy. (The browser suite itself runs through the
proxy in test_pages_through_proxy.py.)"""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect
from streamlit_page import errors_on_page

from kamdash import bench_browser, db, proxy, store

NEW_ACCOUNT = "Zephyr Deployment Test GmbH"


def accounts_shown(page) -> str:
    """The Portfolio page's "Accounts" figure."""
    metric = page.locator("[data-testid=stMetric]").filter(has_text="Accounts").first
    return metric.locator("[data-testid=stMetricValue]").inner_text()


def account_count(deployment) -> int:
    return len(store.load_accounts(db.make_engine(deployment.database_url)))


def open_page(page, url: str) -> None:
    """As tests/e2e's, with the bench's patience: three processes (nginx and two apps) share
    the machine with the browser here."""
    page.goto(url, timeout=bench_browser.SETTLE_TIMEOUT_MS)
    bench_browser.settle(page)


def wait_for_app(page) -> None:
    bench_browser.settle(page)


def open_session(browser, url: str):
    page = browser.new_context(viewport=bench_browser.VIEWPORT).new_page()
    open_page(page, url)
    return page


def session_on(browser, deployment, backend: str, tries: int = 30):
    """A browser session through the proxy that nginx sent to ``backend`` (host:port)."""
    for _ in range(tries):
        page = open_session(browser, deployment.url)
        cookie = next(c["value"] for c in page.context.cookies()
                      if c["name"] == proxy.AFFINITY_COOKIE)
        if deployment.upstreams_by_session().get(cookie) == {backend}:
            return page
        page.context.close()
    raise AssertionError(f"no session landed on {backend} in {tries} tries")


@pytest.mark.parametrize("affinity", ["cookie", "ip"])
def test_the_generated_nginx_config_is_valid(tmp_path, affinity):
    conf = tmp_path / "nginx.conf"
    conf.write_text(proxy.nginx_config(["127.0.0.1:1", "127.0.0.1:2"], "127.0.0.1:3",
                                       affinity=affinity, prefix=str(tmp_path)))
    result = subprocess.run([proxy.NGINX, "-t", "-p", str(tmp_path), "-c", str(conf),
                             "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_sessions_spread_over_both_processes_and_each_sticks_to_one(deployment, browser):
    backends = {b.removeprefix("http://") for b in deployment.backends}
    for _ in range(12):  # a random key per session: all 12 on one process is 1 in 2,048
        p = open_session(browser, deployment.url)
        assert errors_on_page(p) == []
        p.context.close()
        served = deployment.upstreams_by_session()
        if set().union(*served.values()) == backends:
            break
    assert set().union(*served.values()) == backends
    assert all(len(upstreams) == 1 for upstreams in served.values()), served


def test_a_write_through_the_store_shows_on_both_processes_at_once(deployment, browser):
    before = account_count(deployment)
    pages = [open_session(browser, b) for b in deployment.backends]
    assert [accounts_shown(p) for p in pages] == [f"{before:,}"] * 2

    store.import_file(db.make_engine(deployment.database_url), "accounts",
                      f"name,industry\n{NEW_ACCOUNT} Store,Logistics\n".encode(), "new.csv")

    for p in pages:  # the next run of each process sees the new data version
        p.reload()
        wait_for_app(p)
        expect(p.locator("[data-testid=stMetric]").filter(has_text="Accounts").first
               .locator("[data-testid=stMetricValue]")).to_have_text(f"{before + 1:,}",
                                                                      timeout=60_000)
        p.context.close()


def test_an_upload_through_the_proxy_is_imported_and_seen_through_the_other_process(
        deployment, browser):
    first, second = (b.removeprefix("http://") for b in deployment.backends)
    uploader = session_on(browser, deployment, first)
    viewer = session_on(browser, deployment, second)
    before = account_count(deployment)

    open_page(uploader, f"{deployment.url}/data")
    uploader.locator(".st-key-data_upload input[type=file]").set_input_files({
        "name": "accounts.csv", "mimeType": "text/csv",
        "buffer": f"name,industry,country\n{NEW_ACCOUNT},Logistics,Germany\n".encode()})
    wait_for_app(uploader)
    expect(uploader.get_by_text("ready to import")).to_be_visible(timeout=60_000)
    uploader.locator(".st-key-data_import button").click()
    wait_for_app(uploader)
    expect(uploader.locator("[data-testid=stAlertContentSuccess]")).to_be_visible(
        timeout=60_000)
    assert errors_on_page(uploader) == []
    assert account_count(deployment) == before + 1

    viewer.reload()
    wait_for_app(viewer)
    expect(viewer.locator("[data-testid=stMetric]").filter(has_text="Accounts").first
           .locator("[data-testid=stMetricValue]")).to_have_text(f"{before + 1:,}",
                                                                 timeout=60_000)
    served = deployment.upstreams_by_session()
    for p, backend in ((uploader, first), (viewer, second)):
        cookie = next(c["value"] for c in p.context.cookies()
                      if c["name"] == proxy.AFFINITY_COOKIE)
        assert served[cookie] == {backend}  # the upload went where its session lives
        p.context.close()


def test_the_example_config_for_it_is_what_the_generator_writes():
    example = proxy.ROOT / "deploy" / "nginx.conf.example"
    assert example.read_text() == proxy.example_config()
