"""``python -m kamdash bench``: where kamdash stands on speed, against baselines timed in the
same run, so the figures mean the same on a fast laptop and a slow CI machine.

Measured (each the best of several repeats, after a warm-up):

- scoring: ``score_accounts`` on 1k / 10k / 100k accounts x 11 criteria, against a bare
  numpy weighted sum and argsort of the same ratings. Target: within 2x numpy.
- stability: ``key_probability`` (default weights, top 650) on 10k accounts x 1,000 draws,
  against a bare numpy matmul + argpartition of the same draws in the same batches.
  Targets: within 2x numpy, and under 1 s.
- selection page: the Selection page's rerun after a weight slider moves, in AppTest, on 1k /
  10k accounts, against a page holding nothing but one slider. Target: within 3x. AppTest
  reruns the whole page; in the browser the slider reruns only the ranking fragment.
- engagement trends: one account's monthly trend and the portfolio's (last 12 months, SQL
  grouping plus the pandas that fills the months) over 100k and 1M stored engagements in
  SQLite. Targets: one account < 20 ms, portfolio < 0.5 s at 1M.
- post-run GC: what Streamlit's forced full garbage collection after every run costs with
  the Selection page loaded at 10k accounts, against that page's rerun (a reference).
- peak memory of the whole run (resident set size).

This is a tool, not domain code: it builds throwaway databases in a temporary folder and
drives pages through Streamlit's AppTest. ``quick=True`` shrinks every size for a smoke test.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from kamdash import criteria, db, engagement, store
from kamdash.models import Account, Designation, Engagement, Manager, Rating, Stakeholder
from kamdash.scoring import score_accounts

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "artifacts" / "bench.json"

SCORING_SIZES = (1_000, 10_000, 100_000)
PAGE_SIZES = (1_000, 10_000)
EVENT_SIZES = (100_000, 1_000_000)
STABILITY_SIZES = ((10_000, 1_000),)  # (accounts, draws)
QUICK = {"scoring": (1_000,), "stability": ((1_000, 100),), "page": (200,),
         "events": (20_000,), "gc": 200}
GC_ACCOUNTS = 10_000  # the post-run garbage collection, against a Selection rerun

TARGET_SCORING_RATIO = 2.0  # score_accounts within 2x bare numpy
TARGET_STABILITY_RATIO = 2.0  # key_probability within 2x bare numpy
TARGET_STABILITY_MS = 1000.0
TARGET_PAGE_RATIO = 3.0  # Selection rerun within 3x a one-slider page
TARGET_ACCOUNT_TREND_MS = 20.0
TARGET_PORTFOLIO_TREND_MS = 500.0

TODAY = date(2026, 11, 15)  # fixed, so every run builds the same data
TREND_MONTHS = 12  # the trend the pages show by default
EVENTS_PER_ACCOUNT = 200  # over two years: a key account's pace; sets the account count
PEOPLE_PER_ACCOUNT = 6
MISSING_RATINGS = 0.15  # share of ratings left out, as in the demo


@dataclass(frozen=True)
class Figure:
    """One line of the report: a measurement, its baseline (if any) and its target."""

    section: str
    size: int
    unit: str  # what size counts: accounts or engagements
    ms: float
    baseline_ms: float | None
    target: str
    met: bool

    @property
    def ratio(self) -> float | None:
        return self.ms / self.baseline_ms if self.baseline_ms else None


def best_ms(action: Callable[[], object], repeats: int = 7, budget_s: float = 3.0) -> float:
    """The fastest of ``repeats`` runs (fewer if they overrun ``budget_s``), in ms, after one
    warm-up run; the minimum is the figure least disturbed by whatever else the machine does."""
    action()
    times: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(times) < repeats and (len(times) < 3 or time.perf_counter() < deadline):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def paired_ms(action: Callable[[], object], baseline: Callable[[], object],
              repeats: int = 15, budget_s: float = 6.0) -> tuple[float, float]:
    """Best times of ``action`` and ``baseline`` run in turn, so that whatever else the
    machine does slows both alike and their ratio stays fair."""
    action(), baseline()
    mine: list[float] = []
    base: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(mine) < repeats and (len(mine) < 3 or time.perf_counter() < deadline):
        for f, times in ((action, mine), (baseline, base)):
            start = time.perf_counter()
            f()
            times.append(time.perf_counter() - start)
    return min(mine) * 1000, min(base) * 1000


# --- synthetic data ------------------------------------------------------------------------


def ratings_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` accounts x every criterion, ratings 1-10 with MISSING_RATINGS left out."""
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 11, (n, len(criteria.KEYS))).astype(float)
    values[rng.random(values.shape) < MISSING_RATINGS] = np.nan
    return pd.DataFrame(values, columns=list(criteria.KEYS),
                        index=pd.RangeIndex(1, n + 1, name="account_id"))


