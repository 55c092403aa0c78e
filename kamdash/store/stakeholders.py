"""Stakeholders and contact facts: the reads stakeholder coverage needs, and the in-place edit.

``save_stakeholders`` applies an edited table of one account's stakeholders (adds, edits,
deletes) in one transaction, after checking every row by ``kamdash.fields``' rules (the
importer's): any problem rejects the whole edit with ``fields.Rejected`` listing "row N,
column C: what is wrong", and nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session

from kamdash import fields, roles
from kamdash.fields import Problem, Rejected
from kamdash.identity import Actor, require_account_edit
from kamdash.models import Account, Engagement, Stakeholder
from kamdash.store.audit import record
from kamdash.store.core import SaveResult, bump_version, ensure_writable, read_frame

__all__ = [
    "STAKEHOLDER_EDIT_COLUMNS",
    "StakeholderEditRejected",
    "StakeholderSaveResult",
    "load_contacts",
    "load_stakeholders",
    "save_stakeholders",
    "validate_stakeholder_edits",
]

# The columns of an edited stakeholder table and the words the messages (and the editor) use.
STAKEHOLDER_EDIT_COLUMNS: dict[str, str] = {
    "name": "Name",
    "title": "Title",
    "department": "Department",
    "roles": "Roles",
    "influence": "Influence",
    "stance": "Stance",
    "reports_to": "Reports to",
    "email": "Email",
    "active": "Active",
}
_FIELDS = ("name", "title", "department", "roles", "influence", "stance", "email", "active")


# --- reads ---------------------------------------------------------------------------------


def load_stakeholders(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Stakeholders (of one account, or all) in account and id order: stakeholder_id,
    account_id, name, title, department, roles (';'-joined keys), influence, stance,
    reports_to_id, reports_to (their manager's name), email, active."""
    boss = aliased(Stakeholder)
    stmt = (
        select(
            Stakeholder.id.label("stakeholder_id"),
            Stakeholder.account_id,
            Stakeholder.name,
            Stakeholder.title,
            Stakeholder.department,
            Stakeholder.roles,
            Stakeholder.influence,
            Stakeholder.stance,
            Stakeholder.reports_to_id,
            boss.name.label("reports_to"),
            Stakeholder.email,
            Stakeholder.active,
        )
        .join(boss, boss.id == Stakeholder.reports_to_id, isouter=True)
        .order_by(Stakeholder.account_id, Stakeholder.id)
    )
    if account_id is not None:
        stmt = stmt.where(Stakeholder.account_id == account_id)
    df = read_frame(engine, stmt)
    df["reports_to_id"] = df["reports_to_id"].astype("Int64")
    df["stance"] = df["stance"].astype(int)
    df["active"] = df["active"].astype(bool)
    df["roles"] = df["roles"].fillna("")
    return df


def load_contacts(
    engine: Engine, as_of: date, recent_days: int, account_id: int | None = None
) -> pd.DataFrame:
    """Contact facts per (account_id, stakeholder_id) from engagements up to ``as_of``:
    last_contact and recent_engagements (within ``recent_days`` of ``as_of``), and that
    window (as_of, recent_days: the coverage engine checks it is the one it judges by).
    Touches with nobody named form one row per account with a missing stakeholder_id. The
    shape of ``kamdash.coverage.contact_summary``, grouped in SQL. ``recent_days`` has no
    default: the caller passes ``kamdash.coverage.STALE_DAYS`` or its own threshold."""
    since = as_of - timedelta(days=recent_days)
    stmt = (
        select(
            Engagement.account_id,
            Engagement.stakeholder_id,
            func.max(Engagement.date).label("last_contact"),
            func.sum(case((Engagement.date >= since, 1), else_=0)).label("recent_engagements"),
        )
        .where(Engagement.date <= as_of)
        .group_by(Engagement.account_id, Engagement.stakeholder_id)
        .order_by(Engagement.account_id, Engagement.stakeholder_id.asc().nulls_last())
    )
    if account_id is not None:
        stmt = stmt.where(Engagement.account_id == account_id)
    df = read_frame(engine, stmt)
    return pd.DataFrame({
        "account_id": df["account_id"].astype("int64"),
        "stakeholder_id": df["stakeholder_id"].astype("Int64"),
        "last_contact": pd.to_datetime(df["last_contact"]).astype("datetime64[ns]"),
        "recent_engagements": df["recent_engagements"].fillna(0).astype("int64"),
        "as_of": pd.Series(pd.Timestamp(as_of), index=df.index, dtype="datetime64[ns]"),
        "recent_days": pd.Series(int(recent_days), index=df.index, dtype="int64"),
    })


