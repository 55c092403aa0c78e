"""Start and stop the real app: ``streamlit run streamlit_app.py`` on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 90  # first start creates the schema and seeds the demo (a few s)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class App:
    url: str
    database_url: str
    process: subprocess.Popen
    log: Path


def start_app(database_url: str, log: Path, args: tuple[str, ...] = (), **env: str) -> App:
    """Serve streamlit_app.py on a free port against ``database_url`` (``args``: more
    ``streamlit run`` options, e.g. ``--secrets.files``); wait until it answers."""
    port = _free_port()
    # Only the KAMDASH_ settings given here: a developer's own (read-only, ...) stay out.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KAMDASH_")}
    environment.update(KAMDASH_DATABASE_URL=database_url, **env)
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *args],
        cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n"
                               f"{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return App(url, database_url, process, log)
        except OSError:
            time.sleep(0.25)
    stop_app(App(url, database_url, process, log))
    raise RuntimeError(f"streamlit did not answer within {SERVER_START_TIMEOUT_S} s:\n"
                       f"{log.read_text(errors='replace')}")


def stop_app(app: App) -> None:
    app.process.terminate()
    try:
        app.process.wait(10)
    except subprocess.TimeoutExpired:
        app.process.kill()