def _portfolio_rows(n: int, seed: int = 0) -> dict:
    """Managers, ``n`` accounts with Pareto revenue, ratings and today's key list (~6.5%)."""
    rng = np.random.default_rng(seed)
    managers = [{"id": i + 1, "name": f"Manager {i + 1}", "email": f"m{i + 1}@example.com",
                 "role": "kam", "capacity": 6} for i in range(8)]
    revenue = np.sort(rng.pareto(1.2, n) * 20_000)[::-1]
    accounts = pd.DataFrame({
        "id": np.arange(1, n + 1), "name": [f"Account {i:06d}" for i in range(1, n + 1)],
        "industry": rng.choice(["Retail", "Logistics", "Pharma", "Energy"], n),
        "annual_revenue": revenue.round(2), "manager_id": rng.integers(1, 9, n),
    })
    ratings = ratings_frame(n, seed).stack().dropna().rename("value").reset_index()
    ratings = ratings.rename(columns={"level_1": "criterion"}).assign(
        value=lambda r: r["value"].astype(int), rated_on=TODAY - timedelta(days=30))
    key = rng.choice(n, max(1, round(n * 0.065)), replace=False) + 1
    designations = pd.DataFrame({"account_id": key, "is_key": True,
                                 "changed_on": TODAY - timedelta(days=400)})
    return {Manager: managers, Account: accounts.to_dict("records"),
            Rating: ratings.to_dict("records"), Designation: designations.to_dict("records")}


def portfolio_database(url: str, n: int) -> None:
    """A database with ``n`` rated accounts: what the Selection page reads."""
    engine = db.make_engine(url)
    db.create_schema(engine)
    store.replace_all(engine, _portfolio_rows(n))
    engine.dispose()


