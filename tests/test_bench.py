"""`python -m kamdash bench` keeps working: its quick run measures every section and writes
the report. No timing is asserted here: figures live in `make bench`, not in tests."""

import json
import os
from pathlib import Path

import pytest

from kamdash import bench, bench_browser
from kamdash.__main__ import main


def test_quick_bench_measures_every_section_and_writes_its_report(tmp_path, monkeypatch):
    monkeypatch.delenv("KAMDASH_DATABASE_URL", raising=False)
    out = tmp_path / "bench.json"
    lines: list[str] = []
    report = bench.run(quick=True, out=out, echo=lines.append)

    assert json.loads(out.read_text()) == report
    sections = [(f["section"], f["size"]) for f in report["figures"]]
    assert sections[:4] + sections[5:] == [
        ("score_accounts vs bare numpy", bench.QUICK["scoring"][0]),
        (f"key_probability, {bench.QUICK['stability'][0][1]:,} draws",
         bench.QUICK["stability"][0][0]),
        ("static page: metrics, table, chart", 50),
        ("Selection rerun vs one-slider page", bench.QUICK["page"][0]),
        ("one account's monthly trend", bench.QUICK["events"][0]),
        ("portfolio's monthly trend", bench.QUICK["events"][0]),
    ]
    assert (sections[4][0].startswith("full GC after a run ("), sections[4][1]) == (
        True, bench.QUICK["gc"])
    assert all(f["ms"] > 0 for f in report["figures"])
    assert report["figures"][0]["ratio"] == report["figures"][0]["ms"] / report["figures"][0][
        "baseline_ms"]
    assert report["peak_memory_mb"] > 0
    assert lines[0].startswith("measure") and lines[-1] == f"written to {out}"
    assert "KAMDASH_DATABASE_URL" not in os.environ  # put back as it was


def test_bench_command_writes_where_it_is_told(tmp_path, monkeypatch, capsys):
    out = tmp_path / "figures" / "bench.json"
    monkeypatch.setattr(bench, "QUICK", {"scoring": (50,), "stability": ((50, 10),),
                                         "page": (30,), "events": (2_000,), "gc": 30})
    assert main(["bench", "--quick", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["quick"] is True
    assert "score_accounts vs bare numpy" in capsys.readouterr().out


def test_synthetic_portfolio_leaves_the_stated_share_of_ratings_out():
    ratings = bench.ratings_frame(20_000)
    assert ratings.shape == (20_000, 11)
    assert abs(ratings.isna().to_numpy().mean() - bench.MISSING_RATINGS) < 0.01
    assert ratings.stack().dropna().between(1, 10).all()


# --- the browser bench --------------------------------------------------------------------------

def test_the_browser_bench_visits_every_page_the_local_user_sees_landing_page_at_the_root():
    assert bench_browser.app_pages() == [
        "", "selection", "decisions", "account", "ratings", "coverage", "engagement",
        "activity", "data", "users"]


@pytest.mark.parametrize(("times", "floor", "median", "ratio", "shown"), [
    ([300.0, 100.0, 200.0], [100.0], 200.0, 2.0, "  2.00x"),
    ([50.0], [], 50.0, None, "      -"),
])
def test_a_browser_bench_row_gives_its_median_spread_and_ratio(times, floor, median, ratio,
                                                                shown):
    row = bench_browser.Row("slider move", "Selection weight", 300, times, floor)
    assert (row.median, row.ratio) == (median, ratio)
    line = bench_browser.format_row(row)
    assert f"{min(times):,.0f}-{max(times):,.0f}ms" in line and shown in line


def test_memory_per_extra_session_is_the_slope_between_fewest_and_most_sessions():
    memory = {"server with 1 session(s), 300 accounts": 200.0,
              "server with 4 session(s), 300 accounts": 206.0,
              "server with 8 session(s), 300 accounts": 214.0}
    assert bench_browser._per_session_mb(memory, (1, 4, 8)) == 2.0
    assert bench_browser._per_session_mb(memory, (1,)) is None


@pytest.mark.e2e
@pytest.mark.skipif(not Path(bench_browser.CHROMIUM).is_file(), reason="no Chromium")
def test_quick_browser_bench_serves_both_pages_and_writes_a_well_formed_table(tmp_path,
                                                                             browser):
    out = tmp_path / "bench-browser.json"
    lines: list[str] = []
    report = bench_browser.run(quick=True, out=out, echo=lines.append, proxy=False,
                               browser=browser)

    assert json.loads(out.read_text()) == report
    assert report["pages"] == [""]
    assert [(r["section"], r["what"], r["accounts"]) for r in report["rows"]] == [
        ("floor", "slider move", None),
        ("floor", "visit", None),
        ("server start", "first page after the server started", 300),
        ("slider move", "Selection weight", 300),
        ("page / (home)", "first visit after a write", 300),
        ("page / (home)", "second visit", 300),
        ("warm-up", "a write until its data is computed", 300),
        ("sessions at once", "1 moving together, one process", 300),
    ]
    for r in report["rows"]:
        assert r["ms"] and all(t > 0 for t in r["ms"])
        assert r["min_ms"] <= r["median_ms"] <= r["max_ms"]
    slider = report["rows"][3]
    assert slider["ratio"] == slider["median_ms"] / report["rows"][0]["median_ms"]
    assert all(mb > 0 for mb in report["memory_mb"].values())
    assert lines[0] == bench_browser.header() and lines[-1] == f"written to {out}"

