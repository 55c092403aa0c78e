"""Reading never writes: a read (``python -m kamdash export``, the app in read-only mode) creates
no folder and no database for a mistyped path, migrates nothing, and works on a database file
that nobody may write, in a folder nobody may write."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kamdash import db, store
from kamdash.__main__ import main
from kamdash.models import Account

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534


@pytest.mark.parametrize("read_only, message", [
    ("0", "error: there is no database at {path}; check KAMDASH_DATABASE_URL (a read creates "
          "no database)\n"),
    ("1", "error: there is no database at {path}, and read-only mode (KAMDASH_READ_ONLY) "
          "creates none; prepare it first without read-only mode, e.g. `python -m kamdash "
          "demo`\n"),
])
def test_export_from_a_mistyped_sqlite_path_exits_2_naming_it_and_creates_nothing(
        tmp_path, monkeypatch, capsys, read_only, message):
    path = tmp_path / "typo" / "kamdahs.db"
    monkeypatch.setenv("KAMDASH_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("KAMDASH_READ_ONLY", read_only)
    assert main(["export", "accounts", str(tmp_path / "a.csv")]) == 2
    assert capsys.readouterr() == ("", message.format(path=path))
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_read_only_engine_for_a_missing_file_creates_neither_file_nor_folder(tmp_path):
    path = tmp_path / "no" / "such.db"
    with pytest.raises(db.DatabaseMissing, match=f"there is no database file at {path}"):
        db.make_engine(f"sqlite:///{path}", read_only=True)
    assert not (tmp_path / "no").exists()


@pytest.fixture
def current_db(tmp_path) -> Path:
    """A database at the newest revision holding one account, closed (no -wal, no -shm)."""
    path = tmp_path / "k.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.create_schema(engine)
    store.replace_all(engine, {Account: [dict(id=1, name="Acme")]})
    engine.dispose()
    return path


def test_export_of_a_current_database_leaves_it_byte_for_byte_alone(current_db, tmp_path,
                                                                     monkeypatch, capsys):
    monkeypatch.setenv("KAMDASH_DATABASE_URL", f"sqlite:///{current_db}")
    before = current_db.read_bytes()
    assert main(["export", "accounts", str(tmp_path / "a.csv")]) == 0
    assert capsys.readouterr().out == f"Exported 1 accounts to {tmp_path / 'a.csv'}\n"
    assert current_db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "k.db"]  # no -wal, no -shm


def test_a_read_only_engine_refuses_writes_itself(current_db):
    engine = db.make_engine(f"sqlite:///{current_db}", read_only=True)
    assert store.load_accounts(engine)["name"].tolist() == ["Acme"]
    with pytest.raises(OperationalError, match="attempt to write a readonly database"), \
            engine.begin() as conn:
        conn.execute(text("DELETE FROM account"))
    engine.dispose()
    assert store.load_accounts(db.make_engine(f"sqlite:///{current_db}"))["name"].tolist() == [
        "Acme"]


def test_export_of_an_older_schema_migrates_nothing_and_says_how(tmp_path, monkeypatch,
                                                                 capsys):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0001')")
    before = path.read_bytes()
    monkeypatch.setenv("KAMDASH_DATABASE_URL", f"sqlite:///{path}")
    assert main(["export", "accounts", str(tmp_path / "a.csv")]) == 2
    from kamdash import migrations

    assert capsys.readouterr().err == (
        f"error: the database at sqlite:///{path} has schema revision 0001 but this kamdash "
        f"needs {migrations.head_revision()}, and a read does not migrate; start the app or "
        "run an import once to migrate it\n")
    assert path.read_bytes() == before


@pytest.mark.parametrize("folder_writable, wal_file, opened_as", [
    (True, False, "mode=rw"),
    (True, True, "mode=rw"),
    (False, False, "immutable=1"),  # SQLite could not create the -shm file reading needs
    (False, True, "mode=rw"),  # immutable would not read the changes in the -wal file
])
def test_how_a_read_opens_the_file(tmp_path, monkeypatch, folder_writable, wal_file,
                                   opened_as):
    monkeypatch.setattr(db, "_folder_writable", lambda folder: folder_writable)
    (tmp_path / "k.db").touch()
    if wal_file:
        (tmp_path / "k.db-wal").touch()
    assert db.read_only_uri(tmp_path / "k.db") == f"{(tmp_path / 'k.db').as_uri()}?{opened_as}"


# --- a database nobody may write, in a folder nobody may write (run as a user who is not root) --


def _as_a_user_without_rights(command: list[str]) -> list[str]:
    """``command`` run by a user who really lacks write permission: root ignores file modes,
    so as root it runs as nobody (setpriv)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        if os.environ.get("KAMDASH_CI"):
            pytest.fail("setpriv is missing: the read-only folder test cannot drop root")
        pytest.skip("needs setpriv (util-linux) to run as a user without root's rights")
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]


