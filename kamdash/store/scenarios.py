"""Saved what-if scenarios: save, rename, delete and list them.

Leadership saves scenarios (``kamdash.identity``); the author is the actor, and every write
lands with its audit entry in one transaction. A name is taken once: saving under an
existing name is refused (``ScenarioNameTaken``) rather than silently overwriting someone
else's scenario.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kamdash.identity import Actor, UserRole, require_role
from kamdash.models import Scenario
from kamdash.store.audit import record
from kamdash.store.core import bump_version, ensure_writable, read_frame

__all__ = [
    "ScenarioNameTaken",
    "ScenarioNotFound",
    "delete_scenario",
    "load_scenarios",
    "rename_scenario",
    "save_scenario",
]


class ScenarioNameTaken(ValueError):
    """A scenario of that name exists already; the message says so in words for the page."""


class ScenarioNotFound(LookupError):
    """No saved scenario has that name (someone else renamed or deleted it meanwhile)."""


def _values(row: Scenario) -> dict[str, object]:
    return {"name": row.name, "weights": json.loads(row.weights), "rule": json.loads(row.rule),
            "author": row.author}


def _find(session: Session, name: str) -> Scenario | None:
    found = session.exec(select(Scenario).where(Scenario.name == name)).first()
    return found[0] if found else None


def _taken(name: str) -> ScenarioNameTaken:
    return ScenarioNameTaken(f"A scenario called “{name}” exists already. Choose another "
                             "name, or delete the old one first.")


def save_scenario(engine: Engine, actor: Actor, name: str, weights: Mapping[str, float],
                  rule: Mapping[str, object]) -> None:
    """Save a new what-if scenario under ``name``, authored by ``actor``. ``Refused`` below
    leadership; ``ScenarioNameTaken`` when the name is in use (nothing is written)."""
    ensure_writable()
    require_role(actor, UserRole.LEADERSHIP, "save scenarios")
    with Session(engine) as session, session.begin():
        if _find(session, name) is not None:
            raise _taken(name)
        row = Scenario(name=name, weights=json.dumps(dict(weights)),
                       rule=json.dumps(dict(rule)), author=actor.email,
                       created_at=datetime.now(UTC))
        session.add(row)
        session.flush()
        record(session, actor, "create", "scenario", name, None, _values(row))
        bump_version(session)


def rename_scenario(engine: Engine, actor: Actor, name: str, new_name: str) -> None:
    """Give the scenario ``name`` the name ``new_name`` (its author and contents stay).
    ``ScenarioNotFound`` / ``ScenarioNameTaken`` / ``Refused``, writing nothing."""
    ensure_writable()
    require_role(actor, UserRole.LEADERSHIP, "rename scenarios")
    with Session(engine) as session, session.begin():
        row = _find(session, name)
        if row is None:
            raise ScenarioNotFound(f"There is no saved scenario called “{name}” any more.")
        if new_name == name:
            return
        if _find(session, new_name) is not None:
            raise _taken(new_name)
        before = _values(row)
        row.name = new_name
        session.add(row)
        record(session, actor, "update", "scenario", name, before, _values(row))
        bump_version(session)


def delete_scenario(engine: Engine, actor: Actor, name: str) -> None:
    """Delete the saved scenario ``name``. ``ScenarioNotFound`` / ``Refused``."""
    ensure_writable()
    require_role(actor, UserRole.LEADERSHIP, "delete scenarios")
    with Session(engine) as session, session.begin():
        row = _find(session, name)
        if row is None:
            raise ScenarioNotFound(f"There is no saved scenario called “{name}” any more.")
        before = _values(row)
        session.delete(row)
        record(session, actor, "delete", "scenario", name, before, None)
        bump_version(session)


def load_scenarios(engine: Engine) -> pd.DataFrame:
    """Saved scenarios, newest first, with ``weights`` and ``rule`` decoded to dicts."""
    stmt = select(
        Scenario.name, Scenario.weights, Scenario.rule, Scenario.author, Scenario.created_at
    ).order_by(Scenario.created_at.desc(), Scenario.id.desc())
    df = read_frame(engine, stmt)
    df["weights"] = df["weights"].map(json.loads)
    df["rule"] = df["rule"].map(json.loads)
    return df
