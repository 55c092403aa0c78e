"""Several app processes writing at once: 8 processes log 200 engagements each into one
database, on SQLite and on PostgreSQL; every row lands and no "database is locked" escapes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from kamdash import db, store
from kamdash.identity import Actor, UserRole
from kamdash.models import Account, Engagement

WORKERS = 8
PER_WORKER = 200


def _log_many(url: str, worker: int, start, errors) -> None:
    engine = db.make_engine(url)
    start.wait(60)  # everyone starts writing at the same moment
    for i in range(PER_WORKER):
        try:
            store.log_engagement(engine, 1 + i % 2, date(2025, 1, 1 + i % 28), "call",
                                 f"worker {worker} call {i}", i % 5 - 2,
                                 actor=Actor(f"w{worker}", f"Worker {worker}", UserRole.ADMIN))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test
            errors.put(f"worker {worker} call {i}: {type(exc).__name__}: {exc}")
    engine.dispose()


def test_eight_processes_logging_at_once_lose_nothing_and_never_see_a_lock_error(
        engine, fresh_processes):
    store.replace_all(engine, {Account: [dict(id=1, name="Acme"), dict(id=2, name="Bolt")]})
    version = store.data_version(engine)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    ctx = fresh_processes
    start, errors = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [ctx.Process(target=_log_many, args=(url, w, start, errors)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert [p.exitcode for p in procs] == [0] * WORKERS
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Engagement)).scalar()
        per_worker = dict(conn.execute(select(Engagement.logged_by, func.count())
                                       .group_by(Engagement.logged_by)).all())
    assert total == WORKERS * PER_WORKER
    assert per_worker == {f"w{w}": PER_WORKER for w in range(WORKERS)}
    assert store.data_version(engine) == version + WORKERS * PER_WORKER
