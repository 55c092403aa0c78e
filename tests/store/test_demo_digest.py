"""The demo stays the same demo: for a fixed seed and day, the rows it builds and the tables it
writes hash to the digests pinned here, computed with the demo generator as it was before it
was made faster (kamdash 2280889, with the rating round, users and audit history, plans and
decisions that later demo modules add: re-pinned when those landed, the same digests with the
old and the new generator). A change that alters a single value fails here; a change
meant to alter the demo must update the pins, and say why."""

import hashlib
import json
import sqlite3
from datetime import date

import pytest

from kamdash import db, demo

DAY = date(2026, 11, 15)
TABLES = ("account", "account_month", "designation", "engagement", "manager", "rating",
          "stakeholder")

BUILT = {  # sha256 of build_portfolio's rows, table by table
    (60, 7): "1ef3521f3d14d329fbd4fdbabdaf9202fb217d7a6f5587b7ec0c15f1a3288b19",
    (300, 7): "2943c271a8d9a192bb6bb26a1cc44eb7a8066ad51eb411df7df351788d478af4",
    (40, 3): "21049366098c8f1da959c724d7520e89c1b48cca7a15130f9b9d20fedbe4ff9f",
}
SEEDED = {  # sha256 of the seeded SQLite tables, every row in primary-key order
    (60, 7): "c4dc8ba7ffe3709d1b2a8a7b17974c07ab23145f5d6ba943fad81ccd22188f09",
    (40, 3): "9fc1c33302910812945246f878a82fe941669de1c7473d52648672ee90ff1cfa",
}


def built_digest(n: int, seed: int) -> str:
    rows = demo.build_portfolio(n, seed=seed, today=DAY)
    h = hashlib.sha256()
    for table in sorted((t for t in rows if t.__tablename__ in TABLES),
                        key=lambda t: t.__tablename__):
        h.update(table.__tablename__.encode())
        h.update(json.dumps(rows[table], sort_keys=True, default=str).encode())
    return h.hexdigest()


def seeded_digest(path) -> str:
    h = hashlib.sha256()
    with sqlite3.connect(path) as conn:
        for table in TABLES:
            columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
            keys = [c[1] for c in sorted(conn.execute(f"PRAGMA table_info({table})"),
                                         key=lambda c: c[5]) if c[5]]
            h.update(f"{table}:{','.join(sorted(columns))}".encode())
            order = ", ".join(keys)
            cols = ", ".join(sorted(columns))
            for row in conn.execute(f"SELECT {cols} FROM {table} ORDER BY {order}"):
                h.update(repr(row).encode())
    return h.hexdigest()


@pytest.mark.parametrize(("size", "seed"), sorted(BUILT))
def test_the_demo_builds_the_same_rows_as_before_for_the_same_seed_and_day(size, seed):
    assert built_digest(size, seed) == BUILT[(size, seed)]


@pytest.mark.parametrize(("size", "seed"), sorted(SEEDED))
def test_the_demo_writes_the_same_tables_as_before_for_the_same_seed_and_day(
        tmp_path, size, seed):
    path = tmp_path / "demo.db"
    engine = db.make_engine(f"sqlite:///{path}")
    demo.seed_demo(engine, n_accounts=size, seed=seed, today=DAY)
    engine.dispose()
    assert seeded_digest(path) == SEEDED[(size, seed)]