@pytest.fixture
def locked_folder(demo_db_path):
    """A copy of the demo database, mode 444, in a folder of mode 555 (readable by everyone,
    the user nobody included), and a folder beside it that nobody may write into (for the
    export).
    Outside pytest's own temporary folder, which only root may enter."""
    base = Path(tempfile.mkdtemp(prefix="kamdash-read-only-"))
    base.chmod(0o755)
    folder, out = base / "db", base / "out"
    folder.mkdir()
    out.mkdir()
    copy = folder / "kamdash.db"
    src, dst = sqlite3.connect(demo_db_path), sqlite3.connect(copy)
    src.backup(dst)
    dst.execute("PRAGMA journal_mode=WAL")  # as the app leaves it
    src.close()
    dst.close()
    assert sorted(p.name for p in folder.iterdir()) == ["kamdash.db"]
    copy.chmod(0o444)
    folder.chmod(0o555)
    if os.geteuid() == 0:
        os.chown(out, NOBODY, NOBODY)
    yield copy, out
    folder.chmod(0o755)
    shutil.rmtree(base)


def _env(database: Path, out: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMDASH_")}
    return {**env, "KAMDASH_DATABASE_URL": f"sqlite:///{database}", "HOME": str(out),
            "PYTHONDONTWRITEBYTECODE": "1", **settings}


@pytest.mark.parametrize("read_only", ["0", "1"])
def test_export_reads_a_write_protected_database_in_a_write_protected_folder(
        locked_folder, demo_db_path, read_only):
    database, out = locked_folder
    before = database.read_bytes()
    done = subprocess.run(
        _as_a_user_without_rights([sys.executable, "-m", "kamdash", "export", "accounts",
                                   str(out / "accounts.csv")]),
        cwd=ROOT, env=_env(database, out, KAMDASH_READ_ONLY=read_only), capture_output=True,
        text=True, timeout=120)
    accounts = len(store.load_accounts(db.make_engine(f"sqlite:///{demo_db_path}")))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"Exported {accounts:,} accounts to {out / 'accounts.csv'}\n"
    assert len((out / "accounts.csv").read_text().splitlines()) == accounts + 1
    assert database.read_bytes() == before
    assert sorted(p.name for p in database.parent.iterdir()) == ["kamdash.db"]


APP_RUN = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120).run()
print(json.dumps({"exception": [e.message for e in at.exception],
                  "error": [e.value for e in at.error], "title": [t.value for t in at.title],
                  "sidebar": [w.value for w in at.sidebar.warning]}))
"""


def test_the_app_in_read_only_mode_shows_a_database_in_a_write_protected_folder(locked_folder):
    database, out = locked_folder
    done = subprocess.run(
        _as_a_user_without_rights([sys.executable, "-c", APP_RUN, str(ROOT / "streamlit_app.py")]),
        cwd=ROOT, env=_env(database, out, KAMDASH_READ_ONLY="yes"), capture_output=True,
        text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    page = json.loads(done.stdout.splitlines()[-1])
    assert page["exception"] == [] and page["error"] == []
    assert page["title"] == ["Portfolio"]
    assert page["sidebar"] == ["Read-only demo: changes are switched off, nothing you do here "
                               "is saved."]
