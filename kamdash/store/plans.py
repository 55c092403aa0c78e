"""Account plans: reads of every part of a plan, and the writes that keep it.

Every write takes the acting user, checks they may edit the account (or, for the offering
catalogue, that they are an admin), checks every row with ``kamdash.plans.validate_rows`` and
writes nothing when any row has a problem (``PlanEditRejected`` lists them all). A write is
one transaction: the change, the data version and one audit entry per changed row.

The ``save_*`` functions take a whole table of one account's rows (what an editor shows):
rows with a saved id are updated, rows without one added, saved rows missing from the table
deleted. The ``add_*`` functions add one row (what a form gives). Both shapes run the same
checks, so an importer can validate a whole file of rows and write it all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from kamdash import plans
from kamdash.identity import Actor, UserRole, require_account_edit, require_role
from kamdash.models import (
    Account,
    AccountPlan,
    Manager,
    Offering,
    Opportunity,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanTeamMember,
    WhitespaceCell,
)
from kamdash.plans import PlanEditRejected
from kamdash.store.audit import record
from kamdash.store.core import SaveResult, bump_version, ensure_writable, read_frame

__all__ = [
    "PlanEditRejected",
    "PlanSaveResult",
    "add_action",
    "add_goal",
    "add_opportunity",
    "add_review",
    "add_team_member",
    "load_actions",
    "load_goals",
    "load_offerings",
    "load_opportunities",
    "load_plans",
    "load_reviews",
    "load_team",
    "load_whitespace",
    "plan_lookups",
    "save_actions",
    "save_goals",
    "save_offerings",
    "save_opportunities",
    "save_plan_profile",
    "save_team",
    "save_whitespace",
]


# --- reads -------------------------------------------------------------------------------------


def _where_account(stmt, column, account_id: int | None):
    return stmt if account_id is None else stmt.where(column == account_id)


def _dates(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        df[column] = pd.to_datetime(df[column]).astype("datetime64[ns]")
    return df


def load_offerings(engine: Engine) -> pd.DataFrame:
    """The offering catalogue A to Z: offering_id, name, description, active."""
    stmt = select(Offering.id.label("offering_id"), Offering.name, Offering.description,
                  Offering.active).order_by(Offering.name)
    df = read_frame(engine, stmt)
    df["active"] = df["active"].astype(bool)
    return df


def load_plans(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Plans (index account_id): the customer's business (lists one item per line), financial
    health, review_cadence (None: the default), sponsor_id and sponsor (name), updated_at/by."""
    stmt = (select(AccountPlan.account_id, AccountPlan.strategic_goals, AccountPlan.initiatives,
                   AccountPlan.financial_health, AccountPlan.financial_note,
                   AccountPlan.strengths, AccountPlan.weaknesses, AccountPlan.opportunities,
                   AccountPlan.threats, AccountPlan.review_cadence, AccountPlan.sponsor_id,
                   Manager.name.label("sponsor"), AccountPlan.updated_at,
                   AccountPlan.updated_by)
            .join(Manager, Manager.id == AccountPlan.sponsor_id, isouter=True)
            .order_by(AccountPlan.account_id))
    df = read_frame(engine, _where_account(stmt, AccountPlan.account_id, account_id))
    df["sponsor_id"] = df["sponsor_id"].astype("Int64")
    return df.set_index("account_id")


