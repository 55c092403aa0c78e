"""``python -m kamdash bench --browser``: what a user waits for in real Chromium, against a
floor page served in the same run, so the ratios mean the same on a quiet laptop and a busy
CI machine.

It serves the app (``streamlit_app.py``) and the floor page (``kamdash/bench_floor.py``: one
slider and a 50-row table) side by side on free loopback ports, with the same Streamlit
config, and drives Debian's Chromium through Playwright. Measured, as median and spread:

- a slider move on Selection to a new value (the ranking fragment reruns), at 300 and 10,000
  accounts, against a move of the floor page's slider;
- the first and the second visit of every page the local user sees (``kamdash.navigation``,
  so pages added later are measured too), at 300 and 10,000 accounts (10,000 with about 1M
  engagements), against a visit of the floor page. "First" is the first visit after a write
  (the data version moves on, so every cached read is stale), once the server's warm-up
  (``kamdash.ui.warm``) has computed the new version; "second" is a fresh browser session
  after it;
- the warm-up itself: from a write until the server's log says it computed the new version;
- slider moves with 1, 4 and 8 sessions moving at once, against one session;
- the server's memory (resident set) at 10,000 accounts / 1M engagements, and per extra
  session.

A visit ends when the page has settled: connected, the script run over, nothing stale, no
skeleton or spinner left; a move, when the server's ``script_finished`` message for it has
arrived and the page has then settled. The 10,000-account database is built once into
``artifacts/`` and reused (its name carries the schema revision and the build recipe).

This is a tool, not domain code: ``quick=True`` is the smoke test (300 accounts, one page, one
move). Every figure is noisy on a loaded machine: compare ratios, re-run on a quiet one.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
DEFAULT_OUT = ARTIFACTS / "bench-browser.json"
APP_SCRIPT = ROOT / "streamlit_app.py"
FLOOR_SCRIPT = Path(__file__).resolve().parent / "bench_floor.py"
CHROMIUM = os.environ.get("KAMDASH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}

TODAY = date(2026, 11, 15)  # fixed, so every run builds and shows the same data
SEED = 7
SIZES = (300, 10_000)
BIG_ACCOUNTS = 10_000
BIG_ENGAGEMENTS = 1_000_000  # about: the demo's engagements, copied a week apart
SESSIONS = (1, 4, 8)
MOVES = 9  # slider moves per size (after one warm-up move)
VISITS = 3  # first + second visit pairs per page
ROUNDS = 4  # concurrent rounds per session count
SLIDER = "w_solvency"  # a Selection weight; moves alternate between two values
FLOOR_SLIDER = "floor_weight"
SELECTION = "selection"

TARGET_MOVE_RATIO = 1.3  # a slider move within 1.3x the floor's at 10,000 accounts
TARGET_VISIT_RATIO = 1.5  # every page's visit within 1.5x the floor's at 10,000 accounts
TARGET_SERVER_MB = 500.0  # the server at 10,000 accounts and 1M engagements
TARGET_SESSION_MB = 2.0  # per extra session

START_TIMEOUT_S = 180
SETTLE_TIMEOUT_MS = 300_000  # a cold page at 10k accounts on a loaded machine

# The page has settled: connected, the script has run to its end, and nothing is a
# placeholder (skeleton), left over from the previous run (stale) or still loading.
SETTLED_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  return !!app && app.dataset.testConnectionState === 'CONNECTED'
    && app.dataset.testScriptState === 'notRunning'
    && !!document.querySelector(
      '[data-testid=stMainBlockContainer] [data-testid=stElementContainer]')
    && !document.querySelector('[data-testid=stSkeleton], [data-testid=stAppSkeleton], '
      + '[data-stale=true], [data-testid=stSpinner]');
}"""
@dataclass
class Row:
    """One line of the report: a measure's times, its floor's, and the target if it has one."""

    section: str
    what: str
    accounts: int | None
    ms: list[float]
    floor_ms: list[float] = field(default_factory=list)
    target: str = ""
    met: bool | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def ratio(self) -> float | None:
        return self.median / statistics.median(self.floor_ms) if self.floor_ms else None

    def as_dict(self) -> dict:
        return {**asdict(self), "median_ms": self.median, "min_ms": min(self.ms),
                "max_ms": max(self.ms), "ratio": self.ratio}