# --- the edit ------------------------------------------------------------------------------


# The old name of the one rejection error, for callers that still use it.
StakeholderEditRejected = Rejected


StakeholderSaveResult = SaveResult  # what a save did: people added, changed, deleted


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not any(not _blank(v) for v in value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes
        return False


def _as_list(value: object) -> list[str] | str:
    if isinstance(value, str):
        return value
    if hasattr(value, "tolist"):
        value = value.tolist()
    return [str(v) for v in value if not _blank(v)] if isinstance(value, list | tuple) else str(
        value)


def validate_stakeholder_edits(
    edited: pd.DataFrame, saved: Mapping[int, str] | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check and normalise an edited table of one account's stakeholders.

    ``edited`` has ``stakeholder_id`` (missing for new people) and the
    ``STAKEHOLDER_EDIT_COLUMNS``; roles may be CRM words (a string or a list), stance a label
    or -2..+2, influence any case; reports_to names another row. Blank influence means
    medium, blank stance neutral, blank active yes. ``saved`` (stakeholder_id -> name, the
    account's people as saved now) lets a reports_to that names someone this edit removes or
    renames say so. Returns the clean table (roles as stored keys, stance as a number,
    reports_to_row = position of the manager's row or -1) and the problems, "row N, column C:
    what is wrong" (rows counted from 1 as the table shows them); the table is only
    meaningful when there are none.
    """
    label = STAKEHOLDER_EDIT_COLUMNS
    absent = [c for c in ("stakeholder_id", *label) if c not in edited.columns]
    if absent:
        return pd.DataFrame(), [Problem(message=f"the table has no column {', '.join(absent)}")]
    found: list[tuple[int, str, str]] = []  # (row, column, what is wrong)
    rows: list[dict] = []
    for n, (_, raw) in enumerate(edited.iterrows(), start=1):
        row: dict[str, object] = {}

        def problem(col: str, message: str, n: int = n) -> None:
            found.append((n, col, message))

        sid = raw["stakeholder_id"]
        row["stakeholder_id"] = None if _blank(sid) else int(sid)
        for col in ("name", "title", "department"):
            text = "" if _blank(raw[col]) else " ".join(str(raw[col]).split())
            row[col] = text or None
            try:
                if col == "name" and text:
                    fields.name(text)
                else:
                    fields.text(text, col)
            except ValueError as exc:
                problem(col, str(exc))
        if row["name"] is None:
            problem("name", "is empty; every stakeholder needs a name")
        try:
            row["roles"] = ";".join(roles.parse_roles(
                None if _blank(raw["roles"]) else _as_list(raw["roles"])))
        except ValueError as exc:
            problem("roles", str(exc))
        try:
            row["influence"] = ("medium" if _blank(raw["influence"])
                                else roles.parse_influence(str(raw["influence"])))
        except ValueError as exc:
            problem("influence", str(exc))
        try:
            row["stance"] = 0 if _blank(raw["stance"]) else roles.parse_stance(raw["stance"])
        except ValueError as exc:
            problem("stance", str(exc))
        email = "" if _blank(raw["email"]) else str(raw["email"]).strip()
        try:
            row["email"] = fields.email(email) if email else None
        except ValueError as exc:
            problem("email", str(exc))
            row["email"] = None
        active = raw["active"]
        if _blank(active):
            row["active"] = True
        elif isinstance(active, bool) or str(active).lower() in ("true", "false", "1", "0"):
            row["active"] = active if isinstance(active, bool) else str(active).lower() in (
                "true", "1")
        else:
            problem("active", f"{fields.shown(active)} is not yes or no")
        row["reports_to"] = None if _blank(raw["reports_to"]) else " ".join(
            str(raw["reports_to"]).split())
        rows.append(row)

    # Names are unique within an account (case-insensitively: they are how people are found).
    names = [(None, row.get("name")) for row in rows]
    for at, first in fields.repeated_names(names).items():
        found.append((at + 1, "name", f"{fields.shown(rows[at]['name'])} is already row "
                                      f"{first + 1}; names must be unique within the account"))
    first_row = {fields.fold(name): n for n, (_, name) in reversed(list(enumerate(names, 1)))
                 if name is not None}
    boss_row: list[int] = []
    leaving = _leaving(rows, saved or {})
    for n, row in enumerate(rows, start=1):
        boss = row["reports_to"]
        if boss is None:
            boss_row.append(-1)
            continue
        at = first_row.get(fields.fold(boss))
        if at is None:
            found.append((n, "reports_to", leaving.get(
                fields.fold(boss),
                f"{fields.shown(boss)} is not a stakeholder of this account; add them as a row "
                "of their own, or leave it empty")))
            boss_row.append(-1)
        elif at == n:
            found.append((n, "reports_to", "a person cannot report to themselves"))
            boss_row.append(-1)
        else:
            boss_row.append(at - 1)
    circling = fields.reporting_circles({n: b if b >= 0 else None
                                         for n, b in enumerate(boss_row)})
    for n in sorted(circling):  # a reporting line must not run in a circle
        found.append((n + 1, "reports_to", "the reporting line runs in a circle back to "
                                           f"{fields.shown(rows[n]['name'])}"))
    clean = pd.DataFrame(rows, columns=["stakeholder_id", *label])
    clean["reports_to_row"] = boss_row
    clean["stakeholder_id"] = clean["stakeholder_id"].astype("Int64")
    found.sort(key=lambda p: p[0])  # row by row, as the table reads (a stable sort)
    return clean, [Problem(n, label[col], message, unit="row") for n, col, message in found]


def _leaving(rows: list[dict], saved: Mapping[int, str]) -> dict[str, str]:
    """What to tell a report whose manager's saved name this edit takes away: casefolded old
    name -> message, for people deleted or renamed in the edit."""
    kept = {r["stakeholder_id"]: r["name"] for r in rows if r["stakeholder_id"] is not None}
    said: dict[str, str] = {}
    for sid, name in saved.items():
        if sid not in kept:
            said[fields.fold(name)] = (f"{fields.shown(name)} is being removed in this save; "
                                       "choose another manager or leave it empty")
        elif kept[sid] is not None and kept[sid] != name:
            said[fields.fold(name)] = (f"{fields.shown(name)} is being renamed to "
                                       f"{fields.shown(kept[sid])} in this save; choose the "
                                       "new name")
    return said


def save_stakeholders(
    engine: Engine, account_id: int, edited: pd.DataFrame, actor: Actor
) -> StakeholderSaveResult:
    """Make ``edited`` the stakeholder list of ``account_id``: rows without a stakeholder_id
    are added, known ones updated, people missing from the table deleted (their engagements
    stay, without a name). One transaction, with an audit entry per changed person (before
    and after); ``Refused`` unless ``actor`` may edit the account, ``fields.Rejected`` if any
    row has a problem (see ``validate_stakeholder_edits``): either way nothing is written."""
    ensure_writable()
    with Session(engine) as session, session.begin():
        account = session.get(Account, account_id)
        if account is None:
            raise Rejected([Problem(message=f"there is no account with id {account_id}")])
        require_account_edit(actor, account.manager_id, account.name)
        existing = {
            s.id: s for s in session.scalars(
                select(Stakeholder).where(Stakeholder.account_id == account_id))
        }
        clean, problems = validate_stakeholder_edits(
            edited, {sid: s.name for sid, s in existing.items()})
        seen: dict[int, int] = {}
        for n, sid in enumerate(clean.get("stakeholder_id", []), start=1):
            if pd.isna(sid):
                continue
            if int(sid) not in existing:
                problems.append(Problem(n, "", "this person is no longer saved for this account "
                                        "(changed elsewhere meanwhile?); reload the page and "
                                        "try again", unit="row"))
            elif int(sid) in seen:
                problems.append(Problem(n, "", f"the same person as row {seen[int(sid)]}",
                                        unit="row"))
            else:
                seen[int(sid)] = n
        if problems:
            raise Rejected(problems)
        before = {sid: _audited(s) for sid, s in existing.items()}
        result = _apply(session, account_id, clean, existing)
        _record_changes(session, actor, account_id, before)
        if result.changed:
            bump_version(session)
    return result


def _audited(person: Stakeholder) -> dict[str, object]:
    return {f: getattr(person, f) for f in (*_FIELDS, "reports_to_id")}


def _record_changes(session: Session, actor: Actor, account_id: int,
                    before: dict[int, dict[str, object]]) -> None:
    """One audit entry per person added, changed or deleted, with their values before and
    after (ids: the stakeholder's)."""
    now = {s.id: _audited(s) for s in session.scalars(
        select(Stakeholder).where(Stakeholder.account_id == account_id))}
    for sid in sorted(before.keys() | now.keys()):
        old, new = before.get(sid), now.get(sid)
        if old == new:
            continue
        action = "create" if old is None else "delete" if new is None else "update"
        record(session, actor, action, "stakeholder", sid, old, new, account_id=account_id)


def _same(field: str, saved: object, edited: object) -> bool:
    if field == "roles":  # the same roles in another order are no change
        return set(str(saved or "").split(";")) == set(str(edited or "").split(";"))
    return saved == edited


def _apply(session: Session, account_id: int, clean: pd.DataFrame,
           existing: dict[int, Stakeholder]) -> StakeholderSaveResult:
    keep = {int(s) for s in clean["stakeholder_id"].dropna()}
    gone = [s for sid, s in existing.items() if sid not in keep]
    for person in gone:
        session.delete(person)
    session.flush()  # free the names of deleted people before anyone takes them
    records = clean.astype(object).where(clean.notna(), None).to_dict("records")
    # Renamed people first move to a name nobody uses, so that swapping two names works.
    renamed = [r for r in records if r["stakeholder_id"] is not None
               and existing[r["stakeholder_id"]].name != r["name"]]
    for r in renamed:
        existing[r["stakeholder_id"]].name = f"renaming {uuid.uuid4().hex}"
    session.flush()
    people: list[Stakeholder] = []
    updated: set[int] = set()
    for r in records:
        values = {f: r[f] for f in _FIELDS}
        if r["stakeholder_id"] is None:
            person = Stakeholder(account_id=account_id, **values)
            session.add(person)
        else:
            person = existing[r["stakeholder_id"]]
            if r in renamed or any(not _same(f, getattr(person, f), v) for f, v in values.items()):
                updated.add(r["stakeholder_id"])
                for f, v in values.items():
                    setattr(person, f, v)
        people.append(person)
    session.flush()  # new people get their ids
    for r, person in zip(records, people, strict=True):
        boss = people[r["reports_to_row"]].id if r["reports_to_row"] >= 0 else None
        if person.reports_to_id != boss:
            person.reports_to_id = boss
            if r["stakeholder_id"] is not None:
                updated.add(r["stakeholder_id"])
    session.flush()
    added = sum(r["stakeholder_id"] is None for r in records)
    return StakeholderSaveResult(added=added, updated=len(updated), deleted=len(gone))
