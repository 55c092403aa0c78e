"""Start and stop the real app: ``streamlit run streamlit_app.py`` on a free port, through the
browser bench's server start (kamdash.bench_browser), on the real clock unless told."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kamdash import bench_browser

ROOT = bench_browser.ROOT
SERVER_START_TIMEOUT_S = 90  # first start creates the schema and seeds the demo (a few s)


@dataclass
class App(bench_browser.Server):
    database_url: str


def start_app(database_url: str, log: Path, args: tuple[str, ...] = (), **env: str) -> App:
    """Serve streamlit_app.py on a free port against ``database_url`` (``args``: more
    ``streamlit run`` options, e.g. ``--secrets.files``); wait until it answers. Only the
    KAMDASH_ settings given here reach it: a developer's own (read-only, ...) stay out."""
    server = bench_browser.start_server(bench_browser.APP_SCRIPT, database_url, log,
                                        flags=args, env=env, today=None,
                                        timeout_s=SERVER_START_TIMEOUT_S)
    return App(server.url, server.process, server.log, database_url)


stop_app = bench_browser.stop_server