# --- what to measure ---------------------------------------------------------------------------


def app_pages() -> list[str]:
    """The url_path of every page the local user sees, in the navigation's order ("" for the
    page they land on, which is served at /)."""
    from kamdash.identity import LOCAL
    from kamdash.navigation import pages_for

    shown, landing = pages_for(LOCAL)
    return ["" if p is landing else p.url_path for p in shown]


# --- databases ---------------------------------------------------------------------------------


def demo_database(path: Path, accounts: int, engagements: int | None = None) -> str:
    """A SQLite file with the demo portfolio at ``accounts`` (reused when it exists); with
    ``engagements``, the demo's engagements are copied a week, two, three... earlier until
    about that many exist (the same people and kinds, more often: a heavier history)."""
    from kamdash import db, demo, store
    from kamdash.models import Engagement

    url = f"sqlite:///{path}"
    if path.exists():
        return url
    rows = demo.build_portfolio(accounts, seed=SEED, today=TODAY)
    if engagements:
        original = rows[Engagement]
        copies = max(1, round(engagements / len(original)))
        next_id = len(original) + 1
        extra = []
        for k in range(1, copies):
            for row in original:
                extra.append({**row, "id": next_id, "date": row["date"] - timedelta(days=7 * k)})
                next_id += 1
        rows[Engagement] = original + extra
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = db.make_engine(f"sqlite:///{partial}")
    db.create_schema(engine)
    store.replace_all(engine, demo.in_write_order(rows))
    engine.dispose()
    partial.rename(path)
    return url


def big_database_path() -> Path:
    """Where the 10k / 1M database lives: named by schema revision and recipe, so a schema
    change or a new recipe builds a new one instead of measuring a stale file."""
    from kamdash import migrations

    revision = migrations.head_revision()
    return ARTIFACTS / f"bench-{BIG_ACCOUNTS}-{BIG_ENGAGEMENTS}-s{SEED}-{TODAY}-r{revision}.db"


def empty_caches(url: str) -> int:
    """What any write does to the app's caches: the data version moves on (to the one
    returned)."""
    from sqlmodel import Session

    from kamdash import db, store

    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        store.bump_version(session)
    version = store.data_version(engine)
    engine.dispose()
    return version


def warm_up_ms(server: Server, version: int) -> float:
    """Waits until the server's warm-up (kamdash.ui.warm) has computed ``version`` (or a
    later one), as its log says; how long that took from now (about: from the write)."""
    from kamdash.warm_log import warmed_versions

    start = time.perf_counter()
    while max(warmed_versions(server.log.read_text(errors="replace")), default=0) < version:
        if time.perf_counter() - start > SETTLE_TIMEOUT_MS / 1000:
            raise TimeoutError(f"the server did not warm data version {version} up")
        time.sleep(0.05)
    return (time.perf_counter() - start) * 1000


# --- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)


def rss_mb(pid: int) -> float:
    """Resident set size of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(script: Path, database_url: str, log: Path, port: int | None = None,
                 flags: Sequence[str] = (), env: dict[str, str] | None = None,
                 today: date | None = TODAY, timeout_s: float = START_TIMEOUT_S) -> Server:
    """``streamlit run script`` on a loopback port, from the project folder (so its
    .streamlit/config.toml applies), against ``database_url``; returns once it answers.
    Of the KAMDASH_ settings it gets only the database, ``today`` (KAMDASH_TODAY; None: the
    clock) and ``env``: the caller's own (read-only, ...) stay out."""
    port = port or free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KAMDASH_")}
    environment.update(KAMDASH_DATABASE_URL=database_url, **(env or {}))
    if today is not None:
        environment.setdefault("KAMDASH_TODAY", today.isoformat())
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *flags],
        cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n"
                               f"{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.25)
    stop_server(server)
    raise RuntimeError(f"streamlit did not answer within {timeout_s:g} s:\n"
                       f"{log.read_text(errors='replace')}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def serving(script: Path, database_url: str, folder: Path, name: str,
            flags: Sequence[str] = ()) -> Iterator[Server]:
    server = start_server(script, database_url, folder / f"{name}.log", flags=flags)
    try:
        yield server
    finally:
        stop_server(server)


