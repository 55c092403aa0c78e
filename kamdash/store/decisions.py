"""Key-account decisions: proposals (a scenario's snapshot with its promotions and
demotions), leadership's approval or rejection, and the designation history they write."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kamdash import decisions
from kamdash.decisions import Change, Draft, Rejected
from kamdash.identity import Actor, UserRole, require_role
from kamdash.models import Account, Designation, Proposal, ProposalChange, ProposalStatus
from kamdash.store.audit import record
from kamdash.store.core import bump_version, ensure_writable, read_frame

__all__ = ["DecisionRejected", "create_proposal", "decide_proposal", "load_designations",
           "load_proposal", "load_proposal_changes", "load_proposals", "record_designations"]

PROPOSE = "propose a key-account list"
SIGN_OFF = "sign off key-account decisions"


class DecisionRejected(Rejected):
    """A proposal or decision that cannot be saved; nothing was written."""


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = {int(i) for i in ids}
    if not ids:
        return {}
    return dict(session.exec(select(Account.id, Account.name).where(Account.id.in_(ids))).all())


def _add_designation(session: Session, actor: Actor, values: dict) -> None:
    """One designation row and its audit entry, in the caller's transaction."""
    designation = Designation(**values)
    session.add(designation)
    session.flush()
    record(session, actor, "create", "designation", designation.id,
           after={k: v for k, v in values.items() if k != "account_id"},
           account_id=designation.account_id)


def create_proposal(engine: Engine, actor: Actor, draft: Draft, changes: Iterable[Change],
                    title: str) -> int:
    """Save a proposal from ``draft`` with every promotion and demotion decided in
    ``changes``; returns its id. Leadership only (``Refused``); a demotion without a reason,
    a watch without a valid period, an undecided move or a bad title raises
    ``DecisionRejected``. One transaction with its audit entry; nothing written on refusal."""
    ensure_writable()
    require_role(actor, UserRole.LEADERSHIP, PROPOSE)
    changes = list(changes)
    with Session(engine) as session, session.begin():
        names = _names(session, [*draft.promotions, *draft.demotions,
                                 *(c.account_id for c in changes)])
        problems = [p for p in [decisions.title_problem(title)] if p]
        problems += [f"there is no account with id {a}" for a in
                     {*draft.promotions, *draft.demotions} - set(names)]
        problems += decisions.change_problems(draft, changes, names)
        if problems:
            raise DecisionRejected(problems)
        proposal = Proposal(title=title.strip(), status=ProposalStatus.open.value,
                            weights=json.dumps(draft.weights), rule=json.dumps(draft.rule),
                            ranking=json.dumps(draft.ranking), proposed_by=actor.email,
                            proposed_at=datetime.now(UTC))
        session.add(proposal)
        session.flush()
        for change in changes:
            session.add(ProposalChange(
                proposal_id=proposal.id, account_id=change.account_id, kind=change.kind,
                reason=(change.reason or "").strip() or None,
                watch_months=(int(change.watch_months)
                              if change.kind == "watch" else None)))
        record(session, actor, "create", "proposal", proposal.id,
               after={"title": proposal.title, "weights": draft.weights, "rule": draft.rule,
                      "changes": [c.__dict__ for c in changes]})
        bump_version(session)
        return int(proposal.id)


def decide_proposal(engine: Engine, actor: Actor, proposal_id: int, approve: bool,
                    effective_on: date, note: str = "", *, today: date,
                    four_eyes: bool = False) -> None:
    """Approve (write every change as a designation of ``effective_on``, with reason,
    decided_by and the proposal's id) or reject an open proposal, in one transaction with
    audit entries. Leadership only (``Refused``); a proposal that is not open, a decider
    who proposed it under ``four_eyes``, an effective date after ``today`` or before an
    affected account's latest designation, or a stored demotion without a reason raises
    ``DecisionRejected``. Nothing is written on refusal."""
    ensure_writable()
    require_role(actor, UserRole.LEADERSHIP, SIGN_OFF)
    with Session(engine) as session, session.begin():
        proposal = session.get(Proposal, int(proposal_id))
        if proposal is None:
            raise DecisionRejected([f"there is no proposal {proposal_id}"])
        problem = decisions.decision_problem(proposal.status, proposal.proposed_by,
                                             actor.email, four_eyes)
        if len(note.strip()) > decisions.REASON_MAX:
            problem = problem or (f"keep the note under {decisions.REASON_MAX} characters")
        if problem:
            raise DecisionRejected([problem])
        rows = session.scalars(select(ProposalChange).where(
            ProposalChange.proposal_id == proposal.id).order_by(ProposalChange.id)).all()
        changes = [Change(r.account_id, r.kind, r.reason, r.watch_months) for r in rows]
        before = {"status": proposal.status}
        if approve:
            draft = Draft({}, {}, [], tuple(c.account_id for c in changes if c.kind == "promote"),
                          tuple(c.account_id for c in changes if c.kind != "promote"))
            names = _names(session, [c.account_id for c in changes])
            problems = decisions.change_problems(draft, changes, names)
            latest = dict(session.exec(
                select(Designation.account_id, func.max(Designation.changed_on))
                .where(Designation.account_id.in_(list(names)))
                .group_by(Designation.account_id)).all())
            problem = decisions.effective_date_problem(
                effective_on, today, {names[a]: d for a, d in latest.items()})
            problems += [problem] if problem else []
            if problems:
                raise DecisionRejected(problems)
            for values in decisions.designations_on_approval(changes, effective_on,
                                                            proposal.id, actor.email):
                _add_designation(session, actor, values)
        proposal.status = (ProposalStatus.approved if approve else ProposalStatus.rejected).value
        proposal.decided_by = actor.email
        proposal.decided_at = datetime.now(UTC)
        proposal.decision_note = note.strip() or None
        proposal.effective_on = effective_on if approve else None
        session.add(proposal)
        record(session, actor, "update", "proposal", proposal.id, before=before,
               after={"status": proposal.status, "decided_by": actor.email,
                      "effective_on": proposal.effective_on, "note": proposal.decision_note})
        bump_version(session)