def load_goals(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Goals in account and id order: goal_id, account_id, title, horizon, owner_id, owner,
    start_on, due_on, status, measure, target_value, current_value."""
    stmt = (select(PlanGoal.id.label("goal_id"), PlanGoal.account_id, PlanGoal.title,
                   PlanGoal.horizon, PlanGoal.owner_id, Manager.name.label("owner"),
                   PlanGoal.start_on, PlanGoal.due_on, PlanGoal.status, PlanGoal.measure,
                   PlanGoal.target_value, PlanGoal.current_value)
            .join(Manager, Manager.id == PlanGoal.owner_id, isouter=True)
            .order_by(PlanGoal.account_id, PlanGoal.id))
    df = read_frame(engine, _where_account(stmt, PlanGoal.account_id, account_id))
    df["owner_id"] = df["owner_id"].astype("Int64")
    for column in ("target_value", "current_value"):
        df[column] = df[column].astype(float)
    return _dates(df, "start_on", "due_on")


def load_actions(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Actions in account, goal and id order: action_id, goal_id, goal (its title),
    account_id, what, owner_id, owner, due_on, status, gap."""
    stmt = (select(PlanAction.id.label("action_id"), PlanAction.goal_id,
                   PlanGoal.title.label("goal"), PlanGoal.account_id, PlanAction.what,
                   PlanAction.owner_id, Manager.name.label("owner"), PlanAction.due_on,
                   PlanAction.status, PlanAction.gap)
            .join(PlanGoal, PlanGoal.id == PlanAction.goal_id)
            .join(Manager, Manager.id == PlanAction.owner_id, isouter=True)
            .order_by(PlanGoal.account_id, PlanAction.goal_id, PlanAction.id))
    df = read_frame(engine, _where_account(stmt, PlanGoal.account_id, account_id))
    df["owner_id"] = df["owner_id"].astype("Int64")
    return _dates(df, "due_on")


def load_opportunities(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Opportunities in account and id order: opportunity_id, account_id, name, offering_id,
    offering (its name), buying_centre, value, stage, close_on, lost_reason."""
    stmt = (select(Opportunity.id.label("opportunity_id"), Opportunity.account_id,
                   Opportunity.name, Opportunity.offering_id, Offering.name.label("offering"),
                   Opportunity.buying_centre, Opportunity.value, Opportunity.stage,
                   Opportunity.close_on, Opportunity.lost_reason)
            .join(Offering, Offering.id == Opportunity.offering_id, isouter=True)
            .order_by(Opportunity.account_id, Opportunity.id))
    df = read_frame(engine, _where_account(stmt, Opportunity.account_id, account_id))
    df["offering_id"] = df["offering_id"].astype("Int64")
    df["value"] = df["value"].astype(float)
    return _dates(df, "close_on")


def load_whitespace(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Recorded whitespace cells: account_id, offering_id, offering, buying_centre, status,
    estimated_value."""
    stmt = (select(WhitespaceCell.account_id, WhitespaceCell.offering_id,
                   Offering.name.label("offering"), WhitespaceCell.buying_centre,
                   WhitespaceCell.status, WhitespaceCell.estimated_value)
            .join(Offering, Offering.id == WhitespaceCell.offering_id)
            .order_by(WhitespaceCell.account_id, Offering.name, WhitespaceCell.buying_centre))
    df = read_frame(engine, _where_account(stmt, WhitespaceCell.account_id, account_id))
    df["estimated_value"] = df["estimated_value"].astype(float)
    return df


def load_team(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Account team members: member_id, account_id, manager_id, person (name), email, role."""
    stmt = (select(PlanTeamMember.id.label("member_id"), PlanTeamMember.account_id,
                   PlanTeamMember.manager_id, Manager.name.label("person"), Manager.email,
                   PlanTeamMember.role)
            .join(Manager, Manager.id == PlanTeamMember.manager_id)
            .order_by(PlanTeamMember.account_id, PlanTeamMember.id))
    return read_frame(engine, _where_account(stmt, PlanTeamMember.account_id, account_id))


def load_reviews(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Review notes, newest first: review_id, account_id, held_on, attendees, notes, author."""
    stmt = (select(PlanReview.id.label("review_id"), PlanReview.account_id,
                   PlanReview.held_on, PlanReview.attendees, PlanReview.notes,
                   PlanReview.author)
            .order_by(PlanReview.account_id, PlanReview.held_on.desc(), PlanReview.id.desc()))
    df = read_frame(engine, _where_account(stmt, PlanReview.account_id, account_id))
    return _dates(df, "held_on")


def _lookups(session: Session, account_id: int | None) -> plans.Lookups:
    people: dict[str, int] = {}
    for mid, name, email in session.execute(select(Manager.id, Manager.name, Manager.email)):
        for key in (name, email):
            if key:
                people[str(key).strip().casefold()] = int(mid)
    offerings = {str(name).casefold(): int(oid)
                 for oid, name in session.execute(select(Offering.id, Offering.name))}
    goals = {}
    if account_id is not None:
        goals = {str(title).casefold(): (int(gid), start) for gid, title, start in
                 session.execute(select(PlanGoal.id, PlanGoal.title, PlanGoal.start_on)
                                 .where(PlanGoal.account_id == account_id))}
    return plans.Lookups(people=people, goals=goals, offerings=offerings)


def plan_lookups(engine: Engine, account_id: int | None = None) -> plans.Lookups:
    """What rows may refer to: our people, the account's goals, the offering catalogue."""
    with Session(engine) as session:
        return _lookups(session, account_id)


# --- writes ------------------------------------------------------------------------------------


PlanSaveResult = SaveResult  # what a save did: rows added, changed, deleted


@dataclass(frozen=True)
class _Kind:
    """How one kind of plan row maps onto its table."""

    model: type[SQLModel]
    entity: str
    values: Callable[[dict], dict]  # clean row -> column values
    existing: Callable[[Session, int], list]  # the account's saved rows


def _account_rows(model, column):
    return lambda session, account_id: list(session.scalars(
        select(model).where(column == account_id)))


_KINDS: dict[str, _Kind] = {
    "goal": _Kind(PlanGoal, "plan_goal", lambda r: {
        "title": r["title"], "horizon": r["horizon"], "owner_id": r["owner"],
        "start_on": r["start_on"], "due_on": r["due_on"], "status": r["status"],
        "measure": r["measure"], "target_value": r["target_value"],
        "current_value": r["current_value"]},
        _account_rows(PlanGoal, PlanGoal.account_id)),
    "action": _Kind(PlanAction, "plan_action", lambda r: {
        "goal_id": r["goal"][0], "what": r["what"], "owner_id": r["owner"],
        "due_on": r["due_on"], "status": r["status"], "gap": r["gap"]},
        lambda session, account_id: list(session.scalars(
            select(PlanAction).join(PlanGoal, PlanGoal.id == PlanAction.goal_id)
            .where(PlanGoal.account_id == account_id)))),
    "opportunity": _Kind(Opportunity, "opportunity", lambda r: {
        "name": r["name"], "offering_id": r["offering"], "buying_centre": r["buying_centre"],
        "value": r["value"], "stage": r["stage"], "close_on": r["close_on"],
        "lost_reason": r["lost_reason"] if r["stage"] == "lost" else None},
        _account_rows(Opportunity, Opportunity.account_id)),
    "team": _Kind(PlanTeamMember, "plan_team_member", lambda r: {
        "manager_id": r["person"], "role": r["role"]},
        _account_rows(PlanTeamMember, PlanTeamMember.account_id)),
    "review": _Kind(PlanReview, "plan_review", lambda r: {
        "held_on": r["held_on"], "attendees": r["attendees"], "notes": r["notes"] or ""},
        _account_rows(PlanReview, PlanReview.account_id)),
}
_AUTHORED = ("goal", "action", "opportunity", "review")  # tables with an author column


def _editable_account(session: Session, actor: Actor, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise PlanEditRejected([f"there is no account with id {account_id}"])
    require_account_edit(actor, account.manager_id, account.name)
    return account


def _ensure_plan(session: Session, actor: Actor, account_id: int) -> AccountPlan:
    """The account's plan row, created (and audited) if this is its first part."""
    plan = session.get(AccountPlan, account_id)
    if plan is None:
        plan = AccountPlan(account_id=account_id, updated_by=actor.email)
        session.add(plan)
        session.flush()
        record(session, actor, "create", "account_plan", account_id, None, _values(plan),
               account_id)
    return plan


def _values(row: SQLModel) -> dict:
    return row.model_dump()


def _rows(rows: pd.DataFrame | Sequence[Mapping[str, object]]):
    return rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)


def _save(engine: Engine, actor: Actor, account_id: int, kind: str,
          rows: pd.DataFrame | Sequence[Mapping[str, object]], *, replace: bool
          ) -> tuple[PlanSaveResult, list[int]]:
    """Validate ``rows`` of ``kind`` and write them for the account in one transaction:
    ``replace`` makes them the account's whole list (missing saved rows are deleted);
    otherwise every row is added. Returns what changed and the ids of the rows."""
    ensure_writable()
    spec = _KINDS[kind]
    id_column = plans.ID_COLUMNS[kind]
    with Session(engine) as session, session.begin():
        _editable_account(session, actor, account_id)
        clean, problems = plans.validate_rows(kind, rows, _lookups(session, account_id))
        existing = {r.id: r for r in spec.existing(session, account_id)}
        seen: dict[int, int] = {}
        for n, row in enumerate(clean, start=1):
            sid = row.get(id_column) if replace else None
            if sid is None:
                continue
            if sid not in existing:
                problems.append(f"row {n}: this row is no longer saved for this account "
                                "(changed elsewhere meanwhile?); reload the page and try again")
            elif sid in seen:
                problems.append(f"row {n}: the same row as row {seen[sid]}")
            else:
                seen[sid] = n
        if problems:
            raise PlanEditRejected(problems)
        _ensure_plan(session, actor, account_id)
        added = updated = deleted = 0
        if replace:
            for sid, saved in existing.items():
                if sid not in seen:
                    record(session, actor, "delete", spec.entity, sid, _values(saved), None,
                           account_id)
                    session.delete(saved)
                    deleted += 1
            session.flush()
        ids: list[int] = []
        for row in clean:
            values = spec.values(row)
            sid = row.get(id_column) if replace else None
            if sid is None:
                extra = {"account_id": account_id} if "account_id" in \
                    spec.model.model_fields else {}
                if kind in _AUTHORED:
                    extra["author"] = actor.email
                saved = spec.model(**values, **extra)
                session.add(saved)
                session.flush()
                record(session, actor, "create", spec.entity, saved.id, None, _values(saved),
                       account_id)
                added += 1
            else:
                saved = existing[sid]
                before = _values(saved)
                if any(getattr(saved, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(saved, k, v)
                    if kind in _AUTHORED:
                        saved.author = actor.email
                    session.flush()
                    record(session, actor, "update", spec.entity, sid, before, _values(saved),
                           account_id)
                    updated += 1
            ids.append(int(saved.id))
        result = PlanSaveResult(added, updated, deleted)
        if result.changed:
            bump_version(session)
    return result, ids


def save_goals(engine: Engine, actor: Actor, account_id: int, rows) -> PlanSaveResult:
    """Make ``rows`` (goal_id, and the goal fields of ``plans.FIELDS``) the account's goals;
    a goal deleted takes its actions with it."""
    return _save(engine, actor, account_id, "goal", rows, replace=True)[0]


def save_actions(engine: Engine, actor: Actor, account_id: int, rows) -> PlanSaveResult:
    """Make ``rows`` (action_id, goal by title, and the action fields) the account's actions."""
    return _save(engine, actor, account_id, "action", rows, replace=True)[0]


def save_opportunities(engine: Engine, actor: Actor, account_id: int, rows) -> PlanSaveResult:
    """Make ``rows`` (opportunity_id, and the opportunity fields) the account's opportunities."""
    return _save(engine, actor, account_id, "opportunity", rows, replace=True)[0]


def save_team(engine: Engine, actor: Actor, account_id: int, rows) -> PlanSaveResult:
    """Make ``rows`` (member_id, person by name or e-mail, role) the account's team."""
    return _save(engine, actor, account_id, "team", rows, replace=True)[0]


def _add_one(kind: str):
    def add(engine: Engine, actor: Actor, account_id: int, values: Mapping[str, object]) -> int:
        return _save(engine, actor, account_id, kind, [dict(values)], replace=False)[1][0]
    add.__name__ = f"add_{kind}"
    add.__doc__ = (f"Add one {kind} (the {kind} fields of ``plans.FIELDS``) to the account's "
                   "plan; returns its id. PlanEditRejected (nothing written) on any problem.")
    return add


add_goal = _add_one("goal")
add_action = _add_one("action")
add_opportunity = _add_one("opportunity")
add_team_member = _add_one("team")
add_review = _add_one("review")


_PROFILE_COLUMNS = {"sponsor": "sponsor_id"}


def save_plan_profile(engine: Engine, actor: Actor, account_id: int,
                      values: Mapping[str, object]) -> bool:
    """Save the plan's customer's business, SWOT, review cadence and sponsor (the profile
    fields of ``plans.FIELDS``; a field left out keeps what is saved). True when it changed."""
    ensure_writable()
    with Session(engine) as session, session.begin():
        _editable_account(session, actor, account_id)
        known = {f.name for f in plans.FIELDS["profile"]}
        unknown = sorted(set(values) - known)
        if unknown:
            raise PlanEditRejected([f"there is no plan field {', '.join(unknown)}"])
        clean, problems = plans.validate_rows("profile", [dict(values)],
                                              _lookups(session, account_id))
        if problems:
            raise PlanEditRejected([p.removeprefix("row 1, ") for p in problems])
        plan = _ensure_plan(session, actor, account_id)
        before = _values(plan)
        changed = False
        for name in values:
            column = _PROFILE_COLUMNS.get(name, name)
            if getattr(plan, column) != clean[0][name]:
                setattr(plan, column, clean[0][name])
                changed = True
        if changed:
            plan.updated_at = datetime.now(UTC)
            plan.updated_by = actor.email
            session.flush()
            record(session, actor, "update", "account_plan", account_id, before, _values(plan),
                   account_id)
            bump_version(session)
    return changed


def save_whitespace(engine: Engine, actor: Actor, account_id: int, rows) -> PlanSaveResult:
    """Set the account's whitespace cells named in ``rows`` (offering by name, buying_centre,
    status, estimated_value); a row with a blank status clears its cell. Cells not named stay."""
    ensure_writable()
    with Session(engine) as session, session.begin():
        _editable_account(session, actor, account_id)
        clean, problems = plans.validate_rows("whitespace", rows, _lookups(session, account_id))
        if problems:
            raise PlanEditRejected(problems)
        _ensure_plan(session, actor, account_id)
        added = updated = deleted = 0
        for row in clean:
            key = (account_id, row["offering"], row["buying_centre"])
            saved = session.get(WhitespaceCell, key)
            value = row["estimated_value"] if row["status"] == "potential" else None
            entity_id = f"{row['offering']}/{row['buying_centre']}"
            if row["status"] is None:
                if saved is not None:
                    record(session, actor, "delete", "whitespace_cell", entity_id,
                           _values(saved), None, account_id)
                    session.delete(saved)
                    deleted += 1
            elif saved is None:
                cell = WhitespaceCell(account_id=account_id, offering_id=row["offering"],
                                      buying_centre=row["buying_centre"], status=row["status"],
                                      estimated_value=value)
                session.add(cell)
                record(session, actor, "create", "whitespace_cell", entity_id, None,
                       _values(cell), account_id)
                added += 1
            elif (saved.status, saved.estimated_value) != (row["status"], value):
                before = _values(saved)
                saved.status, saved.estimated_value = row["status"], value
                record(session, actor, "update", "whitespace_cell", entity_id, before,
                       _values(saved), account_id)
                updated += 1
        result = PlanSaveResult(added, updated, deleted)
        if result.changed:
            bump_version(session)
    return result


def save_offerings(engine: Engine, actor: Actor, rows) -> PlanSaveResult:
    """Make ``rows`` (offering_id, name, description, active) the offering catalogue (admins
    only). An offering deleted takes its whitespace cells with it; untick active to keep them."""
    ensure_writable()
    require_role(actor, UserRole.ADMIN, "change the offering catalogue")
    with Session(engine) as session, session.begin():
        clean, problems = plans.validate_rows("offering", rows)
        existing = {o.id: o for o in session.scalars(select(Offering))}
        for n, row in enumerate(clean, start=1):
            if row["offering_id"] is not None and row["offering_id"] not in existing:
                problems.append(f"row {n}: this offering is no longer saved; reload the page")
        if problems:
            raise PlanEditRejected(problems)
        keep = {r["offering_id"] for r in clean if r["offering_id"] is not None}
        deleted = 0
        for oid, saved in existing.items():
            if oid not in keep:
                record(session, actor, "delete", "offering", oid, _values(saved), None)
                session.delete(saved)
                deleted += 1
        session.flush()
        befores = {oid: _values(o) for oid, o in existing.items() if oid in keep}
        for row in clean:  # renamed ones first take a name nobody uses, so names can swap
            if row["offering_id"] is not None \
                    and existing[row["offering_id"]].name != row["name"]:
                existing[row["offering_id"]].name = f"renaming {row['offering_id']}"
        session.flush()
        added = updated = 0
        for row in clean:
            values = {"name": row["name"], "description": row["description"],
                      "active": bool(row["active"])}
            if row["offering_id"] is None:
                saved = Offering(**values)
                session.add(saved)
                session.flush()
                record(session, actor, "create", "offering", saved.id, None, _values(saved))
                added += 1
            else:
                saved = existing[row["offering_id"]]
                before = befores[saved.id]
                if any(before[k] != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(saved, k, v)
                    record(session, actor, "update", "offering", saved.id, before,
                           _values(saved))
                    updated += 1
        result = PlanSaveResult(added, updated, deleted)
        if result.changed:
            bump_version(session)
    return result