# --- the browser -------------------------------------------------------------------------------


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def settle(page) -> None:
    """Until the page has settled twice in a row, a quarter second apart (a rerun may start
    right after the first run)."""
    page.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS)
    while True:
        page.wait_for_timeout(250)
        if page.evaluate(SETTLED_JS):
            return
        page.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS)


def visit_ms(browser, url: str) -> float:
    """A new browser session opens ``url``: milliseconds until the page has settled."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, timeout=SETTLE_TIMEOUT_MS)
        page.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS)
        ms = (time.perf_counter() - start) * 1000
        settle(page)  # a second run right after the first (query params) counts too
        return max(ms, (time.perf_counter() - start) * 1000 - 250)
    finally:
        context.close()


class Mover:
    """A browser session on a page with a slider it moves back and forth (a new value on
    every move), timing each move from the key press to the settled page.

    A move is over once the server has said its run finished (a ``script_finished`` message
    on the session's WebSocket, read here) and the page has then settled. The page's own
    "running" state is no signal: a fast run starts and ends within one render, so the page
    never shows it."""

    def __init__(self, browser, url: str, key: str):
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.runs_finished, self.finished_at = 0, 0.0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.goto(url, timeout=SETTLE_TIMEOUT_MS)
        settle(self.page)
        self.thumb = self.page.locator(f".st-key-{key} input[type=range]")
        self.moves = 0
        self._mark = (0, 0.0)

    def _frame(self, payload: str | bytes) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, bytes):
            message = ForwardMsg()
            message.ParseFromString(payload)
            if message.WhichOneof("type") == "script_finished":
                self.runs_finished += 1
                self.finished_at = time.perf_counter()

    def press(self) -> None:
        self.thumb.focus()
        self._mark = (self.runs_finished, time.perf_counter())
        self.thumb.press("ArrowRight" if self.moves % 2 == 0 else "ArrowLeft")
        self.moves += 1

    def wait(self) -> float:
        runs, start = self._mark
        deadline = start + SETTLE_TIMEOUT_MS / 1000
        while self.runs_finished <= runs:  # Playwright hands over frames while it waits
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no script run finished within {SETTLE_TIMEOUT_MS} ms")
            self.page.wait_for_timeout(5)
        # From the press to the run's end as the frame arrived (with several sessions, this
        # one's frame may have come while another was awaited), plus drawing the result.
        drawing = time.perf_counter()
        self.page.wait_for_function(SETTLED_JS, timeout=SETTLE_TIMEOUT_MS, polling="raf")
        return (self.finished_at - start + time.perf_counter() - drawing) * 1000

    def move_ms(self) -> float:
        self.press()
        return self.wait()

    def close(self) -> None:
        self.context.close()


def moves_ms(browser, url: str, key: str, n: int) -> list[float]:
    mover = Mover(browser, url, key)
    try:
        mover.move_ms()  # warm-up: the first move pays for lazy imports
        return [mover.move_ms() for _ in range(n)]
    finally:
        mover.close()


def concurrent_moves(browser, url: str, key: str, sessions: int, rounds: int
                     ) -> tuple[list[float], list[Mover]]:
    """``sessions`` browser sessions press their slider together, ``rounds`` times; every
    session's time of every round. Returns the sessions too (still open, for memory)."""
    movers = [Mover(browser, url, key) for _ in range(sessions)]
    times: list[float] = []
    for m in movers:
        m.move_ms()  # warm-up
    for _ in range(rounds):
        for m in movers:
            m.press()
        times += [m.wait() for m in movers]
    return times, movers


# --- Streamlit's forced garbage collection ------------------------------------------------------

GC_MOVES = 200


def gc_comparison(browser, url: str, folder: Path, accounts: int, moves: int = GC_MOVES,
                  echo: Callable[[str], None] = print) -> tuple[list[Row], dict[str, float]]:
    """``moves`` slider moves on Selection with Streamlit's post-run garbage collection on
    (Streamlit's default) and off (this project's config): the moves' times, and the
    server's memory after them (it must stay bounded without the forced collection)."""
    rows, memory = [], {}
    for on in (True, False):
        flag = ["--runner.postScriptGC", "true" if on else "false"]
        label = "on (Streamlit's default)" if on else "off (.streamlit/config.toml)"
        with serving(APP_SCRIPT, url, folder, f"gc-{on}", flags=flag) as app:
            before = None
            mover = Mover(browser, f"{app.url}/{SELECTION}", SLIDER)
            try:
                mover.move_ms()
                before = app.rss_mb()
                times = [mover.move_ms() for _ in range(moves)]
            finally:
                mover.close()
            memory[f"post-run GC {label}: before the moves"] = before
            memory[f"post-run GC {label}: after {moves} moves"] = app.rss_mb()
        row = Row("post-run GC", f"{label}, {moves} moves", accounts, times)
        rows.append(row)
        echo(format_row(row))
    return rows, memory


# --- the run -----------------------------------------------------------------------------------


def _visits(browser, app: Server, path: str, n: int, url: str
            ) -> tuple[list, list, list]:
    """``n`` times: a write, the server's warm-up after it, the first visit, a second one."""
    warm, first, second = [], [], []
    for _ in range(n):
        warm.append(warm_up_ms(app, empty_caches(url)))
        first.append(visit_ms(browser, f"{app.url}/{path}"))
        second.append(visit_ms(browser, f"{app.url}/{path}"))
    return warm, first, second


def run(quick: bool = False, out: Path = DEFAULT_OUT, echo: Callable[[str], None] = print,
        proxy: bool | None = None, gc: bool = False, browser=None) -> dict:
    """Measure everything, print the table as it goes, write it as JSON to ``out``.
    ``proxy`` (default: on in a full run when nginx is installed) repeats the concurrency
    row with two app processes behind nginx; ``gc`` adds the post-run GC comparison at
    10,000 accounts (two servers, GC_MOVES moves each: minutes). ``browser``: a Playwright
    Chromium to drive (default: one of its own; Playwright allows one per thread, so the test
    suite passes its own)."""
    from kamdash import proxy as nginx_proxy

    sizes = (300,) if quick else SIZES
    pages = app_pages()[:1] if quick else app_pages()
    moves, visits = (1, 1) if quick else (MOVES, VISITS)
    sessions, rounds = ((1,), 1) if quick else (SESSIONS, ROUNDS)
    proxy = (not quick and nginx_proxy.nginx_available()) if proxy is None else proxy
    rows: list[Row] = []
    memory: dict[str, float] = {}
    echo(header())

    def add(row: Row) -> None:
        rows.append(row)
        echo(format_row(row))

    with (tempfile.TemporaryDirectory(prefix="kamdash-bench-browser-") as tmp,
          nullcontext(browser) if browser else chromium() as browser):
        folder = Path(tmp)
        floor_db = demo_database(folder / "floor.db", 20)  # the floor reads nothing
        with serving(FLOOR_SCRIPT, floor_db, folder, "floor") as floor:
            floor_moves = moves_ms(browser, floor.url, FLOOR_SLIDER, moves)
            floor_visits = [visit_ms(browser, floor.url) for _ in range(2 * visits)]
            add(Row("floor", "slider move", None, floor_moves))
            add(Row("floor", "visit", None, floor_visits))
            for size in sizes:
                if size == BIG_ACCOUNTS:
                    ARTIFACTS.mkdir(exist_ok=True)
                    echo(f"(building or reusing {big_database_path().name})")
                    url = demo_database(big_database_path(), size, BIG_ENGAGEMENTS)
                else:
                    url = demo_database(folder / f"demo-{size}.db", size)
                with serving(APP_SCRIPT, url, folder, f"app-{size}") as app:
                    first = visit_ms(browser, app.url)
                    add(Row("server start", "first page after the server started", size,
                            [first]))
                    big = size == BIG_ACCOUNTS
                    ms = moves_ms(browser, f"{app.url}/{SELECTION}", SLIDER, moves)
                    add(Row("slider move", "Selection weight", size, ms, floor_moves,
                            f"<= {TARGET_MOVE_RATIO:g}x floor" if big else "",
                            ms_met(ms, floor_moves, TARGET_MOVE_RATIO) if big else None))
                    warm_ups: list[float] = []
                    for path in pages:
                        name = path or "/ (home)"
                        warm, first, second = _visits(browser, app, path, visits, url)
                        warm_ups += warm
                        target = f"<= {TARGET_VISIT_RATIO:g}x floor" if big else ""
                        for label, times in (("first visit after a write", first),
                                             ("second visit", second)):
                            add(Row(f"page {name}", label, size, times, floor_visits, target,
                                    ms_met(times, floor_visits, TARGET_VISIT_RATIO)
                                    if big else None))
                    add(Row("warm-up", "a write until its data is computed", size, warm_ups))
                    last = size == sizes[-1]  # sessions and memory at the largest size
                    if last:
                        memory[f"server after every page, {size:,} accounts"] = app.rss_mb()
                    if last:
                        base = None
                        for n in sessions:
                            times, movers = concurrent_moves(
                                browser, f"{app.url}/{SELECTION}", SLIDER, n, rounds)
                            rss = app.rss_mb()
                            for m in movers:
                                m.close()
                            base = base or statistics.median(times)
                            add(Row("sessions at once", f"{n} moving together, one process",
                                    size, times, [base] if n > 1 else []))
                            memory[f"server with {n} session(s), {size:,} accounts"] = rss
            if proxy:  # the same database as the last size's rows
                with nginx_proxy.proxied_app(url, folder / "proxy", processes=2) as front:
                    base = None
                    for n in sessions:
                        times, movers = concurrent_moves(
                            browser, f"{front.url}/{SELECTION}", SLIDER, n, rounds)
                        for m in movers:
                            m.close()
                        base = base or statistics.median(times)
                        add(Row("sessions at once", f"{n} moving together, 2 processes + nginx",
                                sizes[-1], times, [base] if n > 1 else []))
        if gc:
            url = demo_database(big_database_path(), BIG_ACCOUNTS, BIG_ENGAGEMENTS)
            gc_rows, gc_memory = gc_comparison(browser, url, folder, BIG_ACCOUNTS,
                                               3 if quick else GC_MOVES, echo)
            rows += gc_rows
            memory.update(gc_memory)
    per_session = _per_session_mb(memory, sessions)
    for what, mb in memory.items():
        echo(f"memory: {what}: {mb:,.0f} MB")
    if per_session is not None:
        echo(f"memory: per extra session: {per_session:,.1f} MB "
             f"(target < {TARGET_SESSION_MB:g} MB)")
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(), "load": list(os.getloadavg())},
        "quick": quick,
        "pages": pages,
        "rows": [r.as_dict() for r in rows],
        "memory_mb": memory,
        "per_extra_session_mb": per_session,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    echo(f"written to {out}")
    return report


