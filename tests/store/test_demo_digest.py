"""The demo stays the same demo: for a fixed seed and day, the rows it builds and the tables it
writes hash to the digests pinned here, computed with the demo generator as it was before it
was made faster (kamdash 2280889). A change that alters a single value fails here; a change
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
    (60, 7): "f4cb24118003433ded19b47d9df5190c8d6b06fd9c71514c0a1613b7a9e2b602",
    (300, 7): "e8144c03e8d9f9abb916ba6c1cec036c3e109b2f4651080e26baecba9a962801",
    (40, 3): "c584e559e465c957e876173a5f0145a4c82f35f0ef3c32dddc7367ba33de0df0",
}
SEEDED = {  # sha256 of the seeded SQLite tables, every row in primary-key order
    (60, 7): "8795c8949dcf327eb582996bd4d23d5b82b65af14111b81e0b564c78c94f4343",
    (40, 3): "0f25a46f586fb3ed86a2a7782ce4e1484053919027133191e1b42f306cdb6f71",
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
