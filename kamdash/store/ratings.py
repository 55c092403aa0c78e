"""Rating reads with their dates and raters, and the Ratings page's write: new rating rows
appended (history is kept), all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kamdash import criteria, ratings_matrix
from kamdash.decisions import Rejected
from kamdash.identity import Actor, require_account_edit
from kamdash.models import Account, Rating
from kamdash.store.audit import record
from kamdash.store.core import bump_version, ensure_writable, read_frame

__all__ = ["RatingsRejected", "add_ratings", "load_latest_ratings", "load_rating_history"]


class RatingsRejected(Rejected):
    """Ratings that cannot be saved; nothing was written. ``problems`` name each cell."""


def load_latest_ratings(engine: Engine) -> pd.DataFrame:
    """Latest rating per account and criterion, long: ``account_id``, ``criterion``,
    ``value``, ``rated_on`` (datetime), ``rated_by``."""
    ranked = select(
        Rating.account_id, Rating.criterion, Rating.value, Rating.rated_on, Rating.rated_by,
        func.row_number().over(partition_by=(Rating.account_id, Rating.criterion),
                               order_by=(Rating.rated_on.desc(), Rating.id.desc())).label("rn"),
    ).subquery()
    frame = read_frame(engine, select(ranked.c.account_id, ranked.c.criterion, ranked.c.value,
                                      ranked.c.rated_on, ranked.c.rated_by)
                       .where(ranked.c.rn == 1)
                       .order_by(ranked.c.account_id, ranked.c.criterion))
    frame["rated_on"] = pd.to_datetime(frame["rated_on"])
    return frame


def load_rating_history(engine: Engine, account_id: int) -> pd.DataFrame:
    """Every rating of one account, oldest first: ``rating_id``, ``criterion``, ``value``,
    ``rated_on`` (datetime), ``rated_by``."""
    frame = read_frame(engine, select(
        Rating.id.label("rating_id"), Rating.criterion, Rating.value, Rating.rated_on,
        Rating.rated_by).where(Rating.account_id == int(account_id))
        .order_by(Rating.rated_on, Rating.id))
    frame["rated_on"] = pd.to_datetime(frame["rated_on"])
    return frame


def add_ratings(engine: Engine, actor: Actor, rows: Iterable[Mapping[str, object]],
                on: date) -> int:
    """Append ``rows`` (``account_id``, ``criterion``, ``value``) as ratings of day ``on`` by
    ``actor``, in one transaction with an audit entry each; returns how many were added.

    All or nothing: an unknown account or criterion, or a value that is not a whole number
    1-10, raises ``RatingsRejected`` naming the account and criterion; an account the actor
    may not change raises ``Refused``. Either way nothing is written."""
    ensure_writable()
    rows = [dict(r) for r in rows]
    with Session(engine) as session, session.begin():
        ids = {int(r["account_id"]) for r in rows}
        accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))}
        problems = []
        for r in rows:
            account = accounts.get(int(r["account_id"]))
            name = account.name if account else f"account {r['account_id']}"
            key = str(r["criterion"])
            if account is None:
                problems.append(f"there is no account with id {r['account_id']}")
            elif key not in criteria.BY_KEY:
                problems.append(f"{name}: '{key}' is not a selection criterion")
            else:
                problem = ratings_matrix.cell_problem(r["value"])
                if problem:
                    problems.append(f"{name}, {criteria.label(key)}: {problem}")
        if problems:
            raise RatingsRejected(problems)
        for account in sorted(accounts.values(), key=lambda a: a.name):
            require_account_edit(actor, account.manager_id, account.name)
        for r in rows:
            rating = Rating(account_id=int(r["account_id"]), criterion=str(r["criterion"]),
                            value=int(float(r["value"])), rated_on=on, rated_by=actor.email)
            session.add(rating)
            session.flush()
            record(session, actor, "create", "rating", rating.id,
                   after={"criterion": rating.criterion, "value": rating.value,
                          "rated_on": on, "rated_by": actor.email},
                   account_id=rating.account_id)
        if rows:
            bump_version(session)
    return len(rows)
