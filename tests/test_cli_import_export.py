"""The command line: ``python -m kamdash import KIND FILE`` and ``export KIND FILE``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kamdash import db, store
from kamdash.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("KAMDASH_DATABASE_URL", url)
    monkeypatch.delenv("KAMDASH_READ_ONLY", raising=False)
    return url


def test_import_prints_the_counts_and_exits_zero(db_url, capsys):
    assert main(["import", "accounts", str(SAMPLES / "accounts.csv")]) == 0
    out = capsys.readouterr().out
    assert out == (f"Imported {SAMPLES / 'accounts.csv'} into {db_url}: accounts: 4 added, "
                   "0 updated, 0 unchanged (2 new managers created from kam_email)\n")
    assert main(["import", "accounts", str(SAMPLES / "accounts.csv")]) == 0
    assert "accounts: 0 added, 0 updated, 4 unchanged" in capsys.readouterr().out


def test_a_rejected_file_exits_non_zero_listing_the_lines_and_writes_nothing(db_url, tmp_path,
                                                                             capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,employees\nAcme,12\nBolt,many\nCord,-3\n")
    assert main(["import", "accounts", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err == (f"{bad}: The file was not imported: 2 problems found.\n"
                   "line 3, column employees: 'many' is not a number\n"
                   "line 4, column employees: '-3' is out of range (0 or more)\n")
    assert store.is_empty(db.make_engine(db_url))


def test_a_missing_file_is_a_usage_error(db_url, tmp_path, capsys):
    assert main(["import", "ratings", str(tmp_path / "nope.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_export_writes_csv_or_excel_by_extension_and_it_imports_back_unchanged(
        db_url, tmp_path, capsys):
    main(["import", "accounts", str(SAMPLES / "accounts.csv")])
    main(["import", "ratings", str(SAMPLES / "ratings.csv")])
    for name in ("ratings.csv", "ratings.xlsx"):
        target = tmp_path / name
        assert main(["export", "ratings", str(target)]) == 0
        assert capsys.readouterr().out.endswith(f"Exported 12 ratings to {target}\n")
        assert main(["import", "ratings", str(target)]) == 0
        assert "ratings: 0 added, 0 updated, 12 unchanged" in capsys.readouterr().out
    assert (tmp_path / "ratings.csv").read_text().splitlines()[0] == (
        "account,criterion,value,rated_on,rated_by")


def test_export_to_an_unknown_extension_is_refused(db_url, tmp_path, capsys):
    assert main(["export", "accounts", str(tmp_path / "a.json")]) == 2
    assert "use a .csv or .xlsx file" in capsys.readouterr().err
    assert not (tmp_path / "a.json").exists()


def test_read_only_mode_refuses_the_import(db_url, monkeypatch, capsys):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    assert main(["import", "accounts", str(SAMPLES / "accounts.csv")]) == 1
    assert "read-only" in capsys.readouterr().err
    monkeypatch.delenv("KAMDASH_READ_ONLY")
    assert store.is_empty(db.make_engine(db_url))


def test_python_dash_m_kamdash_import_runs_as_a_program(db_url, tmp_path):
    env = {**os.environ, "KAMDASH_DATABASE_URL": db_url}
    ok = subprocess.run([sys.executable, "-m", "kamdash", "import", "accounts",
                         str(SAMPLES / "accounts.csv")], cwd=ROOT, env=env,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "4 added" in ok.stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    rejected = subprocess.run([sys.executable, "-m", "kamdash", "import", "ratings", str(bad)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert rejected.returncode == 1
    assert "line 1: the file is not UTF-8 text" in rejected.stderr
    assert "Traceback" not in rejected.stderr