def load_proposals(engine: Engine) -> pd.DataFrame:
    """Proposals, newest first (index ``proposal_id``), with counts of their changes;
    ``weights`` and ``rule`` decoded to dicts."""
    counts = (select(ProposalChange.proposal_id, ProposalChange.kind,
                     func.count().label("n"))
              .group_by(ProposalChange.proposal_id, ProposalChange.kind))
    frame = read_frame(engine, select(
        Proposal.id.label("proposal_id"), Proposal.title, Proposal.status, Proposal.weights,
        Proposal.rule, Proposal.proposed_by, Proposal.proposed_at, Proposal.decided_by,
        Proposal.decided_at, Proposal.decision_note, Proposal.effective_on,
    ).order_by(Proposal.proposed_at.desc(), Proposal.id.desc())).set_index("proposal_id")
    per_kind = read_frame(engine, counts).pivot(index="proposal_id", columns="kind",
                                                values="n")
    for kind in ("promote", "demote", "watch"):
        frame[kind] = (per_kind[kind] if kind in per_kind else pd.Series(dtype=float)).reindex(
            frame.index).fillna(0).astype(int)
    frame["weights"] = frame["weights"].map(json.loads)
    frame["rule"] = frame["rule"].map(json.loads)
    for column in ("proposed_at", "decided_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["effective_on"] = pd.to_datetime(frame["effective_on"])
    return frame


def load_proposal(engine: Engine, proposal_id: int) -> dict | None:
    """One proposal with its ranking snapshot decoded (a list of [account_id, rank, score,
    would_be_key]); None when there is no such proposal."""
    with Session(engine) as session:
        proposal = session.get(Proposal, int(proposal_id))
        if proposal is None:
            return None
        out = proposal.model_dump()
    for key in ("weights", "rule", "ranking"):
        out[key] = json.loads(out[key])
    return out


def load_proposal_changes(engine: Engine, proposal_id: int | None = None) -> pd.DataFrame:
    """Changes of one proposal (or all): ``proposal_id``, ``account_id``, ``account``,
    ``kind``, ``reason``, ``watch_months``."""
    stmt = (select(ProposalChange.proposal_id, ProposalChange.account_id,
                   Account.name.label("account"), ProposalChange.kind, ProposalChange.reason,
                   ProposalChange.watch_months)
            .join(Account, Account.id == ProposalChange.account_id)
            .order_by(ProposalChange.proposal_id, ProposalChange.kind, Account.name))
    if proposal_id is not None:
        stmt = stmt.where(ProposalChange.proposal_id == int(proposal_id))
    return read_frame(engine, stmt)


def load_designations(engine: Engine, account_id: int | None = None) -> pd.DataFrame:
    """Designation history, oldest first: ``designation_id``, ``account_id``, ``is_key``,
    ``changed_on``, ``reason``, ``changed_by``, ``watch_until``, ``proposal_id``."""
    stmt = select(Designation.id.label("designation_id"), Designation.account_id,
                  Designation.is_key, Designation.changed_on, Designation.reason,
                  Designation.changed_by, Designation.watch_until, Designation.proposal_id
                  ).order_by(Designation.changed_on, Designation.id)
    if account_id is not None:
        stmt = stmt.where(Designation.account_id == int(account_id))
    frame = read_frame(engine, stmt)
    frame["is_key"] = frame["is_key"].astype(bool)
    for column in ("changed_on", "watch_until"):
        frame[column] = pd.to_datetime(frame[column])
    frame["proposal_id"] = frame["proposal_id"].astype("Int64")
    return frame


def record_designations(engine: Engine, actor: Actor, rows: Iterable[dict],
                        today: date) -> int:
    """Append designation rows (``account_id``, ``is_key``, ``changed_on``, ``reason``,
    ``watch_until``; decided by ``actor``) in one transaction with audit entries: the
    whole-frame write for decisions brought in from a file. Leadership only; any problem
    (``decisions.designation_problems``) raises ``DecisionRejected`` and nothing is written.
    Returns how many rows were added."""
    ensure_writable()
    require_role(actor, UserRole.LEADERSHIP, SIGN_OFF)
    rows = [dict(r) for r in rows]
    with Session(engine) as session, session.begin():
        names = _names(session, [r["account_id"] for r in rows])
        latest = select(Designation.account_id, Designation.is_key).order_by(
            Designation.changed_on, Designation.id)
        key_today = dict(session.exec(latest).all())
        problems = decisions.designation_problems(rows, names, key_today, today)
        if problems:
            raise DecisionRejected(problems)
        for r in rows:
            values = {"account_id": int(r["account_id"]), "is_key": bool(r["is_key"]),
                      "changed_on": r["changed_on"],
                      "reason": (str(r.get("reason") or "").strip() or None),
                      "changed_by": actor.email, "watch_until": r.get("watch_until"),
                      "proposal_id": None}
            _add_designation(session, actor, values)
        if rows:
            bump_version(session)
    return len(rows)