def engagement_database(url: str, events: int, seed: int = 0) -> int:
    """A database with ``events`` engagements over the two years up to TODAY, spread over
    accounts at EVENTS_PER_ACCOUNT each, most with a named person. Returns the account count."""
    rng = np.random.default_rng(seed)
    n = max(1, events // EVENTS_PER_ACCOUNT)
    rows = _portfolio_rows(n, seed)
    rows[Stakeholder] = [
        {"id": (a - 1) * PEOPLE_PER_ACCOUNT + p + 1, "account_id": a, "name": f"Person {p + 1}",
         "roles": "user", "influence": "medium", "stance": 0}
        for a in range(1, n + 1) for p in range(PEOPLE_PER_ACCOUNT)]
    account = rng.integers(1, n + 1, events)
    person = (account - 1) * PEOPLE_PER_ACCOUNT + rng.integers(1, PEOPLE_PER_ACCOUNT + 1, events)
    days = pd.Timestamp(TODAY) - pd.to_timedelta(rng.integers(0, 730, events), unit="D")
    named = pd.Series(person, dtype="Int64").where(rng.random(events) < 0.8)
    frame = pd.DataFrame({
        "account_id": account, "stakeholder_id": named,
        "date": days.date, "kind": rng.choice(engagement.KINDS, events),
        "summary": "", "sentiment": rng.integers(-2, 3, events),
    }).sort_values(["date", "account_id"])
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    rows[Engagement] = records
    engine = db.make_engine(url)
    db.create_schema(engine)
    store.replace_all(engine, rows)
    engine.dispose()
    return n


# --- the measurements ------------------------------------------------------------------------


def bench_scoring(sizes) -> list[Figure]:
    weights = {k: float(i % 5 + 1) for i, k in enumerate(criteria.KEYS)}
    w = np.array(list(weights.values()))
    out = []
    for n in sizes:
        ratings = ratings_frame(n)
        values = ratings.to_numpy()

        def bare_numpy(values=values):
            score = np.where(np.isnan(values), 1.0, values) @ w / w.sum()
            return np.argsort(-score, kind="stable")

        ms, base = paired_ms(lambda ratings=ratings: score_accounts(ratings, weights),
                             bare_numpy)
        out.append(Figure("score_accounts vs bare numpy", n, "accounts", ms, base,
                          f"<= {TARGET_SCORING_RATIO:g}x numpy",
                          ms <= TARGET_SCORING_RATIO * base))
    return out


def bench_stability(sizes) -> list[Figure]:
    from kamdash import selection, stability

    weights = dict(selection.DEFAULT_WEIGHTS)
    out = []
    for n, draws in sizes:
        ratings = ratings_frame(n)
        rule = selection.Rule("top_n", n=max(1, round(n * 0.065)))
        w = np.array(list(weights.values()), dtype=float)
        values = np.fmax(ratings[list(weights)].to_numpy().T, 1.0)
        batch = max(1, stability._BATCH_CELLS // n)

        def bare_numpy(values=values, draws=draws, batch=batch, take=rule.n, w=w):
            factors = np.random.default_rng(0).uniform(0.75, 1.25, (draws, len(w)))
            counts = np.zeros(values.shape[1], dtype=np.int64)
            for start in range(0, draws, batch):
                scores = (w * factors[start:start + batch]) @ values
                top = np.argpartition(-scores, take - 1, axis=1)[:, :take]
                counts += np.bincount(top.ravel(), minlength=values.shape[1])
            return counts / draws

        ms, base = paired_ms(
            lambda ratings=ratings, rule=rule, draws=draws: stability.key_probability(
                ratings, weights, rule, draws=draws), bare_numpy, repeats=5, budget_s=8.0)
        out.append(Figure(f"key_probability, {draws:,} draws", n, "accounts", ms, base,
                          f"<= {TARGET_STABILITY_RATIO:g}x numpy, < {TARGET_STABILITY_MS:g} ms",
                          ms <= TARGET_STABILITY_RATIO * base and ms < TARGET_STABILITY_MS))
    return out


def _one_slider_page() -> None:
    import streamlit as st

    weight = st.slider("Weight", 0, 10, 5, key="w")
    st.write(weight)


def _static_elements_page() -> None:
    """A reference, not a target: a slider, four metrics, a 50-row table and a 5-trace bar
    chart on fixed data. What any page holding those pays in AppTest, before its own work."""
    import numpy as np
    import pandas as pd
    import streamlit as st

    st.slider("Weight", 0, 10, 5, key="w")
    for column in st.columns(4):
        column.metric("Key accounts", 20, delta=1)
    rows = np.arange(50)
    st.dataframe(pd.DataFrame({"rank": rows, "name": [f"Account {i}" for i in rows],
                               "score": rows / 5, "key": rows % 3 == 0}),
                 column_config={"score": st.column_config.ProgressColumn(
                     "Score", min_value=0, max_value=10)})
    st.plotly_chart({"data": [dict(type="bar", orientation="h", x=list(range(15)),
                                   y=[f"Account {i}" for i in range(15)]) for _ in range(5)]})


def _rerun_ms(at, key: str, values: tuple[int, int]) -> float:
    """Best time of moving slider ``key`` between two values and rerunning the page."""
    state = {"i": 0}

    def move():
        state["i"] += 1
        at.slider(key=key).set_value(values[state["i"] % 2]).run()
        if at.exception:
            raise RuntimeError(f"the page failed: {at.exception[0].message}")

    return best_ms(move)


def bench_selection_page(sizes, folder: Path) -> list[Figure]:
    from streamlit.testing.v1 import AppTest

    trivial = AppTest.from_function(_one_slider_page, default_timeout=60).run()
    base = _rerun_ms(trivial, "w", (3, 7))
    static = AppTest.from_function(_static_elements_page, default_timeout=60).run()
    floor = _rerun_ms(static, "w", (3, 7))
    out = [Figure("static page: metrics, table, chart", 50, "rows", floor, base,
                  "reference", True)]
    for n in sizes:
        url = f"sqlite:///{folder / f'selection-{n}.db'}"
        portfolio_database(url, n)
        os.environ["KAMDASH_DATABASE_URL"] = url
        page = AppTest.from_file(str(ROOT / "pages" / "selection.py"), default_timeout=120).run()
        ms = _rerun_ms(page, "w_solvency", (2, 9))
        out.append(Figure("Selection rerun vs one-slider page", n, "accounts", ms, base,
                          f"<= {TARGET_PAGE_RATIO:g}x", ms <= TARGET_PAGE_RATIO * base))
    return out


def current_rss_mb() -> float:
    """Resident set size of this process now (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_post_script_gc(size: int, folder: Path) -> list[Figure]:
    """What Streamlit's forced garbage collection after every script run
    (``runner.postScriptGC``, on by default, off in this project's config) would add to a
    Selection rerun: a full ``gc.collect()`` with the Selection page loaded, against the
    rerun itself. AppTest's own runner never collects after a run, so the rerun rows above
    never include it; the browser bench (``--gc``) measures the real server both ways."""
    import gc

    from streamlit.testing.v1 import AppTest

    url = f"sqlite:///{folder / f'gc-{size}.db'}"
    portfolio_database(url, size)
    os.environ["KAMDASH_DATABASE_URL"] = url
    page = AppTest.from_file(str(ROOT / "pages" / "selection.py"), default_timeout=120).run()
    rerun = _rerun_ms(page, "w_solvency", (2, 9))
    collect = best_ms(lambda: gc.collect(2))
    return [Figure(f"full GC after a run ({len(gc.get_objects()):,} objects) vs rerun", size,
                   "accounts", collect, rerun, "reference", True)]


def _trend(engine, since: date, account_id: int | None):
    """A monthly trend as the pages build it on a cache miss: SQL grouping, then pandas."""
    counts = store.monthly_engagement(engine, account_id, since)
    touched = store.monthly_stakeholders_touched(engine, account_id, since=since)
    months = pd.DataFrame(columns=["month", "revenue", "satisfaction"])
    return engagement.monthly_trend(counts, touched, months, since, TODAY)


def bench_trends(sizes, folder: Path) -> list[Figure]:
    since = (pd.Timestamp(TODAY) - pd.DateOffset(months=TREND_MONTHS - 1)).date().replace(day=1)
    out = []
    for events in sizes:
        url = f"sqlite:///{folder / f'events-{events}.db'}"
        n = engagement_database(url, events)
        engine = db.make_engine(url)
        one = best_ms(lambda engine=engine, n=n: _trend(engine, since, n // 2))
        whole = best_ms(lambda engine=engine: _trend(engine, since, None), repeats=5)
        engine.dispose()
        out += [
            Figure("one account's monthly trend", events, "engagements", one, None,
                   f"< {TARGET_ACCOUNT_TREND_MS:g} ms", one < TARGET_ACCOUNT_TREND_MS),
            Figure("portfolio's monthly trend", events, "engagements", whole, None,
                   f"< {TARGET_PORTFOLIO_TREND_MS:g} ms" if events >= 1_000_000 else "-",
                   whole < TARGET_PORTFOLIO_TREND_MS),
        ]
    return out


def peak_memory_mb() -> float:
    """Peak resident set size of this process so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- report ----------------------------------------------------------------------------------


def run(quick: bool = False, out: Path = DEFAULT_OUT, echo: Callable[[str], None] = print
        ) -> dict:
    """Measure everything, print the table as it goes, write it as JSON to ``out``."""
    sizes = QUICK if quick else {"scoring": SCORING_SIZES, "stability": STABILITY_SIZES,
                                 "page": PAGE_SIZES, "events": EVENT_SIZES, "gc": GC_ACCOUNTS}
    saved_url = os.environ.get("KAMDASH_DATABASE_URL")
    figures: list[Figure] = []
    echo(f"{'measure':<36} {'size':>22} {'time':>10} {'baseline':>10} {'ratio':>7}  target")
    try:
        with tempfile.TemporaryDirectory(prefix="kamdash-bench-") as tmp:
            for section in (lambda: bench_scoring(sizes["scoring"]),
                            lambda: bench_stability(sizes["stability"]),
                            lambda: bench_selection_page(sizes["page"], Path(tmp)),
                            lambda: bench_post_script_gc(sizes["gc"], Path(tmp)),
                            lambda: bench_trends(sizes["events"], Path(tmp))):
                for figure in section():
                    figures.append(figure)
                    echo(format_row(figure))
    finally:
        if saved_url is None:
            os.environ.pop("KAMDASH_DATABASE_URL", None)
        else:
            os.environ["KAMDASH_DATABASE_URL"] = saved_url
    memory = peak_memory_mb()
    echo(f"peak memory (resident): {memory:,.0f} MB")
    missed = [f for f in figures if not f.met]
    echo("all targets met" if not missed else f"{len(missed)} target(s) missed")
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "quick": quick,
        "figures": [{**asdict(f), "ratio": f.ratio} for f in figures],
        "peak_memory_mb": round(memory, 1),
        "targets_missed": len(missed),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    echo(f"written to {out}")
    return report


def format_row(f: Figure) -> str:
    base = f"{f.baseline_ms:8.2f}ms" if f.baseline_ms else f"{'-':>10}"
    ratio = f"{f.ratio:6.2f}x" if f.ratio else f"{'-':>7}"
    mark = "ok" if f.met else "MISSED"
    size = f"{f.size:,} {f.unit}"
    return f"{f.section:<36} {size:>22} {f.ms:8.2f}ms {base} {ratio}  {f.target} {mark}"
