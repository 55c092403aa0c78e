"""The audit trail: every write records who changed what, in the same transaction.

A write function calls ``record`` inside its own ``session.begin()`` block, so the change and
its audit row land together or not at all. Nothing here ever updates or deletes an entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kamdash.identity import Actor
from kamdash.models import Account, AuditEntry
from kamdash.store.core import read_frame

__all__ = ["audit_values", "load_audit", "record"]


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def audit_values(values: Mapping[str, object] | None) -> str | None:
    """A row's values as stored in the trail: a JSON object with dates as ISO text."""
    if values is None:
        return None
    return json.dumps(dict(values), default=_json_default, ensure_ascii=False, sort_keys=True)


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: object,
           before: Mapping[str, object] | None = None,
           after: Mapping[str, object] | None = None,
           account_id: int | None = None) -> None:
    """Add one audit entry to ``session``'s open transaction (``action``: create, update or
    delete; ``before`` / ``after``: the changed row's values, None where it did not exist)."""
    session.add(AuditEntry(at=datetime.now(UTC), actor=actor.email, action=action,
                           entity=entity, entity_id=str(entity_id), account_id=account_id,
                           before=audit_values(before), after=audit_values(after)))


def load_audit(engine: Engine, *, actor: str | None = None, account_id: int | None = None,
               since: date | None = None, until: date | None = None,
               limit: int = 5_000) -> pd.DataFrame:
    """Audit entries, newest first, with the account's name; filtered by who, which account
    and a date range (``until`` inclusive). ``before`` and ``after`` are decoded to dicts."""
    stmt = (select(AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action,
                   AuditEntry.entity, AuditEntry.entity_id, AuditEntry.account_id,
                   Account.name.label("account"), AuditEntry.before, AuditEntry.after)
            .join(Account, Account.id == AuditEntry.account_id, isouter=True))
    if actor is not None:
        stmt = stmt.where(AuditEntry.actor == actor)
    if account_id is not None:
        stmt = stmt.where(AuditEntry.account_id == account_id)
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(since, time(), UTC))
    if until is not None:
        stmt = stmt.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time(),
                                                           UTC))
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    frame = read_frame(engine, stmt)
    for column in ("before", "after"):
        frame[column] = frame[column].map(lambda v: json.loads(v) if isinstance(v, str) else None)
    return frame
