"""The key-account programme: the service catalogue and each key account's agreement.
Writes take whole frames and are all or nothing (the editors and, later, files use them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kamdash import programme
from kamdash.decisions import Rejected
from kamdash.identity import Actor, UserRole, require_account_edit, require_role
from kamdash.models import Account, ProgrammeAgreement, ProgrammeService
from kamdash.store.audit import record
from kamdash.store.core import bump_version, ensure_writable, read_frame

__all__ = ["ProgrammeRejected", "load_agreements", "load_services", "save_agreements",
           "save_services"]

EDIT_CATALOGUE = "edit the key-account programme's services"
AGREEMENT_FIELDS = ("status", "agreed_on", "next_review", "services", "customer_commits",
                    "document_url")


class ProgrammeRejected(Rejected):
    """Programme data that cannot be saved; nothing was written."""


def load_services(engine: Engine) -> pd.DataFrame:
    """The catalogue (index ``service_id``): ``name``, ``description``, ``active``."""
    frame = read_frame(engine, select(
        ProgrammeService.id.label("service_id"), ProgrammeService.name,
        ProgrammeService.description, ProgrammeService.active).order_by(ProgrammeService.id))
    frame["active"] = frame["active"].astype(bool)
    return frame.set_index("service_id")


def save_services(engine: Engine, actor: Actor, services: pd.DataFrame) -> int:
    """Make ``services`` (``service_id`` blank for a new one, ``name``, ``description``,
    ``active``) the catalogue: new rows added, known ones updated. Services are never deleted
    (agreements refer to them); untick ``active`` to retire one. Leadership only. Returns
    how many rows changed; ``ProgrammeRejected`` (nothing written) for a blank or duplicate
    name or an unknown id."""
    ensure_writable()
    require_role(actor, UserRole.LEADERSHIP, EDIT_CATALOGUE)
    problems = programme.service_problems(services)
    changed = 0
    with Session(engine) as session, session.begin():
        existing = {s.id: s for s in session.scalars(select(ProgrammeService))}
        ids = services["service_id"] if "service_id" in services else [None] * len(services)
        for row, sid in enumerate(ids, start=1):
            if pd.notna(sid) and int(sid) not in existing:
                problems.append(f"row {row}: service {int(sid)} is no longer in the catalogue; "
                                "reload the page")
        if problems:
            raise ProgrammeRejected(problems)
        for sid, name, description, active in zip(
                ids, services["name"], services["description"].fillna(""),
                services["active"].fillna(True), strict=True):
            values = {"name": str(name).strip(), "description": str(description).strip(),
                      "active": bool(active)}
            row = existing.get(int(sid)) if pd.notna(sid) else None
            before = None if row is None else {k: getattr(row, k) for k in values}
            if before == values:
                continue
            row = row or ProgrammeService(**values)
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)
            session.flush()
            record(session, actor, "create" if before is None else "update",
                   "programme_service", row.id, before=before, after=values)
            changed += 1
        if changed:
            bump_version(session)
    return changed


def load_agreements(engine: Engine) -> pd.DataFrame:
    """One row per account that has a programme record (index ``account_id``): the
    ``AGREEMENT_FIELDS`` (``services`` as a tuple of service ids), ``updated_by``,
    ``updated_on``."""
    frame = read_frame(engine, select(ProgrammeAgreement).order_by(
        ProgrammeAgreement.account_id)).set_index("account_id")
    frame["services"] = frame["services"].map(programme.split_services).astype(object)
    for column in ("agreed_on", "next_review", "updated_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _agreement(values: Mapping[str, object]) -> programme.Agreement:
    def day(key: str) -> date | None:
        value = values.get(key)
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    url = values.get("document_url")
    return programme.Agreement(
        status=str(values.get("status") or "not_offered"),
        agreed_on=day("agreed_on"), next_review=day("next_review"),
        services=tuple(int(s) for s in (values.get("services") or ())),
        customer_commits=str(values.get("customer_commits") or "").strip(),
        document_url=None if url is None or pd.isna(url) or not str(url).strip()
        else str(url).strip())


def save_agreements(engine: Engine, actor: Actor,
                    agreements: Iterable[Mapping[str, object]], today: date) -> int:
    """Set the programme status of each account in ``agreements`` (dicts with
    ``account_id`` and the ``AGREEMENT_FIELDS``; ``services`` a list of service ids).
    All or nothing: any problem (named with the account) raises ``ProgrammeRejected``; an
    account the actor may not change raises ``Refused``. Returns how many rows changed."""
    ensure_writable()
    with Session(engine) as session, session.begin():
        added, updated = write_agreements(session, actor, agreements, today)
        if added or updated:
            bump_version(session)
    return added + updated


def write_agreements(session: Session, actor: Actor, agreements: Iterable[Mapping[str, object]],
                     today: date) -> tuple[int, int]:
    """``save_agreements`` inside the caller's transaction (an import's), without bumping
    the data version: how many agreements were added and how many updated."""
    rows = [dict(r) for r in agreements]
    added = updated = 0
    ids = {int(r["account_id"]) for r in rows}
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))}
    service_ids = set(session.scalars(select(ProgrammeService.id)))
    problems = []
    clean = []
    for r in rows:
        account = accounts.get(int(r["account_id"]))
        if account is None:
            problems.append(f"there is no account with id {r['account_id']}")
            continue
        agreement = _agreement(r)
        problems += [f"{account.name}: {p}"
                     for p in programme.agreement_problems(agreement, service_ids)]
        clean.append((account, agreement))
    if problems:
        raise ProgrammeRejected(problems)
    for account, _ in clean:
        require_account_edit(actor, account.manager_id, account.name)
    for account, agreement in clean:
        values = {"status": agreement.status, "agreed_on": agreement.agreed_on,
                  "next_review": agreement.next_review,
                  "services": programme.join_services(agreement.services),
                  "customer_commits": agreement.customer_commits,
                  "document_url": agreement.document_url}
        row = session.get(ProgrammeAgreement, account.id)
        before = None if row is None else {k: getattr(row, k) for k in values}
        if before == values:
            continue
        row = row or ProgrammeAgreement(account_id=account.id)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_by, row.updated_on = actor.email, today
        session.add(row)
        session.flush()
        record(session, actor, "create" if before is None else "update",
               "programme_agreement", account.id, before=before, after=values,
               account_id=account.id)
        if before is None:
            added += 1
        else:
            updated += 1
    return added, updated
