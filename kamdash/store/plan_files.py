"""Plan files: goals, actions and opportunities imported and exported like the other files.

The reader takes every cell as text; the rules are ``kamdash.plans.validate_rows``' (the same
the Plan tab's forms and editors obey), run per account with that account's lookups (our
people, its goals, the catalogue). Their "row N, column C" problems become the file's
"line N, column C". Rows are matched by natural key ignoring case: goals by (account,
title), actions by (account, goal, what), opportunities by (account, name). The write is
``kamdash.store.imports``' one upsert skeleton: a new row added, a changed one updated, an
identical one left alone, each signed (``author``) by the importing user and audited; an
account that gets its first plan row gets its plan too. A documented column the file leaves
out keeps what is saved.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from kamdash import files, plans
from kamdash.fields import Problem
from kamdash.files import ParsedFile
from kamdash.models import Account, Manager, Offering, Opportunity, PlanAction, PlanGoal
from kamdash.store import plans as plan_store
from kamdash.store.imports import (
    ImportResult,
    _account_ids,
    _KindStore,
    _match,
    _read,
    _result,
    _upsert,
    _Write,
)

# file kind -> the kind of plan row (kamdash.plans.FIELDS) its rows are
PLAN_KIND = {"goals": "goal", "actions": "action", "opportunities": "opportunity"}
# file column -> table column, where they differ
_COLUMN = {"owner": "owner_id", "goal": "goal_id", "offering": "offering_id"}
_MODELS = {"goals": PlanGoal, "actions": PlanAction, "opportunities": Opportunity}
_NAME = {"goals": "title", "actions": "what", "opportunities": "name"}  # the key's name part
_ROW = re.compile(r"^row (\d+), column (.+?): (.*)$", re.S)


def _validated(conn: Connection, rows: pd.DataFrame, kind: str
               ) -> tuple[pd.Series, dict[int, dict], list[Problem]]:
    """Account id per row, the clean row per file line, and every problem as the file's."""
    ids, problems = _account_ids(conn, rows)
    plan_kind = PLAN_KIND[kind]
    by_label = {label: name for name, label in plans.labels(plan_kind).items()}
    clean: dict[int, dict] = {}
    known = ids.notna()
    with Session(bind=conn) as session:
        for account_id, group in rows[known].groupby(ids[known], sort=False):
            lookups = plan_store._lookups(session, int(account_id))
            lines = [int(x) for x in group["line"]]
            values, found = plans.validate_rows(plan_kind, group.drop(columns="line"), lookups)
            clean.update(zip(lines, values, strict=True))
            for text in found:
                n, label, message = _ROW.match(text).groups()
                message = re.sub(r"^the same as row (\d+)",  # not in a quoted value
                                 lambda m, at=lines: f"the same as line {at[int(m[1]) - 1]}",
                                 message)
                problems.append(Problem(lines[int(n) - 1], by_label.get(label, label), message))
    return ids, clean, problems


def _check(kind: str):
    def check(conn: Connection, rows: pd.DataFrame, parsed: ParsedFile) -> list[Problem]:
        said = {(p.line, p.column) for p in parsed.problems}  # the reader's say comes first
        return [p for p in _validated(conn, rows, kind)[2] if (p.line, p.column) not in said]
    return check


def _day(value: object) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _saved(w: _Write, kind: str) -> pd.DataFrame:
    model = _MODELS[kind]
    columns = [c.name for c in model.__table__.columns if c.name != "author"]
    stmt = select(*[model.__table__.c[c] for c in columns])
    if kind == "actions":
        stmt = stmt.add_columns(PlanGoal.account_id).join(PlanGoal,
                                                          PlanGoal.id == PlanAction.goal_id)
    frame = _read(w.session, stmt)
    for column in ("start_on", "due_on", "close_on"):
        if column in frame:
            frame[column] = frame[column].map(_day).astype(object)
    return frame


