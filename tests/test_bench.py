"""`python -m kamdash bench` keeps working: its quick run measures every section and writes
the report. No timing is asserted here: figures live in `make bench`, not in tests."""

import json
import os

from kamdash import bench
from kamdash.__main__ import main


def test_quick_bench_measures_every_section_and_writes_its_report(tmp_path, monkeypatch):
    monkeypatch.delenv("KAMDASH_DATABASE_URL", raising=False)
    out = tmp_path / "bench.json"
    lines: list[str] = []
    report = bench.run(quick=True, out=out, echo=lines.append)

    assert json.loads(out.read_text()) == report
    sections = [(f["section"], f["size"]) for f in report["figures"]]
    assert sections == [
        ("score_accounts vs bare numpy", bench.QUICK["scoring"][0]),
        (f"key_probability, {bench.QUICK['stability'][0][1]:,} draws",
         bench.QUICK["stability"][0][0]),
        ("static page: metrics, table, chart", 50),
        ("Selection rerun vs one-slider page", bench.QUICK["page"][0]),
        ("one account's monthly trend", bench.QUICK["events"][0]),
        ("portfolio's monthly trend", bench.QUICK["events"][0]),
    ]
    assert all(f["ms"] > 0 for f in report["figures"])
    assert report["figures"][0]["ratio"] == report["figures"][0]["ms"] / report["figures"][0][
        "baseline_ms"]
    assert report["peak_memory_mb"] > 0
    assert lines[0].startswith("measure") and lines[-1] == f"written to {out}"
    assert "KAMDASH_DATABASE_URL" not in os.environ  # put back as it was


def test_bench_command_writes_where_it_is_told(tmp_path, monkeypatch, capsys):
    out = tmp_path / "figures" / "bench.json"
    monkeypatch.setattr(bench, "QUICK", {"scoring": (50,), "stability": ((50, 10),),
                                         "page": (30,), "events": (2_000,)})
    assert main(["bench", "--quick", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["quick"] is True
    assert "score_accounts vs bare numpy" in capsys.readouterr().out


def test_synthetic_portfolio_leaves_the_stated_share_of_ratings_out():
    ratings = bench.ratings_frame(20_000)
    assert ratings.shape == (20_000, 11)
    assert abs(ratings.isna().to_numpy().mean() - bench.MISSING_RATINGS) < 0.01
    assert ratings.stack().dropna().between(1, 10).all()
