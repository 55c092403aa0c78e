"""The command line: ``python -m kamdash import KIND FILE`` and ``export KIND FILE``."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kamdash import db, store
from kamdash.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
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


READ_ONLY = "error: kamdash is in read-only mode (KAMDASH_READ_ONLY); nothing was saved.\n"


@pytest.mark.parametrize("command", [
    ["import", "accounts", str(SAMPLES / "accounts.csv")],
    ["demo", "--accounts", "5"],
    ["clear", "--yes"],
    ["clear"],
])
def test_read_only_mode_refuses_every_write_before_touching_the_database(
        db_url, tmp_path, monkeypatch, capsys, command):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    assert main(command) == 1
    assert capsys.readouterr() == ("", READ_ONLY)
    assert not (tmp_path / "cli.db").exists()  # not even created or migrated


def test_read_only_mode_on_a_current_database_writes_nothing_not_even_a_migration(
        db_url, tmp_path, monkeypatch, capsys):
    main(["import", "accounts", str(SAMPLES / "accounts.csv")])
    capsys.readouterr()
    before = (tmp_path / "cli.db").read_bytes()
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    assert main(["import", "accounts", str(SAMPLES / "accounts.csv")]) == 1
    assert main(["export", "accounts", str(tmp_path / "a.csv")]) == 0
    assert capsys.readouterr() == (f"Exported 4 accounts to {tmp_path / 'a.csv'}\n", READ_ONLY)
    assert (tmp_path / "cli.db").read_bytes() == before


def test_read_only_export_says_when_the_database_is_not_set_up(db_url, tmp_path, monkeypatch,
                                                                capsys):
    monkeypatch.setenv("KAMDASH_READ_ONLY", "1")
    assert main(["export", "accounts", str(tmp_path / "a.csv")]) == 2
    assert capsys.readouterr().err == (
        f"error: there is no database at {tmp_path / 'cli.db'}, and read-only mode "
        "(KAMDASH_READ_ONLY) creates none; prepare it first without read-only mode, e.g. "
        "`python -m kamdash demo`\n")
    sqlite3.connect(tmp_path / "cli.db").close()  # a file, but no kamdash schema in it
    assert main(["export", "accounts", str(tmp_path / "a.csv")]) == 2
    assert capsys.readouterr().err == (
        f"error: the database at {db_url} has no kamdash schema, and read-only mode "
        "(KAMDASH_READ_ONLY) does not create it; prepare it first without read-only mode, "
        "e.g. `python -m kamdash demo`\n")
    assert not (tmp_path / "a.csv").exists()
    assert sqlite3.connect(tmp_path / "cli.db").execute(
        "SELECT count(*) FROM sqlite_master").fetchone() == (0,)


# --- export paths ------------------------------------------------------------------------------


def test_export_into_a_folder_that_does_not_exist_is_refused_and_creates_nothing(
        db_url, tmp_path, capsys):
    target = tmp_path / "no" / "such" / "accounts.csv"
    assert main(["export", "accounts", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot write {target}: the folder {target.parent} does not exist; create it "
        "first (export writes into an existing folder only)\n")
    assert not (tmp_path / "no").exists()


def test_export_onto_a_folder_is_refused(db_url, tmp_path, capsys):
    assert main(["export", "accounts", str(tmp_path)]) == 2
    assert "use a .csv or .xlsx file" in capsys.readouterr().err
    (tmp_path / "x.csv").mkdir()
    assert main(["export", "accounts", str(tmp_path / "x.csv")]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot write {tmp_path / 'x.csv'}: it is a folder; name a .csv or .xlsx file "
        "in it\n")


# --- a database that cannot be reached ---------------------------------------------------------


@pytest.mark.parametrize("command", [
    ["import", "accounts", str(SAMPLES / "accounts.csv")],
    ["export", "accounts", "a.csv"],
    ["demo", "--accounts", "5"],
    ["clear", "--yes"],
])
def test_an_unreachable_database_is_one_line_naming_it_without_the_password(
        monkeypatch, tmp_path, capsys, command):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAMDASH_READ_ONLY", raising=False)
    monkeypatch.setenv("KAMDASH_DATABASE_URL",
                       "postgresql+psycopg://kam:s3cret@127.0.0.1:1/nowhere?connect_timeout=2")
    assert main(command) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("error: cannot open the database at "
                          "postgresql+psycopg://kam:***@127.0.0.1:1/nowhere?connect_timeout=2: ")
    assert "127.0.0.1" in err.split(": ", 2)[2]  # the driver's reason follows
    assert "s3cret" not in err
    assert not (tmp_path / "a.csv").exists()


def test_a_url_that_is_not_a_database_url_is_one_line_too(monkeypatch, capsys):
    monkeypatch.delenv("KAMDASH_READ_ONLY", raising=False)
    monkeypatch.setenv("KAMDASH_DATABASE_URL", "kam:s3cret@db.example")
    assert main(["import", "accounts", str(SAMPLES / "accounts.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot open the database at ") and err.count("\n") == 1
    assert "s3cret" not in err


# --- clear -----------------------------------------------------------------------------------


def test_clear_without_yes_explains_and_deletes_nothing(db_url, capsys):
    main(["import", "accounts", str(SAMPLES / "accounts.csv")])
    capsys.readouterr()
    assert main(["clear"]) == 2
    assert capsys.readouterr().err == (
        "error: clear deletes every account, rating, stakeholder, engagement, manager and "
        f"scenario in {db_url} (the tables stay, empty). Export what you want to keep, then "
        "run `python -m kamdash clear --yes` to confirm.\n")
    assert not store.is_empty(db.make_engine(db_url))


def test_clear_yes_empties_the_database_for_your_own_data(db_url, capsys):
    main(["import", "accounts", str(SAMPLES / "accounts.csv")])
    main(["import", "ratings", str(SAMPLES / "ratings.csv")])
    capsys.readouterr()
    assert main(["clear", "--yes"]) == 0
    assert capsys.readouterr().out == (
        f"Emptied {db_url}: removed 2 manager rows, 4 account rows, 12 rating rows, "
        "2 designation rows, 20 audit entry rows.\n"
        "Import your own files next: accounts first, then ratings, stakeholders and "
        "engagements. Start the app with KAMDASH_DEMO=0, or it seeds the demo into the empty "
        "database again.\n")
    assert store.is_empty(db.make_engine(db_url))
    assert main(["import", "accounts", str(SAMPLES / "accounts.csv")]) == 0


# --- progress on a terminal --------------------------------------------------------------------


def test_a_terminal_sees_checking_then_importing_each_reach_100_percent(
        db_url, monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["import", "accounts", str(SAMPLES / "accounts.csv")]) == 0
    lines = capsys.readouterr().err.split("\n")
    assert lines[0].startswith("\rChecking accounts.csv ")
    assert lines[0].endswith("\rChecking accounts.csv 100%")
    assert lines[1].startswith("\rImporting accounts.csv ")
    assert lines[1].endswith("\rImporting accounts.csv 100%")
    assert lines[2:] == [""]


def test_a_rejection_on_a_terminal_starts_on_its_own_line(db_url, tmp_path, monkeypatch,
                                                          capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bad = tmp_path / "r.csv"
    bad.write_text("account,criterion,value,rated_on\nZed,solvency,5,2025-01-01\n")
    assert main(["import", "ratings", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"\n{bad}: The file was not imported: 1 problem found.\n" in err
    assert err.endswith("line 2, column account: no account named 'Zed'; import it in an "
                        "accounts file first\n")


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
    assert "line 1: the file contains binary data; is it really a CSV file?" in rejected.stderr
    assert "Traceback" not in rejected.stderr


def test_python_dash_m_kamdash_never_shows_a_traceback_for_an_unreachable_database(tmp_path):
    env = {**os.environ, "KAMDASH_DATABASE_URL":
           "postgresql+psycopg://kam:s3cret@127.0.0.1:1/nowhere?connect_timeout=2"}
    env.pop("KAMDASH_READ_ONLY", None)
    for command in (["import", "accounts", str(SAMPLES / "accounts.csv")],
                    ["export", "accounts", str(tmp_path / "a.csv")], ["clear", "--yes"]):
        done = subprocess.run([sys.executable, "-m", "kamdash", *command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
        assert "s3cret" not in done.stderr