def _write(kind: str):
    def write(w: _Write) -> ImportResult:
        if w.parsed.rows.empty:  # a header (and blank lines) only
            return ImportResult(kind)
        conn = w.session.connection()
        ids, clean, _ = _validated(conn, w.parsed.rows, kind)
        spec = plan_store._KINDS[PLAN_KIND[kind]]
        rows = pd.DataFrame([spec.values(clean[int(line)]) for line in w.parsed.rows["line"]],
                            index=w.parsed.rows.index)
        rows["account_id"] = ids.astype("int64")
        rows["author"] = w.actor.email
        name = _NAME[kind]
        rows["_key"] = rows[name].str.casefold()
        existing = _saved(w, kind)
        existing["_key"] = existing[name].astype(str).str.casefold()
        key = ["goal_id", "_key"] if kind == "actions" else ["account_id", "_key"]
        w.report(0.1)
        merged = _match(rows, existing, key)
        present = [_COLUMN.get(c, c) for c in w.parsed.present if c != "account"]
        compared = [c for c in present if c not in key]
        if kind == "opportunities" and "stage" in compared and "lost_reason" not in compared:
            compared.append("lost_reason")  # a stage no longer lost clears the reason
        new_columns = [c.name for c in _MODELS[kind].__table__.columns if c.name != "id"]
        done = _upsert(w, _MODELS[kind], merged, new_columns, [*compared, "author"],
                       compared=compared, span=(0.1, 0.9))
        for account_id in merged.loc[done.is_new | done.changed, "account_id"].unique():
            plan_store._ensure_plan(w.session, w.actor, int(account_id))
        return _result(w, done)
    return write


# --- reads for export: the words and numbers the import takes back ------------------------

def _number(value: object) -> str | None:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _iso(value: object) -> str | None:
    day = _day(value)
    return None if day is None else day.isoformat()


def _words(choices: dict[str, str]):
    return lambda value: None if value is None or pd.isna(value) else choices.get(value, value)


_OWNER = func.coalesce(Manager.email, Manager.name).label("owner")
_FORMAT = {"horizon": _words(plans.HORIZONS), "start_on": _iso, "due_on": _iso,
           "close_on": _iso, "target_value": _number, "current_value": _number,
           "value": _number}


def _read_kind(kind: str):
    def read(conn: Connection) -> pd.DataFrame:
        if kind == "goals":
            stmt = (select(Account.name.label("account"), PlanGoal.title, PlanGoal.horizon,
                           _OWNER, PlanGoal.start_on, PlanGoal.due_on, PlanGoal.status,
                           PlanGoal.measure, PlanGoal.target_value, PlanGoal.current_value)
                    .join(Account, Account.id == PlanGoal.account_id)
                    .order_by(Account.name, PlanGoal.id))
            owner_join = PlanGoal.owner_id
            statuses = plans.GOAL_STATUSES
        elif kind == "actions":
            stmt = (select(Account.name.label("account"), PlanGoal.title.label("goal"),
                           PlanAction.what, _OWNER, PlanAction.due_on, PlanAction.status,
                           PlanAction.gap)
                    .join(PlanGoal, PlanGoal.id == PlanAction.goal_id)
                    .join(Account, Account.id == PlanGoal.account_id)
                    .order_by(Account.name, PlanGoal.id, PlanAction.id))
            owner_join = PlanAction.owner_id
            statuses = plans.ACTION_STATUSES
        else:
            stmt = (select(Account.name.label("account"), Opportunity.name,
                           Offering.name.label("offering"), Opportunity.buying_centre,
                           Opportunity.value, Opportunity.stage, Opportunity.close_on,
                           Opportunity.lost_reason)
                    .join(Account, Account.id == Opportunity.account_id)
                    .join(Offering, Offering.id == Opportunity.offering_id, isouter=True)
                    .order_by(Account.name, Opportunity.id))
            owner_join, statuses = None, plans.STAGES
        if owner_join is not None:
            stmt = stmt.join(Manager, Manager.id == owner_join, isouter=True)
        frame = pd.read_sql(stmt, conn)
        for column, show in {**_FORMAT, "status": _words(statuses),
                             "stage": _words(statuses)}.items():
            if column in frame:
                frame[column] = frame[column].map(show).astype(object)
        return files.typed(kind, frame)
    return read


PLAN_STORES: dict[str, _KindStore] = {
    kind: _KindStore(_check(kind), _write(kind), _read_kind(kind)) for kind in PLAN_KIND
}