def ms_met(ms: list[float], floor: list[float], ratio: float) -> bool:
    return statistics.median(ms) <= ratio * statistics.median(floor)


def _per_session_mb(memory: dict[str, float], sessions: Sequence[int]) -> float | None:
    counts = [n for n in sessions if any(f"with {n} session" in k for k in memory)]
    if len(counts) < 2:
        return None
    rss = {n: next(v for k, v in memory.items() if f"with {n} session" in k) for n in counts}
    lo, hi = min(counts), max(counts)
    return (rss[hi] - rss[lo]) / (hi - lo)


def header() -> str:
    return (f"{'measure':<34} {'what':<42} {'accounts':>8} {'median':>9} {'spread':>17} "
            f"{'ratio':>7}  target")


def format_row(r: Row) -> str:
    spread = f"{min(r.ms):,.0f}-{max(r.ms):,.0f}ms"
    ratio = f"{r.ratio:6.2f}x" if r.ratio else f"{'-':>7}"
    mark = "" if r.met is None else (" ok" if r.met else " MISSED")
    size = f"{r.accounts:,}" if r.accounts else "-"
    return (f"{r.section:<34} {r.what:<42} {size:>8} {r.median:7,.0f}ms {spread:>17} "
            f"{ratio}  {r.target}{mark}")
